package io.llmtestbench.runtime.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.runtime.internal.exec.Budget;
import io.llmtestbench.runtime.internal.exec.Interrupted;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Loops run in chunks (the generator's {@code CountedLoops}: one fuel or deadline check per chunk of trips, a
 * counted inner loop for C2) compute, trap and charge exactly as the wasm says. {@code loops/counted_loops.wat} has
 * one loop of each latch shape and of each edge the chunk limit must respect (see its header). Checked three ways:
 * against Chicory's interpreter (results, memory, fuel equal to the charges it executes, metered and unmetered);
 * against the same module with every latch made unrecognisable (its bound or step read from a global holding the
 * same value: same instructions, same fuel), at every budget from 1 up and then at a stride to past the whole run,
 * which must give the same result or trap and the same fuel, exhausted or not, so that chunks never skip a check
 * that would have stopped the run; and in the bytecode, that the first module's loops are chunked and the second's
 * are not (each chunk header divides the fuel by the loop's trip cost: the only {@code idiv} in this module).
 */
class ChunkedLoopsTest {
    /** The latch operands marked {@code ;;@}, read from the global {@code $g} in the unrecognisable copy. */
    private static final Pattern MARKED = Pattern.compile("(local\\.get \\$\\w+|i32\\.const -?\\d+) ;;@");
    private static final int CHUNKED_LOOPS = 13;
    /** One marked operand per loop but loop 13's two (both its stepped locals' steps). */
    private static final int MARKED_OPERANDS = 14;
    private static final int[] ARGS = {0, 5, -1, 65000, 2147483600, Integer.MIN_VALUE + 3};

    private static byte[] chunked;
    private static byte[] unrecognised;

    @BeforeAll
    static void assemble(@TempDir Path dir) throws Exception {
        String wat;
        try (InputStream in = ChunkedLoopsTest.class.getResourceAsStream("/loops/counted_loops.wat")) {
            wat = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher m = MARKED.matcher(wat);
        int marked = 0;
        StringBuilder plain = new StringBuilder();
        while (m.find()) {
            marked++;
            m.appendReplacement(plain, "global.get \\$g ;;@");
        }
        m.appendTail(plain);
        assertThat(marked).as("marked latch operands").isEqualTo(MARKED_OPERANDS);
        chunked = wat2wasm(dir, "chunked", wat);
        unrecognised = wat2wasm(dir, "unrecognised", plain.toString());
    }

    /** {@code wat} assembled by wabt's wat2wasm in {@code dir} (also for ConstantDivisorsTest). */
    static byte[] wat2wasm(Path dir, String name, String wat) throws IOException, InterruptedException {
        Path in = dir.resolve(name + ".wat");
        Path out = dir.resolve(name + ".wasm");
        Files.writeString(in, wat);
        Process p;
        try {
            p = new ProcessBuilder("wat2wasm", in.toString(), "-o", out.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("this test assembles its module with wabt's wat2wasm: install wabt", e);
        }
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("wat2wasm %s: %s", name, log).isZero();
        return Files.readAllBytes(out);
    }

    @Test
    void agreesWithTheInterpreterOnResultsMemoryAndFuel() throws Exception {
        DifferentialTest.checkModule(0, chunked);
    }

    @Test
    void onlyTheRecognisedLoopsAreChunked() throws Exception {
        assertThat(divisions(chunked, true)).as("chunk headers, metered").isEqualTo(CHUNKED_LOOPS);
        assertThat(divisions(unrecognised, true)).as("chunk headers in the unrecognisable copy").isZero();
        assertThat(divisions(chunked, false)).as("unmetered chunks divide nothing").isZero();
    }

    private static int divisions(byte[] wasm, boolean metered) throws Exception {
        var compiled = io.llmtestbench.compiler.WasmCompiler.compile(wasm,
                CompilerOptions.defaults().withMetering(metered));
        int n = 0;
        for (byte[] c : compiled.classes().values()) {
            var node = new ClassNode();
            new ClassReader(c).accept(node, 0);
            for (MethodNode method : node.methods) {
                for (var insn : method.instructions) {
                    if (insn.getOpcode() == Opcodes.IDIV) {
                        n++;
                    }
                }
            }
        }
        return n;
    }

    @Test
    void everyBudgetStopsAtTheSameCheckWithTheSameFuel() throws Exception {
        Engine metered = new Engine.Compiled(CompilerOptions.defaults());
        Runner a = new Runner(metered, metered.prepare("counted loops", chunked));
        Runner b = new Runner(metered, metered.prepare("counted loops, unrecognised", unrecognised));
        int runs = 0;
        int exhausted = 0;
        for (int arg : ARGS) {
            Outcome whole = a.run(arg, Budget.UNLIMITED);
            assertThat(b.run(arg, Budget.UNLIMITED)).as("run(%d), no limit", arg).isEqualTo(whole);
            List<Long> budgets = new ArrayList<>();
            for (long budget = 1; budget <= Math.min(2_000, whole.fuel() + 1); budget++) {
                budgets.add(budget);
            }
            for (long budget = 2_001; budget <= whole.fuel() + 1; budget += 211) {
                budgets.add(budget);
            }
            budgets.addAll(List.of(whole.fuel() - 1, whole.fuel(), whole.fuel() + 1, 32_767L, 32_768L, 65_535L));
            for (long budget : budgets) {
                if (budget <= 0) {
                    continue;
                }
                Outcome x = a.run(arg, budget);
                Outcome y = b.run(arg, budget);
                assertThat(x).as("run(%d) with a budget of %d", arg, budget).isEqualTo(y);
                runs++;
                if ("fuel exhausted".equals(x.trap())) {
                    exhausted++;
                }
            }
        }
        assertThat(exhausted).as("runs that exhausted their budget, of %d", runs).isGreaterThan(runs / 2);
    }

    /** What one call of {@code run} gave: its result or trap, the fuel used, the memory's hash. */
    record Outcome(Long result, String trap, long fuel, int memory) {}

    /**
     * One instance, reused: the module has no data and sets its global before each use, so zeroing the memory gives
     * each call a fresh start (as DifferentialTest reuses instances across calls, traps included).
     */
    private static final class Runner {
        final Budget budget = new Budget(Budget.UNLIMITED, ScriptRunner.MAX_DEPTH);
        final Instance instance;

        Runner(Engine engine, Engine.Prepared p) {
            instance = engine.instantiate(p, ImportValues.empty(), budget);
        }

        Outcome run(int arg, long limit) {
            Memory m = instance.memory();
            m.fill((byte) 0, 0, m.pages() * Memory.PAGE_SIZE);
            budget.reset(limit, ScriptRunner.MAX_DEPTH);
            Long result = null;
            String trap = null;
            try {
                result = instance.export("run").apply(arg, 5L)[0];
            } catch (RuntimeException e) {
                trap = e instanceof Interrupted && ((Interrupted) e).reason() == Interrupted.Reason.FUEL_EXHAUSTED
                        ? "fuel exhausted" : DifferentialTest.trapKind(e);
            }
            return new Outcome(result, trap, budget.fuelUsed(),
                    Arrays.hashCode(m.readBytes(0, m.pages() * Memory.PAGE_SIZE)));
        }
    }
}
