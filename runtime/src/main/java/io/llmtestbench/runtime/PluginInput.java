package io.llmtestbench.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmtestbench.compiler.internal.JsonTrees;
import java.util.Objects;

/**
 * One execution's input.
 *
 * @param data the JSON the plugin receives, byte for byte, in {@code plugin_execute}
 * @param context JSON object readable through {@code host_get_context}, or null
 */
public record PluginInput(JsonNode data, JsonNode context) {
    public PluginInput {
        Objects.requireNonNull(data, "data");
    }

    public static PluginInput of(JsonNode data) {
        return new PluginInput(data, null);
    }

    /** Parses JSON text; throws {@link IllegalArgumentException} when it is not JSON. */
    public static PluginInput of(String json) {
        try {
            return new PluginInput(JsonTrees.read(json), null);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("input is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (java.io.IOException e) { // reading a String does no I/O
            throw new java.io.UncheckedIOException(e);
        }
    }

    public PluginInput withContext(JsonNode ctx) {
        return new PluginInput(data, ctx);
    }
}
