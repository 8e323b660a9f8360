package io.llmtestbench.bench;

import com.dylibso.chicory.runtime.ExportFunction;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The baseline beside {@link KernelBench}: the same call path with no work ({@code run(0)}), per engine,
 * i.e. what an export call, its boxing and the budget reset cost by themselves.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class KernelBaselineBench {
    @Param({"ours-metered", "ours-unmetered", "chicory-aot", "chicory-interp"})
    public String runtime;

    private Guest guest;
    private ExportFunction run;
    private int zero;

    @Setup(Level.Trial)
    public void setup(BenchmarkParams params) {
        JvmFlags.requireAsDeclared(params);
        guest = Guest.create(Engine.of(runtime), BenchData.kernelWasm("mix64"), "mix64.wasm", List.of());
        guest.export("init").apply(1);
        run = guest.export("run");
        zero = 0;
    }

    @Benchmark
    public long runZero() {
        guest.resetBudget();
        return run.apply(zero)[0];
    }
}
