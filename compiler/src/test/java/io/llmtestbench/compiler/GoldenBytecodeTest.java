package io.llmtestbench.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.util.Textifier;
import org.objectweb.asm.util.TraceMethodVisitor;

/**
 * The bytecode of the wasm functions of small modules, as text, compared with committed golden files so that
 * every code generation change shows as a diff. Regenerate with {@code -Dllmtb.golden.update=true}; without it a
 * missing golden file fails the test rather than being written (which would make the test pass by definition).
 */
class GoldenBytecodeTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    @ParameterizedTest
    @CsvSource({"countdown.wasm, true, countdown.metered.txt", "countdown.wasm, false, countdown.unmetered.txt",
        "memory_access.wasm, false, memory_access.unmetered.txt", "counted_loop.wasm, true, counted_loop.metered.txt",
        "counted_loop.wasm, false, counted_loop.unmetered.txt"})
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
        if (regenerate()) {
            Files.createDirectories(GOLDEN);
            Files.writeString(file, text.toString());
        }
        assertThat(file).as("golden file %s is missing: a test that wrote its own expectation could not fail;"
                + " generate it on purpose with -D%s=true and commit it", file, UPDATE).exists();
        assertThat(text.toString()).as("bytecode of %s (regenerate with -D%s=true)", module, UPDATE)
                .isEqualTo(read(file));
    }

    /** The system property that asks for the golden files to be (re)written instead of only compared. */
    static final String UPDATE = "llmtb.golden.update";

    static boolean regenerate() {
        return Boolean.getBoolean(UPDATE);
    }

    @Test
    void aMissingGoldenFileFailsUnlessRegenerationIsAskedFor() {
        assumeFalse(regenerate(), "regenerating");
        Path missing = GOLDEN.resolve("no-such-module.metered.txt");
        assertThat(missing).doesNotExist();
        assertThatThrownBy(() -> wasmFunctionsMatchGolden("countdown.wasm", true, "no-such-module.metered.txt"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("golden file")
                .hasMessageContaining("is missing");
        assertThat(missing).as("nothing written").doesNotExist();
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p);
    }
}
