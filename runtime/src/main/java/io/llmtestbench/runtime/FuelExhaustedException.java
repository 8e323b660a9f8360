package io.llmtestbench.runtime;

/** The execution used its whole instruction budget ({@code maxInstructions}); stopped at once. */
public final class FuelExhaustedException extends PluginExecutionException {
    private static final long serialVersionUID = 1L;

    private final long limit;

    /**
     * @param limit the budget ({@code maxInstructions})
     * @param charged fuel charged when it stopped: the limit plus the part of the last segment that crossed it
     * @param detail the message after the plugin's name: the budget, where it ran out and how to raise it
     */
    FuelExhaustedException(String plugin, long limit, long charged, String detail) {
        super(ErrorKind.FUEL_EXHAUSTED, plugin, detail, 0, charged, null);
        this.limit = limit;
    }

    /** The budget, {@code maxInstructions}. */
    public long limit() {
        return limit;
    }
}
