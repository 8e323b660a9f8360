package io.llmtestbench.runtime.internal.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BudgetTest {

    @Test
    void exhaustionIsExactAcrossSlices() {
        long limit = 3 * Budget.SLICE + 17;
        var b = new Budget(limit, 10);
        for (long i = 0; i < limit; i++) {
            b.charge(1);
        }
        assertThat(b.fuelUsed()).isEqualTo(limit);
        assertThatThrownBy(() -> b.charge(5))
                .isInstanceOfSatisfying(Interrupted.class, e -> {
                    assertThat(e.reason()).isEqualTo(Interrupted.Reason.FUEL_EXHAUSTED);
                    assertThat(e.fuelUsed()).isEqualTo(limit + 5);
                });
    }

    @Test
    void aLargeChargeIsRefusedAtOnce() {
        var b = new Budget(1_000, 10);
        assertThatThrownBy(() -> b.charge(1_001)).isInstanceOf(Interrupted.class);
        var fresh = new Budget(Budget.UNLIMITED, 10);
        fresh.charge(10 * Budget.SLICE);
        assertThat(fresh.fuelUsed()).isEqualTo(10 * Budget.SLICE);
    }

    @Test
    void aStopRequestIsSeenWithinOneSlice() {
        var b = new Budget(Budget.UNLIMITED, 10);
        b.requestStop(Interrupted.Reason.DEADLINE);
        assertThatThrownBy(() -> {
            for (long i = 0; i <= Budget.SLICE; i++) {
                b.charge(1);
            }
        }).isInstanceOfSatisfying(Interrupted.class, e -> assertThat(e.reason()).isEqualTo(Interrupted.Reason.DEADLINE));
        b.reset(100, 10);
        b.charge(50); // a reset clears the request
        assertThat(b.fuelUsed()).isEqualTo(50);
    }

    @Test
    void callDepthIsBounded() {
        var b = new Budget(100, 2);
        b.depth = 2;
        assertThatThrownBy(b::tooDeep).isInstanceOfSatisfying(Interrupted.class,
                e -> assertThat(e.reason()).isEqualTo(Interrupted.Reason.CALL_DEPTH));
        assertThat(b.depth).isEqualTo(1);
    }
}
