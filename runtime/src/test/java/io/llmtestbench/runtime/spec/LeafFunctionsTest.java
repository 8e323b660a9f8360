package io.llmtestbench.runtime.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.compiler.WasmCompiler;
import io.llmtestbench.runtime.internal.exec.Budget;
import io.llmtestbench.runtime.internal.exec.Interrupted;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Leaves (small functions without loops that call nothing, reached only by wasm calls: the generator's
 * {@code ModuleInfo.leaves}) enter through {@code Meter.enterLeaf}, count no call depth and check no fuel; their
 * callers' checks cover them. Results, memory and fuel agree with Chicory's interpreter, traps inside a leaf
 * included; "call stack exhausted" strikes at the same depth as for the same function entered normally; a budget
 * too small for a loop of leaf calls still stops the run within one iteration's charges; and a function with
 * more leaf calls than its checks may cover checks after each. A leaf charges {@code Budget.leafFuel}, which its
 * caller folds into its fuel local at its next check and adds when it stores its fuel: a leaf call has no fuel
 * stored before it or loaded after it, and fuel stays exact when the caller traps, calls another function or runs a
 * loop after leaf calls whose charges it has not folded in yet.
 */
class LeafFunctionsTest {
    /**
     * $mix is a leaf; $mix_exported is the same body exported and in a table (so not a leaf). run(x, y) calls $mix
     * in a loop of (y &amp; 15) + 1 turns (it loads at x + 4i when i &lt; 3, so x = -1 traps inside the leaf, and
     * stores), then $mix_exported once through the table.
     */
    private static final String WAT = """
            (module
              (type $t (func (param i32 i32) (result i32)))
              (memory 1)
              (table 1 funcref)
              (elem (i32.const 0) $mix_exported)
              (func $mix (param $a i32) (param $b i32) (result i32)
                local.get $b i32.const 3 i32.lt_u
                if (result i32)
                  local.get $a i32.load
                else
                  local.get $a local.get $b i32.mul i32.const 0x9e3779b1 i32.xor
                end
                local.get $b i32.const 7 i32.and
                br_if 0
                i32.const 64 local.get $b i32.store
                i32.const 1 i32.add)
              (func $mix_exported (export "mix") (param $a i32) (param $b i32) (result i32)
                local.get $b i32.const 3 i32.lt_u
                if (result i32)
                  local.get $a i32.load
                else
                  local.get $a local.get $b i32.mul i32.const 0x9e3779b1 i32.xor
                end
                local.get $b i32.const 7 i32.and
                br_if 0
                i32.const 64 local.get $b i32.store
                i32.const 1 i32.add)
              ;; n levels of recursion, then one call of the leaf ($leaf = 1) or of its exported twin
              (func $down (export "down") (param $n i32) (param $leaf i32) (result i32)
                local.get $n i32.eqz
                if (result i32)
                  local.get $leaf
                  if (result i32)
                    i32.const 8 i32.const 5 call $mix
                  else
                    i32.const 8 i32.const 5 call $mix_exported
                  end
                else
                  local.get $n i32.const 1 i32.sub local.get $leaf call $down
                end)
              (func (export "run") (param $x i32) (param $y i64) (result i64)
                (local $i i32) (local $acc i32)
                loop
                  local.get $acc
                  local.get $x local.get $i i32.const 4 i32.mul i32.add local.get $i call $mix
                  i32.add local.set $acc
                  local.get $i i32.const 1 i32.add local.tee $i
                  local.get $y i32.wrap_i64 i32.const 15 i32.and
                  i32.le_u br_if 0
                end
                ;; and once through the table
                local.get $acc local.get $x i32.const 3 i32.const 0 call_indirect (type $t) i32.add
                i64.extend_i32_u))
            """;

    private static byte[] wasm;

    @BeforeAll
    static void assemble(@TempDir Path dir) throws Exception {
        wasm = ChunkedLoopsTest.wat2wasm(dir, "leaves", WAT);
    }

    @Test
    void agreesWithTheInterpreterOnResultsMemoryAndFuel() throws Exception {
        // DifferentialTest.ARGS include x = -1 (the leaf's load traps) and addresses near the memory's end
        DifferentialTest.checkModule(0, wasm);
    }

    /** The leaf's method counts no depth and checks no fuel; its exported twin does both. */
    @Test
    void theLeafCountsNoDepthAndChecksNoFuel() throws Exception {
        Map<String, List<String>> calls = runtimeReferences(true);
        assertThat(calls.get("func_0")).as("the leaf").containsExactly("Meter.enterLeaf", "Budget.leafFuel=");
        assertThat(calls.get("func_1")).as("its exported twin")
                .contains("Meter.enter", "Meter.refill", "Meter.leave").doesNotContain("Meter.enterLeaf");
        Map<String, List<String>> unmetered = runtimeReferences(false);
        assertThat(unmetered.get("func_0")).as("the leaf, unmetered").containsExactly("Meter.enterLeaf");
        assertThat(unmetered.get("func_1")).as("its twin, unmetered")
                .contains("Budget.depth=").doesNotContain("Meter.enterLeaf");
    }

    /**
     * Around a call of a leaf the caller neither stores its fuel to the budget nor loads it back (14 bytes a call site
     * that made a large function's method hold fewer of its cases): the leaf charges {@code Budget.leafFuel}.
     */
    @Test
    void aLeafCallStoresAndLoadsNoFuel() throws Exception {
        int leafCalls = 0;
        for (MethodNode m : methods(wasm, true)) {
            for (var insn : m.instructions) {
                if (insn instanceof MethodInsnNode mi && mi.name.equals("func_0")) {
                    leafCalls++;
                    assertThat(budgetFields(insn, -1)).as("before the leaf call in %s", m.name).doesNotContain("fuel");
                    assertThat(budgetFields(insn, 1)).as("after the leaf call in %s", m.name).doesNotContain("fuel");
                }
            }
        }
        assertThat(leafCalls).as("calls of the leaf").isEqualTo(2);
    }

    /** The Budget fields the three instructions before ({@code step} -1) or after (+1) {@code at} read or write. */
    private static List<String> budgetFields(org.objectweb.asm.tree.AbstractInsnNode at, int step) {
        List<String> fields = new ArrayList<>();
        var insn = at;
        for (int seen = 0; seen < 3; ) {
            insn = step < 0 ? insn.getPrevious() : insn.getNext();
            if (insn == null) {
                break;
            }
            if (insn.getOpcode() < 0) {
                continue;
            }
            seen++;
            if (insn instanceof FieldInsnNode f && f.owner.endsWith("/Budget")) {
                fields.add(f.name);
            }
        }
        return fields;
    }

    /**
     * Leaf charges the caller has not folded in yet reach the budget exactly: $leaf traps inside (x = -1: on the
     * first call; x = 65,000: on the second, the first's charges pending); run traps on its own load right after a
     * leaf call (x = 7); leaf calls come before a loop that calls no leaf, and before a call of $spin (not a leaf: it
     * loops), which reads the budget's fuel. Results, memory and fuel as Chicory's interpreter charges them.
     */
    private static final String PENDING_WAT = """
            (module
              (memory 1)
              (func $leaf (param $a i32) (result i32)
                local.get $a i32.const 0x10000 i32.ge_u
                if (result i32)
                  local.get $a i32.load
                else
                  local.get $a i32.const 600 i32.add
                end)
              (func $spin (param $n i32) (result i32)
                (local $i i32)
                loop
                  local.get $i i32.const 1 i32.add local.tee $i
                  local.get $n i32.lt_u br_if 0
                end
                local.get $i)
              (func (export "run") (param $x i32) (param $y i64) (result i64)
                (local $i i32) (local $acc i32)
                local.get $x call $leaf call $leaf local.set $acc
                loop
                  local.get $acc i32.const 7 i32.add local.set $acc
                  local.get $i i32.const 1 i32.add local.tee $i
                  local.get $y i32.wrap_i64 i32.const 31 i32.and i32.lt_u br_if 0
                end
                local.get $acc call $leaf i32.const 63 i32.and call $spin
                local.get $acc i32.add local.set $acc
                local.get $acc call $leaf drop
                local.get $x i32.const 21844 i32.mul i32.load local.get $acc i32.add
                i64.extend_i32_u))
            """;

    @Test
    void pendingLeafChargesReachTheBudgetExactly(@TempDir Path dir) throws Exception {
        byte[] module = ChunkedLoopsTest.wat2wasm(dir, "pending", PENDING_WAT);
        DifferentialTest.checkModule(1, module);
        int leafCalls = 0;
        for (MethodNode m : methods(module, true)) {
            for (var insn : m.instructions) {
                if (insn instanceof MethodInsnNode mi && mi.name.equals("func_0")) {
                    leafCalls++;
                }
            }
        }
        assertThat(leafCalls).as("calls of the leaf: $leaf is one").isEqualTo(4);
    }

    /**
     * With every budget from 1 to past the whole run, the run of {@link #PENDING_WAT} either completes with its
     * fuel or stops "fuel exhausted" within the charges of one stretch between two checks (leaf calls included): the
     * leaves' charges before the loop are folded in on entry to it, so its first check sees them.
     */
    @Test
    void aSmallBudgetSeesPendingLeafChargesAtTheNextCheck(@TempDir Path dir) throws Exception {
        byte[] module = ChunkedLoopsTest.wat2wasm(dir, "pending", PENDING_WAT);
        // the most charged between two checks: run's first segments with two leaf calls, under 40
        everyBudgetCompletesOrStopsWithin(module, 40, 1, 31L);
    }

    /**
     * With every budget from 1 to past the whole run of {@code run(args)}, the run either completes with the same
     * result and fuel, or stops "fuel exhausted" having used more than its budget by at most {@code slack}; no leaf
     * charge is left in {@code Budget.leafFuel} after any of them.
     */
    private static void everyBudgetCompletesOrStopsWithin(byte[] module, int slack, long... args) throws Exception {
        Engine engine = new Engine.Compiled(CompilerOptions.defaults());
        Engine.Prepared p = engine.prepare("budgets", module);
        Budget budget = new Budget(Budget.UNLIMITED, ScriptRunner.MAX_DEPTH);
        Instance instance = engine.instantiate(p, ImportValues.empty(), budget);
        budget.reset(Budget.UNLIMITED, ScriptRunner.MAX_DEPTH);
        long result = instance.export("run").apply(args)[0];
        long whole = budget.fuelUsed();
        int exhausted = 0;
        for (long limit = 1; limit <= whole + 1; limit++) {
            budget.reset(limit, ScriptRunner.MAX_DEPTH);
            try {
                assertThat(instance.export("run").apply(args)[0]).isEqualTo(result);
                assertThat(budget.fuelUsed()).isEqualTo(whole).isLessThanOrEqualTo(limit);
            } catch (Interrupted e) {
                assertThat(e.reason()).as("budget %d", limit).isEqualTo(Interrupted.Reason.FUEL_EXHAUSTED);
                assertThat(budget.fuelUsed()).as("fuel used with a budget of %d", limit)
                        .isGreaterThan(limit).isLessThanOrEqualTo(limit + slack);
                exhausted++;
            }
            assertThat(budget.leafFuel).as("leaf charges left unsettled, budget %d", limit).isZero();
        }
        assertThat(exhausted).as("budgets below the run's fuel").isEqualTo((int) whole - 1);
    }

    /** Budget and Meter references of each wasm function's method, in order (a field write as {@code name=}). */
    private static Map<String, List<String>> runtimeReferences(boolean metered) throws Exception {
        Map<String, List<String>> out = new TreeMap<>();
        for (MethodNode m : methods(wasm, metered)) {
            if (!m.name.startsWith("func_")) {
                continue;
            }
            List<String> refs = new ArrayList<>();
            for (var insn : m.instructions) {
                if (insn instanceof MethodInsnNode mi && (mi.owner.endsWith("/Meter") || mi.owner.endsWith("/Budget"))) {
                    refs.add(mi.owner.substring(mi.owner.lastIndexOf('/') + 1) + "." + mi.name);
                } else if (insn.getOpcode() == Opcodes.PUTFIELD && ((FieldInsnNode) insn).owner.endsWith("/Budget")) {
                    String ref = "Budget." + ((FieldInsnNode) insn).name + "=";
                    if (!refs.contains(ref)) { // the return and the fuel handler both store the fuel
                        refs.add(ref);
                    }
                }
            }
            out.put(m.name, refs);
        }
        return out;
    }

    /** Every method of the classes {@code module} compiles to. */
    private static List<MethodNode> methods(byte[] module, boolean metered) throws Exception {
        var compiled = WasmCompiler.compile(module, CompilerOptions.defaults().withMetering(metered));
        List<MethodNode> methods = new ArrayList<>();
        for (byte[] c : compiled.classes().values()) {
            ClassNode node = new ClassNode();
            new ClassReader(c).accept(node, 0);
            methods.addAll(node.methods);
        }
        return methods;
    }

    /** A leaf called at the depth limit traps "call stack exhausted" exactly where the same body entered normally does. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void theDepthLimitStrikesAtTheSameCallAsForAnyFunction(boolean metered) throws Exception {
        Engine engine = new Engine.Compiled(CompilerOptions.defaults().withMetering(metered));
        Engine.Prepared p = engine.prepare("leaves", wasm);
        int maxDepth = 40;
        Budget budget = new Budget(Budget.UNLIMITED, maxDepth);
        Instance instance = engine.instantiate(p, ImportValues.empty(), budget);
        int[] deepest = new int[2];
        for (int leaf = 0; leaf <= 1; leaf++) {
            deepest[leaf] = -1;
            for (int n = 0; n < 2 * maxDepth; n++) {
                budget.reset(Budget.UNLIMITED, maxDepth);
                try {
                    instance.export("down").apply(n, leaf);
                    deepest[leaf] = n;
                } catch (Interrupted e) {
                    assertThat(e.reason()).isEqualTo(Interrupted.Reason.CALL_DEPTH);
                    break;
                }
            }
        }
        // down(n) is n + 1 levels, the callee one more: the deepest that fits is maxDepth - 2
        assertThat(deepest[1]).as("deepest n with the leaf").isEqualTo(maxDepth - 2).isEqualTo(deepest[0]);
    }

    /**
     * With every budget from 1 to past the whole run, a run of leaf calls in a loop either completes with the
     * interpreter's fuel or stops "fuel exhausted" having used at most one loop turn's charges (leaf included)
     * beyond its budget: the loop header's check covers the leaf.
     */
    @Test
    void aSmallBudgetStopsALoopOfLeafCallsWithinOneTurn() throws Exception {
        // a turn's charges: the loop body's segment and the leaf's longest path, fewer than 40
        everyBudgetCompletesOrStopsWithin(wasm, 40, 100, 15L);
    }

    /**
     * A function with more leaf calls than its checks may cover (41,944 or more: a hostile module's) gets a check
     * after each; with fewer it gets none after them.
     */
    @Test
    void aFunctionWithVeryManyLeafCallsChecksAfterEach(@TempDir Path dir) throws Exception {
        assertThat(refillsAfterLeafCalls(dir, 100)).as("100 leaf calls").isZero();
        assertThat(refillsAfterLeafCalls(dir, 42_000)).as("42,000 leaf calls").isGreaterThanOrEqualTo(42_000);
    }

    private static int refillsAfterLeafCalls(Path dir, int calls) throws Exception {
        StringBuilder wat = new StringBuilder("(module (func $leaf (param i32) (result i32) local.get 0 i32.const 1 i32.add)\n"
                + "(func (export \"run\") (param $x i32) (result i32)\n");
        for (int i = 0; i < calls; i++) {
            wat.append("local.get $x call $leaf local.set $x\n");
        }
        wat.append("local.get $x))");
        byte[] module = ChunkedLoopsTest.wat2wasm(dir, "calls" + calls, wat.toString());
        int refills = 0;
        for (MethodNode m : methods(module, true)) {
            for (var insn : m.instructions) {
                if (insn instanceof MethodInsnNode mi && mi.name.equals("refill")) {
                    refills++;
                }
            }
        }
        // the caller's entry and return checks: 2 refills (more if it is split into parts)
        return calls > 100 ? refills : refills - 2;
    }
}
