package io.llmtestbench.bench;

import io.llmtestbench.runtime.PluginId;
import io.llmtestbench.runtime.PluginInput;
import io.llmtestbench.runtime.PluginSystem;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * A plugin system with the evaluator loaded (compiled on load, metered, default limits) and executed once,
 * shared by the threads of a benchmark.
 */
@State(Scope.Benchmark)
public class EvaluatorSystem {
    public PluginSystem system;
    public PluginId id;
    public PluginInput input;

    @Setup(Level.Trial)
    public void setup(BenchmarkParams params) {
        JvmFlags.requireAsDeclared(params);
        system = PluginSystem.builder().cacheDir(null).build();
        id = system.loadPlugin(BenchData.pluginWasm());
        input = PluginInput.of(BenchData.PLUGIN_INPUT);
        system.executePlugin(id, input);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        system.close();
    }
}
