package io.llmtestbench.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The benchmark kernels are correct programs on every engine the benchmarks time: each returns the checksum
 * of its native build (kernels/build.sh writes expected.txt from it) at its test size, on our compiler
 * metered and unmetered and on Chicory's compiler, and gives the same answer on a second call (run is
 * repeatable). This is also a differential test of the code generators on real C programs. (The benchmarks
 * check the checksum at the benchmark size in their setup.)
 */
class KernelsTest {

    static Stream<Arguments> kernelsAndEngines() {
        return BenchData.KERNELS.stream().flatMap(k -> Stream.of(Engine.OURS_METERED, Engine.OURS_UNMETERED, Engine.CHICORY_AOT)
                .map(e -> Arguments.of(k, e)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("kernelsAndEngines")
    void returnsTheNativeChecksum(String kernel, Engine engine) {
        Guest g = Guest.create(engine, BenchData.kernelWasm(kernel), kernel + ".wasm", List.of());
        int n = BenchData.kernelTestSize(kernel);
        g.export("init").apply(n);
        long want = BenchData.expectedChecksum(kernel, n);
        assertThat(g.export("run").apply(n)[0]).as("first run").isEqualTo(want);
        g.resetBudget();
        assertThat(g.export("run").apply(n)[0]).as("second run").isEqualTo(want);
        assertThat(g.export("run").apply(0)[0]).as("run(0) does no work").isZero();
    }

    /**
     * Every kernel compiles, metered and unmetered, to classes the ASM verifier accepts with no method over
     * HotSpot's HugeMethodLimit (the large programs' mains are split): all of it is JIT-compiled under default flags.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void noGeneratedMethodIsTooLargeToJitCompile(String kernel) throws Exception {
        for (boolean metering : new boolean[] {true, false}) {
            var m = io.llmtestbench.compiler.WasmCompiler.compile(BenchData.kernelWasm(kernel),
                    io.llmtestbench.compiler.CompilerOptions.defaults().withMetering(metering));
            assertThat(m.report().largeMethods()).as("%s metering %s", kernel, metering).isEmpty();
            assertThat(m.report().interpretedFunctions()).isEmpty();
            for (var c : m.classes().entrySet()) {
                var problems = new java.io.StringWriter();
                org.objectweb.asm.util.CheckClassAdapter.verify(new org.objectweb.asm.ClassReader(c.getValue()),
                        KernelsTest.class.getClassLoader(), false, new java.io.PrintWriter(problems));
                assertThat(problems.toString()).as("%s metering %s: %s", kernel, metering, c.getKey()).isEmpty();
            }
        }
    }

    static Stream<String> kernels() {
        return BenchData.KERNELS.stream();
    }

    @Test
    void everyKernelHasAModuleASizeAndAChecksum() {
        assertThat(BenchData.KERNELS).hasSizeGreaterThanOrEqualTo(12);
        for (String k : BenchData.KERNELS) {
            assertThat(BenchData.kernelWasm(k)).as(k).isNotEmpty();
            assertThat(BenchData.kernelSize(k)).as(k).isPositive();
            assertThat(BenchData.kernelTestSize(k)).as(k).isPositive().isLessThanOrEqualTo(BenchData.kernelSize(k));
            BenchData.expectedChecksum(k);
            BenchData.expectedChecksum(k, BenchData.kernelTestSize(k));
        }
    }

    @Test
    void freshInstancesShareTheCompiledCode() {
        Guest.Code code = Guest.Code.prepare(Engine.OURS_METERED, BenchData.kernelWasm("mix64"), "mix64.wasm");
        Guest a = code.instantiate(List.of());
        Guest b = code.instantiate(List.of());
        assertThat(a.instance).isNotSameAs(b.instance);
        assertThat(a.budget).isNotSameAs(b.budget);
        assertThat(a.instance.getMachine().getClass()).isSameAs(b.instance.getMachine().getClass());
        int n = BenchData.kernelSize("mix64");
        a.export("init").apply(n);
        b.export("init").apply(n);
        assertThat(a.export("run").apply(n)[0]).isEqualTo(BenchData.expectedChecksum("mix64"));
        assertThat(b.export("run").apply(n)[0]).isEqualTo(BenchData.expectedChecksum("mix64"));
        assertThat(a.fuelUsed()).isEqualTo(b.fuelUsed()).isPositive();
    }
}
