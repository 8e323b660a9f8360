package io.llmtestbench.runtime;

/** Test access to what a {@link PluginSystem} keeps package-private, for tests in other packages. */
public final class PluginSystemProbe {
    private PluginSystemProbe() {}

    /** The idle instances in a loaded plugin version's pool. */
    public static int idleInstances(PluginSystem system, PluginId id) {
        return system.idleInstances(id);
    }
}
