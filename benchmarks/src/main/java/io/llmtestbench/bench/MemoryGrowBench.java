package io.llmtestbench.bench;

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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * One question: what does growing a memory a page at a time cost, against growing it by the same pages at once? An
 * allocator (wasi-libc's {@code malloc}, Rust's) calls {@code memory.grow(1)} each time its heap fills a page, so
 * a program that allocates N pages of small objects grows N times. Each shot is a fresh instance of
 * {@code memory/grow.wasm}: {@code run(pages)} grows by one page {@code pages} times, {@code once(pages)} (the
 * baseline) grows by {@code pages} at once; both write a byte in every new page. The memory cap is the runtime's
 * default, 64 MiB (1,024 pages).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, batchSize = 1)
@Measurement(iterations = 5, batchSize = 1)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g"})
@State(Scope.Thread)
public class MemoryGrowBench {
    /** Pages added to the module's one: 1,023 fills the default cap. */
    @Param({"255", "1023"})
    public int pages;

    @Param({"ours-metered"})
    public String runtime;

    private Guest.Code code;
    private Guest guest;
    private long last;

    @Setup(Level.Trial)
    public void compile(BenchmarkParams params) {
        JvmFlags.requireAsDeclared(params);
        code = Guest.Code.prepare(Engine.of(runtime), BenchData.resource("memory/grow.wasm"), "grow.wasm");
    }

    @Setup(Level.Invocation)
    public void instantiate() {
        guest = code.instantiate(List.of());
        guest.resetBudget();
    }

    /** Grows by one page {@code pages} times. */
    @Benchmark
    public long pageByPage() {
        last = guest.export("run").apply(pages)[0];
        return last;
    }

    /** The baseline: the same pages in one grow. */
    @Benchmark
    public long atOnce() {
        last = guest.export("once").apply(pages)[0];
        return last;
    }

    @TearDown(Level.Invocation)
    public void check() {
        if (last != pages + 1) {
            throw new IllegalStateException("the memory has " + last + " pages, expected " + (pages + 1));
        }
    }
}
