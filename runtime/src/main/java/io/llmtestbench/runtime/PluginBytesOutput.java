package io.llmtestbench.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.llmtestbench.compiler.internal.JsonTrees;

/**
 * One execution's result as the plugin wrote it, from {@link PluginSystem#executePluginBytes}: the runtime has
 * checked that {@code data} is UTF-8 and exactly one JSON value (the same check that {@link PluginOutput} passes),
 * without building a JSON tree of it.
 *
 * @param data the plugin's output, byte for byte (do not modify: it is not copied)
 * @param metadata measurements of the execution
 */
public record PluginBytesOutput(byte[] data, OutputMetadata metadata) {
    /** The output as a JSON tree (parsed on each call). */
    public JsonNode json() {
        try {
            return JsonTrees.read(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("checked output did not parse", e); // the runtime checked it
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
