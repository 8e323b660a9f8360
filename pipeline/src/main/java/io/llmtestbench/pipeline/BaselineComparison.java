package io.llmtestbench.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbench.pipeline.internal.Json;
import io.llmtestbench.pipeline.internal.Stats;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Compares a run with an earlier one (its {@code --out} results), record by record, matched by record id: per
 * evaluator the mean difference of the paired scores with a bootstrap confidence interval, the records whose
 * pass/fail flipped either way, and the records that fail now but did not before. Fed the current run's results
 * by {@link EvalSummary#add}; read as JSON (the summary's {@code "baseline"} section).
 *
 * <p>The interval is a paired percentile bootstrap: the paired differences (current minus baseline score, in the
 * current run's data order) are resampled with replacement {@value #RESAMPLES} times by a
 * {@link SplittableRandom} seeded with {@value #SEED} (a fresh one per evaluator, indices drawn by
 * {@code nextInt(n)}, n per resample); the interval's ends are the 2.5th and 97.5th percentiles
 * ({@link Stats#percentile}) of the resampled means. The same inputs always give the same interval.
 */
public final class BaselineComparison {
    /** Bootstrap resamples. */
    public static final int RESAMPLES = 1000;
    /** Seed of the bootstrap's generator. */
    public static final long SEED = 42L;
    /** Record ids listed per list (the first in data order); the counts are always complete. */
    public static final int LISTED_IDS = 100;

    /** A baseline that cannot be used; the message names the file (and line) and says why. */
    public static final class UnusableBaselineException extends Exception {
        private static final long serialVersionUID = 1L;

        public UnusableBaselineException(String message) {
            super(message);
        }
    }

    /** What a comparison needs of one result. */
    private record Entry(int line, JsonNode id, RecordResult.Status status, Map<String, Double> scores, Map<String, Boolean> passed,
            String errorKind) {
        static Entry of(RecordResult r) {
            return new Entry(r.line(), r.id(), r.status(), new LinkedHashMap<>(r.scores()), new LinkedHashMap<>(r.passed()),
                    r.error() == null ? null : r.error().kind());
        }
    }

    private final String source;
    private final Map<String, Entry> baseline = new HashMap<>();
    private final Set<String> baselineDuplicates = new HashSet<>();
    private final Set<String> evaluatorsSeen = new LinkedHashSet<>();
    private int baselineWithoutId;
    private final Map<String, Entry> current = new HashMap<>();
    private final Set<String> currentDuplicates = new HashSet<>();
    private int currentWithoutId;

    private BaselineComparison(String source, Iterable<RecordResult> baselineResults) {
        this.source = source;
        List<String> baselineEvaluators = new ArrayList<>();
        for (RecordResult r : baselineResults) {
            if (r.status() == RecordResult.Status.INVALID) {
                continue;
            }
            r.scores().keySet().forEach(n -> {
                if (!baselineEvaluators.contains(n)) {
                    baselineEvaluators.add(n);
                }
            });
            String key = key(r.id());
            if (key == null) {
                baselineWithoutId++;
            } else if (baselineDuplicates.contains(key) || baseline.put(key, Entry.of(r)) != null) {
                baseline.remove(key);
                baselineDuplicates.add(key);
            }
        }
        this.baselineEvaluatorsInOrder = baselineEvaluators;
    }

    private final List<String> baselineEvaluatorsInOrder;

    /** A comparison with these earlier results. */
    public static BaselineComparison of(String source, Iterable<RecordResult> baseline) {
        return new BaselineComparison(source, baseline);
    }

    /** A comparison with an earlier run's {@code --out} file (JSON lines; blank lines skipped). */
    public static BaselineComparison read(Path file) throws UnusableBaselineException {
        List<RecordResult> results = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)))) {
            String line;
            int n = 0;
            while ((line = in.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode json;
                try {
                    json = Json.parse("line " + n, line);
                } catch (Json.BadJson e) {
                    throw new UnusableBaselineException("--baseline " + file + ": " + e.getMessage()
                            + " (expected the results of an earlier llmtb eval --out)");
                }
                if (!json.isObject() || !json.has("status")) {
                    throw new UnusableBaselineException("--baseline " + file + ": line " + n + " is not a result of llmtb eval --out"
                            + " (no \"status\")");
                }
                results.add(RecordResult.fromJson(json));
            }
        } catch (NoSuchFileException e) {
            throw new UnusableBaselineException("--baseline: no such file: " + file);
        } catch (CharacterCodingException e) {
            throw new UnusableBaselineException("--baseline " + file + ": not UTF-8 text");
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new UnusableBaselineException("--baseline: cannot read " + file + ": " + e.getMessage());
        }
        if (results.isEmpty()) {
            throw new UnusableBaselineException("--baseline " + file + ": no results in it (expected the results of an earlier"
                    + " llmtb eval --out)");
        }
        return new BaselineComparison(file.toString(), results);
    }

    /** The JSON text of an id, or null for a record without one. */
    private static String key(JsonNode id) {
        return id == null || id.isNull() || id.isMissingNode() ? null : Json.write(id);
    }

    /** Counts one result of the current run (called by {@link EvalSummary#add}). */
    void add(RecordResult r) {
        if (r.status() == RecordResult.Status.INVALID) {
            return;
        }
        evaluatorsSeen.addAll(r.scores().keySet());
        String key = key(r.id());
        if (key == null) {
            currentWithoutId++;
        } else if (currentDuplicates.contains(key) || current.put(key, Entry.of(r)) != null) {
            current.remove(key);
            currentDuplicates.add(key);
        }
    }

    /** The comparison as JSON: the summary's {@code "baseline"} section (cli/README.md documents it). */
    public ObjectNode json() {
        List<Entry> matched = new ArrayList<>();
        List<Entry> onlyCurrent = new ArrayList<>();
        for (Map.Entry<String, Entry> e : current.entrySet()) {
            if (baseline.containsKey(e.getKey())) {
                matched.add(e.getValue());
            } else if (!baselineDuplicates.contains(e.getKey())) {
                onlyCurrent.add(e.getValue());
            }
        }
        List<Entry> onlyBaseline = new ArrayList<>();
        for (Map.Entry<String, Entry> e : baseline.entrySet()) {
            if (!current.containsKey(e.getKey()) && !currentDuplicates.contains(e.getKey())) {
                onlyBaseline.add(e.getValue());
            }
        }
        matched.sort(java.util.Comparator.comparingInt(Entry::line));
        onlyCurrent.sort(java.util.Comparator.comparingInt(Entry::line));
        onlyBaseline.sort(java.util.Comparator.comparingInt(Entry::line));

        ObjectNode o = Json.object();
        o.put("file", source);
        o.put("matched", matched.size());
        ids(o.putObject("only_in_current"), onlyCurrent);
        ids(o.putObject("only_in_baseline"), onlyBaseline);
        ObjectNode nc = o.putObject("not_compared");
        nc.put("without_id", baselineWithoutId + currentWithoutId);
        Set<String> dups = new HashSet<>(baselineDuplicates);
        dups.addAll(currentDuplicates);
        nc.put("duplicate_ids", dups.size());
        o.put("method", "paired bootstrap of the mean score difference (current - baseline) over records scored in both runs: "
                + RESAMPLES + " resamples, seed " + SEED + ", 95% percentile interval");
        Set<String> names = new LinkedHashSet<>(evaluatorsSeen);
        names.addAll(baselineEvaluatorsInOrder);
        ObjectNode ev = o.putObject("evaluators");
        for (String name : names) {
            List<Double> b = new ArrayList<>();
            List<Double> c = new ArrayList<>();
            List<Entry> passToFail = new ArrayList<>();
            List<Entry> failToPass = new ArrayList<>();
            for (Entry cur : matched) {
                Entry base = baseline.get(key(cur.id()));
                Double cs = cur.scores().get(name);
                Double bs = base.scores().get(name);
                if (cs != null && bs != null) {
                    b.add(bs);
                    c.add(cs);
                }
                Boolean cp = cur.passed().get(name);
                Boolean bp = base.passed().get(name);
                if (cp != null && bp != null && !cp.equals(bp)) {
                    (bp ? passToFail : failToPass).add(cur);
                }
            }
            ObjectNode j = ev.putObject(name);
            int n = b.size();
            j.put("pairs", n);
            double[] d = new double[n];
            double[] bv = new double[n];
            double[] cv = new double[n];
            for (int i = 0; i < n; i++) {
                bv[i] = b.get(i);
                cv[i] = c.get(i);
                d[i] = cv[i] - bv[i];
            }
            putStat(j, "baseline_mean", mean(bv));
            putStat(j, "current_mean", mean(cv));
            putStat(j, "mean_difference", mean(d));
            double[] ci = bootstrap(d);
            if (ci == null) {
                j.putNull("ci95");
                j.putNull("significant");
            } else {
                j.putArray("ci95").add(Stats.round(ci[0])).add(Stats.round(ci[1]));
                j.put("significant", ci[0] > 0 || ci[1] < 0);
            }
            ids(j.putObject("pass_to_fail"), passToFail);
            ids(j.putObject("fail_to_pass"), failToPass);
        }
        List<Entry> newFailures = new ArrayList<>();
        List<Entry> fixed = new ArrayList<>();
        Map<String, Integer> byKind = new TreeMap<>();
        for (Entry cur : matched) {
            Entry base = baseline.get(key(cur.id()));
            boolean nowFailed = cur.status() == RecordResult.Status.FAILED;
            boolean wasFailed = base.status() == RecordResult.Status.FAILED;
            if (nowFailed && !wasFailed) {
                newFailures.add(cur);
                byKind.merge(cur.errorKind() == null ? "UNKNOWN" : cur.errorKind(), 1, Integer::sum);
            } else if (wasFailed && !nowFailed) {
                fixed.add(cur);
            }
        }
        ObjectNode nf = o.putObject("new_failures");
        ids(nf, newFailures);
        ObjectNode k = nf.putObject("by_kind");
        byKind.forEach(k::put);
        ids(o.putObject("fixed_failures"), fixed);
        return o;
    }

    private static void ids(ObjectNode o, List<Entry> entries) {
        o.put("count", entries.size());
        ArrayNode ids = o.putArray("ids");
        entries.stream().limit(LISTED_IDS).forEach(e -> ids.add(e.id()));
    }

    private static double mean(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return Stats.mean(s, s.length);
    }

    private static void putStat(ObjectNode o, String key, double x) {
        if (Double.isNaN(x)) {
            o.putNull(key);
        } else {
            o.put(key, Stats.round(x));
        }
    }

    /** The 95% percentile-bootstrap interval of the mean of {@code d} (see the class comment), or null for fewer than 2 values. */
    static double[] bootstrap(double[] d) {
        int n = d.length;
        if (n < 2) {
            return null;
        }
        SplittableRandom rng = new SplittableRandom(SEED);
        double[] means = new double[RESAMPLES];
        for (int b = 0; b < RESAMPLES; b++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += d[rng.nextInt(n)];
            }
            means[b] = sum / n;
        }
        Arrays.sort(means);
        return new double[] {Stats.percentile(means, RESAMPLES, 0.025), Stats.percentile(means, RESAMPLES, 0.975)};
    }

    /** The comparison's part of the table. */
    static void table(StringBuilder sb, JsonNode b) {
        if (!b.isObject()) {
            return;
        }
        sb.append("\nCompared with ").append(b.path("file").asText()).append(": ").append(b.path("matched").asInt())
                .append(" record(s) matched by id");
        sb.append(String.format(Locale.ROOT, " (%d only in this run, %d only in the baseline",
                b.path("only_in_current").path("count").asInt(), b.path("only_in_baseline").path("count").asInt()));
        int without = b.path("not_compared").path("without_id").asInt();
        int dups = b.path("not_compared").path("duplicate_ids").asInt();
        if (without > 0) {
            sb.append(", ").append(without).append(" without an id");
        }
        if (dups > 0) {
            sb.append(", ").append(dups).append(" duplicate id(s) left out");
        }
        sb.append(")\n");
        JsonNode ev = b.path("evaluators");
        if (ev.size() > 0) {
            int w = EvalSummary.Table.width(ev.fieldNames(), "Evaluator");
            sb.append(String.format(Locale.ROOT, "%-" + w + "s  %6s  %8s  %8s  %8s  %19s  %10s  %10s%n", "Evaluator", "pairs", "baseline",
                    "current", "diff", "95% CI", "pass->fail", "fail->pass"));
            ev.properties().forEach(f -> {
                JsonNode e = f.getValue();
                JsonNode ci = e.path("ci95");
                String interval = ci.isArray() ? String.format(Locale.ROOT, "[%+.4f, %+.4f]", ci.get(0).asDouble(), ci.get(1).asDouble()) : "-";
                sb.append(String.format(Locale.ROOT, "%-" + w + "s  %6d  %8s  %8s  %8s  %19s  %10d  %10d%n", f.getKey(), e.path("pairs").asInt(),
                        EvalSummary.Table.fmt(e.path("baseline_mean")), EvalSummary.Table.fmt(e.path("current_mean")),
                        e.path("mean_difference").isNumber() ? String.format(Locale.ROOT, "%+.4f", e.path("mean_difference").asDouble()) : "-",
                        interval, e.path("pass_to_fail").path("count").asInt(), e.path("fail_to_pass").path("count").asInt()));
            });
            ev.properties().forEach(f -> {
                flips(sb, f.getKey() + " pass->fail", f.getValue().path("pass_to_fail"));
                flips(sb, f.getKey() + " fail->pass", f.getValue().path("fail_to_pass"));
            });
        }
        flips(sb, "new failures", b.path("new_failures"));
        flips(sb, "fixed failures", b.path("fixed_failures"));
    }

    private static void flips(StringBuilder sb, String what, JsonNode list) {
        int count = list.path("count").asInt();
        if (count == 0) {
            return;
        }
        List<String> ids = new ArrayList<>();
        list.path("ids").forEach(id -> ids.add(id.isTextual() ? id.asText() : Json.write(id)));
        sb.append("  ").append(what).append(": ").append(count).append(" (").append(EvalSummary.Table.abbreviate(ids, 10)).append(")\n");
    }
}
