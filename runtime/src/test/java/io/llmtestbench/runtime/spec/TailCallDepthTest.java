package io.llmtestbench.runtime.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.runtime.internal.exec.Budget;
import io.llmtestbench.runtime.internal.exec.Interrupted;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tail calls and the call-depth limit (the module is the first of the regression script tail_calls.wast): a chain
 * of tail calls of any length runs at its caller's depth, direct and through a table, also when it goes through
 * the trampoline; ordinary calls still count, and trap "call stack exhausted" at exactly the limit; the depth is
 * back at 0 after every call.
 */
class TailCallDepthTest {
    static List<Engine> engines() {
        return List.of(new Engine.Compiled(CompilerOptions.defaults()),
                new Engine.Compiled(CompilerOptions.defaults().withMetering(false)));
    }

    private static final int LIMIT = 12;

    private static Instance instance(Engine engine, Budget budget) throws Exception {
        byte[] wasm = Files.readAllBytes(RegressionScriptsTest.root().resolve("tail_calls/spec.0.wasm"));
        return engine.instantiate(engine.prepare("tail_calls", wasm), ImportValues.empty(), budget);
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aChainOfTailCallsDoesNotGrowTheDepth(Engine engine) throws Exception {
        Budget budget = new Budget(Budget.UNLIMITED, 2);
        Instance instance = instance(engine, budget);
        // one wasm frame at a time: the export, then each function of the chain in its place
        assertThat(instance.export("even").apply(200_000L)[0]).isEqualTo(44);
        assertThat(budget.depth).isZero();
        assertThat(instance.export("acc").apply(100_000L)[0]).isEqualTo(5_000_150_000L);
        assertThat(budget.depth).isZero();
        assertThat(instance.export("self").apply(100_000L)[0]).isEqualTo(1);
        assertThat(budget.depth).isZero();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void ordinaryCallsAroundChainsTrapAtExactlyTheLimit(Engine engine) throws Exception {
        Budget budget = new Budget(Budget.UNLIMITED, LIMIT);
        Instance instance = instance(engine, budget);
        // nest(n): n ordinary calls deep, each level running a 30-step chain (past the trampoline's limit) one deeper
        assertThat(instance.export("nest").apply(LIMIT - 1)[0]).isEqualTo((LIMIT - 1) * 495L);
        assertThat(budget.depth).isZero();
        budget.reset(Budget.UNLIMITED, LIMIT);
        assertThatThrownBy(() -> instance.export("nest").apply(LIMIT))
                .isInstanceOfSatisfying(Interrupted.class, e -> assertThat(e.reason()).isEqualTo(Interrupted.Reason.CALL_DEPTH));
        // walk(n): a chain whose every step makes an ordinary call that runs a chain of its own
        budget.reset(Budget.UNLIMITED, 2);
        assertThat(instance.export("walk").apply(10_000L, 0L)[0]).isEqualTo(50_005_000L);
        assertThat(budget.depth).isZero();
        budget.reset(Budget.UNLIMITED, 1);
        assertThatThrownBy(() -> instance.export("walk").apply(10_000L, 0L))
                .isInstanceOfSatisfying(Interrupted.class, e -> assertThat(e.reason()).isEqualTo(Interrupted.Reason.CALL_DEPTH));
    }
}
