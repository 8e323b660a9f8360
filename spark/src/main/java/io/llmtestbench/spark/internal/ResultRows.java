package io.llmtestbench.spark.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmtestbench.pipeline.RecordResult;
import io.llmtestbench.spark.internal.SparkJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The result columns of {@code LlmtbSpark.evaluate}: {@link RecordResult} as typed columns (the keys of
 * {@code llmtb eval --out}), plus {@code result}, the very {@code --out} line.
 */
public final class ResultRows {
    private ResultRows() {}

    public static final StructType ERROR = new StructType()
            .add("stage", DataTypes.StringType)
            .add("where", DataTypes.StringType)
            .add("plugin", DataTypes.StringType)
            .add("kind", DataTypes.StringType)
            .add("message", DataTypes.StringType)
            .add("code", DataTypes.IntegerType);

    public static final StructType STAGE = new StructType()
            .add("where", DataTypes.StringType)
            .add("stage", DataTypes.StringType)
            .add("plugin", DataTypes.StringType)
            .add("time_ms", DataTypes.DoubleType, false)
            .add("fuel", DataTypes.LongType, false)
            .add("ok", DataTypes.BooleanType, false);

    /** The result columns, in order. The status column carries the run's facts as metadata ({@code llmtb_run}). */
    public static List<StructField> fields(Metadata run) {
        return List.of(
                new StructField("line", DataTypes.IntegerType, false, Metadata.empty()),
                new StructField("status", DataTypes.StringType, false, run),
                new StructField("kept", DataTypes.BooleanType, true, Metadata.empty()),
                new StructField("response_source", DataTypes.StringType, true, Metadata.empty()),
                new StructField("provider_output", DataTypes.StringType, true, Metadata.empty()),
                new StructField("text", DataTypes.StringType, true, Metadata.empty()),
                new StructField("scores", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, false), false, Metadata.empty()),
                new StructField("passed", DataTypes.createMapType(DataTypes.StringType, DataTypes.BooleanType, true), false, Metadata.empty()),
                new StructField("evaluations", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType, false), false, Metadata.empty()),
                new StructField("filters", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType, false), true, Metadata.empty()),
                new StructField("error", ERROR, true, Metadata.empty()),
                new StructField("stages", DataTypes.createArrayType(STAGE, false), false, Metadata.empty()),
                new StructField("fields", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType, false), false, Metadata.empty()),
                new StructField("elapsed_ms", DataTypes.DoubleType, true, Metadata.empty()),
                new StructField("result", DataTypes.StringType, false, Metadata.empty()));
    }

    /** Names of the result columns: record columns may not use them. */
    public static final Set<String> NAMES = Set.of("line", "status", "kept", "response_source", "provider_output", "text", "scores",
            "passed", "evaluations", "filters", "error", "stages", "fields", "elapsed_ms", "result");

    /** The result's values in the order of {@link #fields}, after {@code prefix} (the record's own columns). */
    public static Row row(Object[] prefix, RecordResult r) {
        Object[] v = new Object[prefix.length + 15];
        System.arraycopy(prefix, 0, v, 0, prefix.length);
        int i = prefix.length;
        v[i++] = r.line();
        v[i++] = r.status().jsonName();
        v[i++] = r.status() == RecordResult.Status.KEPT ? Boolean.TRUE : r.status() == RecordResult.Status.FILTERED ? Boolean.FALSE : null;
        v[i++] = r.responseSource();
        v[i++] = r.providerOutput() == null ? null : SparkJson.write(r.providerOutput());
        v[i++] = r.text();
        v[i++] = scala(new LinkedHashMap<>(r.scores()));
        v[i++] = scala(new LinkedHashMap<>(r.passed()));
        Map<String, String> ev = new LinkedHashMap<>();
        r.evaluations().forEach((k, j) -> ev.put(k, SparkJson.write(j)));
        v[i++] = scala(ev);
        if (r.filters() == null) {
            v[i++] = null;
        } else {
            Map<String, String> fs = new LinkedHashMap<>();
            r.filters().forEach((k, j) -> fs.put(k, SparkJson.write(j)));
            v[i++] = scala(fs);
        }
        v[i++] = error(r);
        v[i++] = stages(r);
        Map<String, String> fields = new LinkedHashMap<>();
        r.fields().forEach((k, j) -> fields.put(k, key(j)));
        v[i++] = scala(fields);
        v[i++] = Double.isNaN(r.elapsedMs()) ? null : r.elapsedMs();
        v[i] = new String(r.toJsonBytes(), StandardCharsets.UTF_8);
        return RowFactory.create(v);
    }

    /**
     * What the summary reads of a result ({@code SparkSummary.FACTS}), made by the task that ran the record, so that
     * nothing else of the result need be kept for the summary.
     *
     * @param group the record's value of the group-by field ({@link #key})
     * @param resultLine the result's {@code --out} line (kept only when the record failed: its failure's example id)
     */
    public static Row facts(RecordResult r, String group, String resultLine) {
        return RowFactory.create(r.line(), r.status().jsonName(), r.responseSource(), error(r), scala(new LinkedHashMap<>(r.scores())),
                scala(new LinkedHashMap<>(r.passed())), stages(r), group, r.status() == RecordResult.Status.FAILED ? resultLine : null, null);
    }

    private static Row error(RecordResult r) {
        RecordResult.Failure e = r.error();
        return e == null ? null : RowFactory.create(e.stage(), e.where(), e.plugin(), e.kind(), e.message(), e.code());
    }

    private static scala.collection.immutable.Seq<Row> stages(RecordResult r) {
        List<Row> stages = new ArrayList<>(r.stages().size());
        for (RecordResult.StageRun s : r.stages()) {
            stages.add(RowFactory.create(s.where(), s.stage(), s.plugin(), s.timeMs(), s.fuel(), s.ok()));
        }
        return scala.jdk.javaapi.CollectionConverters.asScala(stages).toList();
    }

    /** A JSON value as a string column: a string as is, any other value as its JSON, null for none. */
    public static String key(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return null;
        }
        return v.isTextual() ? v.asText() : SparkJson.write(v);
    }

    private static <K, V> scala.collection.Map<K, V> scala(Map<K, V> m) {
        return scala.jdk.javaapi.CollectionConverters.asScala(m);
    }
}
