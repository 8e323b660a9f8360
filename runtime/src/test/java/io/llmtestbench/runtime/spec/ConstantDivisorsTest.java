package io.llmtestbench.runtime.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.runtime.internal.exec.Budget;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * {@code div_u} and {@code rem_u} by a constant are emitted without a call (a shift or mask for a power of two, a
 * division by the constant that C2 turns into a multiplication otherwise; an i64 dividend at or above 2^63 takes
 * {@code WasmOps}' unsigned path). Every constant shape — one, powers of two up to the top bit, small and large
 * odd divisors, the largest unsigned values, zero (which must still trap) — divides every edge dividend exactly as
 * Java's own unsigned division says and as Chicory's interpreter computes, metered and unmetered (the fuel of
 * such code is DifferentialTest's); and the bytecode keeps a call only where it should.
 */
class ConstantDivisorsTest {
    private static final long[] I32_DIVISORS = {
        0, 1, 2, 3, 7, 10, 16, 100, 1000, 0x7FFF_FFFFL, 0x8000_0000L, 0x8000_0001L, 0xFFFF_FFFEL, 0xFFFF_FFFFL, 641
    };
    private static final long[] I64_DIVISORS = {
        0, 1, 2, 3, 10, 1 << 20, 10_000, 100_000_000, 1_000_000_007L, 10_000_000_000_000_000L, Long.MAX_VALUE,
        Long.MIN_VALUE, Long.MIN_VALUE + 1, -10, -1, 0x4000_0000_0000_0000L
    };
    private static final long[] DIVIDENDS = {
        0, 1, 2, 3, 9, 10, 11, 99, 641, 6700417, 0x7FFF_FFFFL, 0x8000_0000L, 0x8000_0001L, 0xFFFF_FFFFL,
        0x1_0000_0000L, 0x1234_5678_9ABC_DEF0L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, -1, -2, -10,
        -9_999_999_999L, 1_844_674_407_370_955_161L, 0xFFFF_FFFF_FFFF_FFF0L
    };

    private static byte[] wasm;

    @BeforeAll
    static void assemble(@TempDir Path dir) throws Exception {
        StringBuilder wat = new StringBuilder("(module\n");
        for (int i = 0; i < I32_DIVISORS.length; i++) {
            for (String op : List.of("div_u", "rem_u")) {
                wat.append(String.format("  (func (export \"i32_%s_%d\") (param i32) (result i32)"
                        + " local.get 0 i32.const %d i32.%s)%n", op, i, (int) I32_DIVISORS[i], op));
            }
        }
        for (int i = 0; i < I64_DIVISORS.length; i++) {
            for (String op : List.of("div_u", "rem_u")) {
                wat.append(String.format("  (func (export \"i64_%s_%d\") (param i64) (result i64)"
                        + " local.get 0 i64.const %d i64.%s)%n", op, i, I64_DIVISORS[i], op));
            }
        }
        wasm = ChunkedLoopsTest.wat2wasm(dir, "divisors", wat.append(")\n").toString());
    }

    @Test
    void everyConstantDividesEveryDividendAsTheSpecSays() throws Exception {
        List<String> interpreter = results(new Engine.Interpreter(), true);
        for (Engine engine : List.of(new Engine.Compiled(CompilerOptions.defaults()),
                new Engine.Compiled(CompilerOptions.defaults().withMetering(false)))) {
            List<String> compiled = results(engine, false);
            for (int i = 0; i < interpreter.size(); i++) {
                assertThat(compiled.get(i)).as(engine.name()).isEqualTo(interpreter.get(i));
            }
            assertThat(compiled).hasSameSizeAs(interpreter);
        }
    }

    /** Each call's result (checked here against Java's unsigned division) or trap. */
    private static List<String> results(Engine engine, boolean checkJava) throws Exception {
        Engine.Prepared p = engine.prepare("constant-divisors", wasm);
        Budget budget = new Budget(Budget.UNLIMITED, ScriptRunner.MAX_DEPTH);
        Instance instance = engine.instantiate(p, ImportValues.empty(), budget);
        List<String> out = new ArrayList<>();
        for (boolean i64 : new boolean[] {false, true}) {
            long[] divisors = i64 ? I64_DIVISORS : I32_DIVISORS;
            for (int i = 0; i < divisors.length; i++) {
                for (boolean rem : new boolean[] {false, true}) {
                    String name = (i64 ? "i64_" : "i32_") + (rem ? "rem_u_" : "div_u_") + i;
                    for (long a : DIVIDENDS) {
                        long x = i64 ? a : a & 0xFFFF_FFFFL;
                        budget.reset(Budget.UNLIMITED, ScriptRunner.MAX_DEPTH);
                        String r;
                        try {
                            long v = instance.export(name).apply(x)[0];
                            r = i64 ? Long.toHexString(v) : Integer.toHexString((int) v);
                        } catch (RuntimeException e) {
                            r = "trap " + DifferentialTest.trapKind(e);
                        }
                        String expected = divisors[i] == 0 ? "trap integer divide by zero"
                                : i64 ? Long.toHexString(rem ? Long.remainderUnsigned(x, divisors[i])
                                        : Long.divideUnsigned(x, divisors[i]))
                                : Integer.toHexString(rem ? Integer.remainderUnsigned((int) x, (int) divisors[i])
                                        : Integer.divideUnsigned((int) x, (int) divisors[i]));
                        if (checkJava) {
                            assertThat(r).as("%s(0x%x), interpreter", name, x).isEqualTo(expected);
                        }
                        out.add(name + "(0x" + Long.toHexString(x) + ") = " + r);
                    }
                }
            }
        }
        return out;
    }

    /**
     * Calls stay only for a zero divisor (the trap) and, in i64, for divisors at or above 2^63 other than 2^63
     * itself and on the path of a dividend at or above 2^63.
     */
    @Test
    void onlyDivisorsWithoutAShortcutCallOut() throws Exception {
        var compiled = new Engine.Compiled(CompilerOptions.defaults().withMetering(false)).prepare("constant-divisors", wasm)
                .compiled();
        List<String> calls = new ArrayList<>();
        for (byte[] bytes : compiled.classes().values()) {
            ClassNode node = new ClassNode();
            new ClassReader(bytes).accept(node, 0);
            for (MethodNode m : node.methods) {
                for (var insn : m.instructions) {
                    if (insn.getOpcode() == Opcodes.INVOKESTATIC) {
                        MethodInsnNode call = (MethodInsnNode) insn;
                        if (call.name.contains("nsigned") || call.name.startsWith("i64DivU") || call.name.startsWith("i64RemU")) {
                            calls.add(call.name);
                        }
                    }
                }
            }
        }
        // i32: divisor 0 (div and rem) -> Integer.divideUnsigned/remainderUnsigned;
        // i64: divisor 0 and the four at or above 2^63 other than 2^63 (-10, -1, MIN+1: three) call out directly,
        // and the nine positive non-powers of two call out on their slow path (dividend >= 2^63): per operation.
        assertThat(calls.stream().filter(c -> c.equals("divideUnsigned"))).hasSize(1);
        assertThat(calls.stream().filter(c -> c.equals("remainderUnsigned"))).hasSize(1);
        long slowPaths = java.util.Arrays.stream(I64_DIVISORS).filter(c -> c > 0 && Long.bitCount(c) != 1).count();
        long direct = 1 + java.util.Arrays.stream(I64_DIVISORS).filter(c -> c < 0 && c != Long.MIN_VALUE).count();
        assertThat(calls.stream().filter(c -> c.equals("i64DivU"))).hasSize((int) (slowPaths + direct));
        assertThat(calls.stream().filter(c -> c.equals("i64RemU"))).hasSize((int) (slowPaths + direct));
    }
}
