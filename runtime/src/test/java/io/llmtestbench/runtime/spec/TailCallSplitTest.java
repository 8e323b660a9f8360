package io.llmtestbench.runtime.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.compiler.internal.ClassFiles;
import io.llmtestbench.runtime.internal.exec.Budget;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tail calls in a function too large for one JVM method, whose parts make them: a chain of 300,000 through it
 * (direct, to itself, to another function that tail-calls back, and through a table) returns the right value at
 * its caller's depth, so a pending call leaves the parts, and the JVM stack stays bounded (an unbounded one
 * overflows the test thread's stack long before).
 */
class TailCallSplitTest {
    static List<Engine> engines() {
        return List.of(new Engine.Compiled(CompilerOptions.defaults()),
                new Engine.Compiled(CompilerOptions.defaults().withMetering(false)));
    }

    /** Repetitions of a 4-instruction statement in each of the big function's three blocks. */
    private static final int FILLER = 400;

    @ParameterizedTest
    @MethodSource("engines")
    void aChainThroughTheSplitFunctionsPartsReturns(Engine engine) throws Exception {
        Engine.Prepared p = engine.prepare("split-tail", module());
        assertThat(p.compiled().report().largeMethods()).as("methods over HugeMethodLimit").isEmpty();
        long parts = p.compiled().classes().values().stream()
                .flatMap(c -> ClassFiles.codeLengths(c).keySet().stream())
                .filter(m -> m.matches("func_0\\$.*"))
                .count();
        assertThat(parts).as("parts of the big function").isPositive();
        Budget budget = new Budget(Budget.UNLIMITED, 2);
        Instance instance = engine.instantiate(p, ImportValues.empty(), budget);
        for (long n : new long[] {0, 1, 2, 3, 10, 300_000}) {
            budget.reset(Budget.UNLIMITED, 2);
            assertThat(instance.export("run").apply(n, 7)[0]).as("run(%d, 7)", n).isEqualTo(expected(n, 7));
            assertThat(budget.depth).isZero();
        }
    }

    /** What run(n, acc) returns: each step adds 1, 3 or 5 by n mod 3. */
    private static long expected(long n, long acc) {
        for (long k = n; k > 0; k--) {
            acc += 1 + 2 * (k % 3);
        }
        return acc;
    }

    /**
     * {@code run = $big (n i64, acc i64) -> i64}: returns acc when n is 0; else three blocks, each FILLER statements
     * on a scratch local and then, when n mod 3 is its number, a tail call with (n - 1, acc + 1 + 2 * (n mod 3)):
     * block 0 through the table (to $big), block 1 to $small (which tail-calls $big), block 2 to $big directly.
     */
    static byte[] module() {
        var m = new ByteArrayOutputStream();
        m.writeBytes(new byte[] {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00});
        RandomModules.section(m, 1, new byte[] {1, 0x60, 2, 0x7e, 0x7e, 1, 0x7e}); // type 0: (i64 i64) -> i64
        RandomModules.section(m, 3, new byte[] {2, 0, 0}); // $big, $small
        RandomModules.section(m, 4, new byte[] {1, 0x70, 0x00, 1}); // table 1 funcref
        var export = new ByteArrayOutputStream();
        export.write(1);
        export.write(3);
        export.writeBytes("run".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        export.write(0x00);
        export.write(0);
        RandomModules.section(m, 7, export.toByteArray());
        RandomModules.section(m, 9, new byte[] {1, 0x00, 0x41, 0x00, 0x0b, 1, 0}); // elem (i32.const 0) $big
        var big = new ByteArrayOutputStream();
        big.writeBytes(new byte[] {1, 1, 0x7e}); // one i64 scratch local
        // if (n == 0) return acc
        big.writeBytes(new byte[] {0x20, 0, 0x50, 0x04, 0x40, 0x20, 1, 0x0f, 0x0b});
        for (int b = 0; b < 3; b++) {
            big.writeBytes(new byte[] {0x02, 0x40}); // block
            for (int i = 0; i < FILLER; i++) {
                big.writeBytes(new byte[] {0x20, 2, 0x42}); // local.get 2, i64.const
                RandomModules.sleb(big, 1_000_003L * (i + 1) + b);
                big.writeBytes(new byte[] {0x7c, 0x21, 2}); // i64.add, local.set 2
            }
            // if (n % 3 == b)
            big.writeBytes(new byte[] {0x20, 0, 0x42, 3, (byte) 0x82, 0x42, (byte) b, 0x51, 0x04, 0x40});
            // (n - 1, acc + 1 + 2b)
            big.writeBytes(new byte[] {0x20, 0, 0x42, 1, 0x7d, 0x20, 1, 0x42, (byte) (1 + 2 * b), 0x7c});
            switch (b) {
                case 0:
                    big.writeBytes(new byte[] {0x41, 0, 0x13, 0, 0}); // i32.const 0, return_call_indirect type 0 table 0
                    break;
                case 1:
                    big.writeBytes(new byte[] {0x12, 1}); // return_call $small
                    break;
                default:
                    big.writeBytes(new byte[] {0x12, 0}); // return_call $big
                    break;
            }
            big.writeBytes(new byte[] {0x0b, 0x0b}); // end if, end block
        }
        big.writeBytes(new byte[] {0x00, 0x0b}); // unreachable, end
        byte[] small = {0, 0x20, 0, 0x20, 1, 0x12, 0, 0x0b}; // return_call $big (n, acc)
        var code = new ByteArrayOutputStream();
        code.write(2);
        RandomModules.uleb(code, big.size());
        code.writeBytes(big.toByteArray());
        RandomModules.uleb(code, small.length);
        code.writeBytes(small);
        RandomModules.section(m, 10, code.toByteArray());
        return m.toByteArray();
    }
}
