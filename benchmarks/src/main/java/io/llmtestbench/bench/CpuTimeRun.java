package io.llmtestbench.bench;

import com.dylibso.chicory.runtime.ExportFunction;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A kernel on one runtime, timed by the thread's CPU time as well as wall time: a cross-check for
 * comparisons on a machine shared with other jobs, where wall time includes time the thread spent
 * waiting for a CPU. Not a JMH benchmark (one JVM per call, warm-up by time, median of 0.5 s slices),
 * used by the experiments under benchmarks/experiments/.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.llmtestbench.bench.CpuTimeRun KERNEL RUNTIME [WARMUP_S] [MEASURE_S]}
 * prints one JSON line: {@code {"kernel", "runtime", "cpu_us", "wall_us", "slices"}}.
 */
public final class CpuTimeRun {
    private CpuTimeRun() {}

    public static void main(String[] args) {
        String kernel = args[0];
        Engine engine = Engine.of(args[1]);
        double warmup = args.length > 2 ? Double.parseDouble(args[2]) : 5;
        double measure = args.length > 3 ? Double.parseDouble(args[3]) : 5;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Guest g = Guest.create(engine, BenchData.kernelWasm(kernel), kernel + ".wasm", List.of());
        int n = BenchData.kernelSize(kernel);
        g.export("init").apply(n);
        ExportFunction run = g.export("run");
        long sink = 0;
        long end = System.nanoTime() + (long) (warmup * 1e9);
        while (System.nanoTime() < end) {
            g.resetBudget();
            sink += run.apply(n)[0];
        }
        List<double[]> slices = new ArrayList<>();
        long stop = System.nanoTime() + (long) (measure * 1e9);
        while (System.nanoTime() < stop) {
            long c0 = mx.getCurrentThreadCpuTime();
            long w0 = System.nanoTime();
            long ops = 0;
            long w1;
            do {
                g.resetBudget();
                sink += run.apply(n)[0];
                ops++;
                w1 = System.nanoTime();
            } while (w1 - w0 < 500_000_000L);
            long c1 = mx.getCurrentThreadCpuTime();
            slices.add(new double[] {(c1 - c0) / 1e3 / ops, (w1 - w0) / 1e3 / ops});
        }
        double cpu = median(slices, 0);
        double wall = median(slices, 1);
        System.out.printf(Locale.ROOT, "{\"kernel\": \"%s\", \"runtime\": \"%s\", \"cpu_us\": %.2f, \"wall_us\": %.2f, \"slices\": %d, \"sink\": %d}%n",
                kernel, engine.id, cpu, wall, slices.size(), sink & 1);
    }

    private static double median(List<double[]> xs, int i) {
        double[] v = xs.stream().mapToDouble(x -> x[i]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
