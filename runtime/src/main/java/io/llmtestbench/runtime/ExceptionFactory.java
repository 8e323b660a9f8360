package io.llmtestbench.runtime;

import io.llmtestbench.runtime.internal.Failures;

/**
 * The runtime's internals create the public exceptions through {@link Failures}; this class, in the exceptions'
 * own package, is the one place that calls their package-private constructors. Installed when
 * {@link PluginException} is initialized.
 */
final class ExceptionFactory implements Failures.Factory {
    private ExceptionFactory() {}

    static void install() {
        Failures.install(new ExceptionFactory());
    }

    @Override
    public PluginLoadException load(PluginLoadException.Stage stage, String plugin, String detail, Throwable cause) {
        return new PluginLoadException(stage, plugin, detail, cause);
    }

    @Override
    public PluginException notLoaded(String plugin, String detail) {
        return new PluginException(ErrorKind.NOT_LOADED, plugin, detail, null);
    }

    @Override
    public PluginExecutionException execution(ErrorKind kind, String plugin, String detail, int resultCode, long fuelUsed,
            Throwable cause) {
        if (kind == ErrorKind.TIMEOUT) {
            return new PluginTimeoutException(plugin, detail, resultCode, fuelUsed, cause);
        }
        if (kind == ErrorKind.CANCELLED) {
            return new PluginCancelledException(plugin, detail, fuelUsed, cause);
        }
        return new PluginExecutionException(kind, plugin, detail, resultCode, fuelUsed, cause);
    }

    @Override
    public FuelExhaustedException fuelExhausted(String plugin, long limit, long charged, String detail) {
        return new FuelExhaustedException(plugin, limit, charged, detail);
    }

    @Override
    public RateLimitedException rateLimited(String plugin, double executionsPerSecond) {
        return new RateLimitedException(plugin, executionsPerSecond);
    }
}
