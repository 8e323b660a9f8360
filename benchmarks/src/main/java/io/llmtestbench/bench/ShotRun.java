package io.llmtestbench.bench;

import com.dylibso.chicory.runtime.ExportFunction;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;

/**
 * A kernel run the way {@link KernelOnceBench} runs it, for diagnostics (one JVM, no JMH, so JIT logging such as
 * {@code -XX:+PrintCompilation} or {@code -Xlog:deoptimization=debug} interleaves with the shots): the module is
 * compiled once, then each shot makes a fresh instance, calls {@code init(n)} and times {@code run(n)} called
 * CALLS times. Prints one line per shot: thread CPU and wall time in µs per call.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.llmtestbench.bench.ShotRun KERNEL RUNTIME [SHOTS] [CALLS]}
 */
public final class ShotRun {
    private ShotRun() {}

    public static void main(String[] args) {
        String kernel = args[0];
        Engine engine = Engine.of(args[1]);
        int shots = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int calls = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Guest.Code code = Guest.Code.prepare(engine, BenchData.kernelWasm(kernel), kernel + ".wasm");
        int n = BenchData.kernelSize(kernel);
        long want = BenchData.expectedChecksum(kernel);
        for (int s = 1; s <= shots; s++) {
            Guest g = code.instantiate(List.of());
            g.export("init").apply(n);
            ExportFunction run = g.export("run");
            long c0 = mx.getCurrentThreadCpuTime();
            long w0 = System.nanoTime();
            for (int c = 0; c < calls; c++) {
                g.resetBudget();
                long got = run.apply(n)[0];
                if (got != want) {
                    throw new IllegalStateException(kernel + " returned 0x" + Long.toHexString(got));
                }
            }
            long w1 = System.nanoTime();
            long c1 = mx.getCurrentThreadCpuTime();
            System.out.printf(Locale.ROOT, "shot %d: %s %s cpu %.0f us/call, wall %.0f us/call (%d calls)%n", s, kernel, engine.id,
                    (c1 - c0) / 1e3 / calls, (w1 - w0) / 1e3 / calls, calls);
        }
    }
}
