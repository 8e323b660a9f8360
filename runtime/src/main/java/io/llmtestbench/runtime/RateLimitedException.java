package io.llmtestbench.runtime;

/**
 * The call was refused because the plugin's rate limit ({@link LoadOptions#maxExecutionsPerSecond()}) was
 * reached; nothing ran. Kind {@link ErrorKind#RATE_LIMITED}. Retrying later succeeds.
 */
public final class RateLimitedException extends PluginExecutionException {
    private static final long serialVersionUID = 1L;
    private final double limit;

    RateLimitedException(String plugin, double executionsPerSecond) {
        super(ErrorKind.RATE_LIMITED, plugin, "rate limited: more than " + format(executionsPerSecond)
                + " executions per second (LoadOptions.maxExecutionsPerSecond)", 0, 0, null);
        this.limit = executionsPerSecond;
    }

    /** The limit, in executions per second. */
    public double limit() {
        return limit;
    }

    static String format(double v) {
        return v == Math.rint(v) && v < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }
}
