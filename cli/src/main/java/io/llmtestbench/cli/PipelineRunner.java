package io.llmtestbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbench.runtime.ErrorKind;
import io.llmtestbench.runtime.LoadOptions;
import io.llmtestbench.runtime.PluginException;
import io.llmtestbench.runtime.PluginId;
import io.llmtestbench.runtime.PluginInput;
import io.llmtestbench.runtime.PluginLoadException;
import io.llmtestbench.runtime.PluginMetadata;
import io.llmtestbench.runtime.PluginOutput;
import io.llmtestbench.runtime.PluginSystem;
import io.llmtestbench.runtime.PluginType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Loads a pipeline's plugins into a {@link PluginSystem} and runs one record through them. Thread-safe. */
final class PipelineRunner {
    /** A loaded stage. */
    record Loaded(Pipeline.Stage spec, PluginId id, String name, PluginMetadata metadata) {}

    /** A pipeline plugin that could not be loaded. */
    static final class LoadFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final PluginException cause;

        LoadFailure(String message, PluginException cause) {
            super(message, cause);
            this.cause = cause;
        }
    }

    /** A stage that failed on one record. */
    private static final class StageFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final Loaded stage;
        final ErrorKind kind;
        final Integer code;

        StageFailure(Loaded stage, ErrorKind kind, String message, Integer code) {
            super(message, null, false, false);
            this.stage = stage;
            this.kind = kind;
            this.code = code;
        }
    }

    private final PluginSystem system;
    private final Pipeline pipeline;
    private Loaded provider;
    private final List<Loaded> transforms = new ArrayList<>();
    private final List<Loaded> evaluators = new ArrayList<>();
    private final List<Loaded> filters = new ArrayList<>();

    PipelineRunner(PluginSystem system, Pipeline pipeline) {
        this.system = system;
        this.pipeline = pipeline;
    }

    List<String> evaluatorNames() {
        return evaluators.stream().map(Loaded::name).toList();
    }

    List<Loaded> stages() {
        return Pipeline.inOrder(provider, transforms, evaluators, filters);
    }

    boolean hasProvider() {
        return pipeline.provider() != null;
    }

    /**
     * Loads every stage, several at a time (loading a plugin jar is mostly reading and verifying it); when some
     * fail, the first in pipeline order is reported (naming the stage). One loader per processor: loading is
     * CPU-bound (and the JIT competes for the same cores), so for the example's 4 plugins on 2 cores, 4 loaders
     * were no faster than 2 (about 515 ms), and 2 saved about 10% over 1 (cli/README.md, "Load time").
     */
    void load(boolean requireMetering, Warnings warnings) throws LoadFailure, Pipeline.Invalid {
        List<Pipeline.Stage> specs = pipeline.stages();
        List<CompletableFuture<Loaded>> futures = new ArrayList<>();
        int parallel = Math.max(1, Math.min(specs.size(), Runtime.getRuntime().availableProcessors()));
        ExecutorService loaders = Executors.newFixedThreadPool(parallel, r -> {
            Thread t = new Thread(r, "llmtb-load");
            t.setDaemon(true);
            return t;
        });
        try {
            for (Pipeline.Stage s : specs) {
                futures.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return load(s, requireMetering, warnings);
                    } catch (LoadFailure e) {
                        throw new CompletionException(e);
                    }
                }, loaders));
            }
            List<Loaded> loaded = new ArrayList<>();
            for (CompletableFuture<Loaded> f : futures) {
                try {
                    loaded.add(f.join());
                } catch (CompletionException e) {
                    if (e.getCause() instanceof LoadFailure lf) {
                        throw lf;
                    }
                    throw e.getCause() instanceof RuntimeException re ? re : e;
                }
            }
            int i = 0;
            if (pipeline.provider() != null) {
                provider = loaded.get(i++);
            }
            for (int k = 0; k < pipeline.transforms().size(); k++) {
                transforms.add(loaded.get(i++));
            }
            for (int k = 0; k < pipeline.evaluators().size(); k++) {
                evaluators.add(loaded.get(i++));
            }
            for (int k = 0; k < pipeline.filters().size(); k++) {
                filters.add(loaded.get(i++));
            }
        } finally {
            loaders.shutdown();
        }
        Set<String> names = new HashSet<>();
        for (Loaded e : evaluators) {
            if (!names.add(e.name())) {
                throw new Pipeline.Invalid("pipeline " + pipeline.file() + ": two evaluators are named '" + e.name()
                        + "' (scores are keyed by evaluator name); give one a \"name\"");
            }
        }
    }

    private Loaded load(Pipeline.Stage s, boolean requireMetering, Warnings warnings) throws LoadFailure {
        String at = "pipeline " + pipeline.file() + ": " + s.where();
        if (s.path() == null) {
            var e = new PluginLoadException(PluginLoadException.Reason.NOT_FOUND, s.pluginSpec(), s.pathError(), null);
            throw new LoadFailure(at + ": " + e.getMessage(), e);
        }
        LoadOptions options = LoadOptions.defaults().withConfig(s.config()).withLimits(s.limits())
                .withPermissions(s.permissions()).withRandomSeed(s.randomSeed()).withRequireMetering(requireMetering);
        PluginId id;
        try {
            id = system.loadPlugin(s.path(), s.id(), options);
        } catch (PluginException e) {
            throw new LoadFailure(at + ": " + Errors.message(e, "\"id\""), e);
        }
        PluginMetadata m = system.getMetadata(id);
        PluginType expected = PluginType.fromJson(s.kind());
        if (m.pluginType() != expected) {
            warnings.warn(at + ": plugin '" + m.name() + "' declares plugin_type " + m.pluginType().jsonName()
                    + ", used here as a " + s.kind());
        }
        String name = s.name() != null ? s.name() : m.name();
        return new Loaded(s, id, name, m);
    }

    /**
     * Runs one record through the pipeline. Never throws for plugin failures: they are reported in the result.
     *
     * @param line the record's line number in the data file (1-based)
     */
    ObjectNode process(int line, ObjectNode record) {
        long start = System.nanoTime();
        ObjectNode res = Json.object();
        res.put("line", line);
        res.set("id", record.has("id") ? record.get("id") : null);
        if (record.has("category")) {
            res.set("category", record.get("category"));
        }
        res.put("status", "failed");
        ObjectNode context = Json.object();
        context.put("pipeline", pipeline.name());
        if (record.hasNonNull("id")) {
            context.put("record_id", record.get("id").isTextual() ? record.get("id").asText() : Json.write(record.get("id")));
        }
        context.put("line", line);
        ObjectNode scores = Json.object();
        ObjectNode passed = Json.object();
        ObjectNode evaluations = Json.object();
        ObjectNode filterResults = Json.object();
        try {
            JsonNode resp = record.get("response");
            String response;
            if (resp != null && resp.isTextual()) {
                response = resp.asText();
                res.put("response_source", "record");
            } else {
                ObjectNode in = Json.object();
                in.set("prompt", record.get("prompt"));
                if (provider.spec().input() != null) {
                    provider.spec().input().properties().forEach(f -> {
                        if (!f.getKey().equals("prompt")) {
                            in.set(f.getKey(), f.getValue());
                        }
                    });
                }
                JsonNode out = exec(provider, in, context);
                JsonNode text = out.get("text");
                if (text == null || !text.isTextual()) {
                    throw contract(provider, "provider output has no string \"text\"", out);
                }
                response = text.asText();
                res.put("response_source", "provider");
                res.set("provider_output", out);
            }
            ObjectNode cur = Json.object();
            cur.put("text", response);
            record.properties().forEach(f -> {
                if (!f.getKey().equals("response") && !f.getKey().equals("text")) {
                    cur.set(f.getKey(), f.getValue());
                }
            });
            ObjectNode current = cur;
            for (Loaded t : transforms) {
                JsonNode out = exec(t, current, context);
                if (!out.isObject() || !out.path("text").isTextual()) {
                    throw contract(t, "transform output must be an object with a string \"text\"", out);
                }
                current = (ObjectNode) out;
            }
            String text = current.get("text").asText();
            res.put("text", text);
            for (Loaded e : evaluators) {
                ObjectNode in = Json.object();
                in.put("text", text);
                if (record.hasNonNull("expected")) {
                    in.set("expected", record.get("expected"));
                }
                if (record.hasNonNull("prompt")) {
                    in.set("prompt", record.get("prompt"));
                }
                JsonNode out = exec(e, in, context);
                JsonNode score = out.get("score");
                if (!out.isObject() || score == null || !score.isNumber() || !Double.isFinite(score.asDouble())
                        || score.asDouble() < 0 || score.asDouble() > 1) {
                    throw contract(e, "evaluator output must be an object with a number \"score\" in [0, 1]", out);
                }
                JsonNode p = out.get("passed");
                if (p != null && !p.isNull() && !p.isBoolean()) {
                    throw contract(e, "evaluator output's \"passed\" must be a boolean", out);
                }
                scores.put(e.name(), score.asDouble());
                if (p != null && p.isBoolean()) {
                    passed.put(e.name(), p.asBoolean());
                } else {
                    passed.putNull(e.name());
                }
                evaluations.set(e.name(), out);
            }
            boolean keep = true;
            for (Loaded f : filters) {
                ObjectNode in = Json.object();
                in.put("text", text);
                in.set("scores", scores.deepCopy());
                Iterator<Map.Entry<String, JsonNode>> it = current.properties().iterator();
                while (it.hasNext()) {
                    var field = it.next();
                    if (!field.getKey().equals("text") && !field.getKey().equals("scores")) {
                        in.set(field.getKey(), field.getValue());
                    }
                }
                JsonNode out = exec(f, in, context);
                JsonNode k = out.get("keep");
                if (!out.isObject() || k == null || !k.isBoolean()) {
                    throw contract(f, "filter output must be an object with a boolean \"keep\"", out);
                }
                filterResults.set(f.name(), out);
                keep &= k.asBoolean();
            }
            res.put("status", keep ? "kept" : "filtered");
            res.put("kept", keep);
        } catch (StageFailure f) {
            ObjectNode err = Json.object();
            err.put("stage", f.stage.spec().kind());
            err.put("plugin", f.stage.name());
            err.put("kind", f.kind.name());
            err.put("message", f.getMessage());
            if (f.code == null) {
                err.putNull("code");
            } else {
                err.put("code", f.code);
            }
            res.set("error", err);
        }
        res.set("scores", scores);
        res.set("passed", passed);
        res.set("evaluations", evaluations);
        if (!filters.isEmpty()) {
            res.set("filters", filterResults);
        }
        res.put("elapsed_ms", Math.round((System.nanoTime() - start) / 1e4) / 100.0);
        return res;
    }

    private JsonNode exec(Loaded stage, ObjectNode input, ObjectNode context) throws StageFailure {
        ObjectNode ctx = context.deepCopy();
        ctx.put("stage", stage.spec().kind());
        ctx.put("plugin", stage.name());
        try {
            PluginOutput out = system.executePlugin(stage.id(), new PluginInput(input, ctx));
            return out.data();
        } catch (PluginException e) {
            throw new StageFailure(stage, e.kind(), e.getMessage(), Errors.code(e));
        }
    }

    private static StageFailure contract(Loaded stage, String what, JsonNode out) {
        String shown = Json.write(out);
        if (shown.length() > 200) {
            shown = shown.substring(0, 197) + "...";
        }
        return new StageFailure(stage, ErrorKind.INVALID_OUTPUT,
                "Plugin '" + stage.name() + "' broke the " + stage.spec().kind() + " contract: " + what + "; got " + shown, null);
    }
}
