package io.llmtestbench.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.util.Textifier;
import org.objectweb.asm.util.TraceMethodVisitor;

/**
 * The bytecode of the wasm functions of small modules, as text, compared with committed golden files so that
 * every code generation change shows as a diff. Regenerate with {@code -Dllmtb.golden.update=true}.
 */
class GoldenBytecodeTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    @ParameterizedTest
    @CsvSource({"countdown.wasm, true, countdown.metered.txt", "countdown.wasm, false, countdown.unmetered.txt"})
    void wasmFunctionsMatchGolden(String module, boolean metering, String golden) throws Exception {
        CompiledModule m = WasmCompiler.compile(TestWasm.bytes(module),
                CompilerOptions.defaults().withMetering(metering).withClassName("golden.Module"));
        var text = new StringWriter();
        var out = new PrintWriter(text);
        for (var c : m.classes().entrySet()) {
            var node = new ClassNode();
            new ClassReader(c.getValue()).accept(node, ClassReader.SKIP_DEBUG);
            for (MethodNode method : node.methods) {
                if (!method.name.startsWith("func_")) {
                    continue;
                }
                out.println("// " + c.getKey() + "." + method.name + method.desc);
                var printer = new Textifier();
                method.accept(new TraceMethodVisitor(printer));
                printer.print(out);
                out.println();
            }
        }
        out.flush();
        Path file = GOLDEN.resolve(golden);
        if (Boolean.getBoolean("llmtb.golden.update") || !Files.exists(file)) {
            Files.createDirectories(GOLDEN);
            Files.writeString(file, text.toString());
        }
        assertThat(text.toString()).as("bytecode of %s (regenerate with -Dllmtb.golden.update=true)", module)
                .isEqualTo(read(file));
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p);
    }
}
