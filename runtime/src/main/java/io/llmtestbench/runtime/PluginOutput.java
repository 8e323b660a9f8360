package io.llmtestbench.runtime;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One execution's result.
 *
 * @param data the JSON the plugin returned
 * @param metadata measurements of the execution
 */
public record PluginOutput(JsonNode data, OutputMetadata metadata) {}
