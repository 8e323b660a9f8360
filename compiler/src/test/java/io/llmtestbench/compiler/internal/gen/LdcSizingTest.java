package io.llmtestbench.compiler.internal.gen;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmtestbench.compiler.CompilationReport;
import io.llmtestbench.compiler.CompiledModule;
import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.compiler.WasmCompiler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * A function is sized with its {@code ldc}s at their real length (GenBackend.generateSized): a function that fits
 * HotSpot's 8,000 bytes in its class stays one method, even when counting 3 bytes for every {@code ldc} (the most
 * any constant pool can make it) would have put it over; and a function whose {@code ldc}s do become the 3-byte
 * {@code ldc_w} in a crowded constant pool is planned again and split, so no method passes the limit.
 */
class LdcSizingTest {
    @TempDir
    Path dir;

    /** 1,450 {@code ldc}s, ~5 bytes each with the 2-byte {@code ldc}: ~7,500 bytes, ~9,000 counted at 3. */
    private static final int CONSTANTS = 1450;

    @Test
    void aFunctionThatFitsWithItsRealLdcsStaysOneMethod() throws Exception {
        CompiledModule compiled = WasmCompiler.compile(assemble(module(0, CONSTANTS)), CompilerOptions.defaults());
        List<CompilationReport.Method> methods = methodsOf(compiled, 0);
        assertThat(methods).as("methods of the function").hasSize(1);
        int bytes = methods.get(0).bytecodeBytes();
        int ldcs = ldcs(compiled, "func_0");
        assertThat(ldcs).isGreaterThanOrEqualTo(CONSTANTS);
        assertThat(bytes).as("its real length").isLessThanOrEqualTo(8000);
        assertThat(bytes + ldcs).as("its length counting 3 bytes per ldc").isGreaterThan(8000);
    }

    @Test
    void aFunctionWhoseLdcsBecomeWideInACrowdedPoolIsSplit() throws Exception {
        // Alone, the function fits in one method with its 2-byte ldcs
        CompiledModule alone = WasmCompiler.compile(assemble(module(0, CONSTANTS)), CompilerOptions.defaults());
        assertThat(methodsOf(alone, 0)).hasSize(1);
        // After a function that puts 600 other constants in the class's pool its ldcs are the 3-byte ldc_w: they pass
        CompiledModule crowded = WasmCompiler.compile(assemble(module(600, CONSTANTS)), CompilerOptions.defaults());
        assertThat(methodsOf(crowded, 1).size()).as("methods of the second function").isGreaterThan(1);
        for (CompilationReport.Method m : CompilationReport.methodsOf(crowded.classes())) {
            assertThat(m.bytecodeBytes()).as(m.method()).isLessThanOrEqualTo(8000);
        }
    }

    /**
     * {@code (func (param i32) (result i32))}: x = x ^ C for each constant, in blocks of 50. When {@code before} is not
     * 0, a first function of that many distinct constants; then one of {@code constants} {@code ldc}s cycling through
     * 8 constants of its own (so with fewer than 256 entries in the pool before them, each is a 2-byte {@code ldc}).
     */
    private static String module(int before, int constants) {
        StringBuilder wat = new StringBuilder("(module\n");
        if (before > 0) {
            function(wat, before, k -> 0x1234_5678 + 977 * k);
        }
        function(wat, constants, k -> 0x7654_3210 + 977 * (k % 8));
        return wat.append(")\n").toString();
    }

    private static void function(StringBuilder wat, int n, java.util.function.IntUnaryOperator constant) {
        wat.append("  (func (param i32) (result i32)\n");
        for (int k = 0; k < n; k++) {
            if (k % 50 == 0) {
                wat.append(k > 0 ? "    end\n" : "").append("    block\n"); // blocks the splitter can cut at
            }
            wat.append("    local.get 0 i32.const ").append(constant.applyAsInt(k)).append(" i32.xor local.set 0\n");
        }
        wat.append("    end\n    local.get 0)\n");
    }

    private static List<CompilationReport.Method> methodsOf(CompiledModule compiled, int function) {
        return CompilationReport.methodsOf(compiled.classes()).stream()
                .filter(m -> m.method().equals("func_" + function) || m.method().startsWith("func_" + function + "$"))
                .toList();
    }

    private static int ldcs(CompiledModule compiled, String method) {
        int n = 0;
        for (byte[] c : compiled.classes().values()) {
            ClassNode node = new ClassNode();
            new ClassReader(c).accept(node, 0);
            for (MethodNode m : node.methods) {
                if (m.name.equals(method)) {
                    for (var insn : m.instructions) {
                        if (insn instanceof LdcInsnNode) {
                            n++;
                        }
                    }
                }
            }
        }
        return n;
    }

    private byte[] assemble(String wat) throws Exception {
        Path in = dir.resolve("t.wat");
        Path out = dir.resolve("t.wasm");
        Files.writeString(in, wat);
        Process p;
        try {
            p = new ProcessBuilder("wat2wasm", in.toString(), "-o", out.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            throw new AssertionError("this test assembles its module with wabt's wat2wasm: install wabt", e);
        }
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("wat2wasm: %s", log).isZero();
        return Files.readAllBytes(out);
    }
}
