package io.llmtestbench.bench;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * JMH profiler: process CPU time per operation ({@code -prof io.llmtestbench.bench.CpuTimeProfiler}), as a
 * secondary result {@code cpu.time/op} in the benchmark's time unit. On a machine shared with other jobs, wall
 * time includes time the benchmark thread waited for a CPU; CPU time does not, so ratios of CPU times are the
 * more stable comparison. It counts every thread of the fork (JIT compiler and GC threads too), so it is
 * meaningful after warm-up, when compilation has settled.
 */
public final class CpuTimeProfiler implements InternalProfiler {
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private long start;

    @Override
    public String getDescription() {
        return "process CPU time per operation";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        start = os.getProcessCpuTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
            IterationResult result) {
        long cpu = os.getProcessCpuTime() - start;
        long ops = result.getMetadata().getAllOps();
        TimeUnit unit = benchmarkParams.getTimeUnit();
        double perOp = ops == 0 ? Double.NaN : (double) cpu / ops / TimeUnit.NANOSECONDS.convert(1, unit);
        return List.of(new ScalarResult("cpu.time/op", perOp, shortName(unit) + "/op", AggregationPolicy.AVG));
    }

    private static String shortName(TimeUnit unit) {
        switch (unit) {
            case NANOSECONDS: return "ns";
            case MICROSECONDS: return "us";
            case MILLISECONDS: return "ms";
            case SECONDS: return "s";
            default: return unit.toString().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
