package io.llmtestbench.spark.internal;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbench.pipeline.EvalSummary;
import io.llmtestbench.spark.internal.SparkJson;
import io.llmtestbench.runtime.ErrorKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * The summary of {@code llmtb eval --format json}, computed from result rows with Spark aggregations. Its reference is
 * {@link EvalSummary} (the same key layout; every statistic defined in cli/README.md, "How the numbers are computed"):
 * the tests compare the two, whole.
 *
 * <p>The input is one facts row per record ({@link #FACTS}: what the summary reads of a result), which
 * {@link #summarize} selects from result rows. One Spark job does it all: each task turns its facts rows into
 * observations ({@link Observe}: the record's status, one per stage call, one per score, its group, the evaluators it
 * has no score from, its failure) and combines them by dimension and key in one map per task ({@link Partial}, of
 * {@link Acc}: counts, minima, each key's values); {@code reduceByKey} merges the tasks' maps, and still on the executors each key's values become its statistics ({@link #statistics}: the
 * definitions of {@code EvalSummary}, the mean the sum in ascending order over the count, Hyndman and Fan's type-7
 * percentiles, every statistic rounded to 4 places). The driver receives one row per stage, evaluator, group, failure
 * group and kind, never per record. A second, small job runs only for evaluators met in the scores but not among the
 * pipeline's stages (results without the run's metadata). {@code EvalJob}'s tasks make each record's facts as they run
 * it and combine its observations at once ({@link #partial}); the summary merges those ({@link #summarizePartials}).
 *
 * <p>Why an RDD aggregation and not a Spark SQL query: the query's planning, code generation and the JIT compilation
 * of its generated code cost seconds of driver and compiler time per run (RESULTS.md, "Spark"), and the facts go
 * through no row encoders.
 */
public final class SparkSummary {
    /** The metadata key, on the {@code status} column, of the run's facts ({@code LlmtbSpark.evaluate} sets it). */
    public static final String RUN_METADATA = "llmtb_run";

    private SparkSummary() {}

    private record StageRef(String where, String stage, String plugin) {}

    private record Evaluator(String name, String where) implements java.io.Serializable {}

    // observation dimensions
    static final String STATUS = "status";
    static final String STAGE = "stage";
    static final String STAGE_KIND = "stage_kind";
    static final String SCORE = "score";
    static final String MISSING = "missing";
    static final String INVALID = "invalid";
    static final String KIND = "kind";
    static final String GROUP = "group";
    static final String GROUP_SCORE = "group_score";
    static final String FAILURE = "failure";

    /**
     * What the summary reads of a result, in this order ({@link Observe} reads them by position): the result columns
     * {@code line}, {@code status}, {@code response_source}, {@code error}, {@code scores}, {@code passed},
     * {@code stages}; {@code g}, the record's group ({@link #groupColumn}); {@code result_line}, the {@code --out} line
     * of a failed record (null otherwise; the failure's example id is read from it); {@code id_value}, the id column
     * as a string (when there is no result line).
     */
    public static final List<String> FACTS = List.of("line", "status", "response_source", "error", "scores", "passed", "stages", "g",
            "result_line", "id_value");

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
                has(schema, "result") ? when(col("status").equalTo("failed"), col("result")).as("result_line") : lit(null).cast(DataTypes.StringType).as("result_line"),
                idColumn(schema).as("id_value"));
        return summarize(facts.javaRDD(), run, by, out, start, elapsedSeconds);
    }

    private static ObjectNode summarize(JavaRDD<Row> facts, JsonNode run, String by, String out, long start, double elapsedSeconds) {
        List<StageRef> metaStages = metaStages(run);
        List<Evaluator> known = known(metaStages);
        List<Row> rows = aggregate(facts, known, true);
        return compute(facts, rows, run, metaStages, known, by, out, start, elapsedSeconds);
    }

    /**
     * The summary of the observations tasks combined while they ran the records ({@link #partial}, one per task):
     * the same aggregation as {@link #summarize}'s, from its second step on, with no record kept for it.
     *
     * @param run the run's facts (as {@code LlmtbSpark} puts them in the status column's metadata)
     * @param groupBy the field the records' groups came from, null for {@code category}
     */
    public static ObjectNode summarizePartials(JavaRDD<Partial> partials, JsonNode run, String groupBy, String out, double elapsedSeconds) {
        long start = System.nanoTime();
        List<StageRef> metaStages = metaStages(run);
        List<Evaluator> known = known(metaStages);
        List<Row> rows = partials.flatMapToPair(Partial::entries).reduceByKey(Acc::merge).map(SparkSummary::statistics).collect();
        return compute(null, rows, run, metaStages, known, groupBy == null ? EvalSummary.CATEGORY : groupBy, out, start, elapsedSeconds);
    }

    /** A task's {@link Partial}, counting the missing scores of the run's evaluators. */
    public static Partial partial(JsonNode run) {
        return new Partial(new Observe(known(metaStages(run)), true));
    }

    private static List<StageRef> metaStages(JsonNode run) {
        List<StageRef> metaStages = new ArrayList<>();
        if (run != null) {
            for (JsonNode s : run.path("stages")) {
                metaStages.add(new StageRef(s.path("where").asText(), s.path("stage").asText(), s.path("plugin").asText()));
            }
        }
        return metaStages;
    }

    private static List<Evaluator> known(List<StageRef> metaStages) {
        List<Evaluator> known = new ArrayList<>();
        for (StageRef s : metaStages) {
            if ("evaluator".equals(s.stage()) && known.stream().noneMatch(e -> e.name().equals(s.plugin()))) {
                known.add(new Evaluator(s.plugin(), s.where()));
            }
        }
        return known;
    }

    /**
     * The one aggregation: each task combines its observations by dimension and key, {@code reduceByKey} merges the
     * tasks' combinations, and each key's statistics are computed where its values are ({@link #statistics}), so one
     * row per key reaches the driver: dim, k1..k5, n, stats of v, stats of f (each null or (mean, p50, p95, p99, max,
     * min)), np, cp, nbad, min_line, min_pos, lines (sorted), examples (the first by line) — the positions below.
     */
    private static List<Row> aggregate(JavaRDD<Row> facts, List<Evaluator> evaluators, boolean all) {
        return facts.mapPartitionsToPair(new Combine(new Observe(evaluators, all))).reduceByKey(Acc::merge).map(SparkSummary::statistics)
                .collect();
    }

    /** A key of an observation: its dimension and up to five parts. */
    record Key(String dim, String k1, String k2, String k3, String k4, String k5) implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** Where {@link Observe} puts an observation: its key, and what is aggregated per key. */
    interface Sink {
        /**
         * @param v a value with statistics: a stage call's time, a score
         * @param f a second one: a stage call's fuel
         * @param p an evaluator's verdict
         * @param bad a failed stage call
         * @param line the record's line
         * @param pos a stage call's position in its record
         * @param il an invalid record's line
         * @param exLine with {@code exText}, an example: (line, message) of an invalid record, (line, id as JSON) of a failure
         */
        void add(String dim, String k1, String k2, String k3, String k4, String k5, Double v, Double f, Boolean p, Boolean bad,
                Integer line, Integer pos, Integer il, Integer exLine, String exText);
    }

    /** A task's facts rows, observed and combined by key. */
    static final class Combine implements PairFlatMapFunction<Iterator<Row>, Key, Acc> {
        private static final long serialVersionUID = 1L;
        private final Observe observe;

        Combine(Observe observe) {
            this.observe = observe;
        }

        @Override
        public Iterator<Tuple2<Key, Acc>> call(Iterator<Row> rows) {
            Partial p = new Partial(observe);
            while (rows.hasNext()) {
                p.add(rows.next());
            }
            return p.entries();
        }
    }

    /**
     * One task's observations, combined by key: the facts of each of its records ({@link ResultRows#facts}) go in as
     * they are made, and only the combination is kept. Not thread-safe: one task's records, one at a time.
     */
    public static final class Partial implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final transient Observe observe;
        private final HashMap<Key, Acc> byKey = new HashMap<>();
        private transient Sink sink;

        Partial(Observe observe) {
            this.observe = observe;
        }

        /** Observes one record's facts ({@link #FACTS}). */
        public void add(Row facts) {
            if (sink == null) {
                sink = (dim, k1, k2, k3, k4, k5, v, f, p, bad, line, pos, il, exLine, exText) ->
                        byKey.computeIfAbsent(new Key(dim, k1, k2, k3, k4, k5), x -> new Acc()).add(v, f, p, bad, line, pos, il, exLine, exText);
            }
            observe.observe(facts, sink);
        }

        Iterator<Tuple2<Key, Acc>> entries() {
            List<Tuple2<Key, Acc>> out = new ArrayList<>(byKey.size());
            byKey.forEach((k, a) -> out.add(new Tuple2<>(k, a)));
            return out.iterator();
        }
    }

    /** An example of a key: a line and its text, ordered by line (then text). */
    record Example(int line, String text) implements java.io.Serializable, Comparable<Example> {
        private static final long serialVersionUID = 1L;
        private static final Comparator<Example> ORDER = Comparator.comparingInt(Example::line)
                .thenComparing(Example::text, Comparator.nullsFirst(Comparator.naturalOrder()));

        @Override
        public int compareTo(Example o) {
            return ORDER.compare(this, o);
        }
    }

    /** What is aggregated per key: the count of observations, the values of v and f, counts, minima, lines, the first examples. */
    static final class Acc implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        static final int KEEP_EXAMPLES = Math.max(EvalSummary.INVALID_EXAMPLES, EvalSummary.EXAMPLES);
        long n;
        double[] sv = new double[4];
        int nsv;
        double[] sf = new double[0];
        int nsf;
        long np;
        long cp;
        long nbad;
        Integer minLine;
        Integer minPos;
        int[] lines = new int[0];
        int nl;
        final ArrayList<Example> examples = new ArrayList<>(); // sorted, at most KEEP_EXAMPLES

        void add(Double v, Double f, Boolean p, Boolean bad, Integer line, Integer pos, Integer il, Integer exLine, String exText) {
            n++;
            if (v != null) {
                if (nsv == sv.length) {
                    sv = java.util.Arrays.copyOf(sv, Math.max(4, nsv * 2));
                }
                sv[nsv++] = v;
            }
            if (f != null) {
                if (nsf == sf.length) {
                    sf = java.util.Arrays.copyOf(sf, Math.max(4, nsf * 2));
                }
                sf[nsf++] = f;
            }
            if (p != null) {
                cp++;
                if (p) {
                    np++;
                }
            }
            if (Boolean.TRUE.equals(bad)) {
                nbad++;
            }
            minLine = min(minLine, line);
            minPos = min(minPos, pos);
            if (il != null) {
                if (nl == lines.length) {
                    lines = java.util.Arrays.copyOf(lines, Math.max(4, nl * 2));
                }
                lines[nl++] = il;
            }
            if (exLine != null) {
                example(new Example(exLine, exText));
            }
        }

        private void example(Example e) {
            int at = java.util.Collections.binarySearch(examples, e);
            if (at < 0) {
                at = -at - 1;
            }
            if (at < KEEP_EXAMPLES) {
                examples.add(at, e);
                if (examples.size() > KEEP_EXAMPLES) {
                    examples.remove(examples.size() - 1);
                }
            }
        }

        private static Integer min(Integer a, Integer b) {
            return a == null ? b : b == null ? a : b < a ? b : a;
        }

        Acc merge(Acc o) {
            n += o.n;
            sv = concat(sv, nsv, o.sv, o.nsv);
            nsv += o.nsv;
            sf = concat(sf, nsf, o.sf, o.nsf);
            nsf += o.nsf;
            np += o.np;
            cp += o.cp;
            nbad += o.nbad;
            minLine = min(minLine, o.minLine);
            minPos = min(minPos, o.minPos);
            int[] l = java.util.Arrays.copyOf(lines, nl + o.nl);
            System.arraycopy(o.lines, 0, l, nl, o.nl);
            lines = l;
            nl += o.nl;
            o.examples.forEach(this::example);
            return this;
        }

        private static double[] concat(double[] a, int na, double[] b, int nb) {
            double[] c = java.util.Arrays.copyOf(a, na + nb);
            System.arraycopy(b, 0, c, na, nb);
            return c;
        }
    }

    /**
     * A key's row for the driver, its statistics computed from its values with the definitions {@code EvalSummary}
     * uses (the pipeline module's arithmetic: values sorted ascending, the mean their sum in that order over the count,
     * type-7 percentiles, every statistic rounded to 4 places), so the summary is the CLI's to the last digit.
     */
    static Row statistics(Tuple2<Key, Acc> t) {
        Key k = t._1();
        Acc a = t._2();
        int[] lines = java.util.Arrays.copyOf(a.lines, a.nl);
        java.util.Arrays.sort(lines);
        List<Object> ls = new ArrayList<>(lines.length);
        for (int l : lines) {
            ls.add(l);
        }
        List<Object> ex = new ArrayList<>(a.examples.size());
        for (Example e : a.examples) {
            ex.add(RowFactory.create(e.line(), e.text()));
        }
        return RowFactory.create(k.dim(), k.k1(), k.k2(), k.k3(), k.k4(), k.k5(), a.n, stats(a.sv, a.nsv), stats(a.sf, a.nsf), a.np, a.cp,
                a.nbad, a.minLine, a.minPos, seq(ls), seq(ex));
    }

    private static scala.collection.immutable.Seq<Object> seq(List<Object> l) {
        return scala.jdk.javaapi.CollectionConverters.asScala(l).toList();
    }

    /** (mean, p50, p95, p99, max, min) of the first {@code n} values, each rounded; null for none. */
    private static Row stats(double[] values, int n) {
        if (n == 0) {
            return null;
        }
        double[] v = java.util.Arrays.copyOf(values, n);
        java.util.Arrays.sort(v);
        return RowFactory.create(EvalSummary.round(EvalSummary.mean(v)), EvalSummary.round(EvalSummary.percentile(v, 0.5)),
                EvalSummary.round(EvalSummary.percentile(v, 0.95)), EvalSummary.round(EvalSummary.percentile(v, 0.99)), EvalSummary.round(v[n - 1]),
                EvalSummary.round(v[0]));
    }

    /** Column positions in an aggregated row. */
    private static final int DIM = 0;
    private static final int K1 = 1;
    private static final int N = 6;
    private static final int ST_V = 7;
    private static final int ST_F = 8;
    private static final int NP = 9;
    private static final int CP = 10;
    private static final int NBAD = 11;
    private static final int MIN_LINE = 12;
    private static final int MIN_POS = 13;
    private static final int LINES = 14;
    private static final int EXAMPLES = 15;

    private static String k(Row r, int i) {
        return r.getString(K1 + i - 1);
    }

    private static ObjectNode compute(JavaRDD<Row> facts, List<Row> rows, JsonNode run, List<StageRef> metaStages, List<Evaluator> known,
            String by, String out, long start, double elapsedSeconds) {
        Map<String, List<Row>> dims = new HashMap<>();
        for (Row r : rows) {
            dims.computeIfAbsent(r.getString(DIM), d -> new ArrayList<>()).add(r);
        }
        // -- counts
        long records = 0;
        long kept = 0;
        long filtered = 0;
        long failed = 0;
        long invalid = 0;
        long providerCalls = 0;
        boolean groupSeen = false;
        for (Row r : dims.getOrDefault(STATUS, List.of())) {
            long n = r.getLong(N);
            String status = k(r, 1);
            records += n;
            switch (status) {
                case "kept" -> kept += n;
                case "filtered" -> filtered += n;
                case "failed" -> failed += n;
                case "invalid" -> invalid += n;
                default -> { }
            }
            if (!status.equals("invalid")) {
                if ("provider".equals(k(r, 2))) {
                    providerCalls += n;
                }
                if ("1".equals(k(r, 3))) {
                    groupSeen = true;
                }
            }
        }

        // -- stages: the pipeline's (from the metadata), then any met only in the results
        Map<String, Row> stageStats = new HashMap<>();
        List<Row> stageRows = dims.getOrDefault(STAGE, List.of());
        stageRows.forEach(r -> stageStats.put(k(r, 1), r));
        Map<String, Map<String, Long>> stageKinds = new HashMap<>();
        for (Row r : dims.getOrDefault(STAGE_KIND, List.of())) {
            stageKinds.computeIfAbsent(k(r, 1), x -> new HashMap<>()).merge(k(r, 2), r.getLong(N), Long::sum);
        }
        Comparator<Row> firstMet = Comparator.comparingInt((Row r) -> r.getInt(MIN_LINE)).thenComparingInt(r -> r.getInt(MIN_POS));
        List<StageRef> stages = new ArrayList<>(metaStages);
        if (run != null) {
            stageRows.stream().filter(r -> metaStages.stream().noneMatch(s -> s.where().equals(k(r, 1)))).sorted(firstMet)
                    .forEach(r -> stages.add(new StageRef(k(r, 1), k(r, 3), k(r, 4))));
        } else {
            // k2 is the stage's where (null for a call without one)
            List<Row> found = new ArrayList<>(stageRows.stream().filter(r -> k(r, 2) != null).toList());
            found.sort(Comparator.comparingInt((Row r) -> kindRank(k(r, 2))).thenComparingInt(r -> index(k(r, 2))));
            found.forEach(r -> stages.add(new StageRef(k(r, 2), k(r, 3), k(r, 4))));
            stageRows.stream().filter(r -> k(r, 2) == null).sorted(firstMet).forEach(r -> stages.add(new StageRef(k(r, 1), k(r, 3), k(r, 4))));
        }

        // -- evaluators: the pipeline's evaluator stages, then names met only in scores
        LinkedHashMap<String, Evaluator> evaluators = new LinkedHashMap<>();
        for (StageRef s : stages) {
            if ("evaluator".equals(s.stage())) {
                evaluators.putIfAbsent(s.plugin(), new Evaluator(s.plugin(), s.where()));
            }
        }
        Map<String, Row> scoreStats = new HashMap<>();
        List<Row> scoreRows = dims.getOrDefault(SCORE, List.of());
        scoreRows.forEach(r -> scoreStats.put(k(r, 1), r));
        scoreRows.stream().filter(r -> !evaluators.containsKey(k(r, 1))).sorted(Comparator.comparingInt(r -> r.getInt(MIN_LINE)))
                .forEach(r -> evaluators.put(k(r, 1), new Evaluator(k(r, 1), null)));

        // -- per evaluator: records it failed on, and those it was skipped on (by the failing stage)
        List<Row> missing = new ArrayList<>(dims.getOrDefault(MISSING, List.of()));
        List<Evaluator> unknown = evaluators.values().stream().filter(e -> !known.contains(e)).toList();
        if (!unknown.isEmpty() && facts != null) { // (partials come from a run: every score is from one of its evaluator stages)
            missing.addAll(aggregate(facts, unknown, false));
        }
        Map<String, Long> failedOn = new HashMap<>();
        Map<String, Map<String, long[]>> skipped = new HashMap<>();
        for (Row r : missing) {
            if ("1".equals(k(r, 2))) {
                failedOn.merge(k(r, 1), r.getLong(N), Long::sum);
            } else {
                skipped.computeIfAbsent(k(r, 1), x -> new HashMap<>()).put(k(r, 3), new long[] {r.getLong(N), r.getInt(MIN_LINE)});
            }
        }

        // -- the JSON, in EvalSummary's layout
        ObjectNode o = SparkJson.object();
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
        for (Row r : dims.getOrDefault(INVALID, List.of())) {
            r.<Integer>getList(LINES).forEach(lines::add);
            List<Row> ex = r.getList(EXAMPLES);
            for (Row e : ex.subList(0, Math.min(EvalSummary.INVALID_EXAMPLES, ex.size()))) {
                invEx.addObject().put("line", e.getInt(0)).put("message", e.isNullAt(1) ? "" : e.getString(1));
            }
        }
        Map<String, Long> byKind = new HashMap<>();
        dims.getOrDefault(KIND, List.of()).forEach(r -> byKind.put(k(r, 1), r.getLong(N)));
        putByKind(o.putObject("failures_by_kind"), byKind);
        o.put("provider_calls", providerCalls);
        ObjectNode ev = o.putObject("evaluators");
        for (Evaluator e : evaluators.values()) {
            ObjectNode s = ev.putObject(e.name());
            Row r = scoreStats.get(e.name());
            Row st = r == null || r.isNullAt(ST_V) ? null : r.getStruct(ST_V);
            s.put("count", r == null ? 0 : r.getLong(N));
            putStat(s, "mean", st, 0);
            putStat(s, "median", st, 1);
            putStat(s, "min", st, 5);
            putStat(s, "max", st, 4);
            long passed = r == null ? 0 : r.getLong(NP);
            s.put("passed", passed);
            putDouble(s, "pass_rate", r == null || r.getLong(CP) == 0 ? null : rate(passed, r.getLong(CP)));
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
            percentiles(s.putObject("time_ms"), stage == null || stage.isNullAt(ST_V) ? null : stage.getStruct(ST_V), false);
            percentiles(s.putObject("fuel"), stage == null || stage.isNullAt(ST_F) ? null : stage.getStruct(ST_F), false);
        }
        ArrayNode st = o.putArray("stages");
        for (StageRef ref : stages) {
            Row r = stageStats.get(ref.where());
            ObjectNode j = st.addObject();
            j.put("where", ref.where());
            j.put("stage", ref.stage());
            j.put("plugin", ref.plugin());
            j.put("calls", r == null ? 0 : r.getLong(N));
            j.put("failed", r == null ? 0 : r.getLong(NBAD));
            putByKind(j.putObject("failures_by_kind"), stageKinds.getOrDefault(ref.where(), Map.of()));
            percentiles(j.putObject("time_ms"), r == null || r.isNullAt(ST_V) ? null : r.getStruct(ST_V), true);
            percentiles(j.putObject("fuel"), r == null || r.isNullAt(ST_F) ? null : r.getStruct(ST_F), true);
        }
        o.put("group_by", by);
        ObjectNode gs = o.putObject("groups");
        if (groupSeen) {
            groups(dims, gs, evaluators);
        }
        failureGroups(dims.getOrDefault(FAILURE, List.of()), o);
        double elapsed = elapsedSeconds >= 0 ? elapsedSeconds : (System.nanoTime() - start) / 1e9;
        o.put("elapsed_ms", Math.round(elapsed * 1000));
        o.put("records_per_second", elapsed <= 0 ? 0 : Math.round(records / elapsed * 10) / 10.0);
        return o;
    }

    /** passed / reported, rounded as every statistic (the pass rate is a count ratio, exact before rounding). */
    private static double rate(long passed, long reported) {
        return EvalSummary.round((double) passed / reported);
    }

    private static void groups(Map<String, List<Row>> dims, ObjectNode gs, Map<String, Evaluator> evaluators) {
        TreeMap<String, long[]> counts = new TreeMap<>(); // records, kept, filtered, failed
        for (Row r : dims.getOrDefault(GROUP, List.of())) {
            long[] c = counts.computeIfAbsent(k(r, 1), x -> new long[4]);
            long n = r.getLong(N);
            c[0] += n;
            switch (k(r, 2)) {
                case "kept" -> c[1] += n;
                case "filtered" -> c[2] += n;
                default -> c[3] += n;
            }
        }
        Map<String, Row> per = new HashMap<>();
        for (Row r : dims.getOrDefault(GROUP_SCORE, List.of())) {
            per.put(k(r, 1) + "\u0000" + k(r, 2), r);
        }
        counts.forEach((key, c) -> {
            ObjectNode j = gs.putObject(key);
            j.put("records", c[0]);
            j.put("kept", c[1]);
            j.put("filtered", c[2]);
            j.put("failed", c[3]);
            ObjectNode ge = j.putObject("evaluators");
            for (Evaluator e : evaluators.values()) {
                Row x = per.get(key + "\u0000" + e.name());
                ObjectNode y = ge.putObject(e.name());
                Row st = x == null || x.isNullAt(ST_V) ? null : x.getStruct(ST_V);
                y.put("count", x == null ? 0 : x.getLong(N));
                putStat(y, "mean", st, 0);
                putDouble(y, "pass_rate", x == null || x.getLong(CP) == 0 ? null : rate(x.getLong(NP), x.getLong(CP)));
            }
        });
    }

    private static void failureGroups(List<Row> rows, ObjectNode o) {
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingLong((Row r) -> -r.getLong(N)).thenComparingInt(r -> r.getInt(MIN_LINE)));
        ArrayNode arr = o.putArray("failure_groups");
        for (Row r : sorted.subList(0, Math.min(EvalSummary.FAILURE_GROUPS, sorted.size()))) {
            ObjectNode j = arr.addObject();
            j.put("stage", k(r, 1));
            j.put("where", k(r, 2));
            j.put("plugin", k(r, 3));
            j.put("kind", k(r, 4));
            j.put("message", k(r, 5));
            j.put("count", r.getLong(N));
            ArrayNode ids = j.putArray("example_ids");
            ArrayNode ls = j.putArray("example_lines");
            List<Row> ex = r.getList(EXAMPLES);
            for (Row e : ex.subList(0, Math.min(EvalSummary.EXAMPLES, ex.size()))) {
                ids.add(parseId(e.isNullAt(1) ? null : e.getString(1)));
                ls.add(e.getInt(0));
            }
        }
        if (sorted.size() > EvalSummary.FAILURE_GROUPS) {
            ObjectNode om = o.putObject("failure_groups_omitted");
            om.put("groups", sorted.size() - EvalSummary.FAILURE_GROUPS);
            om.put("records", sorted.subList(EvalSummary.FAILURE_GROUPS, sorted.size()).stream().mapToLong(r -> r.getLong(N)).sum());
        }
    }

    private static JsonNode parseId(String json) {
        if (json == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        try {
            return SparkJson.parse("id", json);
        } catch (SparkJson.BadJson e) {
            return JsonNodeFactory.instance.textNode(json);
        }
    }

    /**
     * A facts row's observations (see the class comment); the row's columns are {@link #FACTS}.
     */
    static final class Observe implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final List<Evaluator> evaluators;
        private final boolean all;

        /**
         * @param evaluators the evaluators whose missing scores are counted
         * @param all every dimension (false: only {@link #MISSING})
         */
        Observe(List<Evaluator> evaluators, boolean all) {
            this.evaluators = List.copyOf(evaluators);
            this.all = all;
        }

        private static void count(Sink out, String dim, String k1, String k2, String k3, String k4, String k5, int line) {
            out.add(dim, k1, k2, k3, k4, k5, null, null, null, null, line, null, null, null, null);
        }

        void observe(Row r, Sink out) {
            int line = r.getInt(0);
            String status = r.getString(1);
            Row error = r.isNullAt(3) ? null : r.getStruct(3);
            String eStage = error == null ? null : error.getString(0);
            String eWhere = error == null ? null : error.getString(1);
            String ePlugin = error == null ? null : error.getString(2);
            String eKind = error == null || error.isNullAt(3) ? "UNKNOWN" : error.getString(3);
            String eMessage = error == null || error.isNullAt(4) ? "" : error.getString(4);
            scala.collection.Map<String, Object> scores = r.isNullAt(4) ? null : r.getMap(4);
            boolean valid = !status.equals("invalid");
            if (all) {
                String g = r.isNullAt(7) ? null : r.getString(7);
                count(out, STATUS, status, r.isNullAt(2) ? null : r.getString(2), g == null ? "0" : "1", null, null, line);
                if (!valid) {
                    out.add(INVALID, null, null, null, null, null, null, null, null, null, line, null, line, line,
                            error == null || error.isNullAt(4) ? "" : error.getString(4));
                    return;
                }
                if (status.equals("failed")) {
                    count(out, KIND, eKind, null, null, null, null, line);
                    out.add(FAILURE, eStage, eWhere, ePlugin, eKind, eMessage, null, null, null, null, line, null, null, line, idJson(r));
                }
                if (!r.isNullAt(6)) {
                    List<Row> stages = r.getList(6);
                    for (int i = 0; i < stages.size(); i++) {
                        Row s = stages.get(i);
                        String where = s.isNullAt(0) ? null : s.getString(0);
                        String stage = s.isNullAt(1) ? null : s.getString(1);
                        String plugin = s.isNullAt(2) ? null : s.getString(2);
                        String key = where != null ? where : stage + " " + plugin;
                        boolean ok = s.getBoolean(5);
                        out.add(STAGE, key, where, stage, plugin, null, s.getDouble(3), (double) s.getLong(4), null, !ok, line, i, null, null, null);
                        if (!ok) {
                            count(out, STAGE_KIND, key, eKind, null, null, null, line);
                        }
                    }
                }
                String gk = g == null ? EvalSummary.NO_VALUE : g;
                count(out, GROUP, gk, status, null, null, null, line);
                if (scores != null) {
                    scala.collection.Map<String, Object> passed = r.isNullAt(5) ? null : r.getMap(5);
                    scala.collection.Iterator<scala.Tuple2<String, Object>> it = scores.iterator();
                    while (it.hasNext()) {
                        scala.Tuple2<String, Object> e = it.next();
                        Object p = passed != null && passed.contains(e._1()) ? passed.apply(e._1()) : null;
                        Double score = (Double) e._2();
                        out.add(SCORE, e._1(), null, null, null, null, score, null, (Boolean) p, null, line, null, null, null, null);
                        out.add(GROUP_SCORE, gk, e._1(), null, null, null, score, null, (Boolean) p, null, line, null, null, null, null);
                    }
                }
            } else if (!valid) {
                return;
            }
            for (Evaluator e : evaluators) {
                if (scores != null && scores.contains(e.name())) {
                    continue;
                }
                boolean failedAt = error != null && (eWhere != null && e.where() != null ? eWhere.equals(e.where())
                        : "evaluator".equals(eStage) && e.name().equals(ePlugin));
                String reason = error == null ? "unknown" : eWhere != null ? eWhere : eStage + " " + ePlugin;
                count(out, MISSING, e.name(), failedAt ? "1" : "0", failedAt ? null : reason, null, null, line);
            }
        }

        /** A failed record's id as JSON: from its {@code --out} line when the results have it, else from the id column. */
        private static String idJson(Row r) {
            if (!r.isNullAt(8)) {
                try {
                    JsonNode id = SparkJson.parse("result", r.getString(8)).get("id");
                    return id == null ? "null" : SparkJson.write(id);
                } catch (SparkJson.BadJson e) {
                    // fall through to the column
                }
            }
            Object v = r.get(9);
            return v == null ? "null" : SparkJson.write(SparkJson.MAPPER.valueToTree(v));
        }
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
            return SparkJson.parse("run metadata", md.getString(RUN_METADATA));
        } catch (SparkJson.BadJson e) {
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
            return c.cast(DataTypes.StringType);
        }
        if (has(schema, "fields")) {
            return col("fields").getItem(by);
        }
        return lit(null).cast(DataTypes.StringType);
    }

    private static Column idColumn(StructType schema) {
        if (!has(schema, "id")) {
            return lit(null).cast(DataTypes.StringType);
        }
        DataType t = schema.apply("id").dataType();
        if (t == DataTypes.StringType || t instanceof NumericType || t == DataTypes.BooleanType) {
            return col("id");
        }
        if (t instanceof StructType || t instanceof ArrayType || t instanceof MapType) {
            return org.apache.spark.sql.functions.to_json(col("id"));
        }
        return col("id").cast(DataTypes.StringType);
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
