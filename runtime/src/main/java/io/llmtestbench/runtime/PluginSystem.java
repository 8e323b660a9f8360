package io.llmtestbench.runtime;

import io.llmtestbench.runtime.internal.Failures;
import io.llmtestbench.runtime.internal.GuestThreads;
import io.llmtestbench.runtime.internal.InstancePermits;
import io.llmtestbench.runtime.internal.LoadedCode;
import io.llmtestbench.runtime.internal.LoadedPlugin;
import io.llmtestbench.runtime.internal.PluginFaults;
import io.llmtestbench.runtime.internal.PluginHandle;
import io.llmtestbench.runtime.internal.load.Reproduction;
import io.llmtestbench.runtime.internal.registry.DirectoryWatcher;
import io.llmtestbench.runtime.internal.registry.Integrity;
import io.llmtestbench.runtime.internal.registry.PluginIndex;
import io.llmtestbench.runtime.internal.registry.PluginSources;
import io.llmtestbench.runtime.internal.registry.Semver;
import io.llmtestbench.runtime.internal.registry.VersionRange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 */
public final class PluginSystem implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PluginSystem.class);
    private final SystemOptions options;
    private final InstancePermits permits;
    private final ScheduledExecutorService watchdog;
    private final ExecutorService guests;
    private final PluginSources sources;
    /** Verdicts of LoadOptions.JarVerification.REPRODUCE, remembered by content for this system. */
    private final Reproduction reproduction;
    /** Loaded versions that admit executions. Updated, with {@link #current}, under {@link #routes}. */
    private final Map<PluginId, PluginHandle> plugins = new ConcurrentHashMap<>();
    /** The version executions by name go to. */
    private final Map<String, PluginHandle> current = new ConcurrentHashMap<>();
    /** Every handle not yet closed, retired ones draining included (their idle instances can be evicted). */
    private final Set<PluginHandle> live = ConcurrentHashMap.newKeySet();
    private final Object routes = new Object();
    /** JVM-wide, so that a {@link PluginId} (and an audit line) names one load even across systems. */
    private static final AtomicLong SERIALS = new AtomicLong();
    private volatile PluginIndex index;
    /** Set by {@link #watchPluginDirs()}, under {@link #routes}. */
    private DirectoryWatcher watcher;
    private volatile boolean closed;
    /** Set (under {@link #routes}) when close() starts: loads finishing after that are refused. */
    private boolean closing;

    private PluginSystem(SystemOptions options) {
        this.options = options;
        this.permits = new InstancePermits(options.maxInstances());
        permits.evictor(this::evictOneIdle);
        var timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "llmtb-watchdog");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        this.watchdog = timer;
        this.guests = GuestThreads.newPool("llmtb-guest");
        this.sources = new PluginSources(options.cacheDir(), options.signaturePolicy());
        this.reproduction = new Reproduction(options.cacheDir());
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

        private Builder() {}

        public Builder defaultLimits(ResourceLimits v) { defaultLimits = Objects.requireNonNull(v, "defaultLimits"); return this; }
        public Builder enableWasi(boolean v) { enableWasi = v; return this; }
        public Builder maxInstances(int v) { maxInstances = v; return this; }
        /** Where compiled modules are cached; null for no cache. */
        public Builder cacheDir(Path v) { cacheDir = v; return this; }
        public Builder signaturePolicy(SignaturePolicy v) { signaturePolicy = Objects.requireNonNull(v, "signaturePolicy"); return this; }
        public Builder pluginDirs(List<Path> v) { pluginDirs = List.copyOf(v); return this; }
        public Builder scanClasspath(boolean v) { scanClasspath = v; return this; }

        /**
         * Starts the system: its threads (a watchdog and a pool of guest threads, both daemon) run until
         * {@link PluginSystem#close()}.
         *
         * @throws IllegalArgumentException for an invalid option (e.g. {@code maxInstances} not positive)
         */
        public PluginSystem build() {
            return new PluginSystem(new SystemOptions(defaultLimits, enableWasi, maxInstances, cacheDir, signaturePolicy,
                    pluginDirs, scanClasspath));
        }
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
     * jar's index); it is ignored for a {@code .wasm}. Refused ({@link PluginLoadException.Stage#CONFLICTING})
     * when another plugin with the same name and version but a different module is loaded: unload it first, or
     * use {@link #reloadPlugin(Path, LoadOptions)}.
     *
     * @throws PluginLoadException naming the file and the reason
     */
    public PluginId loadPlugin(Path path, String artifactId, LoadOptions options) {
        ensureOpen();
        return start(sources.open(path, artifactId), options, false).id();
    }

    /** Loads the newest discovered version of the plugin called {@code name}, with default options. */
    public PluginId loadPlugin(String name) {
        return loadPlugin(name, null, LoadOptions.defaults());
    }

    /**
     * Loads the newest discovered version of {@code name} in {@code versionRange} (syntax: {@link #findPlugin(String,
     * String)}). Runs {@link #discover()} first if nothing was discovered yet.
     *
     * @throws PluginLoadException {@code NOT_FOUND} naming the versions found, {@code DUPLICATE} when that version
     *     is claimed by two different plugins, or any load failure
     */
    public PluginId loadPlugin(String name, String versionRange, LoadOptions options) {
        ensureOpen();
        PluginIndex idx = index();
        var found = idx.find(name, VersionRange.parse(versionRange)).orElseThrow(() -> notDiscovered(idx, name, versionRange));
        PluginSources.Candidate c = sources.open(found.getValue());
        if (!c.sha256.equals(found.getKey().sha256())) {
            throw new PluginLoadException(PluginLoadException.Stage.UNTRUSTED, name, c.source + " changed since it was discovered"
                    + " (SHA-256 was " + found.getKey().sha256() + ", is " + c.sha256 + "); call discover() again", null);
        }
        return start(c, options, false).id();
    }

    private PluginLoadException notDiscovered(PluginIndex idx, String name, String range) {
        List<String> versions = idx.versions(name);
        return new PluginLoadException(PluginLoadException.Stage.UNREADABLE, name, "no plugin named '" + name + "'"
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
        return start(sources.open(path, null), options, true).id();
    }

    /**
     * Hot reload by name: discovers again and reloads {@code name} from the newest version found, with the load
     * options of the current version (its SHA-256 pin, if any, dropped).
     *
     * @throws PluginException {@link ErrorKind#NOT_LOADED} when no version of {@code name} is loaded
     */
    public PluginId reloadPlugin(String name) {
        PluginHandle cur = current.get(name);
        if (cur == null) {
            throw notLoaded(name);
        }
        discover();
        PluginIndex idx = index();
        var found = idx.find(name, VersionRange.any()).orElseThrow(() -> notDiscovered(idx, name, null));
        PluginSources.Candidate c = sources.open(found.getValue());
        return start(c, cur.options().toBuilder().sha256(null).build(), true).id();
    }

    /** Checks, defines and starts a candidate, then publishes it (replacing the other versions of its name if asked). */
    private PluginHandle start(PluginSources.Candidate c, LoadOptions options, boolean replace) {
        Integrity.checkPin(c.label, c.sha256, options.sha256(), c.digestOf);
        // verified content is compiled from the verified bytes: the compile cache is not covered by a pin or signature
        boolean verified = options.sha256() != null || c.signedBy != null;
        PluginSources.Compiled compiled = sources.compiled(c, !verified);
        if (options.jarVerification() == LoadOptions.JarVerification.REPRODUCE && compiled.origin().equals("jar")) {
            reproduction.check(c.label, compiled.entry());
        }
        LoadedCode code = LoadedCode.define(c.label, compiled.entry(), options.requireMetering());
        ResourceLimits limits = options.limits() != null ? options.limits() : this.options.defaultLimits();
        LoadedPlugin plugin = runOnGuestThread(() -> LoadedPlugin.start(c.label, code, options, limits,
                this.options.enableWasi(), permits, watchdog, SERIALS.incrementAndGet()));
        PluginHandle handle = new PluginHandle(plugin, c.path, c.artifactId(), compiled.origin(), c.sha256, c.signedBy, options);
        String name = plugin.id().name();
        List<PluginHandle> replaced = new ArrayList<>();
        PluginException refused = null;
        synchronized (routes) {
            if (closing) {
                refused = new PluginLoadException(PluginLoadException.Stage.UNINSTANTIABLE, name, "the PluginSystem was closed during the load", null);
            } else if (!replace) {
                refused = sameVersionOtherContent(handle, c).orElse(null);
            }
            if (refused == null) {
                live.add(handle);
                plugins.put(plugin.id(), handle);
                if (replace) {
                    for (PluginHandle other : plugins.values()) {
                        if (other != handle && other.id().name().equals(name)) {
                            replaced.add(other);
                        }
                    }
                    replaced.forEach(r -> plugins.remove(r.id()));
                }
                route(name);
            }
        }
        if (refused != null) {
            runOnGuestThread(() -> {
                plugin.close();
                return null;
            });
            throw refused;
        }
        for (PluginHandle r : replaced) {
            retire(r);
        }
        return handle;
    }

    private Optional<PluginException> sameVersionOtherContent(PluginHandle handle, PluginSources.Candidate c) {
        String wasm = handle.plugin().code().stamp().wasmSha256();
        for (PluginHandle other : plugins.values()) {
            if (other.id().name().equals(handle.id().name()) && other.id().version().equals(handle.id().version())
                    && !other.plugin().code().stamp().wasmSha256().equals(wasm)) {
                return Optional.of(new PluginLoadException(PluginLoadException.Stage.CONFLICTING, handle.id().name(),
                        handle.id().name() + "@" + handle.id().version() + " is already loaded (" + other.id() + ") from " + other.source()
                                + " with module SHA-256 " + other.plugin().code().stamp().wasmSha256() + ", but " + c.source
                                + " claims the same name and version with module SHA-256 " + wasm
                                + "; unload the other first, give this one a new version, or use reloadPlugin to replace it", null));
            }
        }
        return Optional.empty();
    }

    /** Points executions by {@code name} at its newest loaded version (call under {@link #routes}). */
    private void route(String name) {
        Optional<PluginHandle> best = plugins.values().stream().filter(h -> h.id().name().equals(name))
                .max(Comparator.comparing((PluginHandle h) -> Semver.parse(h.id().version())).thenComparingLong(h -> h.id().serial()));
        if (best.isPresent()) {
            current.put(name, best.get());
        } else {
            current.remove(name);
        }
    }

    private void retire(PluginHandle h) {
        h.drained().thenRun(() -> live.remove(h));
        runOnGuestThread(() -> {
            h.retire();
            return null;
        });
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
     * @throws java.io.UncheckedIOException when a directory cannot be watched
     */
    public void watchPluginDirs() {
        synchronized (routes) {
            ensureOpen();
            if (watcher != null) {
                return;
            }
            try {
                watcher = new DirectoryWatcher(options.pluginDirs(), WATCH_QUIET_MS, this::filesChanged);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot watch the plugin directories " + options.pluginDirs() + ": " + e.getMessage(), e);
            }
        }
    }

    private static final long WATCH_QUIET_MS = 200;

    private void filesChanged(Set<Path> files) {
        if (closed) {
            return;
        }
        Set<Path> changed = new java.util.HashSet<>();
        files.forEach(f -> changed.add(f.toAbsolutePath().normalize()));
        for (PluginHandle h : new ArrayList<>(plugins.values())) {
            Path src = h.source() == null ? null : h.source().toAbsolutePath().normalize();
            if (src == null || h.retiring()
                    || !(changed.contains(src) || changed.contains(src.resolveSibling(src.getFileName() + ".sig")))) {
                continue;
            }
            try {
                PluginSources.Candidate c = sources.open(h.source(), h.artifactId());
                if (c.sha256.equals(h.sha256()) && Objects.equals(c.signedBy, h.signedBy())) {
                    continue; // touched, not changed
                }
                PluginId id = start(c, h.options().toBuilder().sha256(null).build(), true).id();
                LOG.info("reloaded {} from {} (was {})", id, h.source(), h.id());
            } catch (RuntimeException e) {
                LOG.warn("not reloading {} from {}; it keeps running: {}", h.id(), h.source(), e.getMessage());
            }
        }
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
        ClassLoader loader = context != null ? context : PluginSystem.class.getClassLoader();
        PluginIndex idx = runOnGuestThread(() -> scan(known, loader));
        index = idx;
        return new Discovery(idx.all(), idx.problems());
    }

    private PluginIndex scan(Map<String, PluginDescriptor> known, ClassLoader loader) {
        PluginIndex idx = PluginIndex.empty();
        for (Path dir : options.pluginDirs()) {
            List<Path> files;
            try (Stream<Path> list = Files.list(dir)) {
                files = list.filter(Files::isRegularFile).sorted().toList();
            } catch (IOException e) {
                idx.problem(new PluginLoadException(PluginLoadException.Stage.UNREADABLE, dir.toString(),
                        "cannot list plugin directory " + dir + ": " + e, e));
                continue;
            }
            for (Path f : files) {
                String n = f.getFileName().toString();
                if (n.endsWith(".wasm")) {
                    describe(idx, known, f.toString(), () -> sources.open(f, null));
                } else if (n.endsWith(".jar")) {
                    List<String> ids;
                    try {
                        ids = sources.ids(f);
                    } catch (PluginLoadException e) {
                        idx.problem(e);
                        continue;
                    }
                    for (String id : ids) {
                        describe(idx, known, f + " (plugin " + id + ")", () -> sources.open(f, id));
                    }
                }
            }
        }
        if (options.scanClasspath()) {
            for (String base : PluginSources.classpathArtifacts(loader)) {
                List<String> ids;
                try {
                    ids = sources.ids(base);
                } catch (PluginLoadException e) {
                    idx.problem(e);
                    continue;
                }
                for (String id : ids) {
                    describe(idx, known, PluginSources.describe(base) + " (plugin " + id + ")", () -> sources.open(base, id));
                }
            }
        }
        return idx;
    }

    private void describe(PluginIndex idx, Map<String, PluginDescriptor> known, String where, Supplier<PluginSources.Candidate> open) {
        try {
            PluginSources.Candidate c = open.get();
            PluginDescriptor seen = known.get(c.sha256);
            PluginMetadata metadata = seen != null ? seen.metadata() : probe(c);
            idx.add(new PluginDescriptor(metadata, c.source, c.artifactId(), c.sha256, c.wasmSha256, c.signedBy), c.locator);
        } catch (PluginLoadException e) {
            idx.problem(Failures.at(where, e));
        } catch (RuntimeException | Error e) {
            PluginFaults.rethrowHostErrors(e);
            idx.problem(Failures.load(PluginLoadException.Stage.UNINSTANTIABLE, where, "cannot read its metadata: " + PluginFaults.describe(e), e));
        }
    }

    private PluginMetadata probe(PluginSources.Candidate c) {
        PluginSources.Compiled compiled = sources.compiled(c, c.signedBy == null);
        LoadedCode code = LoadedCode.define(c.label, compiled.entry(), true);
        return LoadedPlugin.probe(c.label, code, options.defaultLimits(), options.enableWasi(), watchdog);
    }

    private PluginIndex index() {
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
     * Runs one execution and waits for it. Safe from any number of threads at once.
     *
     * @throws PluginExecutionException (or a subclass) when the plugin fails, with its {@link ErrorKind}
     * @throws PluginLoadException when a fresh instance the execution needed could not start
     * @throws PluginException {@link ErrorKind#NOT_LOADED} when {@code id} names no loaded plugin (never loaded here,
     *     unloaded, or replaced by a reload)
     */
    public PluginOutput executePlugin(PluginId id, PluginInput input) {
        PluginHandle h = handle(id);
        return runOnGuestThread(() -> run(h, input));
    }

    /** Runs one execution on a plugin thread; the future fails with the same exceptions as {@link #executePlugin}. */
    public CompletableFuture<PluginOutput> executePluginAsync(PluginId id, PluginInput input) {
        PluginHandle h = handle(id);
        return CompletableFuture.supplyAsync(() -> run(h, input), guests);
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
        return runOnGuestThread(() -> runCurrent(name, input));
    }

    /** {@link #executePlugin(String, PluginInput)} on a plugin thread. */
    public CompletableFuture<PluginOutput> executePluginAsync(String name, PluginInput input) {
        Objects.requireNonNull(name, "name");
        ensureOpen();
        return CompletableFuture.supplyAsync(() -> runCurrent(name, input), guests);
    }

    /** The version executions by {@code name} currently go to, if any is loaded. */
    public Optional<PluginId> currentVersion(String name) {
        return Optional.ofNullable(current.get(name)).map(PluginHandle::id);
    }

    private PluginOutput run(PluginHandle h, PluginInput input) {
        if (!h.tryEnter()) {
            throw unknown(h.id());
        }
        try {
            return h.execute(input);
        } finally {
            h.exit();
        }
    }

    private PluginOutput runCurrent(String name, PluginInput input) {
        while (true) {
            PluginHandle h = current.get(name);
            if (h == null) {
                throw notLoaded(name);
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
        return handle(id).plugin().metadata();
    }

    /** What the system knows about a loaded plugin. */
    public PluginInfo describePlugin(PluginId id) {
        PluginHandle h = handle(id);
        LoadedPlugin p = h.plugin();
        return new PluginInfo(id, p.metadata(), h.source(), h.origin(), p.code().stamp(), p.limits(),
                p.imports().hostFunctions(), p.imports().wasiFunctions(), p.code().interpretedFunctions());
    }

    /** Every loaded plugin. */
    public List<PluginId> listPlugins() {
        return new ArrayList<>(plugins.keySet());
    }

    /**
     * Unloads a plugin: new executions are refused, running ones finish, instances get {@code plugin_shutdown},
     * and its class loader becomes unreachable. Executions by name move to the next newest loaded version, if any.
     */
    public void unloadPlugin(PluginId id) {
        PluginHandle h;
        synchronized (routes) {
            h = plugins.remove(id);
            if (h == null) {
                throw unknown(id);
            }
            route(id.name());
        }
        retire(h);
    }

    /** The loaded version's class loader (tests prove it is collected after unload and reload). */
    ClassLoader classLoaderOf(PluginId id) {
        return handle(id).plugin().code().classLoader();
    }

    /** Executions of this loaded version in flight (tests use it to reload while one runs). */
    int inFlight(PluginId id) {
        return handle(id).inFlight();
    }

    /** How many pre-compiled jars this system compiled again to verify them (tests prove verdicts are remembered). */
    long reproductions() {
        return reproduction.compilations();
    }

    private PluginHandle handle(PluginId id) {
        PluginHandle h = plugins.get(id);
        if (h == null) {
            throw unknown(id);
        }
        return h;
    }

    private static PluginException unknown(PluginId id) {
        return new PluginException(ErrorKind.NOT_LOADED, String.valueOf(id), "no plugin loaded with id " + id, null);
    }

    private static PluginException notLoaded(String name) {
        return new PluginException(ErrorKind.NOT_LOADED, name,
                "no version of plugin '" + name + "' is loaded; load it with loadPlugin first", null);
    }

    private boolean evictOneIdle() {
        for (PluginHandle h : live) {
            if (h.plugin().evictIdle()) {
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
        List<PluginHandle> all;
        synchronized (routes) {
            closing = true;
            if (watcher != null) {
                watcher.close();
            }
            all = new ArrayList<>(plugins.values());
            plugins.clear();
            current.clear();
        }
        for (PluginHandle h : all) {
            try {
                retire(h);
            } catch (RuntimeException ignored) {
                // keep closing the others
            }
        }
        closed = true;
        guests.shutdown();
        watchdog.shutdownNow();
    }
}
