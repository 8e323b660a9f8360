package io.llmtestbench.runtime.internal;

import io.llmtestbench.runtime.ErrorKind;
import io.llmtestbench.runtime.FuelExhaustedException;
import io.llmtestbench.runtime.PluginException;
import io.llmtestbench.runtime.PluginExecutionException;
import io.llmtestbench.runtime.PluginLoadException;
import io.llmtestbench.runtime.PluginLoadException.Stage;
import io.llmtestbench.runtime.RateLimitedException;

/**
 * How the runtime's internals create the public exceptions, whose constructors are package-private (only the
 * runtime raises them). The public package installs the {@link Factory} when {@link PluginException} is
 * initialized; {@link #factory()} makes sure that happened.
 */
public final class Failures {
    /** Implemented in the exceptions' package ({@code ExceptionFactory}). */
    public interface Factory {
        PluginLoadException load(Stage stage, String plugin, String detail, Throwable cause);

        PluginException notLoaded(String plugin, String detail);

        /** An execution failure of {@code kind}, as the class that reports that kind (a timeout is a {@code PluginTimeoutException}). */
        PluginExecutionException execution(ErrorKind kind, String plugin, String detail, int resultCode, long fuelUsed, Throwable cause);

        /** @param detail the budget's message: {@code exhausted its instruction budget of N in <phase> (FuelExhausted); raise it ...} */
        FuelExhaustedException fuelExhausted(String plugin, long limit, long charged, String detail);

        RateLimitedException rateLimited(String plugin, double executionsPerSecond);
    }

    private static volatile Factory factory;

    private Failures() {}

    /** Called once, by {@code PluginException}'s static initializer. */
    public static void install(Factory f) {
        synchronized (Failures.class) {
            if (factory != null) {
                throw new IllegalStateException("the exception factory is installed already");
            }
            factory = f;
        }
    }

    private static Factory factory() {
        Factory f = factory;
        if (f == null) {
            try {
                Class.forName(PluginException.class.getName(), true, PluginException.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            f = factory;
        }
        return f;
    }

    /** A load refused at {@code stage}; the message is {@code Failed to load WASM module: <plugin>: <detail>}. */
    public static PluginLoadException load(Stage stage, String plugin, String detail, Throwable cause) {
        return factory().load(stage, plugin, detail, cause);
    }

    /** The same refusal, its detail prefixed with where the plugin was found (discovery reports many at once). */
    public static PluginLoadException at(String where, PluginLoadException e) {
        return e.detail().contains(where) ? e : load(e.stage(), e.plugin(), where + ": " + e.detail(), e);
    }

    /** No loaded plugin answers to {@code plugin} (an id or a name); the message is {@code detail}. */
    public static PluginException notLoaded(String plugin, String detail) {
        return factory().notLoaded(plugin, detail);
    }

    /** An execution failure; the message is {@code Plugin '<plugin>' <detail>}. */
    public static PluginExecutionException execution(ErrorKind kind, String plugin, String detail, int resultCode, long fuelUsed,
            Throwable cause) {
        return factory().execution(kind, plugin, detail, resultCode, fuelUsed, cause);
    }

    /** The execution's trap, limit or ABI violation; no result code. */
    public static PluginExecutionException execution(ErrorKind kind, String plugin, String detail, long fuelUsed, Throwable cause) {
        return execution(kind, plugin, detail, 0, fuelUsed, cause);
    }

    /** How to raise the deadline, in every place it is set. */
    public static final String RAISE_TIMEOUT =
            "raise it with ResourceLimits.maxExecutionTimeMs, llmtb --timeout-ms or a pipeline's limits.timeout_ms";
    /** How to raise the instruction budget, in every place it is set. */
    public static final String RAISE_FUEL =
            "raise it with ResourceLimits.maxInstructions, llmtb --max-instructions or a pipeline's limits.max_instructions";
    /** How to raise the output limit, in every place it is set. */
    public static final String RAISE_OUTPUT =
            "raise it with ResourceLimits.maxOutputBytes, llmtb --max-output-bytes or a pipeline's limits.max_output_bytes";

    /**
     * The deadline passed outside any plugin function (waiting for an instance): {@code Plugin '<plugin>' timeout after
     * <ms>ms (<during>); raise it with ...}.
     */
    public static PluginExecutionException timeout(String plugin, long timeoutMs, String during, long fuelUsed, Throwable cause) {
        return timeout(plugin, timeoutMs, null, during, fuelUsed, cause);
    }

    /**
     * The deadline passed: {@code Plugin '<plugin>' timeout after <ms>ms in <phase> (<during>); raise it with ...}, the
     * original guide's "timeout after 30000ms" first, then where it happened (the ABI function running, when one was),
     * what was waiting when it was not guest code, and the settings that raise the deadline.
     *
     * @param phase the ABI function that was running ({@code plugin_init}, {@code plugin_execute}...), or null
     */
    public static PluginExecutionException timeout(String plugin, long timeoutMs, String phase, String during, long fuelUsed,
            Throwable cause) {
        return execution(ErrorKind.TIMEOUT, plugin, "timeout after " + timeoutMs + "ms" + in(phase)
                + (during == null ? "" : " (" + during + ")") + "; " + RAISE_TIMEOUT, 0, fuelUsed, cause);
    }

    /** " in <phase>", or nothing when no ABI function was running. */
    static String in(String phase) {
        return phase == null ? "" : " in " + phase;
    }

    /** The system was closed while the execution ran: {@code Plugin '<plugin>' cancelled: the PluginSystem was closed}. */
    public static PluginExecutionException cancelled(String plugin, long fuelUsed) {
        return execution(ErrorKind.CANCELLED, plugin, "cancelled: the PluginSystem was closed", 0, fuelUsed, null);
    }

    /** What every call on a closed system throws (one message, documented on {@code PluginSystem.close}). */
    public static IllegalStateException closed() {
        return new IllegalStateException(CLOSED);
    }

    /** The message of {@link #closed()}. */
    public static final String CLOSED = "this PluginSystem is closed";

    public static FuelExhaustedException fuelExhausted(String plugin, long limit, long charged) {
        return fuelExhausted(plugin, limit, charged, null);
    }

    /**
     * The instruction budget ran out: {@code Plugin '<plugin>' exhausted its instruction budget of <limit> in <phase>
     * (FuelExhausted); raise it with ...}.
     *
     * @param phase the ABI function that was running, or null
     */
    public static FuelExhaustedException fuelExhausted(String plugin, long limit, long charged, String phase) {
        return factory().fuelExhausted(plugin, limit, charged,
                "exhausted its instruction budget of " + limit + in(phase) + " (FuelExhausted); " + RAISE_FUEL);
    }

    public static RateLimitedException rateLimited(String plugin, double executionsPerSecond) {
        return factory().rateLimited(plugin, executionsPerSecond);
    }
}
