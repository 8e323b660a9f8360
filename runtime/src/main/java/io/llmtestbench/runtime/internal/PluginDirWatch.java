package io.llmtestbench.runtime.internal;

import io.llmtestbench.compiler.PluginSignature;
import io.llmtestbench.runtime.LoadOptions;
import io.llmtestbench.runtime.PluginId;
import io.llmtestbench.runtime.internal.registry.DirectoryWatcher;
import io.llmtestbench.runtime.internal.registry.PluginSources;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot reload from the plugin directories: when the file a loaded plugin came from (or its signature) is written with
 * new content, that plugin is reloaded from it with the load options it had, its SHA-256 pin dropped. A file that
 * fails to load or to verify is logged at WARN and the running version stays.
 */
public final class PluginDirWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("io.llmtestbench.runtime.PluginSystem");
    /** How long a file must stay unwritten before it is read: editors and copies write in several steps. */
    private static final long QUIET_MS = 200;

    private final PluginRoutes routes;
    private final PluginSources sources;
    private final BiFunction<PluginSources.Candidate, LoadOptions, PluginId> reload;
    private final Runnable afterChanges;
    private final DirectoryWatcher watcher;

    /**
     * @param reload loads a candidate and makes it the only version of its name
     * @param afterChanges runs after each batch of changes (the system refreshes its discovery index)
     */
    public PluginDirWatch(List<Path> dirs, PluginRoutes routes, PluginSources sources,
            BiFunction<PluginSources.Candidate, LoadOptions, PluginId> reload, Runnable afterChanges) throws IOException {
        this.routes = routes;
        this.sources = sources;
        this.reload = reload;
        this.afterChanges = afterChanges;
        this.watcher = new DirectoryWatcher(dirs, QUIET_MS, this::changed);
    }

    private void changed(Set<Path> files) {
        Set<Path> changed = new HashSet<>();
        files.forEach(f -> changed.add(f.toAbsolutePath().normalize()));
        for (PluginHandle h : routes.loaded()) {
            Path src = h.source() == null ? null : h.source().toAbsolutePath().normalize();
            if (src == null || h.retiring()
                    || !(changed.contains(src) || changed.contains(src.resolveSibling(src.getFileName() + PluginSignature.SUFFIX)))) {
                continue;
            }
            try {
                PluginSources.Candidate c = sources.open(h.source(), h.artifactId());
                if (c.sha256.equals(h.sha256()) && Objects.equals(c.signedBy, h.signedBy())) {
                    continue; // touched, not changed
                }
                PluginId id = reload.apply(c, h.options().toBuilder().sha256(null).build());
                LOG.info("reloaded {} from {} (was {})", id, h.source(), h.id());
            } catch (RuntimeException e) {
                LOG.warn("not reloading {} from {}; it keeps running: {}", h.id(), h.source(), e.getMessage());
            }
        }
        afterChanges.run();
    }

    @Override
    public void close() {
        watcher.close();
    }
}
