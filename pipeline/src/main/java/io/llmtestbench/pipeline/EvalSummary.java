package io.llmtestbench.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbench.pipeline.internal.Json;
import io.llmtestbench.pipeline.internal.Stats;
import io.llmtestbench.runtime.ErrorKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The summary of a batch, a pure function of its {@link RecordResult}s: add them (in any order) and read the
 * summary as JSON ({@code llmtb eval --format json}) or as a table ({@link #table}, rendered from that JSON, so
 * both say the same). Every number is defined in cli/README.md ("How the numbers are computed") precisely
 * enough for another engine (Spark) to compute the same. Not thread-safe: fed by one thread.
 */
public final class EvalSummary {
    /** Failure groups listed (the largest; the rest are counted in {@code failure_groups_omitted}). */
    public static final int FAILURE_GROUPS = 50;
    /** Example records per failure group. */
    public static final int EXAMPLES = 3;
    /** Invalid lines listed with their message. */
    public static final int INVALID_EXAMPLES = 20;
    /** Lowest-scoring records kept for the report. */
    public static final int WORST = 20;
    /** The group of records without the group-by field. */
    public static final String NO_VALUE = "(none)";
    /** Default group-by field. */
    public static final String CATEGORY = "category";

    /**
     * A stage of the pipeline as the summary names it.
     *
     * @param where its place in the pipeline file ({@code evaluators[0]}), unique
     * @param stage its kind: {@code provider}, {@code transform}, {@code evaluator}, {@code filter}
     * @param plugin its name (for an evaluator, the key of its scores)
     */
    public record Stage(String where, String stage, String plugin) {}

    private static final class Evaluator {
        final String name;
        String where;
        final Stats.Values scores = new Stats.Values();
        int passed;
        int reported;
        int failed;
        final Map<String, Integer> skippedAfter = new LinkedHashMap<>();

        Evaluator(String name, String where) {
            this.name = name;
            this.where = where;
        }
    }

    private static final class StageStats {
        final Stage stage;
        int calls;
        int failed;
        final Map<String, Integer> failuresByKind = new TreeMap<>();
        final Stats.Values time = new Stats.Values();
        final Stats.Values fuel = new Stats.Values();

        StageStats(Stage stage) {
            this.stage = stage;
        }
    }

    private static final class Group {
        int records;
        int kept;
        int filtered;
        int failed;
        final Map<String, Stats.Values> scores = new LinkedHashMap<>();
        final Map<String, int[]> passes = new LinkedHashMap<>();
    }

    private record FailureKey(String stage, String where, String plugin, String kind, String message) {}

    private static final class FailureGroup {
        int count;
        /** The smallest lines, with their ids, ascending. */
        final TreeMap<Integer, JsonNode> examples = new TreeMap<>();
    }

    private final String groupBy;
    private final BaselineComparison baseline;
    private final Map<String, StageStats> stages = new LinkedHashMap<>();
    private final Map<String, Evaluator> evaluators = new LinkedHashMap<>();
    private final Map<String, Integer> failuresByKind = new LinkedHashMap<>();
    private final TreeSet<Integer> invalidLines = new TreeSet<>();
    private final TreeMap<Integer, String> invalidExamples = new TreeMap<>();
    private final TreeMap<String, Group> groups = new TreeMap<>();
    private final Map<FailureKey, FailureGroup> failures = new LinkedHashMap<>();
    private final PriorityQueue<RecordResult> worst = new PriorityQueue<>(WORST + 1, BY_SCORE.reversed());
    private int records;
    private int kept;
    private int filtered;
    private int failed;
    private int providerCalls;
    private boolean groupFieldSeen;

    /** Lowest mean score first; then data order. */
    private static final Comparator<RecordResult> BY_SCORE = Comparator.comparingDouble(EvalSummary::meanScore)
            .thenComparingInt(RecordResult::line);

    /**
     * @param stages the pipeline's stages in order (each gets its row even without calls; stages met only in
     *     results are added in the order met)
     * @param groupBy the record field results are grouped by ({@code category} by default; other fields must be
     *     carried into the results, {@link PipelineRunner#carrying})
     * @param baseline an earlier run to compare with, or null
     */
    public EvalSummary(List<Stage> stages, String groupBy, BaselineComparison baseline) {
        this.groupBy = groupBy == null ? CATEGORY : groupBy;
        this.baseline = baseline;
        for (Stage s : stages) {
            this.stages.put(s.where(), new StageStats(s));
            if (s.stage().equals("evaluator")) {
                evaluators.put(s.plugin(), new Evaluator(s.plugin(), s.where()));
            }
        }
    }

    /**
     * The summary of results read back from a results file: the stages are the ones the results name, in pipeline
     * order (provider, transforms, evaluators, filters, each by index), so it equals the run's summary.
     */
    public static EvalSummary of(Iterable<RecordResult> results, String groupBy, BaselineComparison baseline) {
        Map<String, Stage> found = new LinkedHashMap<>();
        for (RecordResult r : results) {
            for (RecordResult.StageRun run : r.stages()) {
                if (run.where() != null) {
                    found.putIfAbsent(run.where(), new Stage(run.where(), run.stage(), run.plugin()));
                }
            }
        }
        List<Stage> ordered = new ArrayList<>(found.values());
        ordered.sort(Comparator.comparingInt((Stage st) -> kindRank(st.where())).thenComparingInt(st -> index(st.where())));
        EvalSummary s = new EvalSummary(ordered, groupBy, baseline);
        results.forEach(s::add);
        return s;
    }

    private static int kindRank(String where) {
        for (String[] k : new String[][] {{"provider", "0"}, {"transforms", "1"}, {"evaluators", "2"}, {"filters", "3"}}) {
            if (where.startsWith(k[0])) {
                return Integer.parseInt(k[1]);
            }
        }
        return 4;
    }

    /** 2 for "evaluators[2]", 0 for "evaluators" or "provider". */
    private static int index(String where) {
        int open = where.indexOf('[');
        if (open < 0 || !where.endsWith("]")) {
            return 0;
        }
        try {
            return Integer.parseInt(where.substring(open + 1, where.length() - 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Counts one record's result. */
    public void add(RecordResult r) {
        records++;
        if (baseline != null) {
            baseline.add(r);
        }
        if (r.status() == RecordResult.Status.INVALID) {
            invalidLines.add(r.line());
            invalidExamples.put(r.line(), r.error() == null ? "" : r.error().message());
            if (invalidExamples.size() > INVALID_EXAMPLES) {
                invalidExamples.pollLastEntry();
            }
            return;
        }
        RecordResult.Failure error = r.error();
        switch (r.status()) {
            case KEPT -> kept++;
            case FILTERED -> filtered++;
            default -> {
                failed++;
                String kind = error == null || error.kind() == null ? "UNKNOWN" : error.kind();
                failuresByKind.merge(kind, 1, Integer::sum);
                FailureGroup g = failures.computeIfAbsent(new FailureKey(error == null ? null : error.stage(),
                        error == null ? null : error.where(), error == null ? null : error.plugin(), kind,
                        error == null ? "" : error.message()), k -> new FailureGroup());
                g.count++;
                g.examples.put(r.line(), r.id());
                if (g.examples.size() > EXAMPLES) {
                    g.examples.pollLastEntry();
                }
            }
        }
        if ("provider".equals(r.responseSource())) {
            providerCalls++;
        }
        for (RecordResult.StageRun run : r.stages()) {
            StageStats st = stages.computeIfAbsent(run.where() == null ? run.stage() + " " + run.plugin() : run.where(),
                    w -> new StageStats(new Stage(w, run.stage(), run.plugin())));
            st.calls++;
            st.time.add(run.timeMs());
            st.fuel.add(run.fuel());
            if (!run.ok()) {
                st.failed++;
                st.failuresByKind.merge(error == null || error.kind() == null ? "UNKNOWN" : error.kind(), 1, Integer::sum);
            }
            if ("evaluator".equals(run.stage())) {
                evaluators.computeIfAbsent(run.plugin(), n -> new Evaluator(n, run.where()));
            }
        }
        r.scores().keySet().forEach(n -> evaluators.computeIfAbsent(n, k -> new Evaluator(k, null)));
        for (Evaluator e : evaluators.values()) {
            Double score = r.scores().get(e.name);
            if (score != null) {
                e.scores.add(score);
                Boolean p = r.passed().get(e.name);
                if (p != null) {
                    e.reported++;
                    if (p) {
                        e.passed++;
                    }
                }
            } else if (error != null && failedAt(error, e)) {
                e.failed++;
            } else {
                String reason = error == null ? "unknown" : error.where() != null ? error.where() : error.stage() + " " + error.plugin();
                e.skippedAfter.merge(reason, 1, Integer::sum);
            }
        }
        JsonNode gv = groupValue(r);
        if (gv != null && !gv.isNull()) {
            groupFieldSeen = true;
        }
        Group g = groups.computeIfAbsent(groupKey(gv), k -> new Group());
        g.records++;
        switch (r.status()) {
            case KEPT -> g.kept++;
            case FILTERED -> g.filtered++;
            default -> g.failed++;
        }
        r.scores().forEach((name, score) -> {
            g.scores.computeIfAbsent(name, k -> new Stats.Values()).add(score);
            Boolean p = r.passed().get(name);
            if (p != null) {
                int[] c = g.passes.computeIfAbsent(name, k -> new int[2]);
                c[1]++;
                if (p) {
                    c[0]++;
                }
            }
        });
        // the heap's head is the best of the worst kept: a result no worse than it would be added and polled again
        if (r.status() != RecordResult.Status.FAILED && !r.scores().isEmpty()
                && (worst.size() < WORST || BY_SCORE.compare(r, worst.peek()) < 0)) {
            worst.add(r);
            if (worst.size() > WORST) {
                worst.poll();
            }
        }
    }

    private static boolean failedAt(RecordResult.Failure error, Evaluator e) {
        if (error.where() != null && e.where != null) {
            return error.where().equals(e.where);
        }
        return "evaluator".equals(error.stage()) && e.name.equals(error.plugin());
    }

    private JsonNode groupValue(RecordResult r) {
        return groupBy.equals(CATEGORY) ? r.category() : r.fields().get(groupBy);
    }

    /** A group's name: a string value as is, another value as JSON, no value as {@link #NO_VALUE}. */
    static String groupKey(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return NO_VALUE;
        }
        return v.isTextual() ? v.asText() : Json.write(v);
    }

    private static double meanScore(RecordResult r) {
        double sum = 0;
        for (double s : r.scores().values()) {
            sum += s;
        }
        return sum / r.scores().size();
    }

    /** Results added (every data line, invalid ones included). */
    public int records() {
        return records;
    }

    /** Records that failed. */
    public int failed() {
        return failed;
    }

    /** Lines that were not usable records. */
    public int invalid() {
        return invalidLines.size();
    }

    /** The field records are grouped by. */
    public String groupBy() {
        return groupBy;
    }

    /** Whether any record had the group-by field. */
    public boolean groupFieldSeen() {
        return groupFieldSeen;
    }

    /** The comparison with an earlier run, or null. */
    public BaselineComparison baseline() {
        return baseline;
    }

    /** The lowest-scoring records (by the mean of their scores; ties in data order), lowest first; failed ones excluded. */
    public List<RecordResult> worst() {
        List<RecordResult> l = new ArrayList<>(worst);
        l.sort(BY_SCORE);
        return l;
    }

    /** An evaluator's scores, ascending (empty for an unknown name). */
    double[] scores(String evaluator) {
        Evaluator e = evaluators.get(evaluator);
        return e == null ? new double[0] : e.scores.sorted();
    }

    /** The summary's stages, in pipeline order. */
    List<Stage> stages() {
        return stages.values().stream().map(s -> s.stage).toList();
    }

    /** A stage's call times (ms), ascending. */
    double[] times(String where) {
        StageStats s = stages.get(where);
        return s == null ? new double[0] : s.time.sorted();
    }

    /** A stage's fuel per call, ascending. */
    double[] fuel(String where) {
        StageStats s = stages.get(where);
        return s == null ? new double[0] : s.fuel.sorted();
    }

    /**
     * The summary as JSON.
     *
     * @param info the run's facts (pipeline, data, out, threads, load time...), put first
     * @param elapsedSeconds the batch's wall time (plugin loading excluded), for {@code records_per_second}
     */
    public ObjectNode json(ObjectNode info, double elapsedSeconds) {
        ObjectNode o = Json.object();
        o.setAll(info);
        o.put("records", records);
        o.put("processed", records - invalidLines.size());
        o.put("kept", kept);
        o.put("filtered", filtered);
        o.put("failed", failed);
        ObjectNode inv = o.putObject("invalid_records");
        inv.put("count", invalidLines.size());
        ArrayNode lines = inv.putArray("lines");
        invalidLines.forEach(lines::add);
        ArrayNode invEx = inv.putArray("examples");
        invalidExamples.forEach((line, message) -> invEx.addObject().put("line", line).put("message", message));
        ObjectNode byKind = o.putObject("failures_by_kind");
        putByKind(byKind, failuresByKind);
        o.put("provider_calls", providerCalls);
        ObjectNode ev = o.putObject("evaluators");
        for (Evaluator e : evaluators.values()) {
            ObjectNode s = ev.putObject(e.name);
            s.put("count", e.scores.size());
            putStat(s, "mean", e.scores.mean());
            putStat(s, "median", e.scores.percentile(0.5));
            putStat(s, "min", e.scores.min());
            putStat(s, "max", e.scores.max());
            s.put("passed", e.passed);
            putStat(s, "pass_rate", e.reported == 0 ? Double.NaN : (double) e.passed / e.reported);
            s.put("failed", e.failed);
            s.put("skipped", e.skippedAfter.values().stream().mapToInt(Integer::intValue).sum());
            ObjectNode after = s.putObject("skipped_after_failure_in");
            stageOrder(e.skippedAfter).forEach(after::put);
            StageStats st = e.where == null ? null : stages.get(e.where);
            percentiles(s.putObject("time_ms"), st == null ? new Stats.Values() : st.time, false);
            percentiles(s.putObject("fuel"), st == null ? new Stats.Values() : st.fuel, false);
        }
        ArrayNode st = o.putArray("stages");
        for (StageStats s : stages.values()) {
            ObjectNode j = st.addObject();
            j.put("where", s.stage.where());
            j.put("stage", s.stage.stage());
            j.put("plugin", s.stage.plugin());
            j.put("calls", s.calls);
            j.put("failed", s.failed);
            putByKind(j.putObject("failures_by_kind"), s.failuresByKind);
            percentiles(j.putObject("time_ms"), s.time, true);
            percentiles(j.putObject("fuel"), s.fuel, true);
        }
        o.put("group_by", groupBy);
        ObjectNode gs = o.putObject("groups");
        if (groupFieldSeen) {
            groups.forEach((key, g) -> {
                ObjectNode j = gs.putObject(key);
                j.put("records", g.records);
                j.put("kept", g.kept);
                j.put("filtered", g.filtered);
                j.put("failed", g.failed);
                ObjectNode ge = j.putObject("evaluators");
                for (Evaluator e : evaluators.values()) {
                    Stats.Values v = g.scores.getOrDefault(e.name, new Stats.Values());
                    int[] p = g.passes.getOrDefault(e.name, new int[2]);
                    ObjectNode x = ge.putObject(e.name);
                    x.put("count", v.size());
                    putStat(x, "mean", v.mean());
                    putStat(x, "pass_rate", p[1] == 0 ? Double.NaN : (double) p[0] / p[1]);
                }
            });
        }
        List<Map.Entry<FailureKey, FailureGroup>> fg = new ArrayList<>(failures.entrySet());
        fg.sort(Comparator.comparingInt((Map.Entry<FailureKey, FailureGroup> e) -> -e.getValue().count)
                .thenComparingInt(e -> e.getValue().examples.firstKey()));
        ArrayNode groupsJson = o.putArray("failure_groups");
        for (Map.Entry<FailureKey, FailureGroup> e : fg.subList(0, Math.min(FAILURE_GROUPS, fg.size()))) {
            FailureKey k = e.getKey();
            ObjectNode j = groupsJson.addObject();
            j.put("stage", k.stage());
            j.put("where", k.where());
            j.put("plugin", k.plugin());
            j.put("kind", k.kind());
            j.put("message", k.message());
            j.put("count", e.getValue().count);
            ArrayNode ids = j.putArray("example_ids");
            ArrayNode ls = j.putArray("example_lines");
            e.getValue().examples.forEach((line, id) -> {
                ids.add(id);
                ls.add(line);
            });
        }
        if (fg.size() > FAILURE_GROUPS) {
            ObjectNode om = o.putObject("failure_groups_omitted");
            om.put("groups", fg.size() - FAILURE_GROUPS);
            om.put("records", fg.subList(FAILURE_GROUPS, fg.size()).stream().mapToInt(e -> e.getValue().count).sum());
        }
        if (baseline != null) {
            o.set("baseline", baseline.json());
        }
        o.put("elapsed_ms", Math.round(elapsedSeconds * 1000));
        o.put("records_per_second", elapsedSeconds <= 0 ? 0 : Math.round(records / elapsedSeconds * 10) / 10.0);
        return o;
    }

    /** Reasons in pipeline order of the failing stage. */
    private Map<String, Integer> stageOrder(Map<String, Integer> byWhere) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String w : stages.keySet()) {
            if (byWhere.containsKey(w)) {
                out.put(w, byWhere.get(w));
            }
        }
        byWhere.forEach(out::putIfAbsent);
        return out;
    }

    private static void putByKind(ObjectNode o, Map<String, Integer> counts) {
        for (ErrorKind k : ErrorKind.values()) {
            Integer n = counts.get(k.name());
            if (n != null) {
                o.put(k.name(), n);
            }
        }
        new TreeMap<>(counts).forEach((k, n) -> {
            if (!o.has(k)) {
                o.put(k, n);
            }
        });
    }

    private static void percentiles(ObjectNode o, Stats.Values v, boolean meanAndMax) {
        if (meanAndMax) {
            putStat(o, "mean", v.mean());
        }
        putStat(o, "p50", v.percentile(0.50));
        putStat(o, "p95", v.percentile(0.95));
        putStat(o, "p99", v.percentile(0.99));
        if (meanAndMax) {
            putStat(o, "max", v.max());
        }
    }

    private static void putStat(ObjectNode o, String key, double x) {
        if (Double.isNaN(x)) {
            o.putNull(key);
        } else {
            o.put(key, Stats.round(x));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The table
    // ---------------------------------------------------------------------------------------------------------

    // ---------------------------------------------------------------------------------------------------------
    // The arithmetic, for other engines that compute this summary (llmtb-spark)
    // ---------------------------------------------------------------------------------------------------------

    /** The mean of a summary statistic: the values summed in ascending order, over their count; NaN when empty. */
    public static double mean(double[] sortedAscending) {
        return Stats.mean(sortedAscending, sortedAscending.length);
    }

    /** A percentile of a summary statistic (type 7, Spark SQL's {@code percentile}; cli/README.md); NaN when empty. */
    public static double percentile(double[] sortedAscending, double p) {
        return sortedAscending.length == 0 ? Double.NaN : Stats.percentile(sortedAscending, sortedAscending.length, p);
    }

    /** How the summary rounds every statistic: 4 places, half up from the shortest decimal form (Spark's {@code round(x, 4)}). */
    public static double round(double x) {
        return Stats.round(x);
    }

    /** The summary as a table, for people: the facts of {@link #json}, from that JSON. */
    public static String table(JsonNode s) {
        StringBuilder sb = new StringBuilder();
        sb.append("Pipeline ").append(s.path("pipeline_name").asText()).append(" (").append(s.path("pipeline").asText())
                .append(") on ").append(s.path("data").asText()).append('\n');
        sb.append(String.format(java.util.Locale.ROOT, "Records: %d in %.2f s (%.1f records/s, %d thread%s; plugins loaded in %d ms)%n",
                s.path("records").asInt(), s.path("elapsed_ms").asLong() / 1000.0, s.path("records_per_second").asDouble(),
                s.path("threads").asInt(), s.path("threads").asInt() == 1 ? "" : "s", s.path("load_ms").asLong()));
        JsonNode inv = s.path("invalid_records");
        sb.append(String.format(java.util.Locale.ROOT, "  kept %d, filtered %d, failed %d, invalid %d", s.path("kept").asInt(),
                s.path("filtered").asInt(), s.path("failed").asInt(), inv.path("count").asInt()));
        if (inv.path("count").asInt() > 0) {
            List<String> ls = new ArrayList<>();
            inv.path("lines").forEach(l -> ls.add(l.asText()));
            sb.append(" (line").append(ls.size() > 1 ? "s " : " ").append(Table.abbreviate(ls, 10)).append(')');
        }
        sb.append('\n');
        JsonNode split = s.path("time_split_ms");
        if (split.isObject()) {
            List<String> parts = new ArrayList<>();
            split.properties().forEach(f -> {
                if (f.getValue().isObject()) {
                    f.getValue().properties().forEach(st -> parts.add(st.getKey() + " " + Math.round(st.getValue().asDouble())));
                } else {
                    parts.add(f.getKey().replace('_', ' ') + " " + Math.round(f.getValue().asDouble()));
                }
            });
            sb.append("  time split (ms, summed over threads): ").append(String.join(", ", parts));
            if (s.path("records_per_second_second_half").isNumber()) {
                sb.append(String.format(java.util.Locale.ROOT, "; second half of the records at %.1f records/s",
                        s.path("records_per_second_second_half").asDouble()));
            }
            sb.append('\n');
        }
        if (s.path("provider_calls").asInt() > 0) {
            sb.append("  responses generated by the provider: ").append(s.path("provider_calls").asInt()).append('\n');
        }
        Table.evaluators(sb, s);
        Table.stages(sb, s);
        Table.groups(sb, s);
        Table.failures(sb, s);
        Table.invalid(sb, s);
        BaselineComparison.table(sb, s.path("baseline"));
        if (s.hasNonNull("out")) {
            sb.append("\nResults: ").append(s.path("out").asText()).append('\n');
        }
        if (s.hasNonNull("report")) {
            sb.append(s.hasNonNull("out") ? "" : "\n").append("Report: ").append(s.path("report").asText()).append('\n');
        }
        return sb.toString();
    }

    /** The table's sections. */
    static final class Table {
        private Table() {}

        static void evaluators(StringBuilder sb, JsonNode s) {
            JsonNode ev = s.path("evaluators");
            if (ev.size() == 0) {
                return;
            }
            int w = width(ev.fieldNames(), "Evaluator");
            sb.append('\n');
            sb.append(String.format(java.util.Locale.ROOT, "%-" + w + "s  %6s  %6s  %6s  %6s  %6s  %6s  %9s  %6s  %7s%n", "Evaluator",
                    "count", "mean", "median", "min", "max", "passed", "pass rate", "failed", "skipped"));
            ev.properties().forEach(f -> {
                JsonNode e = f.getValue();
                sb.append(String.format(java.util.Locale.ROOT, "%-" + w + "s  %6d  %6s  %6s  %6s  %6s  %6d  %9s  %6d  %7d%n", f.getKey(),
                        e.path("count").asInt(), fmt(e.path("mean")), fmt(e.path("median")), fmt(e.path("min")), fmt(e.path("max")),
                        e.path("passed").asInt(), percent(e.path("pass_rate")), e.path("failed").asInt(), e.path("skipped").asInt()));
            });
            ev.properties().forEach(f -> {
                JsonNode after = f.getValue().path("skipped_after_failure_in");
                if (after.size() > 0) {
                    List<String> parts = new ArrayList<>();
                    after.properties().forEach(a -> parts.add(a.getKey() + stageName(s, a.getKey()) + ": " + a.getValue().asInt()));
                    sb.append("  ").append(f.getKey()).append(" skipped ").append(f.getValue().path("skipped").asInt())
                            .append(" record(s) after an earlier stage failed (").append(String.join(", ", parts)).append(")\n");
                }
            });
        }

        /** " 'plugin'" for a stage's where, or "". */
        private static String stageName(JsonNode s, String where) {
            for (JsonNode st : s.path("stages")) {
                if (st.path("where").asText().equals(where)) {
                    return " '" + st.path("plugin").asText() + "'";
                }
            }
            return "";
        }

        static void stages(StringBuilder sb, JsonNode s) {
            JsonNode st = s.path("stages");
            if (st.size() == 0) {
                return;
            }
            List<String> names = new ArrayList<>();
            st.forEach(x -> names.add(x.path("where").asText() + " " + x.path("plugin").asText()));
            int w = width(names.iterator(), "Stage");
            sb.append('\n');
            sb.append(String.format(java.util.Locale.ROOT, "%-" + w + "s  %7s  %6s  %28s  %34s%n", "Stage", "calls", "failed",
                    "time ms p50 / p95 / p99", "fuel p50 / p95 / p99"));
            int i = 0;
            for (JsonNode x : st) {
                JsonNode t = x.path("time_ms");
                JsonNode f = x.path("fuel");
                sb.append(String.format(java.util.Locale.ROOT, "%-" + w + "s  %7d  %6d  %28s  %34s%n", names.get(i++), x.path("calls").asInt(),
                        x.path("failed").asInt(), triple(t, "%.3f"), triple(f, "%.0f")));
                if (x.path("failures_by_kind").size() > 0) {
                    List<String> kinds = new ArrayList<>();
                    x.path("failures_by_kind").properties().forEach(k -> kinds.add(k.getKey() + " " + k.getValue().asInt()));
                    sb.append(String.format(java.util.Locale.ROOT, "%-" + w + "s    failures: %s%n", "", String.join(", ", kinds)));
                }
            }
        }

        static void groups(StringBuilder sb, JsonNode s) {
            JsonNode gs = s.path("groups");
            if (gs.size() == 0) {
                return;
            }
            List<String> evs = new ArrayList<>();
            s.path("evaluators").fieldNames().forEachRemaining(evs::add);
            int w = width(gs.fieldNames(), "By " + s.path("group_by").asText());
            sb.append('\n');
            StringBuilder head = new StringBuilder(String.format(java.util.Locale.ROOT, "%-" + w + "s  %7s  %6s", "By " + s.path("group_by").asText(),
                    "records", "failed"));
            for (String e : evs) {
                head.append(String.format(java.util.Locale.ROOT, "  %" + Math.max(16, e.length() + 12) + "s", e + " mean / pass"));
            }
            sb.append(head).append('\n');
            gs.properties().forEach(g -> {
                JsonNode v = g.getValue();
                StringBuilder row = new StringBuilder(String.format(java.util.Locale.ROOT, "%-" + w + "s  %7d  %6d", g.getKey(),
                        v.path("records").asInt(), v.path("failed").asInt()));
                for (String e : evs) {
                    JsonNode x = v.path("evaluators").path(e);
                    row.append(String.format(java.util.Locale.ROOT, "  %" + Math.max(16, e.length() + 12) + "s",
                            fmt(x.path("mean")) + " / " + percent(x.path("pass_rate"))));
                }
                sb.append(row).append('\n');
            });
        }

        static void failures(StringBuilder sb, JsonNode s) {
            JsonNode byKind = s.path("failures_by_kind");
            if (byKind.size() > 0) {
                sb.append("\nFailures by kind:\n");
                byKind.properties().forEach(f -> sb.append(String.format(java.util.Locale.ROOT, "  %-16s %d%n", f.getKey(), f.getValue().asInt())));
            }
            JsonNode fg = s.path("failure_groups");
            if (fg.size() == 0) {
                return;
            }
            sb.append("\nFailed records, grouped by stage, plugin, kind and message:\n");
            for (JsonNode g : fg) {
                sb.append(String.format(java.util.Locale.ROOT, "  %6d  %s in %s '%s' (%s): %s%n", g.path("count").asInt(), g.path("kind").asText(),
                        g.path("stage").asText(), g.path("plugin").asText(), g.path("where").asText(), oneLine(g.path("message").asText())));
                List<String> ex = new ArrayList<>();
                for (int i = 0; i < g.path("example_lines").size(); i++) {
                    JsonNode id = g.path("example_ids").path(i);
                    String line = "line " + g.path("example_lines").path(i).asInt();
                    ex.add(id.isNull() || id.isMissingNode() ? line : (id.isTextual() ? id.asText() : Json.write(id)) + " (" + line + ")");
                }
                sb.append("          e.g. ").append(String.join(", ", ex)).append('\n');
            }
            JsonNode om = s.path("failure_groups_omitted");
            if (om.isObject()) {
                sb.append(String.format(java.util.Locale.ROOT, "  ... and %d more group(s) of %d record(s)%n", om.path("groups").asInt(),
                        om.path("records").asInt()));
            }
        }

        static void invalid(StringBuilder sb, JsonNode s) {
            JsonNode ex = s.path("invalid_records").path("examples");
            if (ex.size() == 0) {
                return;
            }
            int count = s.path("invalid_records").path("count").asInt();
            sb.append("\nInvalid records").append(count > ex.size() ? " (first " + ex.size() + ")" : "").append(":\n");
            for (JsonNode r : ex) {
                sb.append("  line ").append(r.path("line").asInt()).append(": ").append(oneLine(r.path("message").asText())).append('\n');
            }
        }

        static int width(java.util.Iterator<String> names, String header) {
            int w = header.length();
            while (names.hasNext()) {
                w = Math.max(w, names.next().length());
            }
            return Math.min(w, 48);
        }

        static String triple(JsonNode o, String format) {
            if (o.path("p50").isNull() || o.path("p50").isMissingNode()) {
                return "-";
            }
            return String.format(java.util.Locale.ROOT, format + " / " + format + " / " + format, o.path("p50").asDouble(),
                    o.path("p95").asDouble(), o.path("p99").asDouble());
        }

        static String fmt(JsonNode n) {
            return n.isNull() || n.isMissingNode() ? "-" : String.format(java.util.Locale.ROOT, "%.3f", n.asDouble());
        }

        static String percent(JsonNode n) {
            return n.isNull() || n.isMissingNode() ? "-" : String.format(java.util.Locale.ROOT, "%.1f%%", n.asDouble() * 100);
        }

        static String oneLine(String s) {
            String t = s.replaceAll("\\s+", " ");
            return t.length() > 160 ? t.substring(0, 157) + "..." : t;
        }

        static String abbreviate(List<String> items, int max) {
            if (items.size() <= max) {
                return String.join(", ", items);
            }
            return String.join(", ", items.subList(0, max)) + ", ... (" + (items.size() - max) + " more)";
        }
    }

    @Override
    public String toString() {
        return Objects.toString(json(Json.object(), 0));
    }
}
