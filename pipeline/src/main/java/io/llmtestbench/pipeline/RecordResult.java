package io.llmtestbench.pipeline;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbench.pipeline.internal.JsonBytes;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What happened to one record: its status, the final text, each evaluator's score, each filter's verdict, the
 * failure that ended it (if any) and what each stage cost. {@link #toJson()} is one line of {@code llmtb eval --out};
 * {@link #fromJson} reads such a line back, so a summary or a comparison can be computed from a results file
 * exactly as from a run (cli/README.md, "Results", documents the keys).
 */
public final class RecordResult {
    /** How a record ended. */
    public enum Status {
        /** Every filter kept it (or there are no filters). */
        KEPT,
        /** A filter dropped it. */
        FILTERED,
        /** A stage failed; {@link #error()} says which and how. Later stages did not run. */
        FAILED,
        /** The line is not a usable record (not UTF-8, not JSON, not an object, no response and nothing to make one). */
        INVALID;

        private final String jsonName = name().toLowerCase(Locale.ROOT);

        public String jsonName() {
            return jsonName;
        }

        static Status fromJson(String s) {
            for (Status v : values()) {
                if (v.jsonName().equals(s)) {
                    return v;
                }
            }
            return FAILED;
        }
    }

    /**
     * Why a record failed or is invalid.
     *
     * @param stage the failing stage's kind ({@code provider}, {@code transform}, {@code evaluator},
     *     {@code filter}); null for an invalid record
     * @param where the failing stage's place in the pipeline file ({@code evaluators[0]}); null for an invalid record
     * @param plugin the failing stage's name; null for an invalid record
     * @param kind the runtime's {@link io.llmtestbench.runtime.ErrorKind} name; null for an invalid record
     * @param code the plugin's result code, or null when the failure is not a result code
     */
    public record Failure(String stage, String where, String plugin, String kind, String message, Integer code) {}

    /**
     * One stage's execution on the record.
     *
     * @param timeMs wall time of the call as the pipeline sees it (input and output conversion, the plugin's run,
     *     the output check), in milliseconds rounded to the microsecond
     * @param fuel fuel the plugin used (up to the failure, for a failed call; 0 when not known)
     * @param ok false for the call that failed the record
     */
    public record StageRun(String where, String stage, String plugin, double timeMs, long fuel, boolean ok) {}

    final int line;
    final JsonNode id;
    JsonNode category;
    Status status = Status.FAILED;
    String responseSource;
    JsonNode providerOutput;
    String text;
    final Map<String, Double> scores = new LinkedHashMap<>();
    final Map<String, Boolean> passed = new LinkedHashMap<>();
    final Map<String, JsonNode> evaluations = new LinkedHashMap<>();
    Map<String, JsonNode> filters;
    Failure error;
    final List<StageRun> stages = new ArrayList<>();
    final Map<String, JsonNode> fields = new LinkedHashMap<>();
    double elapsedMs = Double.NaN;
    long parseNanos;
    final transient JsonNode input;

    RecordResult(int line, JsonNode id, JsonNode input) {
        this.line = line;
        this.id = id == null ? NullNode.getInstance() : id;
        this.input = input;
    }

    /** The record's line number in its data file (1-based), or its position in the data set. */
    public int line() {
        return line;
    }

    /** The record's {@code "id"} (a JSON null when it has none). */
    public JsonNode id() {
        return id;
    }

    /** The record's {@code "category"}, or null when it has none. */
    public JsonNode category() {
        return category;
    }

    public Status status() {
        return status;
    }

    /** {@code "record"} (the record's own response), {@code "provider"} (generated), or null (failed before). */
    public String responseSource() {
        return responseSource;
    }

    public JsonNode providerOutput() {
        return providerOutput;
    }

    /** The text the evaluators judged (after the transforms), or null when the record failed before. */
    public String text() {
        return text;
    }

    /** Scores by evaluator name, in pipeline order, of the evaluators that ran. */
    public Map<String, Double> scores() {
        return Collections.unmodifiableMap(scores);
    }

    /** Each evaluator's {@code "passed"}, in pipeline order; a null value when the evaluator did not report one. */
    public Map<String, Boolean> passed() {
        return Collections.unmodifiableMap(passed);
    }

    /** Each evaluator's whole output. */
    public Map<String, JsonNode> evaluations() {
        return Collections.unmodifiableMap(evaluations);
    }

    /** Each filter's output, or null when the pipeline has no filters. */
    public Map<String, JsonNode> filters() {
        return filters == null ? null : Collections.unmodifiableMap(filters);
    }

    /** Why the record failed or is invalid; null otherwise. */
    public Failure error() {
        return error;
    }

    /** The stages that ran on the record, in order; the last one failed when the record failed. */
    public List<StageRun> stages() {
        return Collections.unmodifiableList(stages);
    }

    /** Record fields carried into the result besides id and category (e.g. the {@code --group-by} field). */
    public Map<String, JsonNode> fields() {
        return Collections.unmodifiableMap(fields);
    }

    /** Wall time of the whole record in milliseconds (NaN for an invalid record). */
    public double elapsedMs() {
        return elapsedMs;
    }

    /**
     * Time spent decoding and parsing the data line ({@link PipelineRunner#processLine}), in nanoseconds; 0 for a
     * record given parsed. Measured for the run's time split; not part of {@link #toJson()}.
     */
    public long parseNanos() {
        return parseNanos;
    }

    /** The record as read (null for an invalid line, or a result read back from a file). Not part of {@link #toJson()}. */
    public JsonNode input() {
        return input;
    }

    /**
     * The result line of {@code llmtb eval --out}, as a tree: {@link #toJsonBytes()} read back. The per-record paths
     * (the CLI's results file, Spark's rows) write the bytes and never build this tree.
     */
    public ObjectNode toJson() {
        return (ObjectNode) JsonBytes.tree(toJsonBytes());
    }

    /** The result line of {@code llmtb eval --out} as UTF-8 JSON (no line break): {@link #writeJson} to bytes. */
    public byte[] toJsonBytes() {
        return JsonBytes.write(this::writeJson);
    }

    /**
     * Writes the result line of {@code llmtb eval --out} (cli/README.md, "Results", documents its keys; {@link #fromJson}
     * reads it back). The one definition of its shape: {@link #toJson()} and {@link #toJsonBytes()} are made by it.
     */
    public void writeJson(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeNumberField("line", line);
        g.writeFieldName("id");
        JsonBytes.writeTree(g, id);
        if (status == Status.INVALID) {
            g.writeStringField("status", status.jsonName());
            g.writeObjectFieldStart("error");
            g.writeStringField("message", error == null ? "" : error.message());
            g.writeEndObject();
            g.writeEndObject();
            return;
        }
        if (category != null) {
            g.writeFieldName("category");
            JsonBytes.writeTree(g, category);
        }
        if (!fields.isEmpty()) {
            g.writeObjectFieldStart("fields");
            for (var f : fields.entrySet()) {
                g.writeFieldName(f.getKey());
                JsonBytes.writeTree(g, f.getValue());
            }
            g.writeEndObject();
        }
        g.writeStringField("status", status.jsonName());
        if (responseSource != null) {
            g.writeStringField("response_source", responseSource);
        }
        if (providerOutput != null) {
            g.writeFieldName("provider_output");
            JsonBytes.writeTree(g, providerOutput);
        }
        if (text != null) {
            g.writeStringField("text", text);
        }
        if (status == Status.KEPT || status == Status.FILTERED) {
            g.writeBooleanField("kept", status == Status.KEPT);
        }
        if (error != null) {
            g.writeObjectFieldStart("error");
            g.writeStringField("stage", error.stage());
            g.writeStringField("where", error.where());
            g.writeStringField("plugin", error.plugin());
            g.writeStringField("kind", error.kind());
            g.writeStringField("message", error.message());
            if (error.code() == null) {
                g.writeNullField("code");
            } else {
                g.writeNumberField("code", error.code());
            }
            g.writeEndObject();
        }
        g.writeObjectFieldStart("scores");
        for (var sc : scores.entrySet()) {
            g.writeNumberField(sc.getKey(), sc.getValue());
        }
        g.writeEndObject();
        g.writeObjectFieldStart("passed");
        for (var p : passed.entrySet()) {
            if (p.getValue() == null) {
                g.writeNullField(p.getKey());
            } else {
                g.writeBooleanField(p.getKey(), p.getValue());
            }
        }
        g.writeEndObject();
        g.writeObjectFieldStart("evaluations");
        for (var e : evaluations.entrySet()) {
            g.writeFieldName(e.getKey());
            JsonBytes.writeTree(g, e.getValue());
        }
        g.writeEndObject();
        if (filters != null) {
            g.writeObjectFieldStart("filters");
            for (var f : filters.entrySet()) {
                g.writeFieldName(f.getKey());
                JsonBytes.writeTree(g, f.getValue());
            }
            g.writeEndObject();
        }
        g.writeArrayFieldStart("stages");
        for (StageRun s : stages) {
            g.writeStartObject();
            g.writeStringField("where", s.where());
            g.writeStringField("stage", s.stage());
            g.writeStringField("plugin", s.plugin());
            g.writeNumberField("time_ms", s.timeMs());
            g.writeNumberField("fuel", s.fuel());
            g.writeBooleanField("ok", s.ok());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeNumberField("elapsed_ms", elapsedMs);
        g.writeEndObject();
    }

    /**
     * Reads a result line back (an earlier run's {@code --out}). Lenient: keys that are absent read as absent, so
     * results of older versions can be read too.
     *
     * @throws IllegalArgumentException when {@code json} is not an object
     */
    public static RecordResult fromJson(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("a result must be a JSON object");
        }
        RecordResult r = new RecordResult(json.path("line").asInt(0), json.get("id"), null);
        r.status = Status.fromJson(json.path("status").asText(""));
        JsonNode cat = json.get("category");
        r.category = cat == null || cat.isNull() ? null : cat;
        r.responseSource = text(json.get("response_source"));
        JsonNode po = json.get("provider_output");
        r.providerOutput = po == null || po.isNull() ? null : po;
        r.text = text(json.get("text"));
        JsonNode e = json.get("error");
        if (e != null && e.isObject()) {
            JsonNode code = e.get("code");
            r.error = new Failure(text(e.get("stage")), text(e.get("where")), text(e.get("plugin")), text(e.get("kind")),
                    e.path("message").asText(""), code != null && code.isIntegralNumber() ? code.asInt() : null);
        }
        json.path("scores").properties().forEach(f -> {
            if (f.getValue().isNumber()) {
                r.scores.put(f.getKey(), f.getValue().asDouble());
            }
        });
        json.path("passed").properties().forEach(f -> r.passed.put(f.getKey(), f.getValue().isBoolean() ? f.getValue().asBoolean() : null));
        json.path("evaluations").properties().forEach(f -> r.evaluations.put(f.getKey(), f.getValue()));
        JsonNode fs = json.get("filters");
        if (fs != null && fs.isObject()) {
            r.filters = new LinkedHashMap<>();
            fs.properties().forEach(f -> r.filters.put(f.getKey(), f.getValue()));
        }
        JsonNode st = json.get("stages");
        if (st != null && st.isArray()) {
            for (JsonNode s : st) {
                r.stages.add(new StageRun(text(s.get("where")), text(s.get("stage")), text(s.get("plugin")),
                        s.path("time_ms").asDouble(0), s.path("fuel").asLong(0), s.path("ok").asBoolean(true)));
            }
        }
        json.path("fields").properties().forEach(f -> r.fields.put(f.getKey(), f.getValue()));
        JsonNode el = json.get("elapsed_ms");
        r.elapsedMs = el != null && el.isNumber() ? el.asDouble() : Double.NaN;
        return r;
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }

    /** Milliseconds from nanoseconds, rounded to the microsecond (half up). */
    static double millis(long nanos) {
        if (nanos >= 0 && nanos < Long.MAX_VALUE - 500) { // the same value: whole microseconds / 1000.0 is correctly rounded
            return ((nanos + 500) / 1000) / 1000.0;
        }
        return BigDecimal.valueOf(nanos).movePointLeft(6).setScale(3, RoundingMode.HALF_UP).doubleValue();
    }

    @Override
    public String toString() {
        return new String(toJsonBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
