package io.llmtestbench.pipeline.internal;

import java.util.List;
import java.util.Locale;

/**
 * Charts as inline SVG, drawn on the server: the report needs no script and no network to show them. Every
 * text that reaches the markup goes through {@link Html#escape}.
 */
public final class Svg {
    private Svg() {}

    private static final int W = 520;
    private static final int H = 200;
    private static final int LEFT = 48;
    private static final int RIGHT = 12;
    private static final int TOP = 12;
    private static final int BOTTOM = 44;

    /**
     * A vertical bar chart of counts.
     *
     * @param labels one label per bar (shown under the first, middle and last bars, and in each bar's tooltip)
     * @param tooltips one tooltip per bar
     */
    public static String bars(String title, String xAxis, List<String> labels, List<String> tooltips, long[] counts, String cssClass) {
        StringBuilder sb = open(title, cssClass, W, H);
        long max = 1;
        for (long c : counts) {
            max = Math.max(max, c);
        }
        int n = counts.length;
        double plotW = W - LEFT - RIGHT;
        double plotH = H - TOP - BOTTOM;
        axes(sb, plotW, plotH, max);
        double bw = plotW / Math.max(1, n);
        for (int i = 0; i < n; i++) {
            double h = counts[i] == 0 ? 0 : Math.max(1, plotH * counts[i] / max);
            double x = LEFT + i * bw;
            double y = TOP + plotH - h;
            sb.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">", x + 0.5, y,
                    Math.max(0.5, bw - 1), h));
            sb.append("<title>").append(Html.escape(tooltips.get(i))).append("</title></rect>");
        }
        int[] shown = n <= 1 ? new int[] {0} : n == 2 ? new int[] {0, 1} : new int[] {0, n / 2, n - 1};
        for (int i : shown) {
            if (i >= labels.size()) {
                continue;
            }
            double x = LEFT + i * bw + bw / 2;
            sb.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">", x, H - BOTTOM + 14))
                    .append(Html.escape(labels.get(i))).append("</text>");
        }
        sb.append(String.format(Locale.ROOT, "<text class=\"axis-label\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">", LEFT + plotW / 2, H - 6))
                .append(Html.escape(xAxis)).append("</text>");
        return sb.append("</svg>").toString();
    }

    /**
     * Horizontal bars of rates in [0, 1], one per label.
     *
     * @param rates null entries are drawn as "no data"
     */
    public static String rates(String title, List<String> labels, List<Double> rates, List<String> tooltips, String cssClass) {
        int rowH = 22;
        int labelW = 170;
        int h = TOP + rowH * Math.max(1, labels.size()) + 24;
        StringBuilder sb = open(title, cssClass, W, h);
        double plotW = W - labelW - 60;
        for (int t = 0; t <= 4; t++) {
            double x = labelW + plotW * t / 4;
            sb.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>", x, TOP, x, h - 20));
            sb.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d%%</text>", x, h - 6, t * 25));
        }
        for (int i = 0; i < labels.size(); i++) {
            double y = TOP + i * rowH;
            sb.append(String.format(Locale.ROOT, "<text class=\"label\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">", labelW - 6, y + rowH * 0.65))
                    .append(Html.escape(Html.shorten(labels.get(i), 26))).append("</text>");
            Double r = rates.get(i);
            if (r == null) {
                sb.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%d\" y=\"%.1f\">no verdicts</text>", labelW + 4, y + rowH * 0.65));
                continue;
            }
            double w = Math.max(r > 0 ? 1 : 0, plotW * r);
            sb.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\">", labelW, y + 3, w, rowH - 6))
                    .append("<title>").append(Html.escape(tooltips.get(i))).append("</title></rect>");
            sb.append(String.format(Locale.ROOT, "<text class=\"value\" x=\"%.1f\" y=\"%.1f\">%.1f%%</text>", labelW + w + 4, y + rowH * 0.65, r * 100));
        }
        return sb.append("</svg>").toString();
    }

    /**
     * Mean differences with their intervals, one row per label, around a zero line.
     *
     * @param ci each row's {low, high}, or null
     */
    public static String differences(String title, List<String> labels, List<Double> diffs, List<double[]> ci, String cssClass) {
        int rowH = 26;
        int labelW = 170;
        int h = TOP + rowH * Math.max(1, labels.size()) + 24;
        StringBuilder sb = open(title, cssClass, W, h);
        double span = 0.05;
        for (int i = 0; i < labels.size(); i++) {
            if (diffs.get(i) != null) {
                span = Math.max(span, Math.abs(diffs.get(i)));
            }
            if (ci.get(i) != null) {
                span = Math.max(span, Math.max(Math.abs(ci.get(i)[0]), Math.abs(ci.get(i)[1])));
            }
        }
        span = Math.min(1, Math.ceil(span * 1.1 * 20) / 20);
        double plotW = W - labelW - 20;
        double zero = labelW + plotW / 2;
        final double s = span;
        java.util.function.DoubleUnaryOperator x = v -> zero + (v / s) * (plotW / 2);
        for (double t : new double[] {-span, -span / 2, 0, span / 2, span}) {
            double px = x.applyAsDouble(t);
            sb.append(String.format(Locale.ROOT, "<line class=\"%s\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>", t == 0 ? "zero" : "grid", px, TOP,
                    px, h - 20));
            sb.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%+.3f</text>", px, h - 6, t));
        }
        for (int i = 0; i < labels.size(); i++) {
            double y = TOP + i * rowH + rowH / 2.0;
            sb.append(String.format(Locale.ROOT, "<text class=\"label\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">", labelW - 6, y + 4))
                    .append(Html.escape(Html.shorten(labels.get(i), 26))).append("</text>");
            Double d = diffs.get(i);
            if (d == null) {
                continue;
            }
            double[] c = ci.get(i);
            String tip = String.format(Locale.ROOT, "%s: mean difference %+.4f", labels.get(i), d)
                    + (c == null ? "" : String.format(Locale.ROOT, ", 95%% CI [%+.4f, %+.4f]", c[0], c[1]));
            if (c != null) {
                sb.append(String.format(Locale.ROOT, "<line class=\"interval\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
                        x.applyAsDouble(c[0]), y, x.applyAsDouble(c[1]), y));
            }
            sb.append(String.format(Locale.ROOT, "<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" r=\"5\"><title>", x.applyAsDouble(d), y))
                    .append(Html.escape(tip)).append("</title></circle>");
        }
        return sb.append("</svg>").toString();
    }

    private static StringBuilder open(String title, String cssClass, int w, int h) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg class=\"chart %s\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\""
                + " role=\"img\" aria-label=\"", cssClass, w, h, w, h)).append(Html.escape(title)).append("\">");
        sb.append("<title>").append(Html.escape(title)).append("</title>");
        return sb;
    }

    private static void axes(StringBuilder sb, double plotW, double plotH, long max) {
        sb.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", LEFT, TOP + plotH, LEFT + plotW,
                TOP + plotH));
        for (int t = 0; t <= 2; t++) {
            double y = TOP + plotH - plotH * t / 2;
            long v = Math.round(max * t / 2.0);
            sb.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", LEFT, y, LEFT + plotW, y));
            sb.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d</text>", LEFT - 4, y + 4, v));
        }
    }
}
