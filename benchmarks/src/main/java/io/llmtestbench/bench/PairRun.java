package io.llmtestbench.bench;

import com.dylibso.chicory.runtime.ExportFunction;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * An A/B diagnostic for a noisy machine: two runtimes of one kernel in the same JVM, measured alternately by
 * the calling thread's CPU time, so that whatever else runs on the machine hits both alike. Prints the
 * per-round times and the median ratio B ÷ A.
 *
 * <ul>
 *   <li>{@code steady}: warm both up (thousands of calls), then ROUNDS rounds of ~{@code SLICE_MS} of calls each,
 *       A then B then A ... (steady state, normal JIT compilations);</li>
 *   <li>{@code once}: ROUNDS rounds of one fresh instance and one {@code run(n)} each, A then B (the module of
 *       each runtime compiled once): what a program run a few times gets, mostly on-stack-replacement code.</li>
 * </ul>
 * Usage: {@code java -cp benchmarks.jar io.llmtestbench.bench.PairRun KERNEL steady|once [ROUNDS] [A] [B]}
 * (A, B default ours-unmetered, ours-metered). Output line: {@code {"kernel", "mode", "a", "b", "a_us", "b_us", "ratio"}}.
 */
public final class PairRun {
    private static final long SLICE_MS = 300;
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private PairRun() {}

    public static void main(String[] args) {
        String kernel = args[0];
        boolean steady = args[1].equals("steady");
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : (steady ? 7 : 5);
        Engine ea = Engine.of(args.length > 3 ? args[3] : "ours-unmetered");
        Engine eb = Engine.of(args.length > 4 ? args[4] : "ours-metered");
        byte[] wasm = BenchData.kernelWasm(kernel);
        int n = BenchData.kernelSize(kernel);
        long want = BenchData.expectedChecksum(kernel);
        Guest.Code ca = Guest.Code.prepare(ea, wasm, kernel + ".wasm");
        Guest.Code cb = Guest.Code.prepare(eb, wasm, kernel + ".wasm");
        double[] ta = new double[rounds];
        double[] tb = new double[rounds];
        if (steady) {
            Guest ga = ready(ca, n);
            Guest gb = ready(cb, n);
            for (int w = 0; w < 10; w++) {
                slice(ga, n, want, 300);
                slice(gb, n, want, 300);
            }
            for (int r = 0; r < rounds; r++) {
                ta[r] = slice(ga, n, want, SLICE_MS);
                tb[r] = slice(gb, n, want, SLICE_MS);
            }
        } else {
            for (int r = 0; r < rounds; r++) {
                ta[r] = shot(ready(ca, n), n, want);
                tb[r] = shot(ready(cb, n), n, want);
            }
        }
        List<Double> ratios = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            ratios.add(tb[r] / ta[r]);
        }
        double best = min(tb) / min(ta);
        System.out.printf(Locale.ROOT, "{\"kernel\": \"%s\", \"mode\": \"%s\", \"a\": \"%s\", \"b\": \"%s\", \"a_us\": %s, \"b_us\": %s, "
                        + "\"median_ratio\": %.3f, \"best_ratio\": %.3f}%n", kernel, steady ? "steady" : "once", ea.id, eb.id,
                fmt(ta), fmt(tb), median(ratios), best);
    }

    private static Guest ready(Guest.Code code, int n) {
        Guest g = code.instantiate(List.of());
        g.export("init").apply(n);
        return g;
    }

    /** Thread CPU µs per call over a slice of at least ms milliseconds of calls. */
    private static double slice(Guest g, int n, long want, long ms) {
        ExportFunction run = g.export("run");
        long c0 = MX.getCurrentThreadCpuTime();
        long end = System.nanoTime() + ms * 1_000_000L;
        int calls = 0;
        do {
            g.resetBudget();
            check(run.apply(n)[0], want);
            calls++;
        } while (System.nanoTime() < end);
        return (MX.getCurrentThreadCpuTime() - c0) / 1e3 / calls;
    }

    private static double shot(Guest g, int n, long want) {
        ExportFunction run = g.export("run");
        g.resetBudget();
        long c0 = MX.getCurrentThreadCpuTime();
        long got = run.apply(n)[0];
        double us = (MX.getCurrentThreadCpuTime() - c0) / 1e3;
        check(got, want);
        return us;
    }

    private static void check(long got, long want) {
        if (got != want) {
            throw new IllegalStateException("checksum 0x" + Long.toHexString(got) + ", native gives 0x" + Long.toHexString(want));
        }
    }

    private static double min(double[] xs) {
        return Arrays.stream(xs).min().orElse(Double.NaN);
    }

    private static double median(List<Double> xs) {
        double[] v = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String fmt(double[] xs) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < xs.length; i++) {
            b.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", xs[i]));
        }
        return b.append(']').toString();
    }
}
