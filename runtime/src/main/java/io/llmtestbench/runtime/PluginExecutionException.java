package io.llmtestbench.runtime;

/**
 * An execution that failed. {@link ErrorKind#PLUGIN_ERROR}, {@link ErrorKind#TRAP}, {@link ErrorKind#MEMORY_LIMIT},
 * {@link ErrorKind#INVALID_OUTPUT} and {@link ErrorKind#PERMISSION_DENIED} are this class; a kind has a subclass
 * only when it carries data of its own or callers retry it: {@link PluginTimeoutException},
 * {@link FuelExhaustedException} (the budget), {@link RateLimitedException} (the rate),
 * {@link PluginCancelledException} (the system closed under it). Message:
 * {@code Plugin '<plugin>' <detail>}.
 */
public sealed class PluginExecutionException extends PluginException
        permits PluginTimeoutException, FuelExhaustedException, RateLimitedException, PluginCancelledException {
    private static final long serialVersionUID = 1L;
    private final int resultCode;
    private final long fuelUsed;

    PluginExecutionException(ErrorKind kind, String plugin, String detail, int resultCode, long fuelUsed, Throwable cause) {
        super(kind, plugin, detail, cause);
        this.resultCode = resultCode;
        this.fuelUsed = fuelUsed;
    }

    /**
     * The plugin's result code when the failure is one (docs/plugin-abi.md §7: {@link ErrorKind#PLUGIN_ERROR}, and
     * plugin-reported timeouts and out-of-memory), else 0.
     */
    public int resultCode() {
        return resultCode;
    }

    /** Fuel used up to the failure. */
    public long fuelUsed() {
        return fuelUsed;
    }
}
