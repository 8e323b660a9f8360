package io.llmtestbench.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbench.pipeline.internal.Json;
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

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
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

    /** The result line of {@code llmtb eval --out}. */
    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("line", line);
        o.set("id", id);
        if (status == Status.INVALID) {
            o.put("status", status.jsonName());
            o.putObject("error").put("message", error == null ? "" : error.message());
            return o;
        }
        if (category != null) {
            o.set("category", category);
        }
        if (!fields.isEmpty()) {
            ObjectNode f = o.putObject("fields");
            fields.forEach(f::set);
        }
        o.put("status", status.jsonName());
        if (responseSource != null) {
            o.put("response_source", responseSource);
        }
        if (providerOutput != null) {
            o.set("provider_output", providerOutput);
        }
        if (text != null) {
            o.put("text", text);
        }
        if (status == Status.KEPT || status == Status.FILTERED) {
            o.put("kept", status == Status.KEPT);
        }
        if (error != null) {
            ObjectNode err = o.putObject("error");
            err.put("stage", error.stage());
            err.put("where", error.where());
            err.put("plugin", error.plugin());
            err.put("kind", error.kind());
            err.put("message", error.message());
            if (error.code() == null) {
                err.putNull("code");
            } else {
                err.put("code", error.code());
            }
        }
        ObjectNode sc = o.putObject("scores");
        scores.forEach(sc::put);
        ObjectNode ps = o.putObject("passed");
        passed.forEach((k, v) -> {
            if (v == null) {
                ps.putNull(k);
            } else {
                ps.put(k, v);
            }
        });
        ObjectNode ev = o.putObject("evaluations");
        evaluations.forEach(ev::set);
        if (filters != null) {
            ObjectNode fs = o.putObject("filters");
            filters.forEach(fs::set);
        }
        ArrayNode st = o.putArray("stages");
        for (StageRun s : stages) {
            ObjectNode j = st.addObject();
            j.put("where", s.where());
            j.put("stage", s.stage());
            j.put("plugin", s.plugin());
            j.put("time_ms", s.timeMs());
            j.put("fuel", s.fuel());
            j.put("ok", s.ok());
        }
        o.put("elapsed_ms", elapsedMs);
        return o;
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
        return BigDecimal.valueOf(nanos).movePointLeft(6).setScale(3, RoundingMode.HALF_UP).doubleValue();
    }

    @Override
    public String toString() {
        return Json.write(toJson());
    }
}
