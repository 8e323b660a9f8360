package io.llmtestbench.runtime.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmtestbench.abi.PluginAbi;
import io.llmtestbench.compiler.internal.JsonTrees;
import io.llmtestbench.runtime.PluginLoadException.Stage;
import io.llmtestbench.runtime.PluginLoadException;
import io.llmtestbench.runtime.PluginMetadata;
import io.llmtestbench.runtime.PluginType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Checks what {@code plugin_metadata} returned (docs/plugin-abi.md §15): a JSON object with a valid name, version
 * and plugin type, and an {@code api_version} this host implements, high enough for every host function the
 * module imports. A refusal is a {@link PluginLoadException} at stage {@link Stage#UNINSTANTIABLE}.
 */
final class MetadataValidator {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private final AbiCheck.Imports imports;

    /** @param imports what the module imports: each host function needs a minimum {@code api_version} */
    MetadataValidator(AbiCheck.Imports imports) {
        this.imports = imports;
    }

    /**
     * @param plugin names the plugin in messages (its file name until its metadata name is known)
     * @param maxValues the most JSON values the metadata may hold, as for an output ({@link OutputCheck#maxValues}):
     *     it is read for every new instance, with the output's capacity
     */
    PluginMetadata parse(byte[] bytes, String plugin, int maxValues) {
        JsonNode m;
        try (var parser = new OutputCheck.Counting(JsonTrees.FACTORY.createParser(new String(bytes, StandardCharsets.UTF_8)), maxValues)) {
            m = JsonTrees.readValue(parser);
        } catch (OutputCheck.OverLimit e) {
            throw invalidMetadata(plugin, "plugin_metadata returned " + bytes.length + " bytes " + e.getOriginalMessage() + e.rule);
        } catch (java.io.IOException e) {
            throw invalidMetadata(plugin, "plugin_metadata returned invalid JSON: " + OutputCheck.firstLine(e));
        }
        if (m == null || !m.isObject()) {
            throw invalidMetadata(plugin, "plugin_metadata must return a JSON object");
        }
        String name = requireText(m, "name", plugin);
        if (!NAME.matcher(name).matches()) {
            throw invalidMetadata(plugin, "metadata name " + shown(name) + " must match [a-z0-9][a-z0-9._-]{0,63}");
        }
        String version;
        Versions.ApiVersion api;
        try {
            Versions.version(m.get("version")); // the registry orders and routes by it: parseable, or refused now
            version = m.get("version").asText();
            api = Versions.apiVersion(m.get("api_version"));
        } catch (Versions.InvalidVersion e) {
            throw invalidMetadata(plugin, e.getMessage());
        }
        String type = requireText(m, "plugin_type", plugin);
        // the original guide's PluginType is a serde enum, serialized "Evaluator": any case is accepted
        PluginType pluginType = PluginType.fromJson(type.toLowerCase(Locale.ROOT));
        if (pluginType == null) {
            throw invalidMetadata(plugin, "metadata plugin_type " + shown(type) + " must be one of evaluator, provider, transform, filter (in any case)");
        }
        String apiVersion = api.text();
        if (!api.compatible()) {
            throw Failures.load(Stage.UNINSTANTIABLE, name,
                    "incompatible api_version " + apiVersion + ": this host implements plugin ABI " + PluginAbi.VERSION
                            + " (same major version and a minor version not above " + PluginAbi.MINOR + " required)", null);
        }
        int declaredMinor = api.minor();
        for (String fn : imports.hostFunctions()) {
            if (PluginAbi.hostFunctionSince(fn) > declaredMinor) {
                throw Failures.load(Stage.UNINSTANTIABLE, name,
                        "imports `" + PluginAbi.HOST_MODULE + "." + fn + "`, which needs plugin ABI " + PluginAbi.MAJOR + "."
                                + PluginAbi.hostFunctionSince(fn) + ", but declares api_version " + apiVersion, null);
            }
        }
        List<String> capabilities = new ArrayList<>();
        m.path("capabilities").forEach(c -> capabilities.add(c.asText()));
        return new PluginMetadata(name, version, m.path("description").asText(""), m.path("author").asText(""),
                pluginType, capabilities, apiVersion);
    }

    private static String requireText(JsonNode m, String field, String plugin) {
        JsonNode v = m.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw invalidMetadata(plugin, "metadata field '" + field + "' is missing or not a non-empty string");
        }
        return v.asText();
    }

    /**
     * A metadata value in a message: {@link LogText#quoted} in single quotes (cut, escaped: a newline in a name
     * started a line of the plugin's choosing wherever the message was logged), as {@link Versions} shows versions,
     * with the value's length when it is cut.
     */
    static String shown(String text) {
        String quoted = LogText.quoted(text, '\'');
        return text.length() > LogText.SHOWN_CHARS ? quoted + " (" + text.length() + " characters)" : quoted;
    }

    private static PluginLoadException invalidMetadata(String plugin, String detail) {
        return Failures.load(Stage.UNINSTANTIABLE, plugin, detail, null);
    }
}
