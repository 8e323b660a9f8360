package io.llmtestbench.runtime;

/**
 * The execution was still running — in guest code, in a host call such as {@code host_http_request}, or waiting
 * for an instance — when its {@link PluginSystem} was closed ({@link PluginSystem#close()}, or
 * {@link PluginSystem#close(java.time.Duration)} once the grace period was over), and was stopped at its next
 * metering check. Nothing is wrong with the plugin or the input: the same call on an open system may succeed.
 * Every {@link ErrorKind#CANCELLED} is one of these. Message: {@code Plugin '<plugin>' cancelled: the PluginSystem
 * was closed}.
 */
public final class PluginCancelledException extends PluginExecutionException {
    private static final long serialVersionUID = 1L;

    PluginCancelledException(String plugin, String detail, long fuelUsed, Throwable cause) {
        super(ErrorKind.CANCELLED, plugin, detail, 0, fuelUsed, cause);
    }
}
