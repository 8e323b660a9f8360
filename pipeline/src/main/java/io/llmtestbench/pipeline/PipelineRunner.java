package io.llmtestbench.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbench.pipeline.internal.Json;
import io.llmtestbench.pipeline.internal.JsonBytes;
import io.llmtestbench.runtime.ErrorKind;
import io.llmtestbench.runtime.LoadOptions;
import io.llmtestbench.runtime.PluginException;
import io.llmtestbench.runtime.PluginExecutionException;
import io.llmtestbench.runtime.PluginId;
import io.llmtestbench.runtime.PluginBytesOutput;
import io.llmtestbench.runtime.PluginMetadata;
import io.llmtestbench.runtime.PluginSystem;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A pipeline loaded into a {@link PluginSystem}: runs records through it, one {@link RecordResult} each. This is
 * the per-record logic of every batch driver ({@code llmtb eval}, Spark). Thread-safe: call
 * {@link #process}/{@link #processLine} from any number of threads (from inside {@link PluginSystem#submit} to save
 * the hand-off to a plugin thread on every call).
 *
 * <p>Per record, in order, the first failure ending the record: the provider (only for a record without a
 * {@code "response"}), the transforms, the evaluators, the filters (cli/README.md, "eval", documents the input and
 * output of each).
 */
public final class PipelineRunner {
    /** A loaded stage: the pipeline's stage, the runtime's plugin, and the stage's name (its own, or the plugin's). */
    public record LoadedStage(Pipeline.Stage spec, PluginId id, String name, PluginMetadata metadata) {
        /** The stage as the summary names it. */
        public EvalSummary.Stage ref() {
            return new EvalSummary.Stage(spec.where(), spec.kind().jsonName(), name);
        }
    }

    /** A stage that failed on one record. */
    private static final class StageFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final transient LoadedStage stage;
        final ErrorKind kind;
        final Integer code;

        StageFailure(LoadedStage stage, ErrorKind kind, String message, Integer code) {
            super(message, null, false, false);
            this.stage = stage;
            this.kind = kind;
            this.code = code;
        }
    }

    private final PluginSystem system;
    private final Pipeline pipeline;
    private final LoadedStage provider;
    private final List<LoadedStage> transforms;
    private final List<LoadedStage> evaluators;
    private final List<LoadedStage> filters;
    private final List<String> carried;
    /** The start of every stage's context ({@code {"pipeline":...}), without its closing brace. */
    private final byte[] contextHead;
    /** Each stage's end of its context ({@code ,"stage":...,"plugin":...}}), by the stage's place in the pipeline. */
    private final Map<String, byte[]> contextTails;

    private PipelineRunner(PluginSystem system, Pipeline pipeline, List<LoadedStage> loaded) {
        this.system = system;
        this.pipeline = pipeline;
        int i = 0;
        provider = pipeline.provider() != null ? loaded.get(i++) : null;
        transforms = List.copyOf(loaded.subList(i, i += pipeline.transforms().size()));
        evaluators = List.copyOf(loaded.subList(i, i += pipeline.evaluators().size()));
        filters = List.copyOf(loaded.subList(i, i + pipeline.filters().size()));
        carried = List.of();
        byte[] head = JsonBytes.write(g -> {
            g.writeStartObject();
            g.writeStringField("pipeline", pipeline.name());
            g.writeEndObject();
        });
        contextHead = Arrays.copyOf(head, head.length - 1);
        Map<String, byte[]> tails = new HashMap<>();
        for (LoadedStage stage : loaded) {
            byte[] tail = JsonBytes.write(g -> {
                g.writeStartObject();
                g.writeStringField("stage", stage.spec().kind().jsonName());
                g.writeStringField("plugin", stage.name());
                g.writeEndObject();
            });
            tail[0] = ','; // the object's opening brace becomes the comma after the fields before it
            tails.put(stage.spec().where(), tail);
        }
        contextTails = Map.copyOf(tails);
    }

    private PipelineRunner(PipelineRunner base, List<String> carried) {
        this.system = base.system;
        this.pipeline = base.pipeline;
        this.provider = base.provider;
        this.transforms = base.transforms;
        this.evaluators = base.evaluators;
        this.filters = base.filters;
        this.carried = List.copyOf(carried);
        this.contextHead = base.contextHead;
        this.contextTails = base.contextTails;
    }

    /**
     * The same runner, copying these record fields into each result's {@link RecordResult#fields()} (so that a
     * summary can group by them: {@code --group-by}). {@code id} and {@code category} are always carried.
     */
    public PipelineRunner carrying(List<String> fields) {
        return new PipelineRunner(this, fields.stream().filter(f -> !f.equals("id") && !f.equals("category")).distinct().toList());
    }

    /**
     * Loads every stage's plugin into {@code system}, several at a time (loading a plugin jar is mostly reading and
     * verifying it). One loader per processor: loading is CPU-bound (and the JIT competes for the same cores), so for
     * the example's 4 plugins on 2 cores, 4 loaders were no faster than 2 (about 515 ms), and 2 saved about 10% over 1
     * (cli/README.md, "Load time").
     *
     * @param requireMetering refuse plugin jars compiled without fuel metering
     * @param warnings receives advice that does not stop the load (a plugin whose declared type differs from its stage)
     * @throws PipelineLoadException when a plugin cannot be loaded (the first in pipeline order when several cannot)
     * @throws InvalidPipelineException when the loaded plugins contradict the pipeline (two evaluators with one name)
     */
    public static PipelineRunner load(PluginSystem system, Pipeline pipeline, boolean requireMetering, Consumer<String> warnings)
            throws PipelineLoadException, InvalidPipelineException {
        return load(system, pipeline, LoadOptions.builder().requireMetering(requireMetering).build(), warnings);
    }

    /**
     * {@link #load(PluginSystem, Pipeline, boolean, Consumer)} with the load options every stage starts from (its
     * {@code requireMetering} and {@code jarVerification}, for example); each stage sets its own config, limits,
     * permissions and seed.
     */
    public static PipelineRunner load(PluginSystem system, Pipeline pipeline, LoadOptions base, Consumer<String> warnings)
            throws PipelineLoadException, InvalidPipelineException {
        List<Pipeline.Stage> specs = pipeline.stages();
        List<CompletableFuture<LoadedStage>> futures = new ArrayList<>();
        int parallel = Math.max(1, Math.min(specs.size(), Runtime.getRuntime().availableProcessors()));
        ExecutorService loaders = Executors.newFixedThreadPool(parallel, r -> {
            Thread t = new Thread(r, "llmtb-load");
            t.setDaemon(true);
            return t;
        });
        List<LoadedStage> loaded = new ArrayList<>();
        try {
            for (Pipeline.Stage s : specs) {
                futures.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return loadStage(system, pipeline, s, base, warnings);
                    } catch (PipelineLoadException e) {
                        throw new CompletionException(e);
                    }
                }, loaders));
            }
            for (CompletableFuture<LoadedStage> f : futures) {
                try {
                    loaded.add(f.join());
                } catch (CompletionException e) {
                    if (e.getCause() instanceof PipelineLoadException le) {
                        throw le;
                    }
                    throw e.getCause() instanceof RuntimeException re ? re : e;
                }
            }
        } finally {
            loaders.shutdown();
        }
        PipelineRunner runner = new PipelineRunner(system, pipeline, loaded);
        runner.check(warnings);
        return runner;
    }

    /** What the loaded plugins' names make of the pipeline: evaluator names are unique; filters get scores that exist. */
    private void check(Consumer<String> warnings) throws InvalidPipelineException {
        String at = "pipeline " + pipeline.file() + ": ";
        Set<String> names = new LinkedHashSet<>();
        for (LoadedStage e : evaluators) {
            if (!names.add(e.name())) {
                throw new InvalidPipelineException(at + "two evaluators are named '" + e.name()
                        + "' (scores are keyed by evaluator name); give one a \"name\"");
            }
        }
        String produced = names.isEmpty() ? "the pipeline has no evaluators"
                : "the evaluators are " + names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "));
        for (LoadedStage f : filters) {
            List<String> wanted = f.spec().scores();
            if (wanted == null) {
                if (names.isEmpty()) {
                    warnings.accept(at + f.spec().where() + ": filter '" + f.name() + "' gets no scores: " + produced);
                }
                continue;
            }
            for (String w : wanted) {
                if (!names.contains(w)) {
                    throw new InvalidPipelineException(at + f.spec().where() + ".scores: names '" + w
                            + "', which no evaluator produces (" + produced + "), so filter '" + f.name()
                            + "' could never judge a record by it and the pipeline would keep nothing; name an evaluator"
                            + " (its \"name\", or its plugin's name)");
                }
            }
        }
    }

    private static LoadedStage loadStage(PluginSystem system, Pipeline pipeline, Pipeline.Stage s, LoadOptions base,
            Consumer<String> warnings) throws PipelineLoadException {
        if (s.path() == null) {
            throw new PipelineLoadException(pipeline, s, s.pathError());
        }
        LoadOptions options = base.toBuilder().config(s.config()).limits(s.limits())
                .permissions(s.permissions()).randomSeed(s.randomSeed()).build();
        PluginId id;
        try {
            id = system.loadPlugin(s.path(), s.id(), options);
        } catch (PluginException e) {
            throw new PipelineLoadException(pipeline, s, e);
        }
        PluginMetadata m = system.getMetadata(id);
        if (m.pluginType() != s.kind()) {
            warnings.accept("pipeline " + pipeline.file() + ": " + s.where() + ": plugin '" + m.name() + "' declares plugin_type "
                    + m.pluginType().jsonName() + ", used here as a " + s.kind().jsonName());
        }
        String name = s.name() != null ? s.name() : m.name();
        return new LoadedStage(s, id, name, m);
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    /** The evaluators' names, in pipeline order: the keys of {@link RecordResult#scores()}. */
    public List<String> evaluatorNames() {
        return evaluators.stream().map(LoadedStage::name).toList();
    }

    /** Every loaded stage, in execution order. */
    public List<LoadedStage> stages() {
        return Pipeline.inOrder(provider, transforms, evaluators, filters);
    }

    /** A summary of this pipeline's results: every stage gets its row, even without calls. */
    public EvalSummary summary(String groupBy, BaselineComparison baseline) {
        return new EvalSummary(stages().stream().map(LoadedStage::ref).toList(), groupBy, baseline);
    }

    /**
     * Runs one data line: decodes it (strict UTF-8), parses it (one JSON object) and runs it through the pipeline;
     * a line that is not a usable record gives an {@link RecordResult.Status#INVALID} result. Never throws for a
     * plugin's failure: that is the result's {@link RecordResult#error()}. The time spent decoding and parsing is
     * the result's {@link RecordResult#parseNanos()}.
     *
     * @param line the line's number in its data file (1-based), reported in the result
     */
    public RecordResult processLine(int line, byte[] utf8) {
        long start = System.nanoTime();
        JsonNode record = JsonBytes.parseRecord(utf8);
        if (record == null) { // not UTF-8 or not JSON: the text path says why, with the usual messages
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(utf8)).toString();
            } catch (CharacterCodingException e) {
                return parsed(invalid(line, null, "not valid UTF-8"), start);
            }
            try {
                record = Json.parse("the line", text);
            } catch (Json.BadJson e) {
                return parsed(invalid(line, null, e.getMessage()), start);
            }
        }
        long parsed = System.nanoTime() - start;
        RecordResult r = process(line, record);
        r.parseNanos = parsed;
        return r;
    }

    private static RecordResult parsed(RecordResult r, long start) {
        r.parseNanos = System.nanoTime() - start;
        return r;
    }

    /**
     * Runs one record (a parsed data line) through the pipeline; a value that is not a usable record gives an
     * {@link RecordResult.Status#INVALID} result. Never throws for a plugin's failure.
     */
    public RecordResult process(int line, JsonNode record) {
        String problem = check(record);
        if (problem != null) {
            return invalid(line, record, problem);
        }
        return run(line, (ObjectNode) record);
    }

    private static RecordResult invalid(int line, JsonNode record, String problem) {
        RecordResult r = new RecordResult(line, record != null && record.isObject() && record.has("id") ? record.get("id") : null, null);
        r.status = RecordResult.Status.INVALID;
        r.error = new RecordResult.Failure(null, null, null, null, problem, null);
        return r;
    }

    /** Why a parsed line is not a usable record, or null. */
    private String check(JsonNode record) {
        if (!record.isObject()) {
            return "a record must be a JSON object, got " + Json.abbreviate(Json.write(record), 80);
        }
        JsonNode response = record.get("response");
        if (response != null && !response.isNull() && !response.isTextual()) {
            return "\"response\" must be a string";
        }
        if (response == null || response.isNull()) {
            if (provider == null) {
                return "no \"response\", and the pipeline has no provider to generate one";
            }
            JsonNode prompt = record.get("prompt");
            if (prompt == null || !prompt.isTextual()) {
                return "no \"response\", and no string \"prompt\" to generate one from";
            }
        }
        return null;
    }

    /**
     * The record's stages. The record is parsed once (by the caller); every stage input is written straight to bytes
     * from it and from earlier outputs, and a transform's output goes to the next transform as the bytes the plugin
     * wrote: the host reads it token by token for its contract ("text" a string) and copies its fields into the
     * filters' input, without a JSON tree. Only outputs the result keeps (the provider's, evaluators', filters') are
     * parsed into trees.
     */
    private RecordResult run(int line, ObjectNode record) {
        long start = System.nanoTime();
        RecordResult res = new RecordResult(line, record.has("id") ? record.get("id") : null, record);
        if (record.has("category")) {
            res.category = record.get("category");
        }
        for (String f : carried) {
            if (record.has(f)) {
                res.fields.put(f, record.get(f));
            }
        }
        JsonNode idNode = record.get("id");
        Context context = context(line, idNode == null || idNode.isNull() ? null : idNode.isTextual() ? idNode.asText() : Json.write(idNode));
        if (!filters.isEmpty()) {
            res.filters = new java.util.LinkedHashMap<>();
        }
        try {
            JsonNode resp = record.get("response");
            String response;
            if (resp != null && resp.isTextual()) {
                response = resp.asText();
                res.responseSource = "record";
            } else {
                byte[] in = JsonBytes.write(g -> {
                    g.writeStartObject();
                    g.writeFieldName("prompt");
                    JsonBytes.writeTree(g, record.get("prompt"));
                    if (provider.spec().input() != null) {
                        for (var f : provider.spec().input().properties()) {
                            if (!f.getKey().equals("prompt")) {
                                g.writeFieldName(f.getKey());
                                JsonBytes.writeTree(g, f.getValue());
                            }
                        }
                    }
                    g.writeEndObject();
                });
                JsonNode out = JsonBytes.tree(exec(provider, in, context, res));
                JsonNode text = out.get("text");
                if (text == null || !text.isTextual()) {
                    throw contract(provider, "provider output has no string \"text\"", out, res);
                }
                response = text.asText();
                res.responseSource = "provider";
                res.providerOutput = out;
            }
            // what the transforms (and then the filters) get: the record with its response as "text"
            byte[] current = JsonBytes.write(g -> {
                g.writeStartObject();
                g.writeStringField("text", response);
                for (var f : record.properties()) {
                    if (!f.getKey().equals("response") && !f.getKey().equals("text")) {
                        g.writeFieldName(f.getKey());
                        JsonBytes.writeTree(g, f.getValue());
                    }
                }
                g.writeEndObject();
            });
            String text = response;
            for (LoadedStage t : transforms) {
                byte[] out = exec(t, current, context, res);
                JsonBytes.Fields fields = JsonBytes.topLevel(out);
                if (fields == null || fields.text() == null) {
                    throw contract(t, "transform output must be an object with a string \"text\"", JsonBytes.tree(out), res);
                }
                // a key given twice: the JSON tree the host used to build kept the last value; normalise the same way
                current = fields.duplicateKeys() ? JsonBytes.write(g -> JsonBytes.writeTree(g, JsonBytes.tree(out))) : out;
                text = fields.text();
            }
            res.text = text;
            String judged = text;
            Map<String, Double> scores = res.scores;
            for (LoadedStage e : evaluators) {
                byte[] in = JsonBytes.write(g -> {
                    g.writeStartObject();
                    g.writeStringField("text", judged);
                    if (record.hasNonNull("expected")) {
                        g.writeFieldName("expected");
                        JsonBytes.writeTree(g, record.get("expected"));
                    }
                    if (record.hasNonNull("prompt")) {
                        g.writeFieldName("prompt");
                        JsonBytes.writeTree(g, record.get("prompt"));
                    }
                    g.writeEndObject();
                });
                JsonNode out = JsonBytes.tree(exec(e, in, context, res));
                JsonNode score = out.get("score");
                if (!out.isObject() || score == null || !score.isNumber() || !Double.isFinite(score.asDouble())
                        || score.asDouble() < 0 || score.asDouble() > 1) {
                    throw contract(e, "evaluator output must be an object with a number \"score\" in [0, 1]", out, res);
                }
                JsonNode p = out.get("passed");
                if (p != null && !p.isNull() && !p.isBoolean()) {
                    throw contract(e, "evaluator output's \"passed\" must be a boolean", out, res);
                }
                res.scores.put(e.name(), score.asDouble());
                res.passed.put(e.name(), p != null && p.isBoolean() ? p.asBoolean() : null);
                res.evaluations.put(e.name(), out);
            }
            boolean keep = true;
            byte[] carriedFields = current;
            for (LoadedStage f : filters) {
                byte[] in = JsonBytes.write(g -> {
                    g.writeStartObject();
                    g.writeStringField("text", judged);
                    g.writeObjectFieldStart("scores");
                    if (f.spec().scores() == null) {
                        for (var sc : scores.entrySet()) {
                            g.writeNumberField(sc.getKey(), sc.getValue());
                        }
                    } else {
                        for (String name : f.spec().scores()) {
                            Double v = scores.get(name);
                            if (v == null) {
                                g.writeNullField(name);
                            } else {
                                g.writeNumberField(name, v);
                            }
                        }
                    }
                    g.writeEndObject();
                    JsonBytes.copyFieldsExcept(carriedFields, g, "text", "scores");
                    g.writeEndObject();
                });
                JsonNode out = JsonBytes.tree(exec(f, in, context, res));
                JsonNode k = out.get("keep");
                if (!out.isObject() || k == null || !k.isBoolean()) {
                    throw contract(f, "filter output must be an object with a boolean \"keep\"", out, res);
                }
                res.filters.put(f.name(), out);
                keep &= k.asBoolean();
            }
            res.status = keep ? RecordResult.Status.KEPT : RecordResult.Status.FILTERED;
        } catch (StageFailure f) {
            res.status = RecordResult.Status.FAILED;
            res.error = new RecordResult.Failure(f.stage.spec().kind().jsonName(), f.stage.spec().where(), f.stage.name(),
                    f.kind.name(), f.getMessage(), f.code);
        }
        res.elapsedMs = Math.round((System.nanoTime() - start) / 1e4) / 100.0;
        return res;
    }

    /**
     * What every stage of one record gets through {@code host_get_context}, besides its own stage and plugin: the
     * middle of its context object ({@code ,"record_id":...,"line":...}), written once per record; each stage's
     * context is {@link #contextHead}, this, and the stage's tail.
     */
    record Context(byte[] middle) {}

    Context context(int line, String recordId) {
        byte[] fields = JsonBytes.write(g -> {
            g.writeStartObject();
            if (recordId != null) {
                g.writeStringField("record_id", recordId);
            }
            g.writeNumberField("line", line);
            g.writeEndObject();
        });
        fields[0] = ',';
        return new Context(Arrays.copyOf(fields, fields.length - 1));
    }

    /** The stage's {@code host_get_context} object for the record: {"pipeline", "record_id", "line", "stage", "plugin"}. */
    byte[] contextBytes(LoadedStage stage, Context context) {
        byte[] tail = contextTails.get(stage.spec().where());
        byte[] ctx = Arrays.copyOf(contextHead, contextHead.length + context.middle().length + tail.length);
        System.arraycopy(context.middle(), 0, ctx, contextHead.length, context.middle().length);
        System.arraycopy(tail, 0, ctx, contextHead.length + context.middle().length, tail.length);
        return ctx;
    }

    private byte[] exec(LoadedStage stage, byte[] input, Context context, RecordResult res) throws StageFailure {
        String kind = stage.spec().kind().jsonName();
        byte[] ctx = contextBytes(stage, context);
        long start = System.nanoTime();
        try {
            PluginBytesOutput out = system.executePluginBytes(stage.id(), input, ctx);
            res.stages.add(new RecordResult.StageRun(stage.spec().where(), kind, stage.name(),
                    RecordResult.millis(System.nanoTime() - start), out.metadata().fuelUsed(), true));
            return out.data();
        } catch (PluginException e) {
            long fuel = e instanceof PluginExecutionException pe ? pe.fuelUsed() : 0;
            res.stages.add(new RecordResult.StageRun(stage.spec().where(), kind, stage.name(),
                    RecordResult.millis(System.nanoTime() - start), fuel, false));
            throw new StageFailure(stage, e.kind(), e.getMessage(), resultCode(e));
        }
    }

    /** The plugin's result code, or null when the failure is not a result code (a trap, a limit, a load failure). */
    public static Integer resultCode(PluginException e) {
        if (e instanceof PluginExecutionException pe && pe.resultCode() != 0) {
            return pe.resultCode();
        }
        return null;
    }

    /** A stage whose output broke its contract: the call succeeded, but it fails the record. */
    private static StageFailure contract(LoadedStage stage, String what, JsonNode out, RecordResult res) {
        int last = res.stages.size() - 1;
        RecordResult.StageRun run = res.stages.get(last);
        res.stages.set(last, new RecordResult.StageRun(run.where(), run.stage(), run.plugin(), run.timeMs(), run.fuel(), false));
        String shown = Json.abbreviate(Json.write(out), 200);
        return new StageFailure(stage, ErrorKind.INVALID_OUTPUT, "Plugin '" + stage.name() + "' broke the "
                + stage.spec().kind().jsonName() + " contract: " + what + "; got " + shown, null);
    }
}
