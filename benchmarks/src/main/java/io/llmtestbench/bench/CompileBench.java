package io.llmtestbench.bench;

import com.dylibso.chicory.compiler.internal.ByteClassCollector;
import com.dylibso.chicory.compiler.internal.Compiler;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.llmtestbench.compiler.CompilationException;
import io.llmtestbench.compiler.CompiledModule;
import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.compiler.WasmCompiler;
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

/**
 * Compile time: {@code WasmCompiler.compile} of a module (what {@code llmtb compile}, the Maven goal and
 * compile-on-load do), metered and unmetered, beside Chicory 1.7.5's own compiler on the same module
 * (classes generated in memory, nothing loaded) and, as the baseline, parsing and validating it.
 *
 * <p>Two modes, chosen with {@code -bm}: {@code ss} (default here), the first compilation in a fresh JVM
 * (one shot per fork: class loading and the compiler running in the bytecode interpreter included, what a
 * CLI invocation pays), and {@code avgt} with warm-up (the steady cost inside a long-running host that
 * compiles many plugins). Module: the Rust evaluator plugin (the data directory's {@code plugin.wasm}, see
 * {@link Prepare}) or a benchmark kernel ({@code -p module=kernel:prog_big}).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(value = 10, jvmArgs = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class CompileBench {
    /** {@code evaluator} (the data directory's plugin.wasm) or {@code kernel:<name>}. */
    @Param({"evaluator"})
    public String module;

    private byte[] wasm;

    @Setup(Level.Trial)
    public void load() {
        wasm = module.equals("evaluator") ? BenchData.pluginBytes()
                : module.startsWith("kernel:") ? BenchData.kernelWasm(module.substring(7)) : null;
        if (wasm == null) {
            throw new IllegalArgumentException("module must be evaluator or kernel:<name>, not " + module);
        }
    }

    @Benchmark
    public CompiledModule oursMetered() throws CompilationException {
        return WasmCompiler.compile(wasm, CompilerOptions.defaults());
    }

    @Benchmark
    public CompiledModule oursUnmetered() throws CompilationException {
        return WasmCompiler.compile(wasm, CompilerOptions.defaults().withMetering(false));
    }

    @Benchmark
    public Object chicoryCompiler() {
        WasmModule m = Parser.parse(wasm);
        return Compiler.builder(m).withClassCollectorFactory(ByteClassCollector::new).build().compile();
    }

    /** Baseline: parse and validate only (what every compiler above does first). */
    @Benchmark
    public WasmModule baselineValidate() throws CompilationException {
        return WasmCompiler.validate(wasm);
    }
}
