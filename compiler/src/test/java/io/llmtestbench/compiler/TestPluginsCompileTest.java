package io.llmtestbench.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * Every class generated for every real test plugin and every benchmark kernel, metered and not, passes ASM's
 * verifier, and no generated method is over HotSpot's {@code HugeMethodLimit} (8,000 bytes of bytecode): every
 * function is JIT-compiled under default JVM flags.
 */
class TestPluginsCompileTest {

    static Stream<Path> plugins() throws Exception {
        String dir = System.getProperty("llmtb.testplugins.dir", "../test-plugins/wasm");
        List<Path> all = new java.util.ArrayList<>(wasmFiles(Path.of(dir)));
        assertThat(all).as("test plugins in %s", dir).isNotEmpty();
        Path kernels = Path.of(System.getProperty("llmtb.kernels.dir", "../benchmarks/src/main/resources/kernels"));
        List<Path> k = wasmFiles(kernels);
        assertThat(k).as("benchmark kernels in %s", kernels).isNotEmpty();
        all.addAll(k);
        return all.stream();
    }

    private static List<Path> wasmFiles(Path dir) throws java.io.IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".wasm")).sorted().toList();
        }
    }

    @ParameterizedTest
    @MethodSource("plugins")
    void everyGeneratedClassVerifiesAndNoMethodIsTooLargeForTheJit(Path plugin) throws Exception {
        byte[] wasm = Files.readAllBytes(plugin);
        for (boolean metering : new boolean[] {true, false}) {
            CompiledModule m = WasmCompiler.compile(wasm, CompilerOptions.defaults().withMetering(metering));
            for (var c : m.classes().entrySet()) {
                StringWriter problems = new StringWriter();
                CheckClassAdapter.verify(new ClassReader(c.getValue()), getClass().getClassLoader(), false, new PrintWriter(problems));
                assertThat(problems.toString()).as("%s (metering %s): %s", plugin.getFileName(), metering, c.getKey()).isEmpty();
                io.llmtestbench.compiler.internal.ClassFiles.codeLengths(c.getValue()).forEach((method, length) ->
                        assertThat(length).as("%s (metering %s): bytecode of %s.%s", plugin.getFileName(), metering, c.getKey(), method)
                                .isLessThanOrEqualTo(CompilationReport.HUGE_METHOD_LIMIT));
            }
            assertThat(m.report().largeMethods()).isEmpty();
            assertThat(m.report().interpretedFunctions()).isEmpty();
        }
    }
}
