package io.llmtestbench.runtime.internal;

import io.llmtestbench.runtime.LoadOptions;
import io.llmtestbench.runtime.PluginLoadException;
import io.llmtestbench.runtime.PluginMetadata;
import io.llmtestbench.runtime.ResourceLimits;
import io.llmtestbench.runtime.SystemOptions;
import io.llmtestbench.runtime.internal.load.ReferenceVerdicts;
import io.llmtestbench.runtime.internal.load.RememberedDeclarations;
import io.llmtestbench.runtime.internal.load.Reproduction;
import io.llmtestbench.runtime.internal.registry.Integrity;
import io.llmtestbench.runtime.internal.registry.PluginSources;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Turns a plugin read from its source into a started plugin version, not yet published: the SHA-256 pin, the code
 * (compiled, from the compile cache or from the jar), its checks and definition, the ABI check and the first
 * instance. Steps 1–5 of docs/architecture.md, "What happens on loadPlugin(path)".
 */
public final class PluginLoader {
    /** JVM-wide, so that a plugin id (and an audit line) names one load even across systems. */
    private static final AtomicLong SERIALS = new AtomicLong();

    private final SystemOptions system;
    private final PluginSources sources;
    private final InstancePermits permits;
    private final Watchdog watchdog;
    private final Cancellation cancellation;
    private final GuestThreads guests;
    /** Verdicts of LoadOptions.JarVerification.REPRODUCE, remembered by content for this system. */
    private final Reproduction reproduction;
    private final ReferenceVerdicts verdicts;
    /** The modules' declarations, remembered with the verdicts in the cache directory. */
    private final RememberedDeclarations declarations;

    public PluginLoader(SystemOptions system, PluginSources sources, InstancePermits permits, Watchdog watchdog,
            Cancellation cancellation, GuestThreads guests) {
        this.system = system;
        this.sources = sources;
        this.permits = permits;
        this.watchdog = watchdog;
        this.cancellation = cancellation;
        this.guests = guests;
        this.reproduction = new Reproduction(system.cacheDir(), system.compileLimits());
        this.verdicts = new ReferenceVerdicts(system.cacheDir());
        this.declarations = new RememberedDeclarations(system.cacheDir());
    }

    /** Loads and starts {@code c} (its first instance runs on a guest thread); the caller publishes the handle. */
    public PluginHandle load(PluginSources.Candidate c, LoadOptions options) {
        Integrity.checkPin(c.label, c.sha256, options.sha256(), c.digestOf);
        // verified content is compiled from the verified bytes: the compile cache is not covered by a pin or signature
        boolean verified = options.sha256() != null || c.signedBy != null;
        PluginSources.Compiled compiled = sources.compiled(c, !verified);
        if (options.jarVerification() == LoadOptions.JarVerification.REPRODUCE && compiled.origin().equals("jar")) {
            reproduction.check(c.label, compiled.entry());
        }
        LoadedCode code = LoadedCode.define(c.label, compiled.entry(), options.requireMetering(), verdicts, declarations);
        ResourceLimits limits = options.limits() != null ? options.limits() : system.defaultLimits();
        boolean checksProven = checksProven(compiled, verified || options.jarVerification() == LoadOptions.JarVerification.REPRODUCE);
        Supplier<LoadedPlugin> start = () -> LoadedPlugin.start(c.label, code, checksProven, options, limits,
                system.enableWasi(), permits, watchdog, guests, cancellation, SERIALS.incrementAndGet());
        LoadedPlugin plugin;
        if (checksProven) {
            plugin = guests.call(start);
        } else {
            // its start-up (plugin_init) may not stop at its deadline: wait for it that long plus the grace
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limits.maxExecutionTimeMs() + LoadedPlugin.OVERDUE_GRACE_MS);
            AtomicReference<LoadedPlugin> late = new AtomicReference<>();
            try {
                plugin = guests.callWithin(() -> {
                    LoadedPlugin p = start.get();
                    late.set(p);
                    return p;
                }, until, () -> { // the start-up ended after the caller gave up: nobody will use it
                    LoadedPlugin p = late.get();
                    if (p != null) {
                        p.close();
                    }
                });
            } catch (GuestThreads.Overdue o) {
                throw Failures.load(PluginLoadException.Stage.UNINSTANTIABLE, c.label, "its start-up did not stop at the"
                        + " deadline of " + limits.maxExecutionTimeMs() + " ms (" + LoadedPlugin.UNCHECKED
                        + "); it is left running on its thread", null);
            }
        }
        return new PluginHandle(plugin, c, compiled, options);
    }

    /**
     * A plugin's metadata, for discovery: one throw-away instance under the system's default limits, with no
     * permissions, that runs {@code _initialize} and {@code plugin_metadata} only. Call on a guest thread.
     */
    public PluginMetadata probe(PluginSources.Candidate c) {
        PluginSources.Compiled compiled = sources.compiled(c, c.signedBy == null);
        LoadedCode code = LoadedCode.define(c.label, compiled.entry(), true, verdicts, declarations);
        ResourceLimits limits = system.defaultLimits();
        if (checksProven(compiled, c.signedBy != null)) {
            return LoadedPlugin.probe(c.label, code, limits, system.enableWasi(), watchdog, cancellation);
        }
        // an unsigned jar's checks are a claim: its plugin_metadata must not hold the discovery (see LoadedPlugin)
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limits.maxExecutionTimeMs() + LoadedPlugin.OVERDUE_GRACE_MS);
        try {
            return guests.handOffWithin(() -> LoadedPlugin.probe(c.label, code, limits, system.enableWasi(), watchdog, cancellation),
                    until, () -> { });
        } catch (GuestThreads.Overdue o) {
            throw Failures.load(PluginLoadException.Stage.UNINSTANTIABLE, c.label, "its plugin_metadata did not stop at the"
                    + " deadline of " + limits.maxExecutionTimeMs() + " ms (" + LoadedPlugin.UNCHECKED
                    + "); it is left running on its thread", null);
        }
    }

    /**
     * Whether code checks its limits (see "Code whose checks are a claim" in {@link LoadedPlugin}): this runtime
     * compiled it (a {@code .wasm}, the compile cache), or someone vouched for the jar (a pin, a trusted signature, a
     * reproduction).
     */
    private static boolean checksProven(PluginSources.Compiled compiled, boolean vouchedFor) {
        return !compiled.origin().equals("jar") || vouchedFor;
    }

    /** How many times the class-reference check ran (tests prove verdicts are remembered and keyed by content). */
    public long referenceChecks() {
        return verdicts.checks();
    }

    /** How many loads built their module from remembered declarations instead of parsing it. */
    public long recalledDeclarations() {
        return declarations.recalled();
    }

    /** How many pre-compiled jars this loader compiled again to verify them (tests prove verdicts are remembered). */
    public long reproductions() {
        return reproduction.compilations();
    }
}
