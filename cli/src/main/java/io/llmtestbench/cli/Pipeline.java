package io.llmtestbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbench.runtime.PluginPermissions;
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

/**
 * An evaluation pipeline, as read from its JSON file (format documented in cli/README.md):
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
 *          "input": {...} (provider only: extra input fields, e.g. model, max_tokens)}
 * </pre>
 *
 * Relative paths (plugins, allowed directories and trusted keys) are resolved against the pipeline file's directory.
 * Signatures are checked for the whole pipeline (one {@link io.llmtestbench.runtime.SignaturePolicy} per system), so
 * {@code trusted_keys} and {@code require_signature} exist in {@code defaults} only.
 */
record Pipeline(Path file, String name, Stage provider, List<Stage> transforms, List<Stage> evaluators, List<Stage> filters,
        List<PublicKey> trustedKeys, boolean requireSignature) {

    /** One plugin of the pipeline. {@code path} is null when {@code pathError} says why it could not be resolved. */
    record Stage(String kind, String where, String name, String pluginSpec, Path path, String pathError, String id,
            ObjectNode config, ResourceLimits limits, PluginPermissions permissions, Long randomSeed, ObjectNode input) {}

    /** A pipeline file that cannot be used; the message says where and why (a usage error). */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    List<Stage> stages() {
        return inOrder(provider, transforms, evaluators, filters);
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
            "description");
    private static final Set<String> DEFAULTS = Set.of("limits", "permissions", "trusted_keys", "require_signature");
    private static final Set<String> LIMITS = Set.of("max_instructions", "timeout_ms", "max_execution_time_ms", "max_memory_bytes",
            "max_call_depth", "max_output_bytes", "max_http_response_bytes");
    private static final Set<String> PERMISSIONS = Set.of("allow_dirs", "allow_env", "allow_hosts");

    static Pipeline read(Path file, Warnings warnings) throws Invalid {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new Invalid("pipeline file not found: " + file);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new Invalid("cannot read pipeline file " + file + ": " + e.getMessage());
        }
        JsonNode root;
        try {
            root = Json.parse("pipeline " + file, text);
        } catch (Json.BadJson e) {
            throw new Invalid(e.getMessage());
        }
        Path base = file.toAbsolutePath().getParent();
        return parse(file, root, base, warnings);
    }

    static Pipeline parse(Path file, JsonNode root, Path base, Warnings warnings) throws Invalid {
        String at = "pipeline " + file;
        if (!root.isObject()) {
            throw new Invalid(at + ": must be a JSON object");
        }
        keys(root, TOP, at);
        String name = optText(root, "name", at);
        if (name == null) {
            String f = file.getFileName().toString();
            name = f.endsWith(".json") ? f.substring(0, f.length() - 5) : f;
        }
        JsonNode defaults = root.path("defaults");
        if (!defaults.isMissingNode() && !defaults.isObject()) {
            throw new Invalid(at + ": \"defaults\" must be an object");
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
                keys.add(Keys.readPublic(f.normalize(), "defaults.trusted_keys"));
            } catch (Keys.BadKey e) {
                throw new Invalid(at + ": " + e.getMessage());
            }
        }
        boolean requireSignature = false;
        JsonNode rs = defaults.path("require_signature");
        if (!rs.isMissingNode() && !rs.isNull()) {
            if (!rs.isBoolean()) {
                throw new Invalid(at + ": defaults.require_signature must be true or false, got " + rs);
            }
            requireSignature = rs.asBoolean();
        }
        Stage provider = null;
        JsonNode p = root.get("provider");
        if (p != null && !p.isNull()) {
            provider = stage("provider", "provider", p, defLimits, defPerms, base, warnings, at);
        }
        List<Stage> transforms = list(root, "transforms", "transform", defLimits, defPerms, base, warnings, at);
        List<Stage> evaluators = list(root, "evaluators", "evaluator", defLimits, defPerms, base, warnings, at);
        List<Stage> filters = list(root, "filters", "filter", defLimits, defPerms, base, warnings, at);
        if (provider == null && transforms.isEmpty() && evaluators.isEmpty() && filters.isEmpty()) {
            throw new Invalid(at + ": names no plugin (expected \"provider\", \"transforms\", \"evaluators\" or \"filters\")");
        }
        return new Pipeline(file, name, provider, transforms, evaluators, filters, List.copyOf(keys), requireSignature);
    }

    private static List<Stage> list(JsonNode root, String key, String kind, JsonNode defLimits, JsonNode defPerms, Path base,
            Warnings warnings, String at) throws Invalid {
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
            throw new Invalid(at + ": \"" + key + "\" must be an array of stages");
        }
        for (int i = 0; i < arr.size(); i++) {
            out.add(stage(kind, key + "[" + i + "]", arr.get(i), defLimits, defPerms, base, warnings, at));
        }
        return out;
    }

    private static Stage stage(String kind, String where, JsonNode s, JsonNode defLimits, JsonNode defPerms, Path base,
            Warnings warnings, String file) throws Invalid {
        String at = file + ": " + where;
        if (s.isTextual()) {
            // shorthand: just the plugin path
            var o = Json.object();
            o.put("plugin", s.asText());
            s = o;
        }
        if (!s.isObject()) {
            throw new Invalid(at + ": must be an object with at least \"plugin\"");
        }
        keys(s, STAGE, at);
        String plugin = optText(s, "plugin", at);
        if (plugin == null || plugin.isBlank()) {
            throw new Invalid(at + ": \"plugin\" (the path of a .wasm or plugin jar) is required");
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
            throw new Invalid(at + ": \"name\" must not be empty");
        }
        ObjectNode config = null;
        JsonNode c = s.get("config");
        if (c != null && !c.isNull()) {
            if (!c.isObject()) {
                throw new Invalid(at + ": \"config\" must be an object");
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
            throw new Invalid(at + ".permissions: " + e.getMessage());
        }
        Long seed = null;
        JsonNode rs = s.get("random_seed");
        if (rs != null && !rs.isNull()) {
            if (!rs.canConvertToLong() || !rs.isIntegralNumber()) {
                throw new Invalid(at + ": \"random_seed\" must be an integer");
            }
            seed = rs.asLong();
        }
        ObjectNode input = null;
        JsonNode in = s.get("input");
        if (in != null && !in.isNull()) {
            if (!kind.equals("provider")) {
                throw new Invalid(at + ": \"input\" is for the provider only");
            }
            if (!in.isObject()) {
                throw new Invalid(at + ": \"input\" must be an object (extra provider input fields, e.g. {\"max_tokens\": 64})");
            }
            input = (ObjectNode) in;
        }
        return new Stage(kind, where, name, plugin, path, pathError, id, config, limits, permissions, seed, input);
    }

    private static ResourceLimits limits(JsonNode defaults, JsonNode own, String at) throws Invalid {
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
                boolean zeroOk = e.getKey().equals("max_http_response_bytes");
                if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < (zeroOk ? 0 : 1)) {
                    throw new Invalid(w + "." + e.getKey() + ": must be a " + (zeroOk ? "non-negative" : "positive") + " integer, got " + v);
                }
                long n = v.asLong();
                switch (e.getKey()) {
                    case "max_instructions": b.maxInstructions(n); break;
                    case "timeout_ms": case "max_execution_time_ms": b.maxExecutionTimeMs(n); break;
                    case "max_memory_bytes": b.maxMemoryBytes(n); break;
                    case "max_call_depth": b.maxCallDepth(toInt(n, w + "." + e.getKey())); break;
                    case "max_output_bytes": b.maxOutputBytes(toInt(n, w + "." + e.getKey())); break;
                    case "max_http_response_bytes": b.maxHttpResponseBytes(toInt(n, w + "." + e.getKey())); break;
                    default: throw new Invalid(w + ": unknown limit \"" + e.getKey() + "\"");
                }
            }
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new Invalid(at + ".limits: " + e.getMessage());
        }
    }

    private static int toInt(long n, String at) throws Invalid {
        if (n > Integer.MAX_VALUE) {
            throw new Invalid(at + ": too large (at most " + Integer.MAX_VALUE + ")");
        }
        return (int) n;
    }

    private static List<String> strings(JsonNode own, JsonNode defaults, String key, String at) throws Invalid {
        JsonNode v = own != null && own.has(key) ? own.get(key) : defaults != null ? defaults.get(key) : null;
        return strings(v, at + ".permissions." + key);
    }

    /** A string or an array of strings (null: none). */
    private static List<String> strings(JsonNode v, String at) throws Invalid {
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull() || v.isMissingNode()) {
            return out;
        }
        if (v.isTextual()) {
            out.add(v.asText());
            return out;
        }
        if (!v.isArray()) {
            throw new Invalid(at + ": must be an array of strings");
        }
        for (JsonNode x : v) {
            if (!x.isTextual()) {
                throw new Invalid(at + ": must be an array of strings");
            }
            out.add(x.asText());
        }
        return out;
    }

    private static JsonNode object(JsonNode parent, String key, String at) throws Invalid {
        JsonNode v = parent.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw new Invalid(at + ": \"" + key + "\" must be an object");
        }
        return v;
    }

    private static String optText(JsonNode o, String key, String at) throws Invalid {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new Invalid(at + ": \"" + key + "\" must be a string");
        }
        return v.asText();
    }

    private static void keys(JsonNode o, Set<String> allowed, String at) throws Invalid {
        Iterator<String> it = o.fieldNames();
        while (it.hasNext()) {
            String k = it.next();
            if (!allowed.contains(k) && !k.startsWith("_") && !k.startsWith("$")) {
                throw new Invalid(at + ": unknown key \"" + k + "\" (expected one of " + new java.util.TreeSet<>(allowed) + ")");
            }
        }
    }
}
