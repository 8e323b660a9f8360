package io.llmtestbench.bench;

import com.dylibso.chicory.runtime.ExportFunction;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The kernels the way a program runs: the module is compiled once per fork, then each measured shot makes a
 * fresh instance, calls {@code init(n)} (not timed) and times one {@code run(n)}. Five shots per fork, no
 * warm-up; the report takes the best shot and the first. This is how a benchmark suite of whole programs
 * measures (one call of {@code main} per run, "best of 5 runs after compiling once"), and unlike
 * {@link KernelBench}'s thousands of calls it leaves HotSpot little to compile but the kernel's loops while
 * they run: on-stack replacement (OSR) compilations, entered from the bytecode interpreter at a loop
 * back-edge, and a function that is called only a few times may never get a normal compilation at all.
 *
 * <p>Primary score: wall time of the shot. Secondary {@code threadCpuNs}: CPU time of the calling thread
 * during the shot (JIT compiler threads excluded, as they run beside it on a 2-CPU machine).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 5, batchSize = 1)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class KernelOnceBench {
    @Param({"matmul", "stencil", "sha256", "memmove", "mix64", "tokenize", "json", "lu", "cholesky", "syrk", "seidel",
            "qsort", "msort", "hashmap", "crc32", "utf8", "strsearch", "regex", "interp", "prog_linalg", "prog_emu", "prog_suite", "prog_big"})
    public String kernel;

    @Param({"ours-metered", "ours-unmetered", "chicory-aot"})
    public String runtime;

    /** How many times larger than the steady-state size a shot is (1: the same work as one KernelBench op). */
    @Param({"1"})
    public int scale;

    private Guest.Code code;
    private ExportFunction run;
    private Guest guest;
    private int n;
    private long last;

    /** Thread CPU time of the shot, reported beside the wall time. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class ThreadCpu {
        private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
        public long threadCpuNs;

        @Setup(Level.Iteration)
        public void clear() {
            threadCpuNs = 0;
        }

        static long now() {
            return MX.getCurrentThreadCpuTime();
        }
    }

    @Setup(Level.Trial)
    public void compile(BenchmarkParams params) {
        JvmFlags.requireAsDeclared(params);
        if (scale != 1) {
            throw new IllegalArgumentException("scale other than 1 needs a native reference at that size; not supported yet");
        }
        code = Guest.Code.prepare(Engine.of(runtime), BenchData.kernelWasm(kernel), kernel + ".wasm");
        n = BenchData.kernelSize(kernel);
    }

    @Setup(Level.Iteration)
    public void instantiate() {
        guest = code.instantiate(List.of());
        guest.export("init").apply(n);
        run = guest.export("run");
        guest.resetBudget();
    }

    @Benchmark
    public long runOnce(ThreadCpu cpu) {
        long c0 = ThreadCpu.now();
        long r = run.apply(n)[0];
        cpu.threadCpuNs += ThreadCpu.now() - c0;
        last = r;
        return r;
    }

    @TearDown(Level.Iteration)
    public void check() {
        long want = BenchData.expectedChecksum(kernel);
        if (last != want) {
            throw new IllegalStateException(kernel + " on " + runtime + " returned checksum 0x" + Long.toHexString(last)
                    + ", native gives 0x" + Long.toHexString(want));
        }
    }
}
