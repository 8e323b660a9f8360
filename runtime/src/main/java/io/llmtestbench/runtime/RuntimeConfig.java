package io.llmtestbench.runtime;

/**
 * Defaults for every plugin of a {@link PluginSystem}; each load may override them.
 *
 * @param limits the default resource limits
 * @param enableWasi whether plugins may import WASI preview 1 (with nothing granted beyond their permissions)
 */
public record RuntimeConfig(ResourceLimits limits, boolean enableWasi) {
    public static RuntimeConfig defaults() {
        return new RuntimeConfig(ResourceLimits.defaults(), false);
    }

    public RuntimeConfig withLimits(ResourceLimits l) {
        return new RuntimeConfig(l, enableWasi);
    }

    public RuntimeConfig withEnableWasi(boolean on) {
        return new RuntimeConfig(limits, on);
    }
}
