package io.llmtestbench.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmtestbench.pipeline.internal.Html;
import io.llmtestbench.pipeline.internal.Json;
import io.llmtestbench.pipeline.internal.Svg;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report of a batch as one self-contained HTML file ({@code llmtb eval --report}): the summary, a score
 * histogram per evaluator, pass rates by group, execution time and fuel distributions per stage, the grouped
 * failures, the comparison with a baseline, and the lowest-scoring records.
 *
 * <p>Nothing is fetched when it is opened: styles are inline and the charts are SVG drawn here; the page has no
 * script at all, and its Content-Security-Policy forbids any (so even a mistake in escaping could not run one).
 * Every text from records, plugins and results is escaped ({@link Html#escape}).
 */
public final class HtmlReport {
    /** Characters of a record's prompt, response or expected shown before the cut. */
    static final int SHOWN_CHARS = 4000;
    private static final int SCORE_BINS = 20;
    private static final int COST_BINS = 24;

    private HtmlReport() {}

    /** Writes the report atomically (a temporary file beside it, then moved into place). */
    public static void write(Path file, EvalSummary summary, JsonNode json) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        // not createTempFile: its owner-only mode would stick to the report
        Path tmp = abs.resolveSibling("." + abs.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
        try {
            Files.writeString(tmp, render(summary, json), StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * The report's HTML.
     *
     * @param json the summary's JSON ({@link EvalSummary#json}), whose numbers the report shows
     */
    public static String render(EvalSummary summary, JsonNode json) {
        StringBuilder h = new StringBuilder(64 * 1024);
        String name = json.path("pipeline_name").asText("pipeline");
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta name=\"generator\" content=\"llmtb eval\">\n")
                .append("<title>").append(esc("Evaluation report: " + name)).append("</title>\n<style>").append(STYLE).append("</style>\n")
                .append("</head>\n<body>\n");
        h.append("<header><h1>Evaluation report: ").append(esc(name)).append("</h1>\n<p class=\"meta\">Pipeline <code>")
                .append(esc(json.path("pipeline").asText())).append("</code> on <code>").append(esc(json.path("data").asText()))
                .append("</code>");
        if (json.hasNonNull("out")) {
            h.append(", results in <code>").append(esc(json.path("out").asText())).append("</code>");
        }
        h.append("</p>\n<nav>");
        List<String[]> nav = new ArrayList<>(List.of(new String[] {"overview", "Overview"}, new String[] {"evaluators", "Evaluators"}));
        if (json.path("baseline").isObject()) {
            nav.add(new String[] {"baseline", "Baseline"});
        }
        if (json.path("groups").size() > 0) {
            nav.add(new String[] {"groups", "By " + json.path("group_by").asText()});
        }
        nav.add(new String[] {"stages", "Stages"});
        nav.add(new String[] {"failures", "Failures"});
        nav.add(new String[] {"worst", "Lowest scores"});
        for (String[] n : nav) {
            h.append("<a href=\"#").append(n[0]).append("\">").append(esc(n[1])).append("</a>");
        }
        h.append("</nav></header>\n<main>\n");
        overview(h, json);
        evaluators(h, summary, json);
        baseline(h, json.path("baseline"));
        groups(h, json);
        stages(h, summary, json);
        failures(h, json);
        worst(h, summary);
        h.append("</main>\n<footer>Made by <code>llmtb eval</code>. Numbers: cli/README.md, \u201cHow the numbers are computed\u201d.</footer>\n")
                .append("</body>\n</html>\n");
        return h.toString();
    }

    private static String esc(String s) {
        return Html.escape(s);
    }

    private static void overview(StringBuilder h, JsonNode s) {
        h.append("<section id=\"overview\"><h2>Overview</h2>\n<div class=\"cards\">");
        card(h, "records", String.valueOf(s.path("records").asInt()));
        card(h, "kept", String.valueOf(s.path("kept").asInt()));
        card(h, "filtered", String.valueOf(s.path("filtered").asInt()));
        card(h, "failed", String.valueOf(s.path("failed").asInt()));
        card(h, "invalid", String.valueOf(s.path("invalid_records").path("count").asInt()));
        card(h, "records/s", String.format(Locale.ROOT, "%.1f", s.path("records_per_second").asDouble()));
        card(h, "elapsed", String.format(Locale.ROOT, "%.2f s", s.path("elapsed_ms").asLong() / 1000.0));
        card(h, "threads", String.valueOf(s.path("threads").asInt()));
        h.append("</div>\n");
        if (s.path("provider_calls").asInt() > 0) {
            h.append("<p>Responses generated by the provider: ").append(s.path("provider_calls").asInt()).append("</p>\n");
        }
        JsonNode inv = s.path("invalid_records");
        if (inv.path("count").asInt() > 0) {
            h.append("<h3>Invalid lines</h3>\n<table><thead><tr><th>line</th><th>why</th></tr></thead><tbody>");
            for (JsonNode e : inv.path("examples")) {
                h.append("<tr><td class=\"num\">").append(e.path("line").asInt()).append("</td><td>").append(esc(e.path("message").asText()))
                        .append("</td></tr>");
            }
            h.append("</tbody></table>\n");
            if (inv.path("count").asInt() > inv.path("examples").size()) {
                h.append("<p class=\"note\">").append(inv.path("count").asInt() - inv.path("examples").size())
                        .append(" more invalid line(s); the summary JSON lists them all.</p>\n");
            }
        }
        h.append("</section>\n");
    }

    private static void card(StringBuilder h, String label, String value) {
        h.append("<div class=\"card\"><div class=\"value\">").append(esc(value)).append("</div><div class=\"label\">").append(esc(label))
                .append("</div></div>");
    }

    private static void evaluators(StringBuilder h, EvalSummary summary, JsonNode s) {
        h.append("<section id=\"evaluators\"><h2>Evaluators</h2>\n");
        JsonNode ev = s.path("evaluators");
        if (ev.size() == 0) {
            h.append("<p>The pipeline has no evaluators.</p></section>\n");
            return;
        }
        h.append("<table><thead><tr><th>evaluator</th><th>count</th><th>mean</th><th>median</th><th>min</th><th>max</th><th>pass rate</th>")
                .append("<th>failed</th><th>skipped</th><th>time ms p50 / p95 / p99</th><th>fuel p50 / p95 / p99</th></tr></thead><tbody>\n");
        ev.properties().forEach(f -> {
            JsonNode e = f.getValue();
            h.append("<tr><th scope=\"row\">").append(esc(f.getKey())).append("</th>").append(num(e.path("count").asInt()))
                    .append(numCell(e.path("mean"))).append(numCell(e.path("median"))).append(numCell(e.path("min"))).append(numCell(e.path("max")))
                    .append("<td class=\"num\">").append(esc(EvalSummary.Table.percent(e.path("pass_rate")))).append("</td>")
                    .append(num(e.path("failed").asInt())).append(num(e.path("skipped").asInt()))
                    .append("<td class=\"num\">").append(esc(EvalSummary.Table.triple(e.path("time_ms"), "%.3f"))).append("</td>")
                    .append("<td class=\"num\">").append(esc(EvalSummary.Table.triple(e.path("fuel"), "%.0f"))).append("</td></tr>\n");
        });
        h.append("</tbody></table>\n");
        ev.properties().forEach(f -> {
            JsonNode after = f.getValue().path("skipped_after_failure_in");
            if (after.size() > 0) {
                List<String> parts = new ArrayList<>();
                after.properties().forEach(a -> parts.add(a.getKey() + ": " + a.getValue().asInt()));
                h.append("<p class=\"note\">").append(esc(f.getKey())).append(" did not run on ").append(f.getValue().path("skipped").asInt())
                        .append(" record(s) because an earlier stage failed (").append(esc(String.join(", ", parts))).append(").</p>\n");
            }
        });
        h.append("<div class=\"charts\">\n");
        ev.fieldNames().forEachRemaining(name -> {
            double[] v = summary.scores(name);
            long[] counts = new long[SCORE_BINS];
            for (double x : v) {
                counts[Math.min(SCORE_BINS - 1, (int) Math.floor(x * SCORE_BINS))]++;
            }
            List<String> labels = new ArrayList<>();
            List<String> tips = new ArrayList<>();
            for (int i = 0; i < SCORE_BINS; i++) {
                double lo = (double) i / SCORE_BINS;
                double hi = (double) (i + 1) / SCORE_BINS;
                labels.add(String.format(Locale.ROOT, "%.2f", i == SCORE_BINS - 1 ? 1.0 : lo));
                tips.add(String.format(Locale.ROOT, "score %.2f to %.2f%s: %d record(s)", lo, hi, i == SCORE_BINS - 1 ? " (inclusive)" : "", counts[i]));
            }
            labels.set(0, "0");
            labels.set(SCORE_BINS / 2, "0.5");
            h.append("<figure>").append(Svg.bars("Scores of " + name, "score", labels, tips, counts, "histogram scores"))
                    .append("<figcaption>").append(esc(name)).append(": ").append(v.length).append(" score(s)</figcaption></figure>\n");
        });
        h.append("</div></section>\n");
    }

    private static void baseline(StringBuilder h, JsonNode b) {
        if (!b.isObject()) {
            return;
        }
        h.append("<section id=\"baseline\"><h2>Compared with the baseline</h2>\n<p><code>").append(esc(b.path("file").asText()))
                .append("</code>: ").append(b.path("matched").asInt()).append(" record(s) matched by id; ")
                .append(b.path("only_in_current").path("count").asInt()).append(" only in this run, ")
                .append(b.path("only_in_baseline").path("count").asInt()).append(" only in the baseline")
                .append(", ").append(b.path("not_compared").path("without_id").asInt()).append(" without an id, ")
                .append(b.path("not_compared").path("duplicate_ids").asInt()).append(" duplicate id(s) left out.</p>\n");
        h.append("<p class=\"note\">").append(esc(b.path("method").asText())).append(".</p>\n");
        JsonNode ev = b.path("evaluators");
        if (ev.size() > 0) {
            h.append("<table><thead><tr><th>evaluator</th><th>pairs</th><th>baseline mean</th><th>current mean</th><th>difference</th>")
                    .append("<th>95% CI</th><th>pass \u2192 fail</th><th>fail \u2192 pass</th></tr></thead><tbody>\n");
            List<String> labels = new ArrayList<>();
            List<Double> diffs = new ArrayList<>();
            List<double[]> cis = new ArrayList<>();
            ev.properties().forEach(f -> {
                JsonNode e = f.getValue();
                JsonNode ci = e.path("ci95");
                String interval = ci.isArray() ? String.format(Locale.ROOT, "[%+.4f, %+.4f]", ci.get(0).asDouble(), ci.get(1).asDouble()) : "-";
                String diff = e.path("mean_difference").isNumber() ? String.format(Locale.ROOT, "%+.4f", e.path("mean_difference").asDouble()) : "-";
                String cls = e.path("significant").asBoolean(false) ? (e.path("mean_difference").asDouble() > 0 ? " better" : " worse") : "";
                h.append("<tr><th scope=\"row\">").append(esc(f.getKey())).append("</th>").append(num(e.path("pairs").asInt()))
                        .append(numCell(e.path("baseline_mean"))).append(numCell(e.path("current_mean")))
                        .append("<td class=\"num").append(cls).append("\">").append(esc(diff)).append("</td><td class=\"num\">").append(esc(interval))
                        .append("</td>").append(num(e.path("pass_to_fail").path("count").asInt())).append(num(e.path("fail_to_pass").path("count").asInt()))
                        .append("</tr>\n");
                labels.add(f.getKey());
                diffs.add(e.path("mean_difference").isNumber() ? e.path("mean_difference").asDouble() : null);
                cis.add(ci.isArray() ? new double[] {ci.get(0).asDouble(), ci.get(1).asDouble()} : null);
            });
            h.append("</tbody></table>\n<div class=\"charts\"><figure>")
                    .append(Svg.differences("Mean score difference (current - baseline) with 95% interval", labels, diffs, cis, "differences"))
                    .append("<figcaption>Mean score difference, current minus baseline, with its 95% bootstrap interval</figcaption></figure></div>\n");
            ev.properties().forEach(f -> {
                idList(h, f.getKey() + ": passed before, fails now", f.getValue().path("pass_to_fail"));
                idList(h, f.getKey() + ": failed before, passes now", f.getValue().path("fail_to_pass"));
            });
        }
        idList(h, "New failures (the record failed in this run, not in the baseline)", b.path("new_failures"));
        idList(h, "Fixed failures (the record failed in the baseline, not in this run)", b.path("fixed_failures"));
        h.append("</section>\n");
    }

    private static void idList(StringBuilder h, String title, JsonNode list) {
        int count = list.path("count").asInt();
        if (count == 0) {
            return;
        }
        h.append("<details class=\"ids\"><summary>").append(esc(title)).append(": ").append(count).append("</summary><p>");
        List<String> ids = new ArrayList<>();
        list.path("ids").forEach(id -> ids.add(id.isTextual() ? id.asText() : Json.write(id)));
        for (String id : ids) {
            h.append("<code>").append(esc(id)).append("</code> ");
        }
        if (count > ids.size()) {
            h.append("\u2026 and ").append(count - ids.size()).append(" more");
        }
        h.append("</p></details>\n");
    }

    private static void groups(StringBuilder h, JsonNode s) {
        JsonNode gs = s.path("groups");
        if (gs.size() == 0) {
            return;
        }
        String field = s.path("group_by").asText();
        List<String> evs = new ArrayList<>();
        s.path("evaluators").fieldNames().forEachRemaining(evs::add);
        h.append("<section id=\"groups\"><h2>By ").append(esc(field)).append("</h2>\n<table><thead><tr><th>").append(esc(field))
                .append("</th><th>records</th><th>kept</th><th>filtered</th><th>failed</th>");
        for (String e : evs) {
            h.append("<th>").append(esc(e)).append(" mean</th><th>").append(esc(e)).append(" pass rate</th>");
        }
        h.append("</tr></thead><tbody>\n");
        gs.properties().forEach(g -> {
            JsonNode v = g.getValue();
            h.append("<tr><th scope=\"row\">").append(esc(g.getKey())).append("</th>").append(num(v.path("records").asInt()))
                    .append(num(v.path("kept").asInt())).append(num(v.path("filtered").asInt())).append(num(v.path("failed").asInt()));
            for (String e : evs) {
                JsonNode x = v.path("evaluators").path(e);
                h.append(numCell(x.path("mean"))).append("<td class=\"num\">").append(esc(EvalSummary.Table.percent(x.path("pass_rate"))))
                        .append("</td>");
            }
            h.append("</tr>\n");
        });
        h.append("</tbody></table>\n<div class=\"charts\">\n");
        for (String e : evs) {
            List<String> labels = new ArrayList<>();
            List<Double> rates = new ArrayList<>();
            List<String> tips = new ArrayList<>();
            gs.properties().forEach(g -> {
                JsonNode x = g.getValue().path("evaluators").path(e);
                labels.add(g.getKey());
                rates.add(x.path("pass_rate").isNumber() ? x.path("pass_rate").asDouble() : null);
                tips.add(g.getKey() + ": pass rate " + EvalSummary.Table.percent(x.path("pass_rate")) + " of " + x.path("count").asInt()
                        + " scored record(s), mean score " + EvalSummary.Table.fmt(x.path("mean")));
            });
            h.append("<figure>").append(Svg.rates("Pass rate of " + e + " by " + field, labels, rates, tips, "rates"))
                    .append("<figcaption>").append(esc(e)).append(": pass rate by ").append(esc(field)).append("</figcaption></figure>\n");
        }
        h.append("</div></section>\n");
    }

    private static void stages(StringBuilder h, EvalSummary summary, JsonNode s) {
        h.append("<section id=\"stages\"><h2>Stages: calls, failures, execution time and fuel</h2>\n");
        h.append("<table><thead><tr><th>stage</th><th>plugin</th><th>calls</th><th>failed</th><th>failures by kind</th>")
                .append("<th>time ms mean</th><th>p50 / p95 / p99</th><th>max</th><th>fuel mean</th><th>p50 / p95 / p99</th><th>max</th></tr></thead><tbody>\n");
        for (JsonNode st : s.path("stages")) {
            List<String> kinds = new ArrayList<>();
            st.path("failures_by_kind").properties().forEach(k -> kinds.add(k.getKey() + " " + k.getValue().asInt()));
            h.append("<tr><th scope=\"row\">").append(esc(st.path("where").asText())).append("</th><td>").append(esc(st.path("plugin").asText()))
                    .append("</td>").append(num(st.path("calls").asInt())).append(num(st.path("failed").asInt())).append("<td>")
                    .append(esc(String.join(", ", kinds))).append("</td>").append(numCell(st.path("time_ms").path("mean")))
                    .append("<td class=\"num\">").append(esc(EvalSummary.Table.triple(st.path("time_ms"), "%.3f"))).append("</td>")
                    .append(numCell(st.path("time_ms").path("max"))).append(numCell(st.path("fuel").path("mean"), "%.0f"))
                    .append("<td class=\"num\">").append(esc(EvalSummary.Table.triple(st.path("fuel"), "%.0f"))).append("</td>")
                    .append(numCell(st.path("fuel").path("max"), "%.0f")).append("</tr>\n");
        }
        h.append("</tbody></table>\n<div class=\"charts\">\n");
        for (EvalSummary.Stage st : summary.stages()) {
            String label = st.where() + " " + st.plugin();
            double[] t = summary.times(st.where());
            double[] f = summary.fuel(st.where());
            if (t.length == 0) {
                continue;
            }
            h.append("<figure>").append(cost("Execution time of " + label, "time per call (ms, log scale)", t, "ms", false))
                    .append("<figcaption>").append(esc(label)).append(": execution time per call</figcaption></figure>\n");
            h.append("<figure>").append(cost("Fuel of " + label, "fuel per call (log scale)", f, "fuel", true))
                    .append("<figcaption>").append(esc(label)).append(": fuel per call</figcaption></figure>\n");
        }
        h.append("</div></section>\n");
    }

    /** A histogram of positive costs on a log scale (zeros in a bar of their own). */
    private static String cost(String title, String axis, double[] sorted, String unit, boolean count) {
        int zeros = 0;
        while (zeros < sorted.length && sorted[zeros] <= 0) {
            zeros++;
        }
        List<String> labels = new ArrayList<>();
        List<String> tips = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        if (zeros > 0) {
            labels.add("0");
            tips.add("0 " + unit + ": " + zeros + " call(s)");
            counts.add((long) zeros);
        }
        if (zeros < sorted.length) {
            double lo = sorted[zeros];
            double hi = sorted[sorted.length - 1];
            int bins = hi > lo ? COST_BINS : 1;
            double ratio = hi > lo ? Math.log(hi / lo) : 1;
            long[] c = new long[bins];
            for (int i = zeros; i < sorted.length; i++) {
                int b = hi > lo ? (int) Math.floor(Math.log(sorted[i] / lo) / ratio * bins) : 0;
                c[Math.min(bins - 1, Math.max(0, b))]++;
            }
            for (int b = 0; b < bins; b++) {
                double from = hi > lo ? lo * Math.exp(ratio * b / bins) : lo;
                double to = hi > lo ? lo * Math.exp(ratio * (b + 1) / bins) : hi;
                labels.add(count ? compact(from) : String.format(Locale.ROOT, "%.3f", from));
                tips.add(String.format(Locale.ROOT, "%s to %s %s: %d call(s)", count ? String.format(Locale.ROOT, "%.0f", from)
                        : String.format(Locale.ROOT, "%.3f", from), count ? String.format(Locale.ROOT, "%.0f", to)
                        : String.format(Locale.ROOT, "%.3f", to), unit, c[b]));
                counts.add(c[b]);
            }
        }
        long[] arr = counts.stream().mapToLong(Long::longValue).toArray();
        return Svg.bars(title, axis, labels, tips, arr, "histogram cost");
    }

    /** 950, 12.3k, 4.56M, 7.89G. */
    static String compact(double x) {
        if (x < 1000) {
            return String.format(Locale.ROOT, "%.0f", x);
        }
        String[] units = {"k", "M", "G", "T"};
        int u = -1;
        while (x >= 1000 && u < units.length - 1) {
            x /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, x < 10 ? "%.2f%s" : x < 100 ? "%.1f%s" : "%.0f%s", x, units[u]);
    }

    private static void failures(StringBuilder h, JsonNode s) {
        h.append("<section id=\"failures\"><h2>Failures</h2>\n");
        JsonNode fg = s.path("failure_groups");
        if (fg.size() == 0) {
            h.append("<p>No record failed.</p></section>\n");
            return;
        }
        h.append("<p>").append(s.path("failed").asInt()).append(" record(s) failed, grouped by stage, plugin, kind and message.</p>\n")
                .append("<table class=\"failures\"><thead><tr><th>count</th><th>kind</th><th>stage</th><th>plugin</th><th>message</th>")
                .append("<th>examples</th></tr></thead><tbody>\n");
        for (JsonNode g : fg) {
            List<String> ex = new ArrayList<>();
            for (int i = 0; i < g.path("example_lines").size(); i++) {
                JsonNode id = g.path("example_ids").path(i);
                ex.add((id.isNull() || id.isMissingNode() ? "" : (id.isTextual() ? id.asText() : Json.write(id)) + " ") + "(line "
                        + g.path("example_lines").path(i).asInt() + ")");
            }
            h.append("<tr>").append(num(g.path("count").asInt())).append("<td><span class=\"kind\">").append(esc(g.path("kind").asText()))
                    .append("</span></td><td>").append(esc(g.path("where").asText(g.path("stage").asText()))).append("</td><td>")
                    .append(esc(g.path("plugin").asText())).append("</td><td class=\"message\">").append(esc(g.path("message").asText()))
                    .append("</td><td>").append(esc(String.join(", ", ex))).append("</td></tr>\n");
        }
        h.append("</tbody></table>\n");
        JsonNode om = s.path("failure_groups_omitted");
        if (om.isObject()) {
            h.append("<p class=\"note\">\u2026 and ").append(om.path("groups").asInt()).append(" more group(s) of ").append(om.path("records").asInt())
                    .append(" record(s).</p>\n");
        }
        h.append("</section>\n");
    }

    private static void worst(StringBuilder h, EvalSummary summary) {
        List<RecordResult> worst = summary.worst();
        h.append("<section id=\"worst\"><h2>The ").append(worst.size()).append(" lowest-scoring records</h2>\n")
                .append("<p class=\"note\">By the mean of their scores, lowest first (ties in data order); failed records are under Failures.</p>\n");
        for (RecordResult r : worst) {
            h.append("<article class=\"record\"><h3>");
            h.append(r.id().isNull() ? "line " + r.line() : esc(r.id().isTextual() ? r.id().asText() : Json.write(r.id())) + " <small>(line "
                    + r.line() + ")</small>");
            if (r.category() != null) {
                h.append(" <span class=\"tag\">").append(esc(r.category().isTextual() ? r.category().asText() : Json.write(r.category())))
                        .append("</span>");
            }
            h.append(" <span class=\"tag status\">").append(esc(r.status().jsonName())).append("</span></h3>\n<p class=\"scores\">");
            for (Map.Entry<String, Double> e : r.scores().entrySet()) {
                Boolean p = r.passed().get(e.getKey());
                h.append("<span class=\"score\">").append(esc(e.getKey())).append(": ").append(String.format(Locale.ROOT, "%.4f", e.getValue()))
                        .append(p == null ? "" : p ? " (passed)" : " (not passed)").append("</span> ");
            }
            h.append("</p>\n<dl>");
            JsonNode in = r.input();
            if (in != null) {
                field(h, "prompt", in.get("prompt"));
                field(h, "response", r.responseSource() != null && r.responseSource().equals("provider") && r.providerOutput() != null
                        ? r.providerOutput().get("text") : in.get("response"));
            }
            if (r.text() != null && (in == null || !r.text().equals(textOf(in.get("response"))))) {
                h.append("<dt>text judged (after the transforms)</dt><dd><pre>").append(esc(shown(r.text()))).append("</pre></dd>");
            }
            if (in != null) {
                field(h, "expected", in.get("expected"));
            }
            h.append("</dl></article>\n");
        }
        h.append("</section>\n");
    }

    private static String textOf(JsonNode n) {
        return n == null || n.isNull() ? null : n.isTextual() ? n.asText() : Json.write(n);
    }

    private static void field(StringBuilder h, String label, JsonNode v) {
        if (v == null || v.isNull()) {
            return;
        }
        h.append("<dt>").append(esc(label)).append("</dt><dd><pre>").append(esc(shown(textOf(v)))).append("</pre></dd>");
    }

    private static String shown(String s) {
        if (s.length() <= SHOWN_CHARS) {
            return s;
        }
        return Html.shorten(s, SHOWN_CHARS) + " (" + (s.length() - SHOWN_CHARS) + " more characters)";
    }

    private static String num(int n) {
        return "<td class=\"num\">" + n + "</td>";
    }

    private static String numCell(JsonNode n) {
        return numCell(n, "%.4f");
    }

    private static String numCell(JsonNode n, String format) {
        return "<td class=\"num\">" + (n.isNumber() ? String.format(Locale.ROOT, format, n.asDouble()) : "-") + "</td>";
    }

    private static final String STYLE = """
            :root{--fg:#1d2430;--muted:#5b6472;--line:#d9dee5;--bar:#3b6fb6;--bg:#fff;--soft:#f4f6f9;--bad:#b3261e;--good:#1e7b34}
            *{box-sizing:border-box}
            body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
            header{padding:20px 28px 8px;border-bottom:1px solid var(--line);background:var(--soft)}
            h1{font-size:22px;margin:0 0 4px}
            h2{font-size:18px;margin:28px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}
            h3{font-size:15px;margin:14px 0 6px}
            .meta{color:var(--muted);margin:0 0 8px}
            nav a{margin-right:14px;color:var(--bar);text-decoration:none}
            nav a:hover{text-decoration:underline}
            main{padding:0 28px 28px;max-width:1400px}
            code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
            table{border-collapse:collapse;margin:8px 0 12px;font-variant-numeric:tabular-nums}
            th,td{border-bottom:1px solid var(--line);padding:4px 10px;text-align:left;vertical-align:top}
            thead th{background:var(--soft);font-weight:600;white-space:nowrap}
            td.num{text-align:right;white-space:nowrap}
            td.better{color:var(--good);font-weight:600}
            td.worse{color:var(--bad);font-weight:600}
            td.message{max-width:560px;word-break:break-word}
            .cards{display:flex;flex-wrap:wrap;gap:12px}
            .card{border:1px solid var(--line);border-radius:6px;padding:10px 16px;min-width:110px;background:var(--soft)}
            .card .value{font-size:20px;font-weight:600}
            .card .label{color:var(--muted)}
            .charts{display:flex;flex-wrap:wrap;gap:16px}
            figure{margin:0;border:1px solid var(--line);border-radius:6px;padding:8px}
            figcaption{color:var(--muted);font-size:12.5px;margin-top:4px}
            svg.chart{display:block;max-width:100%;height:auto}
            svg .bar{fill:var(--bar)}
            svg .bar:hover{fill:#1f4c8a}
            svg .axis{stroke:#8a93a0}
            svg .grid{stroke:#e6e9ee}
            svg .zero{stroke:#8a93a0;stroke-dasharray:3 3}
            svg .interval{stroke:var(--fg);stroke-width:2}
            svg .point{fill:var(--bar)}
            svg text{font-size:11px;fill:var(--muted)}
            svg .label{fill:var(--fg)}
            svg .axis-label{font-size:11.5px}
            .note{color:var(--muted)}
            .kind{font-family:ui-monospace,monospace;font-size:12px;background:#fde8e7;color:var(--bad);padding:1px 5px;border-radius:3px}
            .tag{font-size:12px;background:var(--soft);border:1px solid var(--line);padding:1px 6px;border-radius:10px;font-weight:400}
            .record{border:1px solid var(--line);border-radius:6px;padding:4px 14px 8px;margin:10px 0}
            .score{margin-right:12px;font-variant-numeric:tabular-nums}
            dl{margin:4px 0}
            dt{font-weight:600;color:var(--muted);margin-top:6px}
            dd{margin:2px 0 0}
            pre{white-space:pre-wrap;word-break:break-word;background:var(--soft);padding:6px 8px;border-radius:4px;margin:0;max-height:16em;overflow:auto}
            details.ids{margin:6px 0}
            footer{color:var(--muted);padding:12px 28px 24px;border-top:1px solid var(--line)}
            """;
}
