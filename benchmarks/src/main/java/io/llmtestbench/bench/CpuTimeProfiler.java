package io.llmtestbench.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * JMH profiler ({@code -prof io.llmtestbench.bench.CpuTimeProfiler}): CPU time per operation, as two secondary
 * results in the benchmark's time unit. On a machine shared with other jobs, wall time includes time the
 * benchmark waited for a CPU; CPU time does not, so ratios of CPU times are the more stable comparison.
 * <ul>
 *   <li>{@code cpu.time/op}: the whole process (every thread: the JIT compilers and the GC too). Meaningful
 *       once compilation has settled; on a loaded machine the JIT threads fall behind and their work lands in
 *       the measured iterations.</li>
 *   <li>{@code thread.cpu.time/op}: the JMH worker threads only (the threads running the benchmark method),
 *       so compilation in the background is left out: what the code as compiled so far costs.</li>
 * </ul>
 */
public final class CpuTimeProfiler implements InternalProfiler {
    private static final String WORKER = "-jmh-worker-";

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private long start;
    private Map<Long, Long> workerStart = new HashMap<>();

    @Override
    public String getDescription() {
        return "process and benchmark-thread CPU time per operation";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        workerStart = workerCpu();
        start = os.getProcessCpuTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
            IterationResult result) {
        long cpu = os.getProcessCpuTime() - start;
        long worker = 0;
        for (var e : workerCpu().entrySet()) {
            worker += e.getValue() - workerStart.getOrDefault(e.getKey(), 0L);
        }
        long ops = result.getMetadata().getAllOps();
        TimeUnit unit = benchmarkParams.getTimeUnit();
        double scale = TimeUnit.NANOSECONDS.convert(1, unit);
        String u = shortName(unit) + "/op";
        List<Result> out = new ArrayList<>();
        out.add(new ScalarResult("cpu.time/op", ops == 0 ? Double.NaN : cpu / (double) ops / scale, u, AggregationPolicy.AVG));
        if (!workerStart.isEmpty() || worker > 0) {
            out.add(new ScalarResult("thread.cpu.time/op", ops == 0 ? Double.NaN : worker / (double) ops / scale, u, AggregationPolicy.AVG));
        }
        return out;
    }

    /** CPU time by thread id of the live JMH worker threads. */
    private Map<Long, Long> workerCpu() {
        Map<Long, Long> m = new HashMap<>();
        for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t != null && t.getThreadName().contains(WORKER)) {
                long c = threads.getThreadCpuTime(t.getThreadId());
                if (c >= 0) {
                    m.put(t.getThreadId(), c);
                }
            }
        }
        return m;
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
