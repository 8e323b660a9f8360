package io.llmtestbench.bench;

import io.llmtestbench.runtime.PluginOutput;
import io.llmtestbench.runtime.PluginSystem;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Batch throughput: executions per second of the evaluator through one shared {@link PluginSystem} (its
 * instance pool) with 1 and 2 threads. Scaling = ops/s at 2 threads / ops/s at 1 thread. The CPU baseline
 * is a pure-Java loop of similar length, showing what 2 threads can scale to on this machine at the moment.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx1g"})
public class BatchBench {

    @State(Scope.Thread)
    public static class Work {
        public long seed = 0x9e3779b97f4a7c15L;
        public int rounds = 20_000;
    }

    @Benchmark
    @Threads(1)
    public PluginOutput execute1(EvaluatorSystem s) {
        return s.system.executePlugin(s.id, s.input);
    }

    @Benchmark
    @Threads(2)
    public PluginOutput execute2(EvaluatorSystem s) {
        return s.system.executePlugin(s.id, s.input);
    }

    /** Callers already on guest threads (no hand-off): what a batch driver using submit() gets. */
    @Benchmark
    @Threads(1)
    public PluginOutput inline1(EvaluatorSystem s, GuestThreadMark m) {
        return s.system.executePlugin(s.id, s.input);
    }

    @Benchmark
    @Threads(2)
    public PluginOutput inline2(EvaluatorSystem s, GuestThreadMark m) {
        return s.system.executePlugin(s.id, s.input);
    }

    @Benchmark
    @Threads(1)
    public long cpuBaseline1(Work w) {
        return spin(w);
    }

    @Benchmark
    @Threads(2)
    public long cpuBaseline2(Work w) {
        return spin(w);
    }

    private static long spin(Work w) {
        long x = w.seed;
        for (int i = 0; i < w.rounds; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }
}
