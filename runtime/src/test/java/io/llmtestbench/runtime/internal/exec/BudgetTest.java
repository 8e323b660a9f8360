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

    @Test
    void theOddPartComesFirstSoThatWholeSlicesAreLeft() {
        var b = new Budget(3L * Budget.SLICE + 17, 10);
        assertThat(b.fuel).isEqualTo(17);
        assertThat(b.slices).isEqualTo(3);
        b.reset(Budget.SLICE, 10);
        assertThat(b.fuel).isEqualTo(Budget.SLICE);
        assertThat(b.slices).isZero();
    }

    /** What a compiled function does: work on a copy of the fuel, take slices itself, call the meter to stop. */
    @Test
    void generatedCodeProtocolIsExact() {
        long limit = 2L * Budget.SLICE + 100;
        var b = new Budget(limit, 10);
        int fuel = b.fuel; // 100
        fuel -= 150; // a charge overdraws the slice
        // the check: no stop requested, a slice is left: take it
        assertThat(b.stop).isFalse();
        assertThat(--b.slices).isNotNegative();
        fuel += Budget.SLICE;
        b.fuel = fuel; // written back at a call or return
        assertThat(b.fuelUsed()).isEqualTo(150);
        // a charge of more than a slice at once: the rare path settles it against the slices left
        fuel = Meter.refill(b, fuel - Budget.SLICE - 10);
        assertThat(fuel).isNotNegative();
        assertThat(b.fuelUsed()).isEqualTo(150 + Budget.SLICE + 10);
        // spend the rest and overdraw by 7: no slice left, so the meter stops the guest, counting every unit
        int overdrawn = (int) (-(limit - b.fuelUsed()) - 7) + fuel;
        assertThat(--b.slices).isNegative();
        int last = overdrawn;
        assertThatThrownBy(() -> Meter.refill(b, last))
                .isInstanceOfSatisfying(Interrupted.class, e -> {
                    assertThat(e.reason()).isEqualTo(Interrupted.Reason.FUEL_EXHAUSTED);
                    assertThat(e.fuelUsed()).isEqualTo(limit + 7);
                });
    }

    @Test
    void theStopPathReportsTheDeadline() {
        var b = new Budget(Budget.UNLIMITED, 10);
        b.requestStop(Interrupted.Reason.DEADLINE);
        assertThat(b.stop).isTrue();
        assertThatThrownBy(() -> Meter.refill(b, -1))
                .isInstanceOfSatisfying(Interrupted.class, e -> {
                    assertThat(e.reason()).isEqualTo(Interrupted.Reason.DEADLINE);
                    assertThat(e.fuelUsed()).isEqualTo(b.fuelUsed());
                });
    }

    /** What a metered function without loops does at its entry and return (FunctionEmitter.prologue/epilogue). */
    @Test
    void enterCountsTheDepthAndChargesLeaveStoresAndGivesTheDepthBack() {
        var b = new Budget(1_000, 2);
        int fuel = Meter.enter(b, 7);
        assertThat(b.depth).isEqualTo(1);
        assertThat(fuel).isEqualTo(993);
        assertThat(b.fuelUsed()).as("charged only in the local until it is stored").isZero();
        b.fuel = fuel; // a call stores the caller's fuel first
        int inner = Meter.enter(b, 993);
        assertThat(inner).isZero();
        Meter.leave(b, inner);
        assertThat(b.depth).isEqualTo(1);
        assertThat(b.fuelUsed()).isEqualTo(1_000);
        fuel = b.fuel; // and reloads it after
        Meter.leave(b, fuel);
        assertThat(b.depth).isZero();
    }

    @Test
    void enterPastTheDepthLimitThrowsWithTheDepthAndFuelUntouched() {
        var b = new Budget(1_000, 1);
        Meter.enter(b, 3);
        assertThatThrownBy(() -> Meter.enter(b, 5))
                .isInstanceOfSatisfying(Interrupted.class,
                        e -> assertThat(e.reason()).isEqualTo(Interrupted.Reason.CALL_DEPTH));
        assertThat(b.depth).isEqualTo(1);
        assertThat(b.fuelUsed()).as("the entry's charge is made after the depth check").isZero();
    }
}
