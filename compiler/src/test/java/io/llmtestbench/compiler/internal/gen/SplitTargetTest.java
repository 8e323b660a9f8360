package io.llmtestbench.compiler.internal.gen;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The retry schedule of the split target: after a plan whose largest method overshot HotSpot's limit, the next
 * target is smaller in proportion to the overshoot, so that the first plan that fits is the one with the largest
 * parts (the fewest levels of parts a hot loop crosses), within 5% to a third smaller than the last.
 */
class SplitTargetTest {
    @Test
    void aSmallOvershootRetriesWithATargetSmallerInProportion() {
        // The metered emulator kernel: 7,000 gave a part of 8,898 bytes. A third smaller (4,666) gave a chain
        // of 3 nested parts around the dispatch of its interpreter loop; 8,000 / 8,898 of 7,000 is 6,293.
        assertThat(GenBackend.nextTarget(7000, 8898)).isEqualTo(6293);
    }

    @Test
    void theStepIsAtLeastFivePercent() {
        assertThat(GenBackend.nextTarget(7000, 8010)).isEqualTo(6650);
    }

    @Test
    void theStepIsAtMostAThird() {
        assertThat(GenBackend.nextTarget(7000, 40_000)).isEqualTo(4666);
    }

    @Test
    void theScheduleEndsBelowTheSmallestTarget() {
        int target = 7000;
        int steps = 0;
        while (target >= 500) {
            target = GenBackend.nextTarget(target, 8001);
            steps++;
        }
        assertThat(steps).isLessThan(60);
    }
}
