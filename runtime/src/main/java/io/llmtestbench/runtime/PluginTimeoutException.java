package io.llmtestbench.runtime;

/**
 * The execution passed its wall-clock deadline ({@code maxExecutionTimeMs}) — in guest code, in a host call, or
 * waiting for an instance — or the plugin reported a timeout itself ({@code RESULT_TIMEOUT}, then
 * {@link #resultCode()} is -3). Every {@link ErrorKind#TIMEOUT} is one of these.
 */
public final class PluginTimeoutException extends PluginExecutionException {
    private static final long serialVersionUID = 1L;

    PluginTimeoutException(String plugin, String detail, int resultCode, long fuelUsed, Throwable cause) {
        super(ErrorKind.TIMEOUT, plugin, detail, resultCode, fuelUsed, cause);
    }
}
