package io.llmtestbench.runtime.internal.registry;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches plugin directories ({@link WatchService}: inotify on Linux; a polling fallback elsewhere, which can
 * take seconds) and reports the {@code .wasm}, {@code .jar} and {@code .sig} files created or modified, in
 * batches: once nothing has changed for the quiet period, so that a file being written is reported once,
 * complete. One daemon thread; {@link #close()} stops it.
 */
public final class DirectoryWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryWatcher.class);

    private final WatchService service;
    private final Thread thread;
    private final long quietMs;
    private final Consumer<Set<Path>> onChange;

    public DirectoryWatcher(List<Path> dirs, long quietMs, Consumer<Set<Path>> onChange) throws IOException {
        this.service = FileSystems.getDefault().newWatchService();
        this.quietMs = quietMs;
        this.onChange = onChange;
        try {
            for (Path dir : dirs) {
                dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            }
        } catch (IOException | RuntimeException e) {
            service.close();
            throw e;
        }
        this.thread = new Thread(this::run, "llmtb-plugin-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        Set<Path> changed = new LinkedHashSet<>();
        try {
            while (true) {
                WatchKey key = changed.isEmpty() ? service.take() : service.poll(quietMs, TimeUnit.MILLISECONDS);
                if (key == null) { // quiet: report the batch
                    Set<Path> batch = Set.copyOf(changed);
                    changed.clear();
                    try {
                        onChange.accept(batch);
                    } catch (RuntimeException e) {
                        LOG.warn("handling changed plugin files {} failed: {}", batch, e.toString());
                    }
                    continue;
                }
                Path dir = (Path) key.watchable();
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.context() instanceof Path) {
                        Path file = dir.resolve((Path) event.context());
                        String name = file.getFileName().toString();
                        if (name.endsWith(".wasm") || name.endsWith(".jar") || name.endsWith(".sig")) {
                            changed.add(file);
                        }
                    }
                }
                key.reset();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    @Override
    public void close() {
        try {
            service.close();
        } catch (IOException e) {
            LOG.debug("closing the plugin directory watcher: {}", e.toString());
        }
        thread.interrupt();
    }
}
