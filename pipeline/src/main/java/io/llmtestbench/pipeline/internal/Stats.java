package io.llmtestbench.pipeline.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;

/**
 * The summary's arithmetic, defined so that another engine (Spark SQL) computes the same numbers: see
 * cli/README.md, "How the numbers are computed".
 */
public final class Stats {
    private Stats() {}

    /** A growable array of doubles. */
    public static final class Values {
        private double[] v = new double[16];
        private int n;
        private boolean sorted = true;

        public void add(double x) {
            if (n == v.length) {
                v = Arrays.copyOf(v, n * 2);
            }
            if (n > 0 && x < v[n - 1]) {
                sorted = false;
            }
            v[n++] = x;
        }

        public int size() {
            return n;
        }

        /** The values in ascending order (sorted in place, once). */
        public double[] sorted() {
            if (!sorted) {
                Arrays.sort(v, 0, n);
                sorted = true;
            }
            return Arrays.copyOf(v, n);
        }

        /** The values in ascending order, without copying: the first {@link #size()} entries. */
        double[] sortedView() {
            if (!sorted) {
                Arrays.sort(v, 0, n);
                sorted = true;
            }
            return v;
        }

        /** Mean (ascending-order sum / count), or NaN when empty. */
        public double mean() {
            return Stats.mean(sortedView(), n);
        }

        /** {@link Stats#percentile} of these values, or NaN when empty. */
        public double percentile(double p) {
            return n == 0 ? Double.NaN : Stats.percentile(sortedView(), n, p);
        }

        public double min() {
            return n == 0 ? Double.NaN : sortedView()[0];
        }

        public double max() {
            return n == 0 ? Double.NaN : sortedView()[n - 1];
        }
    }

    /**
     * The exact percentile with linear interpolation between the two closest ranks, as Spark SQL's
     * {@code percentile(col, p)} (and numpy's default, Hyndman and Fan's type 7) computes it: with the values
     * sorted ascending {@code v[0..n-1]}, {@code position = (n - 1) * p}, {@code lower = floor(position)},
     * {@code higher = ceil(position)}; the result is {@code v[lower]} when {@code lower == higher} or
     * {@code v[lower] == v[higher]}, else {@code (higher - position) * v[lower] + (position - lower) * v[higher]}.
     * The median is {@code percentile(0.5)}.
     *
     * @param sorted ascending values; only the first {@code n} are used ({@code n >= 1})
     */
    public static double percentile(double[] sorted, int n, double p) {
        double position = (n - 1) * p;
        long lower = (long) Math.floor(position);
        long higher = (long) Math.ceil(position);
        double lo = sorted[(int) lower];
        if (lower == higher) {
            return lo;
        }
        double hi = sorted[(int) higher];
        if (hi == lo) {
            return lo;
        }
        return (higher - position) * lo + (position - lower) * hi;
    }

    /** The sum of the first {@code n} values taken in ascending order, over n; NaN when n is 0. */
    public static double mean(double[] sorted, int n) {
        if (n == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += sorted[i];
        }
        return sum / n;
    }

    /**
     * Rounds to 4 decimal places, half up, from the shortest decimal form of the double (as Spark SQL's
     * {@code round(x, 4)} and {@code BigDecimal.valueOf(x).setScale(4, HALF_UP)}).
     */
    public static double round(double x) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            return x;
        }
        return BigDecimal.valueOf(x).setScale(4, RoundingMode.HALF_UP).doubleValue();
    }
}
