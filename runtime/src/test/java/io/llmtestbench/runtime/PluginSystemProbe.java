package io.llmtestbench.runtime;

/** Test access to what a {@link PluginSystem} keeps package-private, for tests in other packages. */
public final class PluginSystemProbe {
    private PluginSystemProbe() {}

    /** How many times the system ran the class-reference check (not counting remembered verdicts). */
    public static long referenceChecks(PluginSystem system) {
        return system.referenceChecks();
    }

    /** How many loads built their module from declarations remembered in the cache directory. */
    public static long recalledDeclarations(PluginSystem system) {
        return system.recalledDeclarations();
    }

    /** Brings a loaded plugin version's pool to at least {@code n} instances. */
    public static void startInstances(PluginSystem system, PluginId id, int n) {
        system.startInstances(id, n);
    }

    /** The idle instances in a loaded plugin version's pool. */
    public static int idleInstances(PluginSystem system, PluginId id) {
        return system.idleInstances(id);
    }
}
