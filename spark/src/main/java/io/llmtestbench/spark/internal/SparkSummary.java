package io.llmtestbench.spark.internal;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbench.pipeline.EvalSummary;
import io.llmtestbench.pipeline.internal.Json;
import io.llmtestbench.runtime.ErrorKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * The summary of {@code llmtb eval --format json}, computed from result rows with Spark aggregations. Its reference is
 * {@link EvalSummary} (the same key layout; every statistic defined in cli/README.md, "How the numbers are computed"):
 * means are sums in ascending order ({@code aggregate(array_sort(collect_list(x)), 0D, (a, x) -> a + x)}), medians and
 * percentiles Spark SQL's {@code percentile}, every statistic {@code round(x, 4)}. The tests compare the two, whole.
 */
public final class SparkSummary {
    /** The metadata key, on the {@code status} column, of the run's facts ({@code LlmtbSpark.evaluate} sets it). */
    public static final String RUN_METADATA = "llmtb_run";

    private SparkSummary() {}

    private record StageRef(String where, String stage, String plugin) {}

    private record Evaluator(String name, String where) {}

    private record FailureKey(String stage, String where, String plugin, String kind, String message) {}

    /**
     * @param groupBy null for {@code category}
     * @param out the results' destination, for the summary's {@code out} (null: none)
     * @param elapsedSeconds the batch's wall time, or negative to measure this call
     */
    public static ObjectNode summarize(Dataset<Row> results, String groupBy, String out, double elapsedSeconds) {
        long start = System.nanoTime();
        String by = groupBy == null ? EvalSummary.CATEGORY : groupBy;
        StructType schema = results.schema();
        JsonNode run = runFacts(schema);
        Dataset<Row> facts = results.select(
                col("line"), col("status"), col("response_source"), col("error"), col("scores"), col("passed"), col("stages"),
                groupColumn(schema, by).as("g"),
                has(schema, "result") ? when(col("status").equalTo("failed"), col("result")).as("result_line") : lit(null).cast("string").as("result_line"),
                idColumn(schema).as("id_value"))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            return compute(facts, run, by, out, start, elapsedSeconds, schema);
        } finally {
            facts.unpersist();
        }
    }

    private static ObjectNode compute(Dataset<Row> facts, JsonNode run, String by, String out, long start, double elapsedSeconds,
            StructType schema) {
        Column valid = col("status").notEqual("invalid");
        // -- counts
        Row c = facts.agg(count(lit(1)), n(col("status").equalTo("kept")), n(col("status").equalTo("filtered")),
                n(col("status").equalTo("failed")), n(col("status").equalTo("invalid")),
                n(valid.and(col("response_source").equalTo("provider"))), n(valid.and(col("g").isNotNull()))).first();
        long records = c.getLong(0);
        long kept = c.isNullAt(1) ? 0 : c.getLong(1);
        long filtered = c.isNullAt(2) ? 0 : c.getLong(2);
        long failed = c.isNullAt(3) ? 0 : c.getLong(3);
        long invalid = c.isNullAt(4) ? 0 : c.getLong(4);
        long providerCalls = c.isNullAt(5) ? 0 : c.getLong(5);
        boolean groupSeen = !c.isNullAt(6) && c.getLong(6) > 0;

        // -- stages: the pipeline's (from the metadata), then any met only in the results
        Dataset<Row> runs = facts.select(col("line"), col("error.kind").as("kind"), expr("posexplode(stages) as (pos, s)"))
                .withColumn("key", coalesce(col("s.where"), expr("concat(coalesce(s.stage, 'null'), ' ', coalesce(s.plugin, 'null'))")));
        List<Row> stageRows = runs.groupBy("key").agg(
                expr("first(s.where)"), expr("first(s.stage)"), expr("first(s.plugin)"), count(lit(1)),
                n(expr("not s.ok")),
                stat("s.time_ms").as("time"), stat("cast(s.fuel as double)").as("fuel"),
                min("line"), min("pos")).collectAsList();
        Map<String, Row> stageStats = new HashMap<>();
        stageRows.forEach(r -> stageStats.put(r.getString(0), r));
        Map<String, Map<String, Long>> stageKinds = new HashMap<>();
        for (Row r : runs.filter(expr("not s.ok")).groupBy(col("key"), coalesce(col("kind"), lit("UNKNOWN"))).count().collectAsList()) {
            stageKinds.computeIfAbsent(r.getString(0), k -> new HashMap<>()).put(r.getString(1), r.getLong(2));
        }
        List<StageRef> stages = new ArrayList<>();
        if (run != null) {
            for (JsonNode s : run.path("stages")) {
                stages.add(new StageRef(s.path("where").asText(), s.path("stage").asText(), s.path("plugin").asText()));
            }
            List<Row> extra = new ArrayList<>(stageRows.stream().filter(r -> stages.stream().noneMatch(s -> s.where().equals(r.getString(0)))).toList());
            extra.sort(Comparator.comparingInt((Row r) -> r.getInt(8)).thenComparingInt(r -> r.getInt(9)));
            extra.forEach(r -> stages.add(new StageRef(r.getString(0), r.getString(2), r.getString(3))));
        } else {
            List<Row> found = new ArrayList<>(stageRows.stream().filter(r -> !r.isNullAt(1)).toList());
            found.sort(Comparator.comparingInt((Row r) -> kindRank(r.getString(1))).thenComparingInt(r -> index(r.getString(1))));
            found.forEach(r -> stages.add(new StageRef(r.getString(1), r.getString(2), r.getString(3))));
            stageRows.stream().filter(r -> r.isNullAt(1)).sorted(Comparator.comparingInt((Row r) -> r.getInt(8)).thenComparingInt(r -> r.getInt(9)))
                    .forEach(r -> stages.add(new StageRef(r.getString(0), r.getString(2), r.getString(3))));
        }

        // -- evaluators: the pipeline's evaluator stages, then names met only in scores
        LinkedHashMap<String, Evaluator> evaluators = new LinkedHashMap<>();
        for (StageRef s : stages) {
            if ("evaluator".equals(s.stage())) {
                evaluators.putIfAbsent(s.plugin(), new Evaluator(s.plugin(), s.where()));
            }
        }
        Dataset<Row> scored = facts.filter(valid).select(col("line"), col("g"), expr("explode(scores) as (name, score)"), col("passed"))
                .withColumn("p", expr("try_element_at(passed, name)"));
        List<Row> scoreRows = scored.groupBy("name").agg(count("score"), stat("score").as("st"), n(col("p").equalTo(true)),
                count("p"), min("line"), passRate()).collectAsList();
        Map<String, Row> scoreStats = new HashMap<>();
        scoreRows.forEach(r -> scoreStats.put(r.getString(0), r));
        scoreRows.stream().filter(r -> !evaluators.containsKey(r.getString(0))).sorted(Comparator.comparingInt(r -> r.getInt(5)))
                .forEach(r -> evaluators.put(r.getString(0), new Evaluator(r.getString(0), null)));

        // -- per evaluator: records it failed on, and those it was skipped on (by the failing stage)
        Map<String, Long> failedOn = new HashMap<>();
        Map<String, Map<String, long[]>> skipped = new HashMap<>();
        if (!evaluators.isEmpty()) {
            Column list = org.apache.spark.sql.functions.array(evaluators.values().stream()
                    .map(e -> org.apache.spark.sql.functions.struct(lit(e.name()).as("name"), lit(e.where()).cast("string").as("where")))
                    .toArray(Column[]::new));
            Dataset<Row> missing = facts.filter(valid).select(col("line"), col("error"), col("scores"), explode(list).as("e"))
                    .filter(expr("try_element_at(scores, e.name) is null"))
                    .select(col("line"), col("e.name").as("name"),
                            expr("coalesce(error is not null and (case when error.where is not null and e.where is not null"
                                    + " then error.where = e.where else error.stage = 'evaluator' and error.plugin = e.name end), false)").as("failed"),
                            expr("case when error is null then 'unknown' when error.where is not null then error.where"
                                    + " else concat(coalesce(error.stage, 'null'), ' ', coalesce(error.plugin, 'null')) end").as("reason"));
            for (Row r : missing.groupBy("name", "failed", "reason").agg(count(lit(1)), min("line")).collectAsList()) {
                if (r.getBoolean(1)) {
                    failedOn.merge(r.getString(0), r.getLong(3), Long::sum);
                } else {
                    skipped.computeIfAbsent(r.getString(0), k -> new HashMap<>()).put(r.getString(2), new long[] {r.getLong(3), r.getInt(4)});
                }
            }
        }

        // -- the JSON, in EvalSummary's layout
        ObjectNode o = Json.object();
        info(o, run, out);
        o.put("records", records);
        o.put("processed", records - invalid);
        o.put("kept", kept);
        o.put("filtered", filtered);
        o.put("failed", failed);
        ObjectNode inv = o.putObject("invalid_records");
        inv.put("count", invalid);
        ArrayNode lines = inv.putArray("lines");
        ArrayNode invEx = inv.putArray("examples");
        if (invalid > 0) {
            List<Row> bad = facts.filter(col("status").equalTo("invalid")).select(col("line"), col("error.message")).orderBy("line").collectAsList();
            for (int i = 0; i < bad.size(); i++) {
                lines.add(bad.get(i).getInt(0));
                if (i < EvalSummary.INVALID_EXAMPLES) {
                    invEx.addObject().put("line", bad.get(i).getInt(0)).put("message", bad.get(i).isNullAt(1) ? "" : bad.get(i).getString(1));
                }
            }
        }
        Map<String, Long> byKind = new HashMap<>();
        for (Row r : facts.filter(col("status").equalTo("failed")).groupBy(coalesce(col("error.kind"), lit("UNKNOWN"))).count().collectAsList()) {
            byKind.put(r.getString(0), r.getLong(1));
        }
        putByKind(o.putObject("failures_by_kind"), byKind);
        o.put("provider_calls", providerCalls);
        ObjectNode ev = o.putObject("evaluators");
        for (Evaluator e : evaluators.values()) {
            ObjectNode s = ev.putObject(e.name());
            Row r = scoreStats.get(e.name());
            s.put("count", r == null ? 0 : r.getLong(1));
            Row st = r == null ? null : r.getStruct(2);
            putStat(s, "mean", st, 0);
            putStat(s, "median", st, 1);
            putStat(s, "min", st, 5);
            putStat(s, "max", st, 6);
            long passed = r == null || r.isNullAt(3) ? 0 : r.getLong(3);
            s.put("passed", passed);
            putDouble(s, "pass_rate", r == null || r.isNullAt(6) ? null : r.getDouble(6));
            s.put("failed", failedOn.getOrDefault(e.name(), 0L));
            Map<String, long[]> sk = skipped.getOrDefault(e.name(), Map.of());
            s.put("skipped", sk.values().stream().mapToLong(x -> x[0]).sum());
            ObjectNode after = s.putObject("skipped_after_failure_in");
            for (StageRef ref : stages) {
                if (sk.containsKey(ref.where())) {
                    after.put(ref.where(), sk.get(ref.where())[0]);
                }
            }
            sk.entrySet().stream().filter(x -> !after.has(x.getKey())).sorted(Comparator.comparingLong(x -> x.getValue()[1]))
                    .forEach(x -> after.put(x.getKey(), x.getValue()[0]));
            Row stage = e.where() == null ? null : stageStats.get(e.where());
            percentiles(s.putObject("time_ms"), stage == null ? null : stage.getStruct(6), false);
            percentiles(s.putObject("fuel"), stage == null ? null : stage.getStruct(7), false);
        }
        ArrayNode st = o.putArray("stages");
        for (StageRef ref : stages) {
            Row r = stageStats.get(ref.where());
            ObjectNode j = st.addObject();
            j.put("where", ref.where());
            j.put("stage", ref.stage());
            j.put("plugin", ref.plugin());
            j.put("calls", r == null ? 0 : r.getLong(4));
            j.put("failed", r == null || r.isNullAt(5) ? 0 : r.getLong(5));
            putByKind(j.putObject("failures_by_kind"), stageKinds.getOrDefault(ref.where(), Map.of()));
            percentiles(j.putObject("time_ms"), r == null ? null : r.getStruct(6), true);
            percentiles(j.putObject("fuel"), r == null ? null : r.getStruct(7), true);
        }
        o.put("group_by", by);
        ObjectNode gs = o.putObject("groups");
        if (groupSeen) {
            groups(facts.filter(valid).withColumn("gk", coalesce(col("g"), lit(EvalSummary.NO_VALUE))), gs, evaluators);
        }
        failureGroups(facts, o);
        double elapsed = elapsedSeconds >= 0 ? elapsedSeconds : (System.nanoTime() - start) / 1e9;
        o.put("elapsed_ms", Math.round(elapsed * 1000));
        o.put("records_per_second", elapsed <= 0 ? 0 : Math.round(records / elapsed * 10) / 10.0);
        return o;
    }

    private static void groups(Dataset<Row> g, ObjectNode gs, Map<String, Evaluator> evaluators) {
        TreeMap<String, Row> counts = new TreeMap<>();
        for (Row r : g.groupBy("gk").agg(count(lit(1)), n(col("status").equalTo("kept")), n(col("status").equalTo("filtered")),
                n(col("status").notEqual("kept").and(col("status").notEqual("filtered")))).collectAsList()) {
            counts.put(r.getString(0), r);
        }
        Map<String, Row> per = new HashMap<>();
        Dataset<Row> scores = g.select(col("gk"), expr("explode(scores) as (name, score)"), col("passed"))
                .withColumn("p", expr("try_element_at(passed, name)"));
        for (Row r : scores.groupBy("gk", "name").agg(count("score"), stat("score"), n(col("p").equalTo(true)), count("p"), passRate())
                .collectAsList()) {
            per.put(r.getString(0) + "\u0000" + r.getString(1), r);
        }
        counts.forEach((key, r) -> {
            ObjectNode j = gs.putObject(key);
            j.put("records", r.getLong(1));
            j.put("kept", r.isNullAt(2) ? 0 : r.getLong(2));
            j.put("filtered", r.isNullAt(3) ? 0 : r.getLong(3));
            j.put("failed", r.isNullAt(4) ? 0 : r.getLong(4));
            ObjectNode ge = j.putObject("evaluators");
            for (Evaluator e : evaluators.values()) {
                Row x = per.get(key + "\u0000" + e.name());
                ObjectNode y = ge.putObject(e.name());
                y.put("count", x == null ? 0 : x.getLong(2));
                putStat(y, "mean", x == null ? null : x.getStruct(3), 0);
                putDouble(y, "pass_rate", x == null || x.isNullAt(6) ? null : x.getDouble(6));
            }
        });
    }

    private static void failureGroups(Dataset<Row> facts, ObjectNode o) {
        Dataset<Row> f = facts.filter(col("status").equalTo("failed")).select(col("line"), col("error.stage").as("stage"),
                col("error.where").as("where"), col("error.plugin").as("plugin"), coalesce(col("error.kind"), lit("UNKNOWN")).as("kind"),
                coalesce(col("error.message"), lit("")).as("message"), col("result_line"), col("id_value"));
        String[] keys = {"stage", "where", "plugin", "kind", "message"};
        Map<FailureKey, long[]> groups = new LinkedHashMap<>();
        for (Row r : f.groupBy(keys[0], keys[1], keys[2], keys[3], keys[4]).agg(count(lit(1)), min("line")).collectAsList()) {
            groups.put(key(r), new long[] {r.getLong(5), r.getInt(6)});
        }
        Map<FailureKey, List<Row>> examples = new HashMap<>();
        var w = Window.partitionBy(keys[0], keys[1], keys[2], keys[3], keys[4]).orderBy("line");
        for (Row r : f.withColumn("rn", row_number().over(w)).filter(col("rn").leq(EvalSummary.EXAMPLES))
                .select(col("stage"), col("where"), col("plugin"), col("kind"), col("message"), col("line"), col("result_line"), col("id_value"))
                .collectAsList()) {
            examples.computeIfAbsent(key(r), k -> new ArrayList<>()).add(r);
        }
        List<Map.Entry<FailureKey, long[]>> sorted = new ArrayList<>(groups.entrySet());
        sorted.sort(Comparator.comparingLong((Map.Entry<FailureKey, long[]> e) -> -e.getValue()[0]).thenComparingLong(e -> e.getValue()[1]));
        ArrayNode arr = o.putArray("failure_groups");
        for (Map.Entry<FailureKey, long[]> e : sorted.subList(0, Math.min(EvalSummary.FAILURE_GROUPS, sorted.size()))) {
            FailureKey k = e.getKey();
            ObjectNode j = arr.addObject();
            j.put("stage", k.stage());
            j.put("where", k.where());
            j.put("plugin", k.plugin());
            j.put("kind", k.kind());
            j.put("message", k.message());
            j.put("count", e.getValue()[0]);
            ArrayNode ids = j.putArray("example_ids");
            ArrayNode ls = j.putArray("example_lines");
            List<Row> ex = new ArrayList<>(examples.getOrDefault(k, List.of()));
            ex.sort(Comparator.comparingInt(r -> r.getInt(5)));
            for (Row r : ex) {
                ids.add(exampleId(r));
                ls.add(r.getInt(5));
            }
        }
        if (sorted.size() > EvalSummary.FAILURE_GROUPS) {
            ObjectNode om = o.putObject("failure_groups_omitted");
            om.put("groups", sorted.size() - EvalSummary.FAILURE_GROUPS);
            om.put("records", sorted.subList(EvalSummary.FAILURE_GROUPS, sorted.size()).stream().mapToLong(e -> e.getValue()[0]).sum());
        }
    }

    /** A failed record's id as JSON: from its {@code --out} line when the results have it, else from the id column. */
    private static JsonNode exampleId(Row r) {
        if (!r.isNullAt(6)) {
            try {
                JsonNode id = Json.parse("result", r.getString(6)).get("id");
                return id == null ? JsonNodeFactory.instance.nullNode() : id;
            } catch (Json.BadJson e) {
                // fall through to the column
            }
        }
        Object v = r.get(7);
        if (v == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        return Json.MAPPER.valueToTree(v);
    }

    private static FailureKey key(Row r) {
        return new FailureKey(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4));
    }

    /** Count of rows where {@code cond} holds (null when there are no rows). */
    private static Column n(Column cond) {
        return sum(when(cond, 1L).otherwise(0L));
    }

    /**
     * The statistics of a numeric SQL expression, rounded as the summary rounds them: struct(mean, p50, p95, p99, max,
     * min, max), the mean being the sum of the values in ascending order over their count.
     */
    private static Column stat(String x) {
        String r = "round(%s, 4)";
        return expr("struct("
                + r.formatted("aggregate(array_sort(collect_list(" + x + ")), 0D, (acc, v) -> acc + v) / count(" + x + ")") + ", "
                + r.formatted("percentile(" + x + ", array(0.5, 0.95, 0.99))[0]") + ", "
                + r.formatted("percentile(" + x + ", array(0.5, 0.95, 0.99))[1]") + ", "
                + r.formatted("percentile(" + x + ", array(0.5, 0.95, 0.99))[2]") + ", "
                + r.formatted("max(" + x + ")") + ", "
                + r.formatted("min(" + x + ")") + ", "
                + r.formatted("max(" + x + ")") + ")");
    }

    /** passed / reported (outputs with a boolean "passed"), rounded; null when none reported. Reads column {@code p}. */
    private static Column passRate() {
        return expr("round(try_divide(cast(sum(case when p then 1 else 0 end) as double), cast(count(p) as double)), 4)");
    }

    private static void putStat(ObjectNode o, String key, Row st, int field) {
        putDouble(o, key, st == null || st.isNullAt(field) ? null : st.getDouble(field));
    }

    private static void putDouble(ObjectNode o, String key, Double v) {
        if (v == null || v.isNaN()) {
            o.putNull(key);
        } else {
            o.put(key, v.doubleValue());
        }
    }

    private static void percentiles(ObjectNode o, Row st, boolean meanAndMax) {
        if (meanAndMax) {
            putStat(o, "mean", st, 0);
        }
        putStat(o, "p50", st, 1);
        putStat(o, "p95", st, 2);
        putStat(o, "p99", st, 3);
        if (meanAndMax) {
            putStat(o, "max", st, 4);
        }
    }

    private static void putByKind(ObjectNode o, Map<String, Long> counts) {
        for (ErrorKind k : ErrorKind.values()) {
            Long n = counts.get(k.name());
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

    private static void info(ObjectNode o, JsonNode run, String out) {
        o.set("pipeline", run == null ? JsonNodeFactory.instance.nullNode() : run.path("pipeline"));
        o.set("pipeline_name", run == null ? JsonNodeFactory.instance.nullNode() : run.path("pipeline_name"));
        o.set("data", run == null || run.path("data").isMissingNode() ? JsonNodeFactory.instance.nullNode() : run.get("data"));
        if (out == null) {
            o.putNull("out");
        } else {
            o.put("out", out);
        }
        o.putNull("report");
        o.set("threads", run == null ? JsonNodeFactory.instance.nullNode() : run.path("threads"));
        o.set("load_ms", run == null ? JsonNodeFactory.instance.nullNode() : run.path("load_ms"));
    }

    private static JsonNode runFacts(StructType schema) {
        if (!has(schema, "status")) {
            throw new IllegalArgumentException("llmtb: these are not llmtb results (no 'status' column); summarize the Dataset LlmtbSpark.evaluate returned");
        }
        var md = schema.apply("status").metadata();
        if (!md.contains(RUN_METADATA)) {
            return null;
        }
        try {
            return Json.parse("run metadata", md.getString(RUN_METADATA));
        } catch (Json.BadJson e) {
            return null;
        }
    }

    private static boolean has(StructType schema, String name) {
        for (StructField f : schema.fields()) {
            if (f.name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The group-by value as the summary names groups (a string as is, another value as JSON, null for none): a record
     * column of that name, else the {@code fields} entry.
     */
    private static Column groupColumn(StructType schema, String by) {
        if (!ResultRows.NAMES.contains(by) && has(schema, by)) {
            DataType t = schema.apply(by).dataType();
            Column c = col("`" + by.replace("`", "``") + "`");
            if (t == DataTypes.StringType) {
                return c;
            }
            if (t instanceof StructType || t instanceof ArrayType || t instanceof MapType) {
                return org.apache.spark.sql.functions.to_json(c);
            }
            return c.cast("string");
        }
        if (has(schema, "fields")) {
            return col("fields").getItem(by);
        }
        return lit(null).cast("string");
    }

    private static Column idColumn(StructType schema) {
        if (!has(schema, "id")) {
            return lit(null).cast("string");
        }
        DataType t = schema.apply("id").dataType();
        if (t == DataTypes.StringType || t instanceof NumericType || t == DataTypes.BooleanType) {
            return col("id");
        }
        if (t instanceof StructType || t instanceof ArrayType || t instanceof MapType) {
            return org.apache.spark.sql.functions.to_json(col("id"));
        }
        return col("id").cast("string");
    }

    private static int kindRank(String where) {
        String[] kinds = {"provider", "transforms", "evaluators", "filters"};
        for (int i = 0; i < kinds.length; i++) {
            if (where.startsWith(kinds[i])) {
                return i;
            }
        }
        return 4;
    }

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

    static boolean same(Object a, Object b) {
        return Objects.equals(a, b);
    }
}
