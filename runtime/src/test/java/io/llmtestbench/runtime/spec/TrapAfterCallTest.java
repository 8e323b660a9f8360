package io.llmtestbench.runtime.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.compiler.WasmCompiler;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * A call followed by {@code unreachable} (a Rust panic or a C {@code exit} and the trap the compiler puts after it)
 * throws the trap right after the call, without loading the fuel or the memory back for code that cannot run. The
 * budget holds the fuel then (the callee stored it), so the trap must not store the caller's stale copy over it:
 * results, memory and fuel agree with Chicory's interpreter and the fuel oracle whether the callee returns (the trap
 * after it counts), traps itself, grows memory first, or returns several values.
 */
class TrapAfterCallTest {
    private static byte[] wasm;

    /** run(x, y): y &lt; 0 calls $work then $panic then traps; y = 1 calls $pair then traps; else returns. */
    private static final String WAT = """
            (module
              (memory 1)
              (func $work (param $n i32) (result i32)
                (local $i i32)
                block
                  loop
                    local.get $i local.get $n i32.const 15 i32.and i32.ge_u br_if 1
                    local.get $i i32.const 4 i32.mul local.get $i i32.const 7 i32.mul i32.store
                    local.get $i i32.const 1 i32.add local.set $i
                    br 0
                  end
                end
                local.get $i)
              ;; a panic: traps itself on an odd argument; a negative one grows the memory first
              (func $panic (param $x i32)
                local.get $x i32.const 0 i32.lt_s
                if i32.const 1 memory.grow drop end
                local.get $x i32.const 1 i32.and
                if unreachable end
                i32.const 100 local.get $x i32.store)
              (func $pair (param $x i32) (result i32 i64)
                local.get $x call $work
                local.get $x i64.extend_i32_s)
              (func (export "run") (param $x i32) (param $y i64) (result i64)
                local.get $y i64.const 0 i64.lt_s
                if
                  local.get $x call $work drop
                  local.get $x call $panic
                  unreachable
                end
                local.get $y i64.const 1 i64.eq
                if
                  local.get $x call $pair
                  unreachable
                end
                local.get $x call $work
                i64.extend_i32_u))
            """;

    @BeforeAll
    static void assemble(@TempDir Path dir) throws Exception {
        wasm = ChunkedLoopsTest.wat2wasm(dir, "trap-after-call", WAT);
    }

    @Test
    void agreesWithTheInterpreterOnResultsMemoryAndFuel() throws Exception {
        // DifferentialTest.ARGS: (-1, -1) and (3, -7) trap in $panic, (MIN, MIN) grows, returns from it and traps
        // after the call, (1, 1) traps after $pair's two values, the others return
        DifferentialTest.checkModule(0, wasm);
    }

    /**
     * run's method loads the fuel back after its two calls of $work that return into code that runs, not after the
     * calls of $panic and $pair that {@code unreachable} follows (4 loads before).
     */
    @Test
    void theFuelIsLoadedBackOnlyAfterACallThatReturnsIntoLiveCode() throws Exception {
        var compiled = WasmCompiler.compile(wasm, CompilerOptions.defaults());
        int loads = -1;
        for (byte[] c : compiled.classes().values()) {
            ClassNode node = new ClassNode();
            new ClassReader(c).accept(node, 0);
            for (MethodNode m : node.methods) {
                if (m.name.equals("func_3")) {
                    loads = 0;
                    for (var insn : m.instructions) {
                        if (insn.getOpcode() == Opcodes.GETFIELD && ((FieldInsnNode) insn).name.equals("fuel")) {
                            loads++;
                        }
                    }
                }
            }
        }
        assertThat(loads).as("loads of Budget.fuel in run's method").isEqualTo(2);
    }
}
