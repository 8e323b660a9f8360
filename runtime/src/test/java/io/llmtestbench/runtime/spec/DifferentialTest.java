package io.llmtestbench.runtime.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.ImportGlobal;
import com.dylibso.chicory.runtime.ImportMemory;
import com.dylibso.chicory.runtime.ImportTable;
import com.dylibso.chicory.runtime.ImportValue;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.ValType;
import io.llmtestbench.compiler.CompilationException;
import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.compiler.WasmCompiler;
import io.llmtestbench.runtime.internal.exec.Budget;
import io.llmtestbench.runtime.internal.exec.Interrupted;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Our compiled code (metering on, and off) against Chicory's interpreter on the original module: results,
 * traps and final memory bytes must agree.
 *
 * <ol>
 *   <li>Spec scripts: every action of a fixed sample of scripts runs in both engines; each action's results
 *       (bit for bit, except NaN payloads) or trap kind, each module/link/rejection verdict, and every
 *       instance's final memory must match.
 *   <li>Random modules: {@value #RANDOM_MODULES} generated modules ({@link RandomModules}, seeds
 *       {@value #SEED}+i): i32/i64 arithmetic, loops, calls, loads/stores, bulk memory, memory.grow, traps;
 *       each engine runs {@code run} on one instance with the same argument sequence. Plus
 *       {@value #HUGE_MODULES} modules whose function is too big for a JVM method (the compiled module runs
 *       it in Chicory's interpreter). Metered fuel must be positive, the same on a fresh instance, and equal
 *       to the sum of the charges Chicory's interpreter executes on the metered module (trapping calls too).
 *   <li>A spec-conformance check where the interpreter is wrong (stores past 4 GiB), in compiled code and in
 *       functions left to the interpreter (which the compiler guards).
 *   <li>Modules the spec says are invalid but that {@code WasmCompiler} accepts (its known validation gaps):
 *       metering must not make one of them instantiable when the unmetered module is not.
 * </ol>
 */
class DifferentialTest {
    static final int RANDOM_MODULES = 400;
    static final int HUGE_MODULES = 4;
    static final long SEED = 0x5EED_0001L;
    /** Arguments (i32, i64) each random module's {@code run} is called with, in order, on one instance. */
    static final long[][] ARGS = {
        {0, 0}, {1, 1}, {-1, -1}, {7, 0x1_2345_6789L}, {Integer.MIN_VALUE, Long.MIN_VALUE}, {65_000, 42}, {3, -7}
    };

    /**
     * The sample of spec scripts: core scripts that exercise execution (not only validation), plus two
     * proposals. Chosen by content, fixed so that failures reproduce.
     */
    static final List<String> SPEC_SAMPLE = List.of(
            "address", "block", "br", "br_if", "br_table", "bulk", "call", "call_indirect", "conversions",
            "endianness", "fac", "float_exprs", "float_memory", "float_misc", "forward", "func_ptrs", "global",
            "i32", "i64", "if", "imports", "int_exprs", "labels", "left-to-right", "linking", "load",
            "local_get", "local_set", "local_tee", "loop", "memory", "memory_copy", "memory_fill", "memory_grow",
            "memory_init", "memory_redundancy", "memory_size", "memory_trap", "nop", "ref_func", "ref_is_null",
            "return", "select", "stack", "start", "store", "switch", "table_copy", "table_fill", "table_get",
            "table_grow", "table_init", "table_set", "table_size", "traps", "unreachable", "unwind",
            "f32", "f64", "f32_cmp", "f64_cmp", "f32_bitwise", "f64_bitwise", "elem", "data", "exports",
            "proposals/threads/atomic", "proposals/multi-memory/memory_copy1", "proposals/multi-memory/load");

    private static final Engine INTERPRETER = new Engine.Interpreter();
    private static final Engine METERED = new Engine.Compiled(CompilerOptions.defaults());
    private static final Engine UNMETERED = new Engine.Compiled(CompilerOptions.defaults().withMetering(false));

    private static ExecutorService pool;

    @BeforeAll
    static void startPool() {
        // 64 MiB: room for our depth limit in compiled code; the interpreter's runaway recursions end in a
        // StackOverflowError sooner than on the spec suite's 512 MiB stacks (both are "call stack exhausted").
        pool = SpecThreads.pool("differential", SpecThreads.parallelism(), 64L << 20);
    }

    @AfterAll
    static void stopPool() {
        pool.shutdownNow();
        System.out.println("[differential] results equal up to NaN payload only: " + NAN_PAYLOAD_DIFFERENCES.get());
    }

    // ---- 1. spec scripts ----------------------------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> specActionsAgree() {
        Map<String, SpecScript> byId = new java.util.HashMap<>();
        for (SpecScript s : SpecScript.loadAll(SpecSuite.jsonRoot())) {
            byId.put(s.id(), s);
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (String id : SPEC_SAMPLE) {
            SpecScript script = Objects.requireNonNull(byId.get(id), () -> "no spec script " + id);
            // Start both runs now; the tests collect them in order (two threads work ahead).
            Future<ScriptRunner.Run> reference = pool.submit(() -> ScriptRunner.run(script, INTERPRETER, true));
            Future<ScriptRunner.Run> ours = pool.submit(() -> ScriptRunner.run(script, METERED, true));
            tests.add(DynamicTest.dynamicTest(script.wastName(), () -> compare(get(reference), get(ours))));
        }
        return tests.stream();
    }

    private static ScriptRunner.Run get(Future<ScriptRunner.Run> f) throws Exception {
        try {
            return f.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        }
    }

    private static void compare(ScriptRunner.Run reference, ScriptRunner.Run ours) {
        List<String> differences = new ArrayList<>();
        String wast = reference.script().wastName();
        for (int i = 0; i < reference.outcomes().size(); i++) {
            var r = reference.outcomes().get(i);
            var o = ours.outcomes().get(i);
            // Actions are compared below, observation by observation; here: modules, links, rejections.
            boolean action = r.command().action() != null;
            if (!action && r.status() != o.status()) {
                differences.add(wast + ":" + r.command().line() + " " + r.command().type() + ": interpreter " + r.status()
                        + (r.detail() != null ? " (" + firstLine(r.detail()) + ")" : "") + ", compiled " + o.status()
                        + (o.detail() != null ? " (" + firstLine(o.detail()) + ")" : ""));
            }
        }
        if (reference.observations().size() != ours.observations().size()) {
            differences.add("actions performed: interpreter " + reference.observations().size() + ", compiled "
                    + ours.observations().size());
        } else {
            for (int i = 0; i < reference.observations().size(); i++) {
                String d = differ(reference.observations().get(i), ours.observations().get(i));
                if (d != null) {
                    differences.add(wast + ":" + reference.observations().get(i).line() + " " + d);
                }
            }
        }
        assertThat(ours.memories().keySet()).as("instances with memory").isEqualTo(reference.memories().keySet());
        reference.memories().forEach((label, bytes) -> {
            byte[] mine = ours.memories().get(label);
            if (!Arrays.equals(bytes, mine)) {
                differences.add(wast + " " + label + ": final memory differs " + firstDifference(bytes, mine));
            }
        });
        assertThat(differences).as("differences between Chicory's interpreter and our compiled code").isEmpty();
    }

    /** Null when both did the same: same results bit for bit, or both trapped with the same trap. */
    private static String differ(ScriptRunner.Observation r, ScriptRunner.Observation o) {
        if (r.trapped() != o.trapped()) {
            return r.action() + ": interpreter " + describe(r) + ", compiled " + describe(o);
        }
        if (!r.trapped()) {
            return sameResults(r.types(), r.results(), o.results()) ? null
                    : r.action() + ": interpreter " + describe(r) + ", compiled " + describe(o);
        }
        return trapKind(r.error()).equals(trapKind(o.error())) ? null
                : r.action() + ": interpreter " + describe(r) + ", compiled " + describe(o);
    }

    /**
     * Bit-for-bit equal, except that two NaNs of the same type are equal whatever their payloads. The spec
     * leaves NaN payloads nondeterministic, and on the JVM they are: with two NaN operands, f32/f64 add and
     * mul propagate one or the other depending on whether HotSpot has JIT-compiled (and commuted) the
     * operation, in our compiled code and in the interpreter alike (measured over repeated runs of
     * f32.wast/f64.wast); min/max also differ between the two engines.
     */
    static boolean sameResults(List<ValType> types, long[] a, long[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (a[i] == b[i]) {
                continue;
            }
            ValType t = i < types.size() ? types.get(i) : null;
            boolean nans = (ValType.F32.equals(t) && Float.isNaN(Float.intBitsToFloat((int) a[i]))
                            && Float.isNaN(Float.intBitsToFloat((int) b[i])))
                    || (ValType.F64.equals(t) && Double.isNaN(Double.longBitsToDouble(a[i]))
                            && Double.isNaN(Double.longBitsToDouble(b[i])));
            if (!nans) {
                return false;
            }
            NAN_PAYLOAD_DIFFERENCES.incrementAndGet();
        }
        return true;
    }

    /** How many results differed only in their NaN payload (printed at the end). */
    static final java.util.concurrent.atomic.AtomicInteger NAN_PAYLOAD_DIFFERENCES = new java.util.concurrent.atomic.AtomicInteger();

    private static String describe(ScriptRunner.Observation o) {
        if (o.trapped()) {
            return "trap " + o.error().getClass().getSimpleName() + ": " + o.error().getMessage();
        }
        StringBuilder b = new StringBuilder("returned [");
        for (int i = 0; i < o.results().length; i++) {
            b.append(i > 0 ? ", " : "").append("0x").append(Long.toHexString(o.results()[i]));
        }
        return b.append(']').toString();
    }

    /**
     * What kind of trap: the message up to its first colon ("out of bounds memory access: attempted to
     * access address ..." -> "out of bounds memory access"). Exhaustion is one kind whichever way it is
     * detected (our depth limit, or the JVM stack under the interpreter).
     */
    static String trapKind(Throwable t) {
        if (t instanceof Interrupted && ((Interrupted) t).reason() == Interrupted.Reason.CALL_DEPTH) {
            return "call stack exhausted";
        }
        if (t instanceof StackOverflowError) {
            return "call stack exhausted";
        }
        String m = t.getMessage() == null ? t.getClass().getName() : t.getMessage();
        int colon = m.indexOf(':');
        return colon > 0 ? m.substring(0, colon) : m;
    }

    private static String firstDifference(byte[] a, byte[] b) {
        if (b == null) {
            return "(missing)";
        }
        if (a.length != b.length) {
            return "(sizes " + a.length + " vs " + b.length + ")";
        }
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                return String.format("(first at byte 0x%x: %02x vs %02x)", i, a[i] & 0xff, b[i] & 0xff);
            }
        }
        return "";
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl > 0 ? s.substring(0, nl) : s;
    }

    // ---- 2. random modules --------------------------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> randomModulesAgree() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < RANDOM_MODULES; i++) {
            long seed = SEED + i;
            tests.add(DynamicTest.dynamicTest("seed " + seed, () -> randomModule(seed)));
        }
        return tests.stream();
    }

    /** Summary over all random modules, so that a generator that only produces traps is noticed. */
    @Test
    void randomModulesMostlyRunToCompletion() throws Exception {
        int calls = 0;
        int traps = 0;
        Map<String, Integer> kinds = new java.util.TreeMap<>();
        long fuel = 0;
        for (int i = 0; i < RANDOM_MODULES; i++) {
            for (Step s : execute(METERED, RandomModules.generate(SEED + i))) {
                calls++;
                fuel += s.fuel();
                if (s.trap() != null) {
                    traps++;
                    kinds.merge(s.trap(), 1, Integer::sum);
                }
            }
        }
        System.out.printf("[differential] random modules: %d calls, %d trapped %s, %,d fuel charged%n", calls, traps, kinds, fuel);
        assertThat(calls).isEqualTo(RANDOM_MODULES * ARGS.length);
        assertThat(traps).as("calls that trapped, of %d", calls).isLessThan(calls / 3).isGreaterThan(0);
    }

    /** One call of {@code run}: its result or trap, and the memory after it. */
    record Step(long[] args, Long result, String trap, byte[] memory, long fuel) {}

    /** Functions too big for one JIT-compiled JVM method are split into parts: same checks. */
    @TestFactory
    Stream<DynamicTest> hugeRandomFunctionsAgree() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < HUGE_MODULES; i++) {
            long seed = SEED + 1_000_000 + i;
            tests.add(DynamicTest.dynamicTest("huge, seed " + seed, () -> {
                byte[] wasm = RandomModules.generateHuge(seed);
                var compiled = WasmCompiler.compile(wasm, CompilerOptions.defaults());
                assertThat(compiled.report().largeMethods()).as("methods over HugeMethodLimit").isEmpty();
                assertThat(parts(compiled)).as("parts of split functions").isPositive();
                checkModule(seed, wasm);
            }));
        }
        return tests.stream();
    }

    /**
     * Interpreter-shaped functions (a dispatch loop around a nest of blocks, the {@code br_table} innermost) are
     * split into slices of consecutive cases, parts with several entries called from the method that keeps the
     * dispatch: results, memory and exact fuel, cases that fall into the next, jump to a later one, leave the loop
     * or return.
     */
    @TestFactory
    Stream<DynamicTest> dispatchLoopsAgree() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < 2 * HUGE_MODULES; i++) {
            long seed = SEED + 2_000_000 + i;
            tests.add(DynamicTest.dynamicTest("dispatch, seed " + seed, () -> {
                byte[] wasm = RandomModules.generateDispatch(seed);
                for (boolean metering : new boolean[] {true, false}) {
                    var compiled = WasmCompiler.compile(wasm, CompilerOptions.defaults().withMetering(metering));
                    assertThat(compiled.report().largeMethods()).as("methods over HugeMethodLimit").isEmpty();
                    assertThat(slices(compiled)).as("slices of the dispatch, metering %s", metering).isPositive();
                }
                checkModule(seed, wasm);
            }));
        }
        return tests.stream();
    }

    /**
     * Programs' mains (loop nests one after the other, 4-8 KB of bytecode: they would fit in one method) are split
     * into two parts or more that each hold a loop nest: results, memory and exact fuel, metered and unmetered.
     */
    @TestFactory
    Stream<DynamicTest> phasesAgree() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < 2 * HUGE_MODULES; i++) {
            long seed = SEED + 3_000_000 + i;
            tests.add(DynamicTest.dynamicTest("phases, seed " + seed, () -> {
                byte[] wasm = RandomModules.generatePhases(seed);
                for (boolean metering : new boolean[] {true, false}) {
                    var compiled = WasmCompiler.compile(wasm, CompilerOptions.defaults().withMetering(metering));
                    assertThat(compiled.report().largeMethods()).as("methods over HugeMethodLimit").isEmpty();
                    var sizes = compiled.classes().values().stream()
                            .flatMap(c -> io.llmtestbench.compiler.internal.ClassFiles.codeLengths(c).entrySet().stream())
                            .filter(e -> e.getKey().matches("func_1(\\$\\d+)?\\(.*"))
                            .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
                    int total = sizes.values().stream().mapToInt(Integer::intValue).sum();
                    if (metering) { // 6-7 KB metered, 3.6-4.8 KB unmetered (split or not by size)
                        assertThat(total).as("run's bytecode in all its methods: %s", sizes).isLessThan(8_000);
                        assertThat(sizes.size()).as("run's methods: %s", sizes).isGreaterThanOrEqualTo(3);
                    }
                }
                checkModule(seed, wasm);
            }));
        }
        return tests.stream();
    }

    /** Parts that take an entry (an {@code int} before the frame): slices of a dispatch nest. */
    private static long slices(io.llmtestbench.compiler.CompiledModule compiled) {
        long n = 0;
        for (byte[] c : compiled.classes().values()) {
            var node = new org.objectweb.asm.tree.ClassNode();
            new org.objectweb.asm.ClassReader(c).accept(node, 0);
            n += node.methods.stream().filter(m -> m.name.contains("$") && m.desc.startsWith("(I[J")).count();
        }
        return n;
    }

    /**
     * Tail calls (self, mutual, through a table, chains past the length at which they go through the trampoline,
     * an ordinary call inside a chain): results, memory and exact fuel against the interpreter, which runs them as
     * calls (the chains are short enough for it). The module is the second of the regression script tail_calls.wast
     * (V8 checks it too); its tail-called functions declare no locals, which Chicory 1.7.5's interpreter would lose.
     */
    @Test
    void tailCallsChargeExactlyTheInterpretersFuel() throws Exception {
        byte[] wasm = java.nio.file.Files.readAllBytes(RegressionScriptsTest.root().resolve("tail_calls/spec.1.wasm"));
        checkModule(0, wasm);
    }

    private static void randomModule(long seed) throws Exception {
        checkModule(seed, RandomModules.generate(seed));
    }

    static void checkModule(long seed, byte[] wasm) throws Exception {
        try {
            WasmCompiler.validate(wasm);
        } catch (CompilationException e) {
            throw new AssertionError("generator bug: seed " + seed + " gives an invalid module: " + e.getMessage(), e);
        }
        List<Step> reference = execute(INTERPRETER, wasm);
        List<Step> unmetered = execute(UNMETERED, wasm);
        List<Step> metered = execute(METERED, wasm);
        assertSame("unmetered compiled", reference, unmetered, seed);
        assertSame("metered compiled", reference, metered, seed);
        List<Step> meteredAgain = execute(METERED, wasm);
        List<Long> charged = chargesExecutedByInterpreter(wasm);
        for (int k = 0; k < metered.size(); k++) {
            Step s = metered.get(k);
            assertThat(s.fuel()).as("fuel charged by run%s (seed %d)", Arrays.toString(s.args()), seed).isPositive();
            assertThat(meteredAgain.get(k).fuel()).as("fuel of run%s on a fresh instance (seed %d): metering is deterministic",
                    Arrays.toString(s.args()), seed).isEqualTo(s.fuel());
            assertThat(s.fuel()).as("fuel of run%s (seed %d, %s): the charges the interpreter executed",
                    Arrays.toString(s.args()), seed, s.trap() == null ? "returned" : "trapped: " + s.trap())
                    .isEqualTo(charged.get(k));
        }
    }

    /**
     * The oracle for fuel: the module metered in wasm ({@code FuelInjector}: a call to {@code $fuel} at the start
     * of every segment of the cost model, {@code $bulk} before every bulk instruction) run by Chicory's
     * interpreter, where {@code $fuel} and {@code $bulk} are empty wasm functions; a listener adds up what each
     * executed call to them charges. Compiled code must charge exactly that on every call, including those that
     * trap (its fuel local is written back when a trap leaves a function).
     */
    private static List<Long> chargesExecutedByInterpreter(byte[] wasm) throws CompilationException {
        var original = com.dylibso.chicory.wasm.Parser.parse(wasm);
        byte[] metered = io.llmtestbench.compiler.internal.FuelInjector.inject(wasm, original).wasm();
        int fuelFunction = original.importSection().count(com.dylibso.chicory.wasm.types.ExternalType.FUNCTION)
                + original.functionSection().functionCount();
        long[] sum = new long[1];
        Instance instance = Instance.builder(com.dylibso.chicory.wasm.Parser.parse(metered))
                .withUnsafeExecutionListener((ins, stack) -> {
                    if (ins.opcode() == com.dylibso.chicory.wasm.types.OpCode.CALL) {
                        long[] values = stack.array();
                        int top = stack.size() - 1;
                        if (ins.operand(0) == fuelFunction) {
                            sum[0] += (int) values[top];
                        } else if (ins.operand(0) == fuelFunction + 1) {
                            sum[0] += io.llmtestbench.compiler.internal.CostModel.bulkCost((int) values[top - 1], (int) values[top]);
                        }
                    }
                })
                .withInitialize(false)
                .build()
                .initialize(false);
        List<Long> charged = new ArrayList<>();
        for (long[] args : ARGS) {
            sum[0] = 0;
            try {
                instance.export("run").apply(args);
            } catch (RuntimeException trapped) {
                // the charges up to the trap count
            }
            charged.add(sum[0]);
        }
        return charged;
    }

    private static void assertSame(String engine, List<Step> reference, List<Step> actual, long seed) {
        for (int k = 0; k < reference.size(); k++) {
            Step r = reference.get(k);
            Step a = actual.get(k);
            String call = "seed " + seed + ", " + engine + ", call " + k + " run" + Arrays.toString(r.args());
            assertThat(a.trap()).as(call + ": trap (interpreter returned %s)", r.result()).isEqualTo(r.trap());
            assertThat(a.result()).as(call + ": result").isEqualTo(r.result());
            if (!Arrays.equals(r.memory(), a.memory())) {
                throw new AssertionError(call + ": memory differs " + firstDifference(r.memory(), a.memory()));
            }
        }
    }

    private static List<Step> execute(Engine engine, byte[] wasm) throws CompilationException {
        Engine.Prepared p = engine.prepare("random", wasm);
        Budget budget = new Budget(Budget.UNLIMITED, ScriptRunner.MAX_DEPTH);
        Instance instance = engine.instantiate(p, ImportValues.empty(), budget);
        List<Step> steps = new ArrayList<>();
        for (long[] args : ARGS) {
            budget.reset(Budget.UNLIMITED, ScriptRunner.MAX_DEPTH);
            Long result = null;
            String trap = null;
            try {
                result = instance.export("run").apply(args)[0];
            } catch (RuntimeException e) {
                trap = trapKind(e);
            }
            Memory m = instance.memory();
            steps.add(new Step(args, result, trap, m.readBytes(0, m.pages() * Memory.PAGE_SIZE), budget.fuelUsed()));
        }
        return steps;
    }

    /**
     * The effective address of a store is base + offset as a 33-bit sum: base -1 with offset 3 is past 4 GiB
     * and must trap. Chicory 1.7.5's interpreter wraps it to 2 for i32.store8 and i64.store32 (which is why
     * the generator avoids such addresses); our compiled code must trap, with and without metering.
     */
    @Test
    void storesPastFourGibibytesTrapInCompiledCode() throws Exception {
        byte[] wasm = {
            0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
            0x01, 0x05, 0x01, 0x60, 0x01, 0x7f, 0x00, // type 0: (i32) -> ()
            0x03, 0x03, 0x02, 0x00, 0x00, // two functions of type 0
            0x05, 0x03, 0x01, 0x00, 0x01, // memory 1
            0x07, 0x0e, 0x02, 0x03, 's', 't', '8', 0x00, 0x00, 0x04, 's', 't', '3', '2', 0x00, 0x01,
            0x0a, 0x15, 0x02,
            0x09, 0x00, 0x20, 0x00, 0x41, 0x01, 0x3a, 0x00, 0x03, 0x0b, // i32.store8 offset=3 (local 0) (i32.const 1)
            0x09, 0x00, 0x20, 0x00, 0x42, 0x01, 0x3e, 0x02, 0x03, 0x0b // i64.store32 offset=3 (local 0) (i64.const 1)
        };
        for (Engine engine : List.of(METERED, UNMETERED)) {
            Engine.Prepared p = engine.prepare("wrap", wasm);
            Budget budget = new Budget(Budget.UNLIMITED, ScriptRunner.MAX_DEPTH);
            Instance instance = engine.instantiate(p, ImportValues.empty(), budget);
            for (String f : List.of("st8", "st32")) {
                budget.reset(Budget.UNLIMITED, ScriptRunner.MAX_DEPTH);
                Throwable thrown = null;
                try {
                    instance.export(f).apply(-1);
                } catch (RuntimeException e) {
                    thrown = e;
                }
                assertThat(thrown).as("%s %s(-1)", engine.name(), f).isNotNull();
                assertThat(trapKind(thrown)).isEqualTo("out of bounds memory access");
                assertThat(instance.memory().readBytes(0, 16)).as("memory after %s(-1)", f).containsOnly(0);
            }
        }
    }

    /** Methods of parts of split functions ({@code func_N$k}) in a compiled module. */
    private static long parts(io.llmtestbench.compiler.CompiledModule compiled) {
        return compiled.classes().values().stream()
                .flatMap(c -> io.llmtestbench.compiler.internal.ClassFiles.codeLengths(c).keySet().stream())
                .filter(m -> m.matches("func_\\d+\\$.*"))
                .count();
    }

    /** The same stores in functions too large for one method, which are split into parts: they trap too. */
    @Test
    void storesPastFourGibibytesTrapInSplitFunctionsToo() throws Exception {
        byte[] wasm = hugeStoreModule();
        for (Engine engine : List.of(METERED, UNMETERED)) {
            Engine.Prepared p = engine.prepare("wrap-huge", wasm);
            assertThat(p.compiled().report().largeMethods()).as("%s: methods over HugeMethodLimit", engine.name()).isEmpty();
            assertThat(parts(p.compiled())).as("%s: parts of split functions", engine.name()).isPositive();
            Budget budget = new Budget(Budget.UNLIMITED, ScriptRunner.MAX_DEPTH);
            Instance instance = engine.instantiate(p, ImportValues.empty(), budget);
            for (String f : List.of("st8", "st64_8", "st64_32")) {
                for (int base : new int[] {-1, -3}) {
                    budget.reset(Budget.UNLIMITED, ScriptRunner.MAX_DEPTH);
                    Throwable thrown = null;
                    try {
                        instance.export(f).apply(base);
                    } catch (RuntimeException e) {
                        thrown = e;
                    }
                    assertThat(thrown).as("%s %s(%d)", engine.name(), f, base).isNotNull();
                    assertThat(trapKind(thrown)).isEqualTo("out of bounds memory access");
                    assertThat(instance.memory().readBytes(0, 16)).as("memory after %s(%d)", f, base).containsOnly(0);
                }
                budget.reset(Budget.UNLIMITED, ScriptRunner.MAX_DEPTH);
                instance.export(f).apply(0);
                assertThat(instance.memory().read(3)).as("%s %s(0) stores at 3", engine.name(), f).isEqualTo((byte) 1);
                instance.memory().writeByte(3, (byte) 0);
            }
        }
    }

    /**
     * Arithmetic in functions too large for one JVM method, which are split into parts, must follow the spec where
     * Chicory's interpreter (the reference elsewhere) does not (found by the V8 oracle): an {@code i32.mul} product
     * that is 0 modulo 2<sup>32</sup> must not take an {@code if}; {@code abs} clears the sign of a NaN;
     * {@code ceil}, {@code min}, {@code max}, {@code sqrt} of a signalling NaN give a quiet NaN. One exported
     * function {@code run (param $case i32) (result i64)} too big for one JVM method; expected results are the
     * spec's.
     */
    @Test
    void arithmeticInSplitFunctionsFollowsTheSpec() throws Exception {
        // Each case: operands pushed as i64 constants a and b, code that turns them into the i64 result (local 3 is
        // an i64 scratch), and the expected result.
        record Case(String name, long a, long b, byte[] code, long expected) {}
        List<Case> cases = List.of(
                // (if (result i64) (i32.mul (i32.wrap_i64 a) (i32.wrap_i64 b)) (then 1) (else 0))
                new Case("i32.mul before if", 0x10000, 0x10000, new byte[] {0x21, 0x03, (byte) 0xa7, 0x20, 0x03, (byte) 0xa7,
                        0x6c, 0x04, 0x7e, 0x42, 1, 0x05, 0x42, 0, 0x0b}, 0),
                new Case("i32.mul before if (odd)", 3, 5, new byte[] {0x21, 0x03, (byte) 0xa7, 0x20, 0x03, (byte) 0xa7,
                        0x6c, 0x04, 0x7e, 0x42, 1, 0x05, 0x42, 0, 0x0b}, 1),
                // drop b; (i64.extend_i32_u (i32.reinterpret_f32 (f32.abs (f32.reinterpret_i32 (wrap a)))))
                new Case("f32.abs", 0xffc0_0000L, 0, new byte[] {0x1a, (byte) 0xa7, (byte) 0xbe, (byte) 0x8b, (byte) 0xbc, (byte) 0xad},
                        0x7fc0_0000L),
                new Case("f64.abs", 0xfff8_0000_0000_0001L, 0, new byte[] {0x1a, (byte) 0xbf, (byte) 0x99, (byte) 0xbd},
                        0x7ff8_0000_0000_0001L),
                new Case("f32.ceil", 0x7f80_0001L, 0, new byte[] {0x1a, (byte) 0xa7, (byte) 0xbe, (byte) 0x8d, (byte) 0xbc, (byte) 0xad},
                        0x7fc0_0001L),
                // b in local 3; (f32.min (f32 a) (f32 b))
                new Case("f32.min", 0x3f80_0000L, 0x7fa0_0000L, new byte[] {0x21, 0x03, (byte) 0xa7, (byte) 0xbe, 0x20, 0x03, (byte) 0xa7,
                        (byte) 0xbe, (byte) 0x96, (byte) 0xbc, (byte) 0xad}, 0x7fe0_0000L),
                new Case("f64.max", 0x7ff0_0000_0000_0001L, 0, new byte[] {0x21, 0x03, (byte) 0xbf, 0x20, 0x03, (byte) 0xbf, (byte) 0xa5,
                        (byte) 0xbd}, 0x7ff8_0000_0000_0001L),
                new Case("f64.sqrt", 0xfff0_0000_0000_0002L, 0, new byte[] {0x1a, (byte) 0xbf, (byte) 0x9f, (byte) 0xbd},
                        0xfff8_0000_0000_0002L));
        var body = new java.io.ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x02, 0x7f, 0x01, 0x7e}); // locals 1, 2: i32 (1 is the padding's); 3: i64
        for (int k = 0; k < 15_000; k++) {
            // local.set 1 (i32.const 7 + 1000): makes the function too big for one JVM method
            body.writeBytes(new byte[] {0x41, 0x07, 0x41, (byte) 0xe8, 0x07, 0x6a, 0x21, 0x01});
        }
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            // (if (i32.eq (local.get $case) (i32.const i)) (then a b <code> return))
            body.writeBytes(new byte[] {0x20, 0x00, 0x41, (byte) i, 0x46, 0x04, 0x40, 0x42});
            sleb(body, c.a());
            body.write(0x42);
            sleb(body, c.b());
            body.writeBytes(c.code());
            body.writeBytes(new byte[] {0x0f, 0x0b}); // return end
        }
        body.writeBytes(new byte[] {0x42, 0x7f, 0x0b}); // i64.const -1 end
        byte[] bytes = body.toByteArray();
        var code = new java.io.ByteArrayOutputStream();
        code.write(1);
        RandomModules.uleb(code, bytes.length);
        code.writeBytes(bytes);
        var out = new java.io.ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00});
        RandomModules.section(out, 1, new byte[] {0x01, 0x60, 0x01, 0x7f, 0x01, 0x7e}); // (i32) -> i64
        RandomModules.section(out, 3, new byte[] {0x01, 0x00});
        RandomModules.section(out, 7, new byte[] {0x01, 0x03, 'r', 'u', 'n', 0x00, 0x00});
        RandomModules.section(out, 10, code.toByteArray());
        byte[] wasm = out.toByteArray();
        for (Engine engine : List.of(METERED, UNMETERED)) {
            Engine.Prepared p = engine.prepare("split-arithmetic", wasm);
            assertThat(p.compiled().report().largeMethods()).as("%s: methods over HugeMethodLimit", engine.name()).isEmpty();
            assertThat(parts(p.compiled())).as("%s: parts of split functions", engine.name()).isPositive();
            Budget budget = new Budget(Budget.UNLIMITED, ScriptRunner.MAX_DEPTH);
            Instance instance = engine.instantiate(p, ImportValues.empty(), budget);
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                budget.reset(Budget.UNLIMITED, ScriptRunner.MAX_DEPTH);
                long result = instance.export("run").apply(i)[0];
                assertThat(Long.toHexString(result)).as("%s: %s of 0x%x, 0x%x", engine.name(), c.name(), c.a(), c.b())
                        .isEqualTo(Long.toHexString(c.expected()));
            }
        }
    }

    private static void sleb(java.io.ByteArrayOutputStream out, long value) {
        long v = value;
        while (true) {
            int b = (int) (v & 0x7f);
            v >>= 7;
            if ((v == 0 && (b & 0x40) == 0) || (v == -1 && (b & 0x40) != 0)) {
                out.write(b);
                return;
            }
            out.write(b | 0x80);
        }
    }

    /**
     * Three exported functions (param i32) of 15,000 straight-line statements each (too large for one JVM
     * method), ending in {@code i32.store8}, {@code i64.store8} or {@code i64.store32} of 1 at offset 3 from the
     * parameter.
     */
    private static byte[] hugeStoreModule() {
        byte[][] tails = {
            {0x20, 0x00, 0x41, 0x01, 0x3a, 0x00, 0x03, 0x0b}, // local.get 0 i32.const 1 i32.store8 offset=3
            {0x20, 0x00, 0x42, 0x01, 0x3c, 0x00, 0x03, 0x0b}, // local.get 0 i64.const 1 i64.store8 offset=3
            {0x20, 0x00, 0x42, 0x01, 0x3e, 0x00, 0x03, 0x0b}, // local.get 0 i64.const 1 i64.store32 offset=3
        };
        var code = new java.io.ByteArrayOutputStream();
        code.write(tails.length);
        for (byte[] tail : tails) {
            var body = new java.io.ByteArrayOutputStream();
            body.writeBytes(new byte[] {0x01, 0x01, 0x7f}); // one i32 local
            for (int i = 0; i < 15_000; i++) {
                // local.set 1 (local.get 0 + 1000): 6 bytes of JVM bytecode each
                body.writeBytes(new byte[] {0x20, 0x00, 0x41, (byte) 0xe8, 0x07, 0x6a, 0x21, 0x01});
            }
            body.writeBytes(tail);
            RandomModules.uleb(code, body.size());
            code.writeBytes(body.toByteArray());
        }
        var out = new java.io.ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00});
        RandomModules.section(out, 1, new byte[] {0x01, 0x60, 0x01, 0x7f, 0x00});
        RandomModules.section(out, 3, new byte[] {0x03, 0x00, 0x00, 0x00});
        RandomModules.section(out, 5, new byte[] {0x01, 0x00, 0x01});
        RandomModules.section(out, 7, new byte[] {0x03,
            0x03, 's', 't', '8', 0x00, 0x00,
            0x06, 's', 't', '6', '4', '_', '8', 0x00, 0x01,
            0x07, 's', 't', '6', '4', '_', '3', '2', 0x00, 0x02});
        RandomModules.section(out, 10, code.toByteArray());
        return out.toByteArray();
    }

    // ---- 3. spec-invalid modules that WasmCompiler accepts ------------------------------------------------

    /**
     * {@code WasmCompiler.validate} leaves some checks to Chicory's instantiation (see exclusions.txt). Metering
     * must not turn such a module into one that instantiates.
     */
    @Test
    void meteringDoesNotMakeInvalidModulesInstantiable() {
        List<String> differences = new ArrayList<>();
        int checked = 0;
        for (SpecScript script : SpecScript.loadAll(SpecSuite.jsonRoot())) {
            if (script.simd()) {
                continue;
            }
            for (SpecScript.Command c : script.commands()) {
                if (!(c.type().equals("assert_invalid") || c.type().equals("assert_malformed")) || c.textModule()) {
                    continue;
                }
                byte[] wasm = script.module(c.filename());
                try {
                    WasmCompiler.validate(wasm);
                } catch (CompilationException expected) {
                    continue; // refused at compile time: nothing to instantiate
                }
                checked++;
                String reference = instantiates(INTERPRETER, wasm);
                String metered = instantiates(METERED, wasm);
                if (!reference.equals(metered)) {
                    differences.add(script.wastName() + ":" + c.line() + " (" + c.filename() + ", expected invalid: \"" + c.text()
                            + "\"): unmetered " + reference + ", metered " + metered);
                }
            }
        }
        assertThat(checked).as("spec-invalid modules WasmCompiler accepts").isPositive();
        assertThat(differences).as("modules whose instantiability changes with metering").isEmpty();
    }

    /** "instantiates" (with the exports it has) or "fails: <exception>". Imports come from spectest only. */
    private static String instantiates(Engine engine, byte[] wasm) {
        try {
            Engine.Prepared p = engine.prepare("invalid", wasm);
            SpectestHost spectest = new SpectestHost();
            var imports = ImportValues.builder();
            for (int i = 0; i < p.module().importSection().importCount(); i++) {
                Import imp = p.module().importSection().getImport(i);
                if (imp.module().equals(SpectestHost.MODULE)) {
                    for (ImportValue v : spectest.lookup(imp.name())) {
                        if (v instanceof ImportFunction) {
                            imports.addFunction((ImportFunction) v);
                        } else if (v instanceof ImportGlobal) {
                            imports.addGlobal((ImportGlobal) v);
                        } else if (v instanceof ImportMemory) {
                            imports.addMemory((ImportMemory) v);
                        } else if (v instanceof ImportTable) {
                            imports.addTable((ImportTable) v);
                        }
                    }
                }
            }
            engine.instantiate(p, imports.build(), new Budget(Budget.UNLIMITED, ScriptRunner.MAX_DEPTH));
            return "instantiates";
        } catch (CompilationException | RuntimeException e) {
            return "fails";
        }
    }
}
