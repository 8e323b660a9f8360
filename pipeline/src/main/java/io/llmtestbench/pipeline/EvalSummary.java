package io.llmtestbench.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbench.pipeline.internal.Json;
import io.llmtestbench.runtime.ErrorKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The summary of a batch: accumulates {@link RecordResult}s (in input order) and gives the summary as JSON
 * ({@code llmtb eval --format json}) or as a table. Not thread-safe: fed by one thread.
 */
public final class EvalSummary {
    private static final int LISTED = 20;

    private final Map<String, double[]> scores = new LinkedHashMap<>();
    private final Map<String, Integer> scoreCounts = new LinkedHashMap<>();
    private final Map<String, int[]> passes = new LinkedHashMap<>(); // {passed, reported}
    private final Map<String, Integer> failuresByKind = new LinkedHashMap<>();
    private final List<Integer> invalidLines = new ArrayList<>();
    private final List<RecordResult> failedSamples = new ArrayList<>();
    private final List<RecordResult> invalidSamples = new ArrayList<>();
    private int records;
    private int kept;
    private int filtered;
    private int failed;
    private int providerCalls;

    /** @param evaluators the pipeline's evaluator names, in order (each gets a row, even without scores) */
    public EvalSummary(List<String> evaluators) {
        for (String e : evaluators) {
            scores.put(e, new double[16]);
            scoreCounts.put(e, 0);
            passes.put(e, new int[2]);
        }
    }

    /** Counts one record's result. */
    public void add(RecordResult r) {
        records++;
        switch (r.status()) {
            case KEPT: kept++; break;
            case FILTERED: filtered++; break;
            case INVALID:
                invalidLines.add(r.line());
                if (invalidSamples.size() < LISTED) {
                    invalidSamples.add(r);
                }
                return;
            default:
                failed++;
                failuresByKind.merge(r.error() == null || r.error().kind() == null ? "UNKNOWN" : r.error().kind(), 1, Integer::sum);
                if (failedSamples.size() < LISTED) {
                    failedSamples.add(r);
                }
        }
        if ("provider".equals(r.responseSource())) {
            providerCalls++;
        }
        r.scores().forEach((name, score) -> {
            double[] arr = scores.computeIfAbsent(name, k -> new double[16]);
            int n = scoreCounts.getOrDefault(name, 0);
            if (n == arr.length) {
                arr = Arrays.copyOf(arr, n * 2);
                scores.put(name, arr);
            }
            arr[n] = score;
            scoreCounts.put(name, n + 1);
        });
        r.passed().forEach((name, p) -> {
            if (p != null) {
                int[] c = passes.computeIfAbsent(name, k -> new int[2]);
                c[1]++;
                if (p) {
                    c[0]++;
                }
            }
        });
    }

    /** Records that failed. */
    public int failed() {
        return failed;
    }

    /** Lines that were not usable records. */
    public int invalid() {
        return invalidLines.size();
    }

    /** The summary; {@code info} holds the run's facts (pipeline, data, out, threads, times), put first. */
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
        ObjectNode byKind = o.putObject("failures_by_kind");
        for (ErrorKind k : ErrorKind.values()) {
            Integer n = failuresByKind.get(k.name());
            if (n != null) {
                byKind.put(k.name(), n);
            }
        }
        failuresByKind.forEach((k, n) -> {
            if (!byKind.has(k)) {
                byKind.put(k, n);
            }
        });
        o.put("provider_calls", providerCalls);
        ObjectNode ev = o.putObject("evaluators");
        for (String name : scores.keySet()) {
            int n = scoreCounts.get(name);
            double[] v = Arrays.copyOf(scores.get(name), n);
            Arrays.sort(v);
            ObjectNode s = ev.putObject(name);
            s.put("count", n);
            if (n == 0) {
                s.putNull("mean");
                s.putNull("median");
                s.putNull("min");
                s.putNull("max");
            } else {
                double sum = 0;
                for (double x : v) {
                    sum += x;
                }
                s.put("mean", round(sum / n));
                s.put("median", round(n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2));
                s.put("min", round(v[0]));
                s.put("max", round(v[n - 1]));
            }
            int[] p = passes.getOrDefault(name, new int[2]);
            s.put("passed", p[0]);
            if (p[1] == 0) {
                s.putNull("pass_rate");
            } else {
                s.put("pass_rate", round((double) p[0] / p[1]));
            }
        }
        o.put("elapsed_ms", Math.round(elapsedSeconds * 1000));
        o.put("records_per_second", elapsedSeconds <= 0 ? 0 : Math.round(records / elapsedSeconds * 10) / 10.0);
        return o;
    }

    static double round(double x) {
        return Math.round(x * 10000) / 10000.0;
    }

    /** The summary as a table, for people. */
    public String table(ObjectNode s, boolean listProblems) {
        StringBuilder sb = new StringBuilder();
        sb.append("Pipeline ").append(s.path("pipeline_name").asText()).append(" (").append(s.path("pipeline").asText())
                .append(") on ").append(s.path("data").asText()).append('\n');
        sb.append(String.format(Locale.ROOT, "Records: %d in %.2f s (%.1f records/s, %d thread%s; plugins loaded in %d ms)%n",
                s.path("records").asInt(), s.path("elapsed_ms").asLong() / 1000.0, s.path("records_per_second").asDouble(),
                s.path("threads").asInt(), s.path("threads").asInt() == 1 ? "" : "s", s.path("load_ms").asLong()));
        JsonNode inv = s.path("invalid_records");
        sb.append(String.format(Locale.ROOT, "  kept %d, filtered %d, failed %d, invalid %d", s.path("kept").asInt(),
                s.path("filtered").asInt(), s.path("failed").asInt(), inv.path("count").asInt()));
        if (inv.path("count").asInt() > 0) {
            List<String> ls = new ArrayList<>();
            inv.path("lines").forEach(l -> ls.add(l.asText()));
            sb.append(" (line").append(ls.size() > 1 ? "s " : " ").append(abbreviate(ls)).append(')');
        }
        sb.append('\n');
        if (s.path("provider_calls").asInt() > 0) {
            sb.append("  responses generated by the provider: ").append(s.path("provider_calls").asInt()).append('\n');
        }
        JsonNode ev = s.path("evaluators");
        if (ev.size() > 0) {
            int w = 9;
            var names = ev.fieldNames();
            while (names.hasNext()) {
                w = Math.max(w, names.next().length());
            }
            sb.append('\n');
            sb.append(String.format(Locale.ROOT, "%-" + w + "s  %6s  %6s  %6s  %6s  %6s  %9s%n", "Evaluator", "count", "mean",
                    "median", "min", "max", "pass rate"));
            final int width = w;
            ev.properties().forEach(f -> sb.append(row(f.getKey(), f.getValue(), width)));
        }
        JsonNode byKind = s.path("failures_by_kind");
        if (byKind.size() > 0) {
            sb.append("\nFailures by kind:\n");
            byKind.properties().forEach(f -> sb.append(String.format(Locale.ROOT, "  %-16s %d%n", f.getKey(), f.getValue().asInt())));
        }
        if (listProblems) {
            if (!failedSamples.isEmpty()) {
                sb.append("\nFailed records").append(failed > failedSamples.size() ? " (first " + failedSamples.size() + ")" : "")
                        .append(":\n");
                for (RecordResult r : failedSamples) {
                    RecordResult.Failure e = r.error();
                    sb.append("  line ").append(r.line()).append(" (id ").append(Json.write(r.id()))
                            .append("): ").append(e.kind()).append(" in ").append(e.stage())
                            .append(" '").append(e.plugin()).append("': ").append(oneLine(e.message()))
                            .append('\n');
                }
            }
            if (!invalidSamples.isEmpty()) {
                sb.append("\nInvalid records").append(invalidLines.size() > invalidSamples.size() ? " (first " + invalidSamples.size() + ")" : "")
                        .append(":\n");
                for (RecordResult r : invalidSamples) {
                    sb.append("  line ").append(r.line()).append(": ").append(oneLine(r.error().message())).append('\n');
                }
            }
        }
        if (s.hasNonNull("out")) {
            sb.append("\nResults: ").append(s.path("out").asText()).append('\n');
        }
        return sb.toString();
    }

    private static String row(String name, JsonNode e, int w) {
        return String.format(Locale.ROOT, "%-" + w + "s  %6d  %6s  %6s  %6s  %6s  %9s%n", name, e.path("count").asInt(),
                fmt(e.path("mean")), fmt(e.path("median")), fmt(e.path("min")), fmt(e.path("max")),
                e.path("pass_rate").isNull() ? "-" : String.format(Locale.ROOT, "%.1f%%", e.path("pass_rate").asDouble() * 100));
    }

    private static String fmt(JsonNode n) {
        return n.isNull() || n.isMissingNode() ? "-" : String.format(Locale.ROOT, "%.3f", n.asDouble());
    }

    private static String oneLine(String s) {
        String t = s.replaceAll("\\s+", " ");
        return t.length() > 160 ? t.substring(0, 157) + "..." : t;
    }

    private static String abbreviate(List<String> items) {
        if (items.size() <= 10) {
            return String.join(", ", items);
        }
        return String.join(", ", items.subList(0, 10)) + ", ... (" + (items.size() - 10) + " more)";
    }
}
