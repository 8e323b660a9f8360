package io.llmtestbench.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbench.pipeline.internal.Json;
import io.llmtestbench.pipeline.internal.KeyFiles;
import io.llmtestbench.pipeline.internal.Permissions;
import io.llmtestbench.pipeline.internal.PluginPaths;
import io.llmtestbench.runtime.PluginPermissions;
import io.llmtestbench.runtime.PluginType;
import io.llmtestbench.runtime.ResourceLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * An evaluation pipeline, as read from its JSON file (format documented in cli/README.md, "Pipeline file"):
 *
 * <pre>
 * {
 *   "name": "example",
 *   "defaults":   {"limits": {...}, "permissions": {...}, "trusted_keys": ["key.pub"], "require_signature": false},
 *   "provider":   {stage},            used only for records without a "response"
 *   "transforms": [{stage}, ...],     in order, on {"text": response, ...record fields}
 *   "evaluators": [{stage}, ...],     each on {"text", "expected", "prompt"}
 *   "filters":    [{stage}, ...]      each on {"text", "scores", ...}; a record is kept when all keep it
 * }
 * stage = {"plugin": "path (.wasm or plugin jar; a glob in the file name)", "id": "plugin id in a jar",
 *          "name": "...", "config": {...}, "limits": {...}, "permissions": {...}, "random_seed": N,
 *          "input": {...} (provider only: extra input fields, e.g. model, max_tokens),
 *          "scores": ["evaluator name", ...] (filter only: the scores it gets; all by default)}
 * </pre>
 *
 * Relative paths (plugins, allowed directories and trusted keys) are resolved against the pipeline file's directory.
 * Signatures are checked for the whole pipeline (one {@link io.llmtestbench.runtime.SignaturePolicy} per system), so
 * {@code trusted_keys} and {@code require_signature} exist in {@code defaults} only.
 */
public record Pipeline(Path file, String name, Stage provider, List<Stage> transforms, List<Stage> evaluators,
        List<Stage> filters, List<PublicKey> trustedKeys, boolean requireSignature) {

    /**
     * One plugin of the pipeline.
     *
     * @param kind what the stage does (its input and output contract)
     * @param where the stage's place in the pipeline file: {@code provider}, {@code transforms[0]},
     *     {@code evaluators[1]}, {@code filters[0]}; unique within a pipeline
     * @param name the stage's {@code "name"}, or null for the plugin's metadata name
     * @param path the resolved plugin file; null when {@code pathError} says why it could not be resolved
     * @param input provider only: extra input fields; else null
     * @param scores filter only: the evaluators whose scores the filter gets (each must name an evaluator of the
     *     pipeline); null for every score
     */
    public record Stage(PluginType kind, String where, String name, String pluginSpec, Path path, String pathError, String id,
            ObjectNode config, ResourceLimits limits, PluginPermissions permissions, Long randomSeed, ObjectNode input,
            List<String> scores) {
        public Stage {
            scores = scores == null ? null : List.copyOf(scores);
        }
    }

    public Pipeline {
        transforms = List.copyOf(transforms);
        evaluators = List.copyOf(evaluators);
        filters = List.copyOf(filters);
        trustedKeys = List.copyOf(trustedKeys);
    }

    /** Every stage, in execution order. */
    public List<Stage> stages() {
        return inOrder(provider, transforms, evaluators, filters);
    }

    /**
     * This pipeline with each stage's plugin read from another file: {@code file} gives a stage's new file (for
     * example the copy of its plugin that a cluster shipped to this machine), or null to keep the stage as it is.
     * Everything else (config, limits, permissions, names, signature policy) is unchanged.
     */
    public Pipeline withPluginFiles(java.util.function.Function<Stage, Path> file) {
        java.util.function.UnaryOperator<Stage> move = s -> {
            if (s == null) {
                return null;
            }
            Path f = file.apply(s);
            return f == null ? s : new Stage(s.kind(), s.where(), s.name(), s.pluginSpec(), f, null, s.id(), s.config(), s.limits(),
                    s.permissions(), s.randomSeed(), s.input(), s.scores());
        };
        return new Pipeline(this.file, name, move.apply(provider), transforms.stream().map(move).toList(),
                evaluators.stream().map(move).toList(), filters.stream().map(move).toList(), trustedKeys, requireSignature);
    }

    /** The stages of a pipeline in execution order: provider (if any), transforms, evaluators, filters. */
    static <T> List<T> inOrder(T provider, List<T> transforms, List<T> evaluators, List<T> filters) {
        List<T> all = new ArrayList<>();
        if (provider != null) {
            all.add(provider);
        }
        all.addAll(transforms);
        all.addAll(evaluators);
        all.addAll(filters);
        return all;
    }

    private static final Set<String> TOP = Set.of("name", "description", "defaults", "provider", "transforms", "evaluators", "filters");
    private static final Set<String> STAGE = Set.of("plugin", "id", "name", "config", "limits", "permissions", "random_seed", "input",
            "scores", "description");
    private static final Set<String> DEFAULTS = Set.of("limits", "permissions", "trusted_keys", "require_signature");
    private static final Set<String> LIMITS = Set.of("max_instructions", "timeout_ms", "max_execution_time_ms", "max_memory_bytes",
            "max_call_depth", "max_output_bytes", "max_http_response_bytes", "max_table_elements");
    private static final Set<String> PERMISSIONS = Set.of("allow_dirs", "allow_env", "allow_hosts");

    /**
     * Reads a pipeline file. Relative paths in it are resolved against its directory.
     *
     * @param warnings receives advice that does not make the pipeline invalid (e.g. an {@code allow_env} variable
     *     that is not set)
     */
    public static Pipeline read(Path file, Consumer<String> warnings) throws InvalidPipelineException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new InvalidPipelineException("pipeline file not found: " + file);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new InvalidPipelineException("cannot read pipeline file " + file + ": " + e.getMessage());
        }
        JsonNode root;
        try {
            root = Json.parse("pipeline " + file, text);
        } catch (Json.BadJson e) {
            throw new InvalidPipelineException(e.getMessage());
        }
        Path base = file.toAbsolutePath().getParent();
        return parse(file, root, base, warnings);
    }

    /**
     * Reads a pipeline from its JSON.
     *
     * @param file names the pipeline in messages (and gives its default name)
     * @param base the directory relative paths are resolved against (null: the working directory)
     */
    public static Pipeline parse(Path file, JsonNode root, Path base, Consumer<String> warnings) throws InvalidPipelineException {
        String at = "pipeline " + file;
        if (!root.isObject()) {
            throw new InvalidPipelineException(at + ": must be a JSON object");
        }
        keys(root, TOP, at);
        String name = optText(root, "name", at);
        if (name == null) {
            String f = file.getFileName().toString();
            name = f.endsWith(".json") ? f.substring(0, f.length() - 5) : f;
        }
        JsonNode defaults = root.path("defaults");
        if (!defaults.isMissingNode() && !defaults.isObject()) {
            throw new InvalidPipelineException(at + ": \"defaults\" must be an object");
        }
        if (defaults.isObject()) {
            keys(defaults, DEFAULTS, at + ": defaults");
        }
        JsonNode defLimits = object(defaults, "limits", at + ": defaults");
        JsonNode defPerms = object(defaults, "permissions", at + ": defaults");
        if (defLimits != null) {
            keys(defLimits, LIMITS, at + ": defaults.limits");
        }
        if (defPerms != null) {
            keys(defPerms, PERMISSIONS, at + ": defaults.permissions");
        }
        List<PublicKey> keys = new ArrayList<>();
        for (String k : strings(defaults.isObject() ? defaults.get("trusted_keys") : null, at + ": defaults.trusted_keys")) {
            Path f = Path.of(k);
            if (!f.isAbsolute() && base != null) {
                f = base.resolve(f);
            }
            try {
                keys.add(KeyFiles.readPublic(f.normalize(), "defaults.trusted_keys"));
            } catch (KeyFiles.BadKey e) {
                throw new InvalidPipelineException(at + ": " + e.getMessage());
            }
        }
        boolean requireSignature = false;
        JsonNode rs = defaults.path("require_signature");
        if (!rs.isMissingNode() && !rs.isNull()) {
            if (!rs.isBoolean()) {
                throw new InvalidPipelineException(at + ": defaults.require_signature must be true or false, got " + rs);
            }
            requireSignature = rs.asBoolean();
        }
        Stage provider = null;
        JsonNode p = root.get("provider");
        if (p != null && !p.isNull()) {
            provider = stage(PluginType.PROVIDER, "provider", p, defLimits, defPerms, base, warnings, at);
        }
        List<Stage> transforms = list(root, "transforms", PluginType.TRANSFORM, defLimits, defPerms, base, warnings, at);
        List<Stage> evaluators = list(root, "evaluators", PluginType.EVALUATOR, defLimits, defPerms, base, warnings, at);
        List<Stage> filters = list(root, "filters", PluginType.FILTER, defLimits, defPerms, base, warnings, at);
        if (provider == null && transforms.isEmpty() && evaluators.isEmpty() && filters.isEmpty()) {
            throw new InvalidPipelineException(at + ": names no plugin (expected \"provider\", \"transforms\", \"evaluators\" or \"filters\")");
        }
        return new Pipeline(file, name, provider, transforms, evaluators, filters, List.copyOf(keys), requireSignature);
    }

    private static List<Stage> list(JsonNode root, String key, PluginType kind, JsonNode defLimits, JsonNode defPerms, Path base,
            Consumer<String> warnings, String at) throws InvalidPipelineException {
        JsonNode arr = root.get(key);
        List<Stage> out = new ArrayList<>();
        if (arr == null || arr.isNull()) {
            return out;
        }
        if (arr.isObject()) {
            out.add(stage(kind, key, arr, defLimits, defPerms, base, warnings, at));
            return out;
        }
        if (!arr.isArray()) {
            throw new InvalidPipelineException(at + ": \"" + key + "\" must be an array of stages");
        }
        for (int i = 0; i < arr.size(); i++) {
            out.add(stage(kind, key + "[" + i + "]", arr.get(i), defLimits, defPerms, base, warnings, at));
        }
        return out;
    }

    private static Stage stage(PluginType kind, String where, JsonNode s, JsonNode defLimits, JsonNode defPerms, Path base,
            Consumer<String> warnings, String file) throws InvalidPipelineException {
        String at = file + ": " + where;
        if (s.isTextual()) {
            // shorthand: just the plugin path
            var o = Json.object();
            o.put("plugin", s.asText());
            s = o;
        }
        if (!s.isObject()) {
            throw new InvalidPipelineException(at + ": must be an object with at least \"plugin\"");
        }
        keys(s, STAGE, at);
        String plugin = optText(s, "plugin", at);
        if (plugin == null || plugin.isBlank()) {
            throw new InvalidPipelineException(at + ": \"plugin\" (the path of a .wasm or plugin jar) is required");
        }
        Path path = null;
        String pathError = null;
        try {
            path = PluginPaths.resolve(plugin, base);
        } catch (PluginPaths.Unresolved e) {
            pathError = e.reason();
        }
        String id = optText(s, "id", at);
        String name = optText(s, "name", at);
        if (name != null && name.isBlank()) {
            throw new InvalidPipelineException(at + ": \"name\" must not be empty");
        }
        ObjectNode config = null;
        JsonNode c = s.get("config");
        if (c != null && !c.isNull()) {
            if (!c.isObject()) {
                throw new InvalidPipelineException(at + ": \"config\" must be an object");
            }
            config = (ObjectNode) c;
        }
        JsonNode lim = object(s, "limits", at);
        if (lim != null) {
            keys(lim, LIMITS, at + ".limits");
        }
        ResourceLimits limits = limits(defLimits, lim, at);
        JsonNode perm = object(s, "permissions", at);
        if (perm != null) {
            keys(perm, PERMISSIONS, at + ".permissions");
        }
        PluginPermissions permissions;
        try {
            permissions = Permissions.build(strings(perm, defPerms, "allow_dirs", at), strings(perm, defPerms, "allow_hosts", at),
                    strings(perm, defPerms, "allow_env", at), base, warnings, false);
        } catch (IllegalArgumentException e) {
            throw new InvalidPipelineException(at + ".permissions: " + e.getMessage());
        }
        Long seed = null;
        JsonNode rs = s.get("random_seed");
        if (rs != null && !rs.isNull()) {
            if (!rs.canConvertToLong() || !rs.isIntegralNumber()) {
                throw new InvalidPipelineException(at + ": \"random_seed\" must be an integer");
            }
            seed = rs.asLong();
        }
        ObjectNode input = null;
        JsonNode in = s.get("input");
        if (in != null && !in.isNull()) {
            if (kind != PluginType.PROVIDER) {
                throw new InvalidPipelineException(at + ": \"input\" is for the provider only");
            }
            if (!in.isObject()) {
                throw new InvalidPipelineException(at + ": \"input\" must be an object (extra provider input fields, e.g. {\"max_tokens\": 64})");
            }
            input = (ObjectNode) in;
        }
        List<String> scores = null;
        JsonNode sc = s.get("scores");
        if (sc != null && !sc.isNull()) {
            if (kind != PluginType.FILTER) {
                throw new InvalidPipelineException(at + ": \"scores\" is for filters only (the evaluator scores a filter gets)");
            }
            scores = strings(sc, at + ".scores");
            if (scores.isEmpty() || scores.stream().anyMatch(String::isBlank)) {
                throw new InvalidPipelineException(at + ".scores: must name at least one evaluator (leave it out to pass every score)");
            }
        }
        return new Stage(kind, where, name, plugin, path, pathError, id, config, limits, permissions, seed, input, scores);
    }

    private static ResourceLimits limits(JsonNode defaults, JsonNode own, String at) throws InvalidPipelineException {
        ResourceLimits.Builder b = ResourceLimits.builder();
        for (JsonNode src : new JsonNode[] {defaults, own}) {
            if (src == null) {
                continue;
            }
            String w = src == defaults ? "defaults.limits" : at + ".limits";
            Iterator<Map.Entry<String, JsonNode>> it = src.properties().iterator();
            while (it.hasNext()) {
                var e = it.next();
                JsonNode v = e.getValue();
                boolean zeroOk = e.getKey().equals("max_http_response_bytes") || e.getKey().equals("max_table_elements");
                if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < (zeroOk ? 0 : 1)) {
                    throw new InvalidPipelineException(w + "." + e.getKey() + ": must be a " + (zeroOk ? "non-negative" : "positive") + " integer, got " + v);
                }
                long n = v.asLong();
                switch (e.getKey()) {
                    case "max_instructions": b.maxInstructions(n); break;
                    case "timeout_ms": case "max_execution_time_ms": b.maxExecutionTimeMs(n); break;
                    case "max_memory_bytes": b.maxMemoryBytes(n); break;
                    case "max_call_depth": b.maxCallDepth(toInt(n, w + "." + e.getKey())); break;
                    case "max_output_bytes": b.maxOutputBytes(toInt(n, w + "." + e.getKey())); break;
                    case "max_http_response_bytes": b.maxHttpResponseBytes(toInt(n, w + "." + e.getKey())); break;
                    case "max_table_elements": b.maxTableElements(n); break;
                    default: throw new InvalidPipelineException(w + ": unknown limit \"" + e.getKey() + "\"");
                }
            }
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new InvalidPipelineException(at + ".limits: " + e.getMessage());
        }
    }

    private static int toInt(long n, String at) throws InvalidPipelineException {
        if (n > Integer.MAX_VALUE) {
            throw new InvalidPipelineException(at + ": too large (at most " + Integer.MAX_VALUE + ")");
        }
        return (int) n;
    }

    private static List<String> strings(JsonNode own, JsonNode defaults, String key, String at) throws InvalidPipelineException {
        JsonNode v = own != null && own.has(key) ? own.get(key) : defaults != null ? defaults.get(key) : null;
        return strings(v, at + ".permissions." + key);
    }

    /** A string or an array of strings (null: none). */
    private static List<String> strings(JsonNode v, String at) throws InvalidPipelineException {
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull() || v.isMissingNode()) {
            return out;
        }
        if (v.isTextual()) {
            out.add(v.asText());
            return out;
        }
        if (!v.isArray()) {
            throw new InvalidPipelineException(at + ": must be an array of strings");
        }
        for (JsonNode x : v) {
            if (!x.isTextual()) {
                throw new InvalidPipelineException(at + ": must be an array of strings");
            }
            out.add(x.asText());
        }
        return out;
    }

    private static JsonNode object(JsonNode parent, String key, String at) throws InvalidPipelineException {
        JsonNode v = parent.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw new InvalidPipelineException(at + ": \"" + key + "\" must be an object");
        }
        return v;
    }

    private static String optText(JsonNode o, String key, String at) throws InvalidPipelineException {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new InvalidPipelineException(at + ": \"" + key + "\" must be a string");
        }
        return v.asText();
    }

    private static void keys(JsonNode o, Set<String> allowed, String at) throws InvalidPipelineException {
        Iterator<String> it = o.fieldNames();
        while (it.hasNext()) {
            String k = it.next();
            if (!allowed.contains(k) && !k.startsWith("_") && !k.startsWith("$")) {
                throw new InvalidPipelineException(at + ": unknown key \"" + k + "\" (expected one of " + new java.util.TreeSet<>(allowed) + ")");
            }
        }
    }
}
