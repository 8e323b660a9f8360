package io.llmtestbench.runtime.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.llmtestbench.abi.PluginAbi;
import io.llmtestbench.compiler.internal.JsonTrees;
import io.llmtestbench.runtime.ErrorKind;
import io.llmtestbench.runtime.LoadOptions;
import io.llmtestbench.runtime.PluginException;
import io.llmtestbench.runtime.PluginLoadException.Stage;
import io.llmtestbench.runtime.PluginMetadata;
import io.llmtestbench.runtime.ResourceLimits;
import io.llmtestbench.runtime.internal.exec.Budget;
import io.llmtestbench.runtime.internal.exec.Interrupted;
import io.llmtestbench.runtime.internal.exec.MemoryCapExceededException;
import io.llmtestbench.runtime.internal.exec.TableCapExceededException;
import io.llmtestbench.runtime.internal.exec.PluginMemory;
import io.llmtestbench.runtime.internal.wasi.RefusalWarnings;
import io.llmtestbench.runtime.internal.wasi.WasiEnvironment;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and shuts down the instances of one plugin (docs/plugin-abi.md §5): instantiate (under the memory cap),
 * then the start-up run — {@code _initialize}, {@code plugin_metadata} (validated), {@code plugin_init(config)} —
 * with a fresh budget and its own deadline. A start-up that fails is a {@code PluginLoadException} at stage
 * {@link Stage#UNINSTANTIABLE} and its instance is dropped. Safe from several threads: the pool starts instances
 * concurrently once the plugin is loaded.
 */
final class InstanceStarter {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceStarter.class);

    private final String label;
    private final LoadedCode code;
    private final AbiCheck.Imports imports;
    private final LoadOptions options;
    private final ResourceLimits limits;
    private final byte[] config;
    private final PluginShared shared;
    private final Watchdog watchdog;
    private final Cancellation cancellation;
    private final MetadataValidator validator;
    /** One warning per path or variable WASI refuses this plugin, whichever instance asked. */
    private final RefusalWarnings wasiWarnings;
    /** What the first start-up read; later ones are validated again but keep it. */
    private volatile PluginMetadata metadata;

    /** The longest a {@code plugin_shutdown} run may take once the system is closing. */
    static final long SHUTDOWN_AT_CLOSE_MS = 100;

    InstanceStarter(String label, LoadedCode code, AbiCheck.Imports imports, LoadOptions options, ResourceLimits limits,
            Watchdog watchdog, Cancellation cancellation) {
        this.label = label;
        this.code = code;
        this.imports = imports;
        this.options = options;
        this.limits = limits;
        this.watchdog = watchdog;
        this.cancellation = cancellation;
        this.validator = new MetadataValidator(imports);
        try {
            this.config = JsonTrees.write(options.config());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        this.shared = new PluginShared(label, options.randomSeed(), PluginShared.DEFAULT_STATE_CAP, PluginShared.DEFAULT_LOG_CAP,
                NetworkPolicy.of(options.permissions().network(), options.permissions().allowedHosts()), limits.maxHttpResponseBytes());
        this.wasiWarnings = new RefusalWarnings(shared::logger);
    }

    /** The metadata the first start-up read, or null before it. */
    PluginMetadata metadata() {
        return metadata;
    }

    /** The plugin's name in messages: its metadata name once known, its file name before. */
    String name() {
        PluginMetadata m = metadata;
        return m != null ? m.name() : label;
    }

    /** A new instance, ready for executions: instantiated, {@code _initialize}d, its metadata checked, {@code plugin_init}ed. */
    GuestInstance start() {
        return run(true);
    }

    /** Only {@code _initialize} and {@code plugin_metadata}, in an instance dropped right after: discovery's probe. */
    PluginMetadata readMetadata() {
        run(false).close();
        return metadata;
    }

    /**
     * The shutdown run of an instance leaving the pool healthy: {@code plugin_shutdown} under the plugin's limits (its
     * deadline cut to {@value #SHUTDOWN_AT_CLOSE_MS} ms once the system is closing), whose failure is only logged.
     */
    void shutdown(GuestInstance g) {
        long ms = shutdownMs();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        g.shuttingDown();
        boolean unmetered = !code.stamp().metering();
        Watchdog.Alarm alarm = null;
        try {
            g.begin(limits.maxInstructions(), limits.maxCallDepth(), null, deadline);
            if (unmetered) {
                g.unmeteredRunner(Thread.currentThread());
            }
            Thread thread = Thread.currentThread();
            alarm = watchdog.arm(deadline - System.nanoTime(), () -> {
                g.budget().requestStop(Interrupted.Reason.DEADLINE);
                if (unmetered) {
                    thread.interrupt();
                }
            });
            g.callShutdown();
        } catch (RuntimeException | Error e) {
            PluginFaults.rethrowHostErrors(e);
            LOG.debug("plugin_shutdown of '{}' failed: {}", name(), e.toString());
        } finally {
            if (alarm != null) {
                alarm.cancel(false);
            }
            if (unmetered) {
                g.unmeteredRunner(null);
                Thread.interrupted();
            }
        }
    }

    /** How long a shutdown run may take: the plugin's deadline, cut once the system is closing. */
    long shutdownMs() {
        return cancellation.cancelled() ? Math.min(limits.maxExecutionTimeMs(), SHUTDOWN_AT_CLOSE_MS) : limits.maxExecutionTimeMs();
    }

    /** One start-up run under its own deadline alarm. */
    private GuestInstance run(boolean init) {
        Budget budget = new Budget(limits.maxInstructions(), limits.maxCallDepth());
        budget.tableElementsLeft = limits.maxTableElements();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limits.maxExecutionTimeMs());
        Watchdog.Alarm alarm = watchdog.arm(deadline - System.nanoTime(), () -> budget.requestStop(Interrupted.Reason.DEADLINE));
        try {
            return run(budget, deadline, init);
        } finally {
            alarm.cancel(false);
        }
    }

    private GuestInstance run(Budget budget, long deadline, boolean init) {
        int capPages = (int) Math.min(limits.maxMemoryBytes() / 65536, PluginMemory.MAX_PAGES);
        GuestInstance g;
        try {
            g = new GuestInstance(code, imports, wasiEnvironment(), shared, budget, capPages, deadline, cancellation, watchdog);
        } catch (MemoryCapExceededException e) {
            throw Failures.load(Stage.UNINSTANTIABLE, name(), e.getMessage() + " (maxMemoryBytes " + limits.maxMemoryBytes() + ")", e);
        } catch (TableCapExceededException e) {
            throw Failures.load(Stage.UNINSTANTIABLE, name(), e.getMessage(), e);
        } catch (PluginException e) {
            throw e;
        } catch (RuntimeException | Error e) {
            PluginFaults.rethrowHostErrors(e);
            throw Failures.load(Stage.UNINSTANTIABLE, name(), "instantiation failed: " + describe(e), e);
        }
        boolean unmetered = !code.stamp().metering();
        try {
            if (g.cancelled()) { // the system is closing: start nothing (registered, so a later cancel() stops it too)
                throw Failures.cancelled(name(), 0);
            }
            if (unmetered) {
                g.unmeteredRunner(Thread.currentThread());
            }
            g.callInitialize();
            PluginMetadata parsed = validator.parse(g.callMetadata(limits.maxOutputBytes()), name(), OutputCheck.maxValues(limits.maxOutputBytes()));
            if (metadata == null) {
                metadata = parsed;
                shared.rename(parsed.name()); // plugin_init's logs already carry the plugin's name
            }
            if (init) {
                int rc = g.callInit(config);
                if (rc != PluginAbi.RESULT_OK) {
                    throw Failures.load(Stage.UNINSTANTIABLE, name(),
                            "plugin_init failed with code: " + rc + " (" + PluginAbi.resultName(rc).orElse("undocumented result code") + ")"
                                    + withMessage(g.lastErrorLog()), null);
                }
            }
            return g;
        } catch (PluginException e) {
            g.close();
            throw e;
        } catch (GuestInstance.ResultCode rc) {
            g.close();
            throw Failures.load(Stage.UNINSTANTIABLE, name(),
                    "plugin_metadata failed with code: " + rc.code + " (" + PluginAbi.resultName(rc.code).orElse("undocumented result code") + ")"
                            + withMessage(rc.pluginMessage), null);
        } catch (RuntimeException | Error e) {
            PluginFaults.rethrowHostErrors(e);
            g.close();
            PluginException f = new FailureMapper(name(), limits).failure(e, g);
            if (f.kind() == ErrorKind.CANCELLED) {
                throw f; // not the plugin's fault: the system is closing
            }
            throw Failures.load(Stage.UNINSTANTIABLE, name(), "initialisation failed: " + f.getMessage(), f);
        } finally {
            if (unmetered) {
                g.unmeteredRunner(null);
                Thread.interrupted();
            }
        }
    }

    private static String describe(Throwable e) {
        return e.getMessage() != null && !(e instanceof Error) ? e.getMessage() : PluginFaults.describe(e);
    }

    /** The WASI world of a new instance (null when the plugin imports no WASI function). */
    private WasiEnvironment wasiEnvironment() {
        if (imports.wasiFunctions().isEmpty()) {
            return null;
        }
        return WasiEnvironment.create(options.permissions(), options.randomSeed(), shared::logger, wasiWarnings);
    }

    /** ": <the plugin's own message>", or nothing when it gave none. */
    private static String withMessage(String pluginMessage) {
        return pluginMessage == null || pluginMessage.isEmpty() ? "" : ": " + pluginMessage;
    }
}
