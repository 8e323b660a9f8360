package io.llmtestbench.bench;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.llmtestbench.runtime.LoadOptions;
import io.llmtestbench.runtime.PluginInput;
import io.llmtestbench.runtime.PluginOutput;
import io.llmtestbench.runtime.PluginSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time to first result in a fresh JVM (one measured call per fork, no warm-up): create a plugin system,
 * load the evaluator, run one execution. The setup only checks that the files {@link Prepare} wrote exist
 * (it touches no project class), so class loading and JIT warm-up are part of what is measured; JVM boot
 * itself is not.
 *
 * <p>Forks run with HotSpot's default flags, as a user's first call runs: {@code jvmArgs} names only
 * {@code -Xshare:auto}, the default, so that JMH passes the fork nothing of the launching JVM's arguments, and no
 * heap sizing: a fixed 1 GiB heap ({@code -Xms1g}, what the other suites use) is not what issue #16's start-up bar is
 * measured with.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1, batchSize = 1)
@Fork(value = 10, jvmArgs = {"-Xshare:auto"})
@State(Scope.Benchmark)
public class StartupBench {
    public Path wasm;
    public Path jar;
    public Path cache;
    /** A cache directory holding the reproduction verdict for {@link #jar}. */
    public Path verified;
    public String input;
    public PluginSystem system;

    @Setup(Level.Trial)
    public void setup() {
        Path dir = dataDir();
        wasm = dir.resolve("plugin.wasm");
        jar = dir.resolve("plugin.jar");
        cache = dir.resolve("cache");
        verified = dir.resolve("verified");
        for (Path p : new Path[] {wasm, jar, cache, verified}) {
            if (!Files.exists(p)) {
                throw new IllegalStateException(p + " is missing: run benchmarks/run.sh (it runs " + Prepare.class.getName() + ")");
            }
        }
        input = BenchData.PLUGIN_INPUT;
    }

    /** Same lookup as BenchData.dataDir(), without loading it (BenchData's static init reads resources). */
    private static Path dataDir() {
        String env = System.getenv("LLMTB_BENCH_DATA");
        if (env != null && !env.isEmpty()) {
            return Path.of(env);
        }
        return Files.isDirectory(Path.of("benchmarks")) ? Path.of("benchmarks", "target", "bench-data") : Path.of("target", "bench-data");
    }

    @TearDown(Level.Iteration)
    public void close() {
        if (system != null) {
            system.close();
            system = null;
        }
    }

    private PluginOutput firstResult(Path file, Path cacheDir) {
        system = PluginSystem.builder().cacheDir(cacheDir).build();
        return system.executePlugin(system.loadPlugin(file), PluginInput.of(input));
    }

    private PluginOutput firstResult(Path file, Path cacheDir, LoadOptions options) {
        system = PluginSystem.builder().cacheDir(cacheDir).build();
        return system.executePlugin(system.loadPlugin(file, options), PluginInput.of(input));
    }

    /** Baseline: read the .wasm file (the floor every variant pays). */
    @Benchmark
    public byte[] baselineReadFile() throws IOException {
        return Files.readAllBytes(wasm);
    }

    /** A pre-compiled plugin jar (llmtb:wasm-compile output): no compilation at run time. */
    @Benchmark
    public PluginOutput precompiledJar() {
        return firstResult(jar, null);
    }

    /**
     * The same jar with the cache directory of an earlier run (Prepare loaded it there): its class-reference check's
     * verdict is remembered, so that check is skipped; what every load after the first costs with a cache directory.
     */
    @Benchmark
    public PluginOutput precompiledJarCached() {
        return firstResult(jar, verified);
    }

    /**
     * The same jar, accepted only if it is byte for byte what the compiler generates from its source.wasm
     * (LoadOptions.JarVerification.REPRODUCE), the first time: no verdict cached, so it is compiled again.
     */
    @Benchmark
    public PluginOutput precompiledJarReproduced() {
        return firstResult(jar, null, reproduce());
    }

    /** REPRODUCE once the verdict is in the cache directory (Prepare put it there): what every later load costs. */
    @Benchmark
    public PluginOutput precompiledJarReproducedCached() {
        return firstResult(jar, verified, reproduce());
    }

    /** Made inside the measured call (LoadOptions is a project class the setup must not load). */
    private static LoadOptions reproduce() {
        return LoadOptions.builder().jarVerification(LoadOptions.JarVerification.REPRODUCE).build();
    }

    /** A .wasm compiled on load (no cache). */
    @Benchmark
    public PluginOutput wasmCompiledOnLoad() {
        return firstResult(wasm, null);
    }

    /** A .wasm served from the compile cache (filled by Prepare). */
    @Benchmark
    public PluginOutput wasmFromCache() {
        return firstResult(wasm, cache);
    }

    /** Chicory's interpreter: parse, instantiate, start-up calls, one execution. */
    @Benchmark
    public byte[] chicoryInterpreter() throws IOException {
        byte[] bytes = Files.readAllBytes(wasm);
        WasmModule module = Parser.parse(bytes);
        Instance inst = Instance.builder(module)
                .withImportValues(ImportValues.builder().withFunctions(new HostStubs(null).importsFor(bytes)).build())
                .withMemoryFactory(ByteArrayMemory::new)
                .withStart(false)
                .build();
        return run(inst);
    }

    /** Chicory's compiler at run time (MachineFactoryCompiler), no metering, no cache. */
    @Benchmark
    public byte[] chicoryCompiler() throws IOException {
        byte[] bytes = Files.readAllBytes(wasm);
        WasmModule module = Parser.parse(bytes);
        Instance inst = Instance.builder(module)
                .withImportValues(ImportValues.builder().withFunctions(new HostStubs(null).importsFor(bytes)).build())
                .withMachineFactory(MachineFactoryCompiler.compile(module))
                .withMemoryFactory(ByteArrayMemory::new)
                .withStart(false)
                .build();
        return run(inst);
    }

    private byte[] run(Instance inst) {
        var abi = new AbiClient(Guest.wrap(inst));
        abi.startUp("{}".getBytes(StandardCharsets.UTF_8));
        return abi.execute(input.getBytes(StandardCharsets.UTF_8));
    }
}
