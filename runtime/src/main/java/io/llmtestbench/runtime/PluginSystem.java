package io.llmtestbench.runtime;

import io.llmtestbench.compiler.CompilationException;
import io.llmtestbench.compiler.CompiledModule;
import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.compiler.PluginArtifact;
import io.llmtestbench.compiler.WasmCompiler;
import io.llmtestbench.runtime.internal.GuestThreads;
import io.llmtestbench.runtime.internal.InstancePermits;
import io.llmtestbench.runtime.internal.LoadedCode;
import io.llmtestbench.runtime.internal.LoadedPlugin;
import io.llmtestbench.runtime.internal.CompileCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The plugin system: loads WebAssembly plugins (compiling them ahead of time to JVM classes, or taking them
 * pre-compiled from a jar), runs them under hard limits, and unloads them. Thread-safe; one per
 * application is typical. Costs: {@link #loadPlugin} compiles (tens to hundreds of milliseconds, once per
 * file thanks to the cache) and creates one instance; {@link #executePlugin} reuses pooled instances and
 * costs a few microseconds beyond the plugin's own work.
 *
 * <pre>{@code
 * try (PluginSystem system = PluginSystem.create()) {
 *     PluginId id = system.loadPlugin(Path.of("similarity-evaluator.wasm"));
 *     PluginOutput out = system.executePlugin(id, PluginInput.of("{\"text\":\"Paris\",\"expected\":\"Paris\"}"));
 * }
 * }</pre>
 */
public final class PluginSystem implements AutoCloseable {
    private final ManagerConfig config;
    private final RegistryConfig registry;
    private final InstancePermits permits;
    private final ScheduledExecutorService watchdog;
    private final ExecutorService guests;
    private final Map<PluginId, Loaded> plugins = new ConcurrentHashMap<>();
    private final AtomicLong serials = new AtomicLong();
    private volatile boolean closed;

    private record Loaded(LoadedPlugin plugin, Path source, String origin) {}

    private PluginSystem(ManagerConfig config, RegistryConfig registry) {
        this.config = Objects.requireNonNull(config, "config");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.permits = new InstancePermits(config.maxConcurrentPlugins());
        permits.evictor(this::evictOneIdle);
        var timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "llmtb-watchdog");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        this.watchdog = timer;
        this.guests = GuestThreads.newPool("llmtb-guest");
    }

    /** A system with {@link ManagerConfig#defaults()}. */
    public static PluginSystem create() {
        return new PluginSystem(ManagerConfig.defaults(), RegistryConfig.defaults());
    }

    public static PluginSystem withConfig(ManagerConfig config, RegistryConfig registry) {
        return new PluginSystem(config, registry);
    }

    public ManagerConfig config() {
        return config;
    }

    public RegistryConfig registryConfig() {
        return registry;
    }

    /** Loads a {@code .wasm} file or a pre-compiled plugin jar holding exactly one plugin, with default options. */
    public PluginId loadPlugin(Path path) {
        return loadPlugin(path, LoadOptions.defaults());
    }

    /** Loads a {@code .wasm} file or a pre-compiled plugin jar holding exactly one plugin. */
    public PluginId loadPlugin(Path path, LoadOptions options) {
        return loadPlugin(path, null, options);
    }

    /**
     * Loads one plugin. For a jar holding several plugins, {@code artifactId} names which (its id in the
     * jar's index); it is ignored for a {@code .wasm}.
     *
     * @throws PluginLoadException naming the file and the reason
     */
    public PluginId loadPlugin(Path path, String artifactId, LoadOptions options) {
        ensureOpen();
        String label = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new PluginLoadException(PluginLoadException.Reason.NOT_FOUND, label, "no such file: " + path, e);
        } catch (IOException e) {
            throw new PluginLoadException(PluginLoadException.Reason.NOT_FOUND, label, "cannot read " + path + ": " + e.getMessage(), e);
        }
        PluginArtifact.Entry entry;
        String origin;
        if (isWasm(bytes)) {
            String sha = WasmCompiler.sha256(bytes);
            CompileCache cache = config.cacheDir() == null ? null : new CompileCache(config.cacheDir());
            var cached = cache == null ? java.util.Optional.<PluginArtifact.Entry>empty() : cache.get(sha, true);
            if (cached.isPresent()) {
                entry = cached.get();
                origin = "cache";
            } else {
                CompiledModule module = compile(label, bytes);
                entry = PluginArtifact.Entry.of(PluginArtifact.idFor(label), label, module);
                if (cache != null) {
                    cache.put(entry.id(), label, module);
                }
                origin = "compiled";
            }
        } else if (isZip(bytes)) {
            List<PluginArtifact.Entry> entries;
            try {
                entries = PluginArtifact.readJar(path);
            } catch (IOException | RuntimeException e) {
                throw new PluginLoadException(PluginLoadException.Reason.NOT_A_PLUGIN, label, e.getMessage(), e);
            }
            entry = pick(label, entries, artifactId);
            origin = "jar";
        } else {
            throw new PluginLoadException(PluginLoadException.Reason.NOT_A_PLUGIN, label,
                    "not a WebAssembly module (no \\0asm header) nor a pre-compiled plugin jar", null);
        }
        return start(label, path, entry, origin, options);
    }

    private static PluginArtifact.Entry pick(String label, List<PluginArtifact.Entry> entries, String artifactId) {
        if (artifactId != null) {
            return entries.stream().filter(e -> e.id().equals(artifactId)).findFirst().orElseThrow(() ->
                    new PluginLoadException(PluginLoadException.Reason.NOT_FOUND, label, "no plugin '" + artifactId + "' in this jar; it holds "
                            + entries.stream().map(PluginArtifact.Entry::id).toList(), null));
        }
        if (entries.size() != 1) {
            throw new PluginLoadException(PluginLoadException.Reason.NOT_A_PLUGIN, label, "the jar holds " + entries.size()
                    + " plugins " + entries.stream().map(PluginArtifact.Entry::id).toList() + "; name one with loadPlugin(path, id, options)", null);
        }
        return entries.get(0);
    }

    private PluginId start(String label, Path source, PluginArtifact.Entry entry, String origin, LoadOptions options) {
        LoadedCode code = LoadedCode.define(label, entry, options.requireMetering());
        ResourceLimits limits = options.limits() != null ? options.limits() : config.runtimeConfig().limits();
        LoadedPlugin plugin = runOnGuestThread(() -> LoadedPlugin.start(label, code, options, limits,
                config.runtimeConfig().enableWasi(), permits, watchdog, serials.incrementAndGet()));
        plugins.put(plugin.id(), new Loaded(plugin, source, origin));
        return plugin.id();
    }

    private static CompiledModule compile(String label, byte[] wasm) {
        try {
            return WasmCompiler.compile(wasm, CompilerOptions.defaults());
        } catch (CompilationException e) {
            PluginLoadException.Reason reason;
            switch (e.kind()) {
                case MALFORMED: reason = PluginLoadException.Reason.MALFORMED; break;
                case INVALID: reason = PluginLoadException.Reason.INVALID; break;
                case UNSUPPORTED: reason = PluginLoadException.Reason.UNSUPPORTED_FEATURE; break;
                default: reason = PluginLoadException.Reason.INVALID; break;
            }
            throw new PluginLoadException(reason, label, e.getMessage(), e);
        }
    }

    static boolean isWasm(byte[] b) {
        return b.length >= 4 && b[0] == 0 && b[1] == 'a' && b[2] == 's' && b[3] == 'm';
    }

    static boolean isZip(byte[] b) {
        return b.length >= 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4;
    }

    /**
     * Runs one execution and waits for it. Safe from any number of threads at once.
     *
     * @throws PluginExecutionException (or a subclass) when the plugin fails, with its {@link ErrorKind}
     */
    public PluginOutput executePlugin(PluginId id, PluginInput input) {
        LoadedPlugin plugin = plugin(id);
        return runOnGuestThread(() -> plugin.execute(input));
    }

    /** Runs one execution on a plugin thread; the future fails with the same exceptions as {@link #executePlugin}. */
    public CompletableFuture<PluginOutput> executePluginAsync(PluginId id, PluginInput input) {
        LoadedPlugin plugin = plugin(id);
        return CompletableFuture.supplyAsync(() -> plugin.execute(input), guests);
    }

    /**
     * Runs a task on a plugin-execution thread (large stack); {@link #executePlugin} calls made from it run
     * inline, without a thread hand-off. Batch drivers use it to run whole pipelines per record.
     */
    public <T> CompletableFuture<T> submit(Supplier<T> task) {
        ensureOpen();
        return CompletableFuture.supplyAsync(task, guests);
    }

    private <T> T runOnGuestThread(Supplier<T> task) {
        if (GuestThreads.isGuestThread()) {
            return task.get();
        }
        ensureOpen();
        Future<T> f = guests.submit(task::get);
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException) {
                throw (RuntimeException) c;
            }
            if (c instanceof Error) {
                throw (Error) c;
            }
            throw new IllegalStateException(c);
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a plugin", e);
        }
    }

    /** The metadata a loaded plugin declared. */
    public PluginMetadata getMetadata(PluginId id) {
        return plugin(id).metadata();
    }

    /** What the system knows about a loaded plugin. */
    public PluginInfo describePlugin(PluginId id) {
        Loaded l = loaded(id);
        LoadedPlugin p = l.plugin();
        return new PluginInfo(id, p.metadata(), l.source(), l.origin(), p.code().stamp(), p.limits(),
                p.imports().hostFunctions(), p.imports().wasiFunctions(), p.code().interpretedFunctions());
    }

    /** Every loaded plugin. */
    public List<PluginId> listPlugins() {
        return new ArrayList<>(plugins.keySet());
    }

    /**
     * Unloads a plugin: new executions are refused, running ones finish, instances get {@code plugin_shutdown},
     * and its class loader becomes unreachable.
     */
    public void unloadPlugin(PluginId id) {
        Loaded l = plugins.remove(id);
        if (l == null) {
            throw unknown(id);
        }
        runOnGuestThread(() -> {
            l.plugin().close();
            return null;
        });
    }

    private LoadedPlugin plugin(PluginId id) {
        return loaded(id).plugin();
    }

    private Loaded loaded(PluginId id) {
        Loaded l = plugins.get(id);
        if (l == null) {
            throw unknown(id);
        }
        return l;
    }

    private static PluginExecutionException unknown(PluginId id) {
        return new PluginExecutionException(ErrorKind.INVALID_PLUGIN, String.valueOf(id), "no plugin loaded with id " + id, 0, 0, null);
    }

    private boolean evictOneIdle() {
        for (Loaded l : plugins.values()) {
            if (l.plugin().evictIdle()) {
                return true;
            }
        }
        return false;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this PluginSystem is closed");
        }
    }

    /** Unloads every plugin and stops the system's threads. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        for (PluginId id : listPlugins()) {
            try {
                unloadPlugin(id);
            } catch (RuntimeException ignored) {
                // keep closing the others
            }
        }
        closed = true;
        guests.shutdown();
        watchdog.shutdownNow();
    }
}
