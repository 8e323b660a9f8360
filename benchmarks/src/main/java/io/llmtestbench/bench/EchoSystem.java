package io.llmtestbench.bench;

import io.llmtestbench.runtime.PluginId;
import io.llmtestbench.runtime.PluginInput;
import io.llmtestbench.runtime.PluginSystem;
import java.nio.charset.StandardCharsets;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * A plugin system with the trivial echo plugin loaded (metered, default limits) and executed once: a call costs the
 * host's whole path and almost no guest work, so {@code executePlugin} on it, less {@link CallOverheadBench#echoGuestAbi}
 * (the same ABI sequence on a bare instance), is the host cost per call.
 */
@State(Scope.Benchmark)
public class EchoSystem {
    public PluginSystem system;
    public PluginId id;
    public PluginInput input;
    public byte[] inputBytes;

    @Setup(Level.Trial)
    public void setup(BenchmarkParams params) {
        JvmFlags.requireAsDeclared(params);
        system = PluginSystem.builder().cacheDir(null).build();
        id = system.loadPlugin(BenchData.echoWasm());
        input = PluginInput.of(BenchData.PLUGIN_INPUT);
        inputBytes = BenchData.PLUGIN_INPUT.getBytes(StandardCharsets.UTF_8);
        system.executePlugin(id, input);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        system.close();
    }
}
