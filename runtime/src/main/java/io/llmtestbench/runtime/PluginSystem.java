package io.llmtestbench.runtime;

import io.llmtestbench.compiler.CompileLimits;
import io.llmtestbench.runtime.internal.Cancellation;
import io.llmtestbench.runtime.internal.Failures;
import io.llmtestbench.runtime.internal.GuestThreads;
import io.llmtestbench.runtime.internal.InstancePermits;
import io.llmtestbench.runtime.internal.LoadedPlugin;
import io.llmtestbench.runtime.internal.PluginDirWatch;
import io.llmtestbench.runtime.internal.PluginHandle;
import io.llmtestbench.runtime.internal.PluginLoader;
import io.llmtestbench.runtime.internal.PluginRoutes;
import io.llmtestbench.runtime.internal.Watchdog;
import io.llmtestbench.runtime.internal.registry.DiscoveryScanner;
import io.llmtestbench.runtime.internal.registry.PluginIndex;
import io.llmtestbench.runtime.internal.registry.PluginSources;
import io.llmtestbench.runtime.internal.registry.VersionRange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugin system: loads WebAssembly plugins (compiling them ahead of time to JVM classes, or taking them
 * pre-compiled from a jar), runs them under hard limits, and unloads them. Thread-safe; one per
 * application is typical. Costs: {@link #loadPlugin} compiles (tens to hundreds of milliseconds, once per
 * file thanks to the cache) and creates one instance; {@link #executePlugin} reuses pooled instances, runs on the
 * calling thread when it can, and costs a few microseconds beyond the plugin's own work.
 *
 * <pre>{@code
 * try (PluginSystem system = PluginSystem.create()) {
 *     PluginId id = system.loadPlugin(Path.of("similarity-evaluator.wasm"));
 *     PluginOutput out = system.executePlugin(id, PluginInput.of("{\"text\":\"Paris\",\"expected\":\"Paris\"}"));
 * }
 * }</pre>
 *
 * <p><b>By name.</b> {@link #discover()} finds plugins in the {@link SystemOptions#pluginDirs()} and on the
 * class path; {@link #findPlugin(String, String)} picks the newest version in a range and
 * {@link #loadPlugin(String, String, LoadOptions)} loads it. {@link #executePlugin(String, PluginInput)} runs
 * the <em>current</em> version of a loaded plugin: the newest loaded version of that name (the latest load
 * when two have the same version).
 *
 * <p><b>Hot reload.</b> {@link #reloadPlugin(Path, LoadOptions)} loads a new version and makes it the only one:
 * executions already running finish on the old version, new ones go to the new version, none fails; the old
 * version is unloaded once its last execution ends, and its class loader can then be collected.
 * {@link #watchPluginDirs()} does it when a loaded plugin's file changes.
 *
 * <p><b>Integrity and audit.</b> {@link LoadOptions#sha256()} pins a plugin's digest, the
 * {@link SystemOptions#signaturePolicy()} checks Ed25519 signatures, {@link LoadOptions#maxExecutionsPerSecond()}
 * rate-limits it, and every execution is logged to {@code llmtb.audit} (see docs/security.md).
 *
 * <p><b>Closing.</b> {@link #close()} ends every execution still running with {@link ErrorKind#CANCELLED} within
 * about 100 ms (plus the time the plugin takes to reach its next metering check) and returns once they have ended;
 * {@link #close(Duration)} lets them finish first, up to a grace period. After that every method but
 * {@link #options()} and {@code close} throws {@code IllegalStateException("this PluginSystem is closed")}.
 */
public final class PluginSystem implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PluginSystem.class);

    private final SystemOptions options;
    private final GuestThreads guests = new GuestThreads("llmtb-guest");
    private final Watchdog watchdog = new Watchdog("llmtb-watchdog");
    private final Cancellation cancellation = new Cancellation();
    private final PluginRoutes routes = new PluginRoutes();
    /** The futures of {@code executePluginAsync} not yet done ({@link #tracked}). */
    private final Set<CompletableFuture<?>> pendingAsync = ConcurrentHashMap.newKeySet();
    private final PluginSources sources;
    private final PluginLoader loader;
    private final DiscoveryScanner scanner;
    /** The last discovery's result; null until {@link #discover()} first runs. */
    private volatile PluginIndex index;
    /** Guards {@link #watch} and {@link #closed}'s change: a watch is started only while open, and closed by close(). */
    private final Object lifecycle = new Object();
    private PluginDirWatch watch;
    private volatile boolean closed;

    private PluginSystem(SystemOptions options) {
        this.options = options;
        InstancePermits permits = new InstancePermits(options.maxInstances(), cancellation);
        permits.evictor(routes::evictOneIdle);
        this.sources = new PluginSources(options.cacheDir(), options.signaturePolicy(), options.compileLimits());
        this.loader = new PluginLoader(options, sources, permits, watchdog, cancellation, guests);
        this.scanner = new DiscoveryScanner(sources, loader::probe);
    }

    /** A system with every default ({@link SystemOptions}). */
    public static PluginSystem create() {
        return builder().build();
    }

    /** Starts configuring a system; unset values take the defaults of {@link SystemOptions}. */
    public static Builder builder() {
        return new Builder();
    }

    /** How this system was set up. */
    public SystemOptions options() {
        return options;
    }

    /** Builds a {@link PluginSystem}: each setter takes the {@link SystemOptions} component of the same name. */
    public static final class Builder {
        private ResourceLimits defaultLimits = ResourceLimits.defaults();
        private boolean enableWasi;
        private int maxInstances = SystemOptions.DEFAULT_MAX_INSTANCES;
        private Path cacheDir = SystemOptions.defaultCacheDir();
        private SignaturePolicy signaturePolicy = SignaturePolicy.none();
        private List<Path> pluginDirs = List.of();
        private boolean scanClasspath = true;
        private CompileLimits compileLimits = CompileLimits.defaults();

        private Builder() {}

        public Builder defaultLimits(ResourceLimits v) { defaultLimits = Objects.requireNonNull(v, "defaultLimits"); return this; }
        public Builder enableWasi(boolean v) { enableWasi = v; return this; }
        public Builder maxInstances(int v) { maxInstances = v; return this; }
        /** Where compiled modules are cached; null for no cache. */
        public Builder cacheDir(Path v) { cacheDir = v; return this; }
        public Builder signaturePolicy(SignaturePolicy v) { signaturePolicy = Objects.requireNonNull(v, "signaturePolicy"); return this; }
        public Builder pluginDirs(List<Path> v) { pluginDirs = List.copyOf(v); return this; }
        public Builder scanClasspath(boolean v) { scanClasspath = v; return this; }
        public Builder compileLimits(CompileLimits v) { compileLimits = Objects.requireNonNull(v, "compileLimits"); return this; }

        /**
         * Starts the system: its threads (a watchdog and a pool of guest threads, both daemon) run until
         * {@link PluginSystem#close()}.
         *
         * @throws IllegalArgumentException for an invalid option (e.g. {@code maxInstances} not positive)
         */
        public PluginSystem build() {
            return new PluginSystem(new SystemOptions(defaultLimits, enableWasi, maxInstances, cacheDir, signaturePolicy,
                    pluginDirs, scanClasspath, compileLimits));
        }
    }

    // ---- loading --------------------------------------------------------------------------------------------

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
     * jar's index); it is ignored for a {@code .wasm}. Refused ({@link PluginLoadException.Stage#CONFLICTING})
     * when another plugin with the same name and version but a different module is loaded: unload it first, or
     * use {@link #reloadPlugin(Path, LoadOptions)}.
     *
     * @throws PluginLoadException naming the file, the stage and the reason
     */
    public PluginId loadPlugin(Path path, String artifactId, LoadOptions options) {
        ensureOpen();
        return start(sources.open(path, artifactId), options, false);
    }

    /** Loads the newest discovered version of the plugin called {@code name}, with default options. */
    public PluginId loadPlugin(String name) {
        return loadPlugin(name, null, LoadOptions.defaults());
    }

    /**
     * Loads the newest discovered version of {@code name} in {@code versionRange} (syntax: {@link #findPlugin(String,
     * String)}). Runs {@link #discover()} first if nothing was discovered yet.
     *
     * @throws PluginLoadException {@code UNREADABLE} naming the versions found, {@code CONFLICTING} when that version
     *     is claimed by two different plugins, {@code UNTRUSTED} when its file changed since discovery, or any load
     *     failure
     */
    public PluginId loadPlugin(String name, String versionRange, LoadOptions options) {
        ensureOpen();
        return start(discovered(name, versionRange), options, false);
    }

    /** The discovered source of the newest {@code name} in the range, read again and checked against the index. */
    private PluginSources.Candidate discovered(String name, String versionRange) {
        PluginIndex idx = index();
        var found = idx.find(name, VersionRange.parse(versionRange)).orElseThrow(() -> notDiscovered(idx, name, versionRange));
        PluginSources.Candidate c = sources.open(found.getValue());
        if (!c.sha256.equals(found.getKey().sha256())) {
            throw Failures.load(PluginLoadException.Stage.UNTRUSTED, name, c.source + " changed since it was discovered"
                    + " (SHA-256 was " + found.getKey().sha256() + ", is " + c.sha256 + "); call discover() again", null);
        }
        return c;
    }

    private PluginLoadException notDiscovered(PluginIndex idx, String name, String range) {
        List<String> versions = idx.versions(name);
        return Failures.load(PluginLoadException.Stage.UNREADABLE, name, "no plugin named '" + name + "'"
                + (range != null && !range.isBlank() ? " in version range '" + range + "'" : "") + " was discovered"
                + (versions.isEmpty() ? "" : " (versions found: " + String.join(", ", versions) + ")")
                + "; searched " + (options.pluginDirs().isEmpty() ? "no directories" : options.pluginDirs().toString())
                + (options.scanClasspath() ? " and the class path" : "") + "; call discover() again after adding plugins", null);
    }

    /**
     * Hot reload: loads this file (as {@link #loadPlugin(Path, LoadOptions)} would) and makes it the only loaded
     * version of its name. Executions already running on other versions finish there; new executions by name
     * go to this one; nothing fails. Each replaced version stops admitting executions by id, is unloaded when
     * its last execution ends, and its class loader becomes unreachable. If the load fails, nothing changes.
     */
    public PluginId reloadPlugin(Path path, LoadOptions options) {
        ensureOpen();
        return start(sources.open(path, null), options, true);
    }

    /**
     * Hot reload by name: discovers again and reloads {@code name} from the newest version found, with the load
     * options of the current version (its SHA-256 pin, if any, dropped).
     *
     * @throws PluginException {@link ErrorKind#NOT_LOADED} when no version of {@code name} is loaded
     */
    public PluginId reloadPlugin(String name) {
        ensureOpen();
        PluginHandle cur = routes.current(name);
        if (cur == null) {
            throw PluginRoutes.notLoaded(name);
        }
        discover();
        return start(discovered(name, null), cur.options().toBuilder().sha256(null).build(), true);
    }

    /** Loads and starts a candidate, then publishes it (replacing the other versions of its name if asked). */
    private PluginId start(PluginSources.Candidate c, LoadOptions options, boolean replace) {
        PluginHandle handle;
        try {
            handle = loader.load(c, options);
        } catch (RuntimeException e) {
            if (closed) { // closed during the load, whose start-up was cancelled
                throw Failures.closed();
            }
            throw e;
        }
        List<PluginHandle> replaced;
        try {
            replaced = routes.publish(handle, replace);
        } catch (PluginException | IllegalStateException e) {
            try {
                guests.call(() -> {
                    handle.plugin().close();
                    return null;
                });
            } catch (IllegalStateException closedMeanwhile) {
                handle.plugin().close();
            }
            throw e;
        }
        replaced.forEach(this::retire);
        return handle.id();
    }

    /** Retires an unpublished version: it drains on its own; the last execution out closes it. */
    private void retire(PluginHandle h) {
        h.drained().thenRun(() -> routes.forget(h));
        guests.call(() -> {
            h.retire();
            return null;
        });
    }

    /**
     * Unloads a plugin: new executions are refused, running ones finish, instances get {@code plugin_shutdown},
     * and its class loader becomes unreachable. Executions by name move to the next newest loaded version, if any.
     *
     * @throws PluginException {@link ErrorKind#NOT_LOADED} when {@code id} is not loaded
     */
    public void unloadPlugin(PluginId id) {
        ensureOpen();
        retire(routes.unpublish(id));
    }

    /**
     * Watches the {@link SystemOptions#pluginDirs()}: when the file a loaded plugin was loaded from (or its
     * {@code .sig}) is written with new content, that plugin is reloaded from it as {@link #reloadPlugin(Path,
     * LoadOptions)} would, with the load options it had (its SHA-256 pin dropped), about 200 ms after the last write.
     * If the new content fails to load or to verify, the failure is logged (WARN, this class's logger) and the
     * running version stays. The {@link #discover()} index, once built, is refreshed too. Watching uses the
     * platform's {@code WatchService} (inotify on Linux; elsewhere it may poll every few seconds) and one daemon
     * thread; it stops at {@link #close()}. Calling it again does nothing.
     *
     * @throws UncheckedIOException when a directory cannot be watched
     */
    public void watchPluginDirs() {
        synchronized (lifecycle) {
            ensureOpen();
            if (watch != null) {
                return;
            }
            try {
                watch = new PluginDirWatch(options.pluginDirs(), routes, sources, (c, o) -> start(c, o, true), this::refreshIndex);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot watch the plugin directories " + options.pluginDirs() + ": " + e.getMessage(), e);
            }
        }
    }

    private void refreshIndex() {
        if (index != null && !closed) {
            try {
                discover();
            } catch (RuntimeException e) {
                LOG.warn("refreshing the plugin index failed: {}", e.toString());
            }
        }
    }

    // ---- discovery ------------------------------------------------------------------------------------------

    /**
     * Scans the {@link SystemOptions#pluginDirs()} ({@code *.wasm} and {@code *.jar}, not recursively) and, if
     * enabled, every {@code META-INF/llmtb/index.json} on the class path, and replaces the index that
     * {@link #findPlugin} and {@link #loadPlugin(String)} use. Never throws for one bad candidate: it is reported in
     * {@link Discovery#problems()}.
     *
     * <p>Cost: each plugin's metadata comes from running its {@code plugin_metadata}, so a plugin seen for the first
     * time is compiled (a {@code .wasm}; the compile cache serves later runs) or has its classes checked and defined
     * (a jar), and one throw-away instance runs {@code _initialize} and {@code plugin_metadata} (not
     * {@code plugin_init}). Its class loader is dropped right after. Content already read by an earlier discovery
     * (same SHA-256) is only hashed and checked against the signature policy.
     */
    public Discovery discover() {
        ensureOpen();
        PluginIndex previous = index;
        Map<String, PluginDescriptor> known = previous == null ? Map.of() : previous.byDigest();
        ClassLoader context = Thread.currentThread().getContextClassLoader(); // the caller's, not the guest thread's
        ClassLoader classpath = !options.scanClasspath() ? null : context != null ? context : PluginSystem.class.getClassLoader();
        PluginIndex idx = guests.call(() -> scanner.scan(options.pluginDirs(), classpath, known));
        ensureOpen(); // closed meanwhile: its probes were cancelled, so the result means nothing
        index = idx;
        return new Discovery(idx.all(), idx.problems());
    }

    private PluginIndex index() {
        ensureOpen();
        PluginIndex idx = index;
        if (idx == null) {
            discover();
            idx = index;
        }
        return idx;
    }

    /** The newest discovered version of {@code name} (runs {@link #discover()} first if it never ran). */
    public Optional<PluginDescriptor> findPlugin(String name) {
        return findPlugin(name, null);
    }

    /**
     * The newest discovered version of {@code name} in {@code versionRange}: {@code null} or {@code *} (any),
     * {@code 1.2.3} or {@code =1.2.3} (exactly), {@code 1.2} ({@code >=1.2.0 <1.3.0}), {@code ^1.2.3}
     * ({@code >=1.2.3 <2.0.0}; {@code ^0.2.3}: {@code <0.3.0}), {@code ~1.2.3} ({@code >=1.2.3 <1.3.0}), and
     * {@code >=}, {@code >}, {@code <=}, {@code <} comparators, space-separated ones all applying
     * ({@code >=1.2 <3}). Pre-releases match only a range naming a pre-release of the same version.
     *
     * @throws IllegalArgumentException for a malformed range
     * @throws PluginLoadException ({@code DUPLICATE}) when that version is claimed by two different plugins
     */
    public Optional<PluginDescriptor> findPlugin(String name, String versionRange) {
        return index().find(name, VersionRange.parse(versionRange)).map(Map.Entry::getKey);
    }

    /** Every discovered plugin of this type, by name then newest version first. */
    public List<PluginDescriptor> findPlugins(PluginType type) {
        return index().byType(type);
    }

    /** Every discovered plugin declaring this capability (metadata {@code capabilities}), by name then newest version first. */
    public List<PluginDescriptor> findPluginsWithCapability(String capability) {
        return index().byCapability(capability);
    }

    // ---- execution ------------------------------------------------------------------------------------------

    /**
     * Runs one execution and waits for it. Safe from any number of threads at once. It starts on the calling thread
     * when an instance is idle, and moves to a plugin thread (large stack) before the plugin does anything the
     * caller's thread may not be fit for: a host function with an effect (state, HTTP, random numbers, WASI), more
     * than 256 nested calls, or a stack overflow. Nothing of the first attempt is visible then (its instance is
     * discarded, log lines are held back until the run ends), and that plugin version's later calls go to plugin
     * threads directly. Limits, results and failures are the same either way.
     *
     * @throws PluginExecutionException (or a subclass) when the plugin fails, with its {@link ErrorKind}
     * @throws PluginLoadException when a fresh instance the execution needed could not start
     * @throws PluginException {@link ErrorKind#NOT_LOADED} when {@code id} names no loaded plugin (never loaded here,
     *     unloaded, or replaced by a reload)
     */
    public PluginOutput executePlugin(PluginId id, PluginInput input) {
        ensureOpen();
        return run(routes.get(id), input);
    }

    /** Runs one execution on a plugin thread; the future fails with the same exceptions as {@link #executePlugin}. */
    public CompletableFuture<PluginOutput> executePluginAsync(PluginId id, PluginInput input) {
        ensureOpen();
        PluginHandle h = routes.get(id);
        return tracked(guests.async(() -> run(h, input)));
    }

    /**
     * Runs one execution with the input (and context) already serialized, and returns the plugin's output bytes
     * unparsed: no JSON tree is built on either side, so a batch driver can pass one plugin's output on to the next
     * plugin as it is. {@code data} must be the JSON value the plugin should receive and {@code context} (or null)
     * the JSON object {@code host_get_context} returns; they are handed over byte for byte, not checked (they come
     * from the host). The output gets the same checks as {@link #executePlugin(PluginId, PluginInput)}'s (UTF-8, one
     * JSON value; {@link ErrorKind#INVALID_OUTPUT} otherwise), and failures, limits, rate limits and audit are the
     * same.
     */
    public PluginBytesOutput executePluginBytes(PluginId id, byte[] data, byte[] context) {
        Objects.requireNonNull(data, "data");
        PluginHandle h = routes.get(id);
        if (!h.tryEnter()) {
            throw PluginRoutes.notLoaded(h.id());
        }
        try {
            return h.executeBytes(data, context);
        } finally {
            h.exit();
        }
    }

    /**
     * Runs one execution on the current version of the loaded plugin called {@code name} (see the class comment),
     * and waits for it. During a hot reload each execution runs entirely on one version.
     *
     * @throws PluginException {@link ErrorKind#NOT_LOADED} when no version of {@code name} is loaded; otherwise as
     *     {@link #executePlugin(PluginId, PluginInput)}
     */
    public PluginOutput executePlugin(String name, PluginInput input) {
        Objects.requireNonNull(name, "name");
        ensureOpen();
        return runCurrent(name, input);
    }

    /** {@link #executePlugin(String, PluginInput)} on a plugin thread. */
    public CompletableFuture<PluginOutput> executePluginAsync(String name, PluginInput input) {
        Objects.requireNonNull(name, "name");
        ensureOpen();
        return tracked(guests.async(() -> runCurrent(name, input)));
    }

    /** The version executions by {@code name} currently go to, if any is loaded. */
    public Optional<PluginId> currentVersion(String name) {
        ensureOpen();
        return Optional.ofNullable(routes.current(name)).map(PluginHandle::id);
    }

    private PluginOutput run(PluginHandle h, PluginInput input) {
        if (!h.tryEnter()) {
            routes.ensureOpen();
            throw PluginRoutes.notLoaded(h.id());
        }
        try {
            return h.execute(input);
        } finally {
            h.exit();
        }
    }

    private PluginOutput runCurrent(String name, PluginInput input) {
        while (true) {
            PluginHandle h = routes.current(name);
            if (h == null) {
                throw PluginRoutes.notLoaded(name);
            }
            if (h.tryEnter()) {
                try {
                    return h.execute(input);
                } finally {
                    h.exit();
                }
            }
            // retired between the lookup and the admission: the route has already moved on
            Thread.onSpinWait();
        }
    }

    /**
     * Runs a task on a plugin-execution thread (large stack); {@link #executePlugin} calls made from it run
     * inline, without a thread hand-off. Batch drivers use it to run whole pipelines per record.
     */
    public <T> CompletableFuture<T> submit(Supplier<T> task) {
        ensureOpen();
        return guests.async(task);
    }

    // ---- what is loaded -------------------------------------------------------------------------------------

    /** The metadata a loaded plugin declared. */
    public PluginMetadata getMetadata(PluginId id) {
        ensureOpen();
        return routes.get(id).plugin().metadata();
    }

    /** What the system knows about a loaded plugin. */
    public PluginInfo describePlugin(PluginId id) {
        ensureOpen();
        PluginHandle h = routes.get(id);
        LoadedPlugin p = h.plugin();
        return new PluginInfo(id, p.metadata(), h.source(), h.origin(), p.code().stamp(), p.limits(),
                p.imports().hostFunctions(), p.imports().wasiFunctions(), h.compilation());
    }

    /** Every loaded plugin. */
    public List<PluginId> listPlugins() {
        ensureOpen();
        return routes.loaded().stream().map(PluginHandle::id).toList();
    }

    /** The loaded version's class loader (tests prove it is collected after unload and reload). */
    ClassLoader classLoaderOf(PluginId id) {
        return routes.get(id).plugin().code().classLoader();
    }

    /** Executions of this loaded version in flight (tests use it to reload while one runs). */
    int inFlight(PluginId id) {
        return routes.get(id).inFlight();
    }

    /** Brings a loaded version's pool to at least {@code n} instances (footprint tests). */
    void startInstances(PluginId id, int n) {
        PluginHandle h = routes.get(id);
        guests.call(() -> {
            h.plugin().startInstances(n);
            return null;
        });
    }

    /** The idle instances of a loaded version (tests count the live instances of an idle plugin). */
    int idleInstances(PluginId id) {
        return routes.get(id).plugin().idleInstances();
    }

    /** How many times the class-reference check ran (tests prove its verdicts are remembered and keyed by content). */
    long referenceChecks() {
        return loader.referenceChecks();
    }

    /** How many calls were handed over to a plugin thread and waited for (tests prove which calls run on the caller's thread). */
    long handoffs() {
        return guests.handoffs();
    }

    /** How many loads built their module from remembered declarations (tests prove a recall parses nothing). */
    long recalledDeclarations() {
        return loader.recalledDeclarations();
    }

    /** How many pre-compiled jars this system compiled again to verify them (tests prove verdicts are remembered). */
    long reproductions() {
        return loader.reproductions();
    }

    private void ensureOpen() {
        if (closed) {
            throw Failures.closed();
        }
    }

    /** How long {@link #close(Duration)} waits for cancelled executions that do not reach a check (host code that blocks). */
    private static final long STRAGGLERS_NANOS = TimeUnit.SECONDS.toNanos(2);

    /** {@link #close(Duration)} with no grace period: executions still running are cancelled at once. */
    @Override
    public void close() {
        close(Duration.ZERO);
    }

    /**
     * Closes this system, in this order:
     * <ol>
     *   <li>Every later call — {@code executePlugin} and {@code executePluginAsync} by id or by name, {@code submit},
     *       {@code loadPlugin}, {@code reloadPlugin}, {@code unloadPlugin}, {@code discover}, {@code findPlugin*},
     *       {@code watchPluginDirs}, {@code listPlugins}, {@code getMetadata}, {@code describePlugin},
     *       {@code currentVersion} — throws {@code IllegalStateException("this PluginSystem is closed")}; so does a
     *       load or discovery still running when it is cancelled (step 3). Directory watching stops.</li>
     *   <li>Executions in flight may finish, for up to {@code grace}.</li>
     *   <li>Those still running are cancelled: each stops at its next metering check (every 32,767 units of fuel:
     *       microseconds of compiled code), while waiting in {@code host_http_request} within 50 ms, while waiting
     *       for an instance within 10 ms, and fails with {@link PluginCancelledException}
     *       ({@link ErrorKind#CANCELLED}); so does an instance's start-up ({@code plugin_init}) running for one.
     *       Every caller blocked in {@code executePlugin} is released with that exception, every future completes
     *       with it. An execution that does not stop (blocked in host code that never checks) is waited for at most
     *       2 s, then logged at WARN and left behind.</li>
     *   <li>Every loaded version is unloaded: each idle instance gets {@code plugin_shutdown}, cut off after 100 ms
     *       (a {@code plugin_shutdown} is best effort: docs/plugin-abi.md §4), and the system's threads stop.</li>
     * </ol>
     * Calling it again, or while it runs, does nothing.
     *
     * @param grace how long executions in flight may take to finish before they are cancelled; {@link Duration#ZERO}
     *     cancels them at once
     * @throws IllegalArgumentException for a negative grace period
     */
    public void close(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace must not be negative: " + grace);
        }
        long graceEnd = System.nanoTime() + saturatedNanos(grace);
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            if (watch != null) {
                watch.close();
            }
        }
        routes.closeAll().forEach(PluginHandle::stopAdmitting);
        awaitNoneInFlight(graceEnd);
        cancellation.cancel();
        if (!awaitNoneInFlight(System.nanoTime() + STRAGGLERS_NANOS)) {
            LOG.warn("close(): executions of {} did not stop within 2 s of being cancelled (blocked outside plugin code?);"
                    + " closing without them", routes.live().stream().filter(h -> h.inFlight() > 0).map(h -> h.id().toString()).toList());
        }
        for (PluginHandle h : routes.live()) {
            try {
                retire(h);
            } catch (RuntimeException e) {
                LOG.debug("closing {} failed: {}", h.id(), e.toString()); // keep closing the others
            }
        }
        cancellation.stopShutdowns();
        guests.shutdown();
        watchdog.shutdown();
    }

    private static long saturatedNanos(Duration d) {
        try {
            return Math.min(d.toNanos(), Long.MAX_VALUE / 4);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }

    /**
     * An execution's future is completed on its plugin thread just after the execution leaves its plugin's in-flight
     * count: kept here until it is done, so that {@link #close} returns only when every future it cancelled has
     * completed (as its documentation says), not a moment before.
     */
    private <T> CompletableFuture<T> tracked(CompletableFuture<T> f) {
        pendingAsync.add(f);
        f.whenComplete((r, e) -> pendingAsync.remove(f));
        return f;
    }

    /**
     * Waits until no version has an execution in flight and every execution's future is done, or the deadline; true
     * when so.
     */
    private boolean awaitNoneInFlight(long deadlineNanos) {
        while (true) {
            if (routes.live().stream().allMatch(h -> h.inFlight() == 0) && pendingAsync.stream().allMatch(CompletableFuture::isDone)) {
                return true;
            }
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(1)));
        }
    }
}
