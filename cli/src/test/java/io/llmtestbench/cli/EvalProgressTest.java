package io.llmtestbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The progress line's content (EvalReportIT checks it on a real pseudo-terminal). */
class EvalProgressTest {
    @Test
    void showsRateElapsedAndEta() {
        assertThat(EvalProgress.line(508, 1340, Duration.ofMillis(3000), 120))
                .isEqualTo("eval  37% [===========                   ] 508/1340 records, 169.3 records/s, 0:00:03 elapsed, ETA 0:00:04");
        assertThat(EvalProgress.line(0, 1340, Duration.ZERO, 120)).endsWith("0/1340 records, - records/s, 0:00:00 elapsed, ETA -");
        assertThat(EvalProgress.line(1340, 1340, Duration.ofSeconds(3725), 120)).contains("100%", "1:02:05 elapsed, ETA 0:00:00");
    }

    @Test
    void dropsTheBarOnANarrowTerminalAndNeverExceedsItsWidth() {
        String narrow = EvalProgress.line(508, 1340, Duration.ofMillis(3000), 70);
        assertThat(narrow).doesNotContain("[").startsWith("eval  37% 508/1340").hasSizeLessThanOrEqualTo(70);
        assertThat(EvalProgress.line(508, 1340, Duration.ofMillis(3000), 20)).hasSize(20);
    }
}
