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

/** Every class generated for every real test plugin, metered and not, passes ASM's verifier. */
class TestPluginsCompileTest {

    static Stream<Path> plugins() throws Exception {
        String dir = System.getProperty("llmtb.testplugins.dir", "../test-plugins/wasm");
        List<Path> all;
        try (Stream<Path> files = Files.list(Path.of(dir))) {
            all = files.filter(p -> p.toString().endsWith(".wasm")).sorted().toList();
        }
        assertThat(all).as("test plugins in %s", dir).isNotEmpty();
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("plugins")
    void everyGeneratedClassVerifies(Path plugin) throws Exception {
        byte[] wasm = Files.readAllBytes(plugin);
        for (boolean metering : new boolean[] {true, false}) {
            CompiledModule m = WasmCompiler.compile(wasm, CompilerOptions.defaults().withMetering(metering));
            for (var c : m.classes().entrySet()) {
                StringWriter problems = new StringWriter();
                CheckClassAdapter.verify(new ClassReader(c.getValue()), getClass().getClassLoader(), false, new PrintWriter(problems));
                assertThat(problems.toString()).as("%s (metering %s): %s", plugin.getFileName(), metering, c.getKey()).isEmpty();
            }
        }
    }
}
