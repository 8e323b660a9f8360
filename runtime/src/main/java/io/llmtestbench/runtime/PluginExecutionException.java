package io.llmtestbench.runtime;

/**
 * An execution that failed. {@link #kind()} tells which way; {@link #resultCode()} is the plugin's result
 * code for {@link ErrorKind#PLUGIN_ERROR} (and plugin-reported timeouts or out-of-memory), else 0.
 */
public class PluginExecutionException extends PluginException {
    private static final long serialVersionUID = 1L;
    private final int resultCode;
    private final long fuelUsed;

    public PluginExecutionException(ErrorKind kind, String plugin, String message, int resultCode, long fuelUsed, Throwable cause) {
        super(kind, plugin, message, cause);
        this.resultCode = resultCode;
        this.fuelUsed = fuelUsed;
    }

    public int resultCode() {
        return resultCode;
    }

    /** Fuel used up to the failure. */
    public long fuelUsed() {
        return fuelUsed;
    }
}
