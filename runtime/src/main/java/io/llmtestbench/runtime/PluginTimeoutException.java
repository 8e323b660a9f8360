package io.llmtestbench.runtime;

/** The execution passed its wall-clock deadline ({@code maxExecutionTimeMs}). */
public final class PluginTimeoutException extends PluginExecutionException {
    private static final long serialVersionUID = 1L;

    public PluginTimeoutException(String plugin, long timeoutMs, long fuelUsed) {
        super(ErrorKind.TIMEOUT, plugin, "Plugin '" + plugin + "' timeout after " + timeoutMs + "ms", 0, fuelUsed, null);
    }
}
