package io.llmtestbench.compiler.internal.gen;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmtestbench.compiler.CompilationReport;
import io.llmtestbench.compiler.CompiledModule;
import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.compiler.WasmCompiler;
import java.io.InputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;
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
}
