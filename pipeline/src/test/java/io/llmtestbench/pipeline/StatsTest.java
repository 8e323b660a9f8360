package io.llmtestbench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmtestbench.pipeline.internal.Stats;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The summary's arithmetic, as documented for other engines. */
class StatsTest {
    @Test
    void percentilesInterpolateBetweenTheClosestRanksAsSparkSqlDoes() {
        // Spark SQL's documented examples: percentile(col, 0.3) over (0), (10) is 3.0; 0.25 and 0.75 give 2.5 and 7.5
        double[] v = {0, 10};
        assertThat(Stats.percentile(v, 2, 0.3)).isEqualTo(3.0);
        assertThat(Stats.percentile(v, 2, 0.25)).isEqualTo(2.5);
        assertThat(Stats.percentile(v, 2, 0.75)).isEqualTo(7.5);
        double[] w = {1, 2, 3, 4, 5};
        assertThat(Stats.percentile(w, 5, 0.5)).isEqualTo(3.0);
        assertThat(Stats.percentile(w, 5, 0.95)).isEqualTo(4.8);
        assertThat(Stats.percentile(w, 5, 0.99)).isEqualTo(4.96);
        assertThat(Stats.percentile(new double[] {7}, 1, 0.99)).isEqualTo(7.0);
        assertThat(Stats.percentile(new double[] {2, 2, 2, 9}, 4, 0.5)).as("equal neighbours: no interpolation").isEqualTo(2.0);
    }

    @Test
    void theMedianIsTheMeanOfTheMiddleTwoForAnEvenCount() {
        Random r = new Random(1);
        for (int t = 0; t < 1000; t++) {
            int n = 2 * (1 + r.nextInt(20));
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = r.nextDouble();
            }
            Arrays.sort(v);
            assertThat(Stats.percentile(v, n, 0.5)).isEqualTo((v[n / 2 - 1] + v[n / 2]) / 2);
        }
    }

    @Test
    void roundingIsHalfUpFromTheShortestDecimalForm() {
        assertThat(Stats.round(0.12345)).as("0.12345 * 10000 is 1234.4999... in binary; Spark's round(x, 4) gives 0.1235")
                .isEqualTo(0.1235);
        assertThat(Stats.round(0.36999999)).isEqualTo(0.37);
        assertThat(Stats.round(2.0 / 3)).isEqualTo(0.6667);
        assertThat(Stats.round(1234567.89)).isEqualTo(1234567.89);
        assertThat(Stats.round(Double.NaN)).isNaN();
    }

    @Test
    void theMeanSumsInAscendingOrder() {
        Stats.Values v = new Stats.Values();
        for (double x : new double[] {1e16, 1, -1e16, 1}) {
            v.add(x);
        }
        // ascending: -1e16 + 1 + 1 + 1e16 = 0 in doubles (each 1 is lost against 1e16), whatever the input order
        assertThat(v.mean()).isEqualTo(0.0);
        assertThat(v.min()).isEqualTo(-1e16);
        assertThat(v.max()).isEqualTo(1e16);
    }
}
