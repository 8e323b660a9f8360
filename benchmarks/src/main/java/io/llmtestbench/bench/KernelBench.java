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
 * Compute kernels (C compiled to wasm32) on each engine: time per {@code run(n)}, in steady state (each fork
 * calls {@code run} thousands of times, so HotSpot compiles the kernel's functions normally). The native and
 * V8 times of the same C source come from {@code native_bench} and {@code v8_bench.mjs} in the same run.sh
 * invocation; the report divides. The setup checks that every engine returns the native build's checksum.
 * {@link KernelOnceBench} measures the same kernels called only a few times (on-stack replacement).
 *
 * <p>Forks run with HotSpot's default flags ({@code jvmArgs} replaces, rather than extends, the launching JVM's
 * arguments, and {@link JvmFlags} refuses a fork that compiles huge methods without asking). run.sh adds a
 * {@code -XX:-DontCompileHugeMethods} variant with {@code -jvmArgsAppend} as a separate column. Chicory's
 * interpreter ({@code -p runtime=chicory-interp}) is not in the default list: it takes seconds per call on the
 * larger kernels. Defaults are the full mode; run.sh --short overrides iterations and times.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class KernelBench {
    @Param({"matmul", "stencil", "sha256", "memmove", "mix64", "tokenize", "json", "lu", "cholesky", "syrk", "seidel",
            "qsort", "msort", "hashmap", "crc32", "utf8", "strsearch", "regex", "interp", "prog_linalg", "prog_emu", "prog_suite", "prog_big"})
    public String kernel;

    /** Named so that it sorts after "kernel": JMH then runs all runtimes of one kernel back to back, so that
     *  interference from other jobs on this shared machine hits the runtimes of a kernel alike. */
    @Param({"ours-metered", "ours-unmetered", "chicory-aot"})
    public String runtime;

    private Guest guest;
    private ExportFunction run;
    private int n;

    @Setup(Level.Trial)
    public void setup(BenchmarkParams params) {
        JvmFlags.requireAsDeclared(params);
        guest = Guest.create(Engine.of(runtime), BenchData.kernelWasm(kernel), kernel + ".wasm", List.of());
        n = BenchData.kernelSize(kernel);
        guest.export("init").apply(n);
        run = guest.export("run");
        guest.resetBudget();
        long got = run.apply(n)[0];
        long want = BenchData.expectedChecksum(kernel);
        if (got != want) {
            throw new IllegalStateException(kernel + " on " + runtime + " returned checksum 0x" + Long.toHexString(got)
                    + ", native gives 0x" + Long.toHexString(want));
        }
    }

    /** One kernel run; the budget is reset first, as the runtime does before every execution. */
    @Benchmark
    public long run() {
        guest.resetBudget();
        return run.apply(n)[0];
    }
}
