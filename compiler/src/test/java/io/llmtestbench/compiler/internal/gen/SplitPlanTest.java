package io.llmtestbench.compiler.internal.gen;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmtestbench.compiler.CompilationReport;
import io.llmtestbench.compiler.CompiledModule;
import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.compiler.WasmCompiler;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;

/**
 * How a function too large for one JIT-compiled method is split, on an interpreter's dispatch loop (a loop around
 * a nest of 256 blocks, the {@code br_table} innermost: {@code dispatch_nest.wat}). Every case the nest sends to a
 * part crosses a method boundary on every dispatch, each level of parts once more; so the function's own method
 * keeps the loop, the dispatch ({@code br_table}'s {@code tableswitch}) and as many cases as fit, the other cases
 * go to slices called from it (no part calls a part), and a part re-issues the branch it left by through a
 * {@code tableswitch} on its exit code straight to the target, not a {@code lookupswitch} to a jump.
 */
class SplitPlanTest {
    @ParameterizedTest(name = "metering {0}")
    @ValueSource(booleans = {true, false})
    void theDispatchLoopsMethodKeepsAllItCanAndPartsExitThroughATableSwitch(boolean metering) throws Exception {
        byte[] wasm;
        try (InputStream in = SplitPlanTest.class.getResourceAsStream("/wasm/dispatch_nest.wasm")) {
            wasm = in.readAllBytes();
        }
        CompiledModule m = WasmCompiler.compile(wasm, CompilerOptions.defaults().withMetering(metering));
        int main = 0;
        int parts = 0;
        for (CompilationReport.Method method : CompilationReport.methodsOf(m.classes())) {
            assertThat(method.bytecodeBytes()).as("%s", method.method()).isLessThanOrEqualTo(Splitter.HUGE_METHOD_LIMIT);
            if (method.method().equals("func_0")) {
                main = method.bytecodeBytes();
            } else if (method.method().startsWith("func_0$")) {
                parts++;
            }
        }
        assertThat(parts).as("parts").isPositive();
        // Filled from the inside out, the method kept 3,881 bytes unmetered and 5,956 metered.
        assertThat(main).as("bytes of bytecode the function's own method keeps").isGreaterThan(6000);
        int dispatches = 0;
        for (byte[] c : m.classes().values()) {
            var node = new ClassNode();
            new ClassReader(c).accept(node, 0);
            for (MethodNode method : node.methods) {
                if (method.name.startsWith("func_0")) {
                    for (var insn : method.instructions) {
                        assertThat(insn.getOpcode()).as("%s: exit switch", method.name).isNotEqualTo(Opcodes.LOOKUPSWITCH);
                        if (method.name.startsWith("func_0$") && insn instanceof MethodInsnNode call) {
                            // Nested as levels (the dispatch innermost), every dispatch crossed every level.
                            assertThat(call.name).as("%s calls a part: the cases are one level down", method.name)
                                    .doesNotStartWith("func_0$");
                        }
                        if (insn instanceof TableSwitchInsnNode ts && ts.labels.size() >= 200) {
                            assertThat(method.name).as("the method that holds the dispatch").isEqualTo("func_0");
                            dispatches++;
                        }
                    }
                }
            }
        }
        assertThat(dispatches).as("the br_table's tableswitch").isEqualTo(1);
    }

    @TempDir
    Path dir;

    /**
     * Which cases the method keeps: the smallest, wherever they are in the nest. An interpreter's frequent
     * operations are its small cases, so the method keeps as many cases as it has room for, and the large ones go
     * to slices. Here every fourth case is large and the others small, the small ones in every part of the nest: cut
     * from the outermost case inward (as the planner did first), the slices took small cases with the large ones.
     */
    @ParameterizedTest(name = "metering {0}")
    @ValueSource(booleans = {true, false})
    void theMethodKeepsTheSmallCasesAndSlicesTakeTheLargeOnes(boolean metering) throws Exception {
        int n = 160;
        var wat = new StringBuilder("(module (memory 1) (func (export \"run\") (param $steps i32) (result i32)\n");
        wat.append("  (local $pc i32) (local $a i32)\n  (block $halt (loop $next\n");
        wat.append("    (br_if $halt (i32.eqz (local.get $steps)))\n");
        wat.append("    (local.set $steps (i32.sub (local.get $steps) (i32.const 1)))\n");
        wat.append("    (local.set $pc (i32.and (i32.add (local.get $pc) (i32.const 1)) (i32.const 255)))\n");
        for (int i = n; i > 0; i--) {
            wat.append("    (block $c").append(i).append('\n');
        }
        wat.append("      (br_table");
        for (int i = 1; i <= n; i++) {
            wat.append(" $c").append(i);
        }
        wat.append(" (i32.load8_u (local.get $pc))))\n");
        for (int i = 1; i <= n; i++) {
            // Each case stores its marker, 1,000,000 + i (an ldc in the method that holds it).
            if (large(i)) {
                for (int k = 0; k < 16; k++) {
                    wat.append("    (local.set $a (i32.xor (i32.load offset=").append(4 * k).append(" (local.get $pc))")
                            .append(" (i32.mul (local.get $a) (i32.const ").append(i + k).append("))))\n");
                }
            }
            wat.append("    (i32.store (local.get $pc) (i32.add (local.get $a) (i32.const ").append(1_000_000 + i)
                    .append(")))\n");
            wat.append("    (br $next))\n"); // the end of block i + 1 (of the loop after the last case)
        }
        wat.append("  )\n  (local.get $a)))\n");
        CompiledModule m = WasmCompiler.compile(assemble(wat.toString()), CompilerOptions.defaults().withMetering(metering));
        Map<Integer, String> holder = new HashMap<>();
        for (byte[] c : m.classes().values()) {
            var node = new ClassNode();
            new ClassReader(c).accept(node, 0);
            for (MethodNode method : node.methods) {
                assertThat(method.instructions.size()).isPositive();
                for (var insn : method.instructions) {
                    if (insn instanceof LdcInsnNode ldc && ldc.cst instanceof Integer v && v > 1_000_000 && v <= 1_000_000 + n) {
                        holder.put(v - 1_000_000, method.name);
                    }
                }
            }
        }
        for (CompilationReport.Method method : CompilationReport.methodsOf(m.classes())) {
            assertThat(method.bytecodeBytes()).as("%s", method.method()).isLessThanOrEqualTo(Splitter.HUGE_METHOD_LIMIT);
        }
        int sliced = 0;
        for (int i = 1; i <= n; i++) {
            assertThat(holder).as("case %d's marker", i).containsKey(i);
            if (!large(i)) {
                assertThat(holder.get(i)).as("the method that holds small case %d", i).isEqualTo("func_0");
            } else if (!holder.get(i).equals("func_0")) {
                sliced++;
            }
        }
        assertThat(sliced).as("large cases in slices").isPositive();
    }

    /**
     * A case larger than a part may be stays out of the slices: a slice of it alone would not fit a method, and each
     * retry with a smaller target would slice it first again, down to a method of a thousand bytes and a score of
     * tiny parts (the Rust plugins' serde functions did: a method of 860 bytes and 22 parts). Here one case of ~12 KB
     * among 160 small ones: the function gets the other plans (it kept 1,680 bytes and 12 parts, unmetered 18).
     */
    @ParameterizedTest(name = "metering {0}")
    @ValueSource(booleans = {true, false})
    void aCaseLargerThanAPartStaysOutOfTheSlices(boolean metering) throws Exception {
        int n = 160;
        var wat = new StringBuilder("(module (memory 1) (func (export \"run\") (param $steps i32) (result i32)\n");
        wat.append("  (local $pc i32) (local $a i32)\n  (block $halt (loop $next\n");
        wat.append("    (br_if $halt (i32.eqz (local.get $steps)))\n");
        wat.append("    (local.set $steps (i32.sub (local.get $steps) (i32.const 1)))\n");
        for (int i = n; i > 0; i--) {
            wat.append("    (block $c").append(i).append('\n');
        }
        wat.append("      (br_table");
        for (int i = 1; i <= n; i++) {
            wat.append(" $c").append(i);
        }
        wat.append(" (i32.load8_u (local.get $pc))))\n");
        for (int i = 1; i <= n; i++) {
            for (int k = 0; k < (i == 40 ? 600 : 1); k++) {
                wat.append("    (local.set $a (i32.xor (i32.load offset=").append(4 * k).append(" (local.get $pc))")
                        .append(" (i32.mul (local.get $a) (i32.const ").append(i + k).append("))))\n");
            }
            wat.append("    (br $next))\n");
        }
        wat.append("  )\n  (local.get $a)))\n");
        CompiledModule m = WasmCompiler.compile(assemble(wat.toString()), CompilerOptions.defaults().withMetering(metering));
        int main = 0;
        int parts = 0;
        for (CompilationReport.Method method : CompilationReport.methodsOf(m.classes())) {
            assertThat(method.bytecodeBytes()).as("%s", method.method()).isLessThanOrEqualTo(Splitter.HUGE_METHOD_LIMIT);
            if (method.method().equals("func_0")) {
                main = method.bytecodeBytes();
            } else if (method.method().startsWith("func_0$")) {
                parts++;
            }
        }
        assertThat(main).as("bytes the function's own method keeps").isGreaterThan(2500);
        assertThat(parts).as("parts").isBetween(1, 6);
    }

    /**
     * Metering does not move a case out of the method that holds the dispatch: a metered function is split with
     * its unmetered code's plan. Here an emulator's loop (prog_emu's {@code run_machine}): 256 cases of one to five
     * calls of a leaf that reads the guest's bus, and a write. Metering adds bytes to each case (its segments' charges
     * and the leaf's fuel folded in), and planned on those bytes the method kept fewer cases: on main 85ed5c8 it kept
     * 48 metered against 52 unmetered, cases 240, 245, 250 and 255 in a slice metered only.
     */
    @org.junit.jupiter.api.Test
    void meteringDoesNotMoveCasesOutOfTheDispatchMethod() throws Exception {
        int n = 256;
        var wat = new StringBuilder("(module (memory 1)\n");
        wat.append("  (func $read (param $at i32) (result i32) (i32.load8_u (i32.and (local.get $at) (i32.const 1023))))\n");
        wat.append("  (func $write (param $at i32) (param $v i32) (i32.store8 (i32.and (local.get $at) (i32.const 1023)) (local.get $v)))\n");
        wat.append("  (func (export \"run\") (param $steps i32) (result i32)\n");
        wat.append("  (local $pc i32) (local $a i32)\n  (block $halt (loop $next\n");
        wat.append("    (br_if $halt (i32.eqz (local.get $steps)))\n");
        wat.append("    (local.set $steps (i32.sub (local.get $steps) (i32.const 1)))\n");
        wat.append("    (local.set $pc (i32.and (i32.add (local.get $pc) (i32.const 1)) (i32.const 1023)))\n");
        for (int i = n; i > 0; i--) {
            wat.append("    (block $c").append(i).append('\n');
        }
        wat.append("      (br_table");
        for (int i = 1; i <= n; i++) {
            wat.append(" $c").append(i);
        }
        wat.append(" (call $read (local.get $pc))))\n");
        for (int i = 1; i <= n; i++) {
            for (int k = 0; k <= i * 7 % 5; k++) {
                wat.append("    (local.set $a (i32.add (local.get $a) (call $read (i32.add (local.get $pc) (i32.const ")
                        .append(i + k).append(")))))\n");
            }
            // Each case writes its marker, 1,000,000 + i (an ldc in the method that holds it).
            wat.append("    (call $write (local.get $a) (i32.const ").append(1_000_000 + i).append("))\n");
            wat.append("    (br $next))\n");
        }
        wat.append("  )\n  (local.get $a)))\n");
        byte[] wasm = assemble(wat.toString());
        Map<Integer, String> metered = holders(WasmCompiler.compile(wasm, CompilerOptions.defaults().withMetering(true)), n);
        Map<Integer, String> unmetered = holders(WasmCompiler.compile(wasm, CompilerOptions.defaults().withMetering(false)), n);
        long kept = unmetered.values().stream().filter("func_2"::equals).count();
        assertThat(kept).as("cases the unmetered method keeps").isBetween(40L, (long) n - 40);
        var moved = new java.util.ArrayList<String>();
        for (int i = 1; i <= n; i++) {
            if (!metered.get(i).equals(unmetered.get(i))) {
                moved.add(i + ": " + unmetered.get(i) + " -> " + metered.get(i));
            }
        }
        assertThat(moved).as("cases held elsewhere metered than unmetered").isEmpty();
    }

    /** For each case marker (1,000,000 + i), the method that holds it; every method within HotSpot's limit. */
    private static Map<Integer, String> holders(CompiledModule m, int n) {
        for (CompilationReport.Method method : CompilationReport.methodsOf(m.classes())) {
            assertThat(method.bytecodeBytes()).as("%s", method.method()).isLessThanOrEqualTo(Splitter.HUGE_METHOD_LIMIT);
        }
        Map<Integer, String> holder = new java.util.TreeMap<>();
        for (byte[] c : m.classes().values()) {
            var node = new ClassNode();
            new ClassReader(c).accept(node, 0);
            for (MethodNode method : node.methods) {
                for (var insn : method.instructions) {
                    if (insn instanceof LdcInsnNode ldc && ldc.cst instanceof Integer v && v > 1_000_000 && v <= 1_000_000 + n) {
                        holder.put(v - 1_000_000, method.name);
                    }
                }
            }
        }
        assertThat(holder).as("case markers").hasSize(n);
        return holder;
    }

    private static boolean large(int i) {
        return i % 4 == 0;
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
