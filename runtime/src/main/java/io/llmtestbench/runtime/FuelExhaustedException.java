package io.llmtestbench.runtime;

/** The execution used its whole instruction budget ({@code maxInstructions}); stopped at once. */
public final class FuelExhaustedException extends PluginExecutionException {
    private static final long serialVersionUID = 1L;

    public FuelExhaustedException(String plugin, long limit) {
        super(ErrorKind.FUEL_EXHAUSTED, plugin,
                "Plugin '" + plugin + "' exhausted its instruction budget of " + limit + " (FuelExhausted)", 0, limit, null);
    }
}
