package io.llmtestbench.runtime;

import java.util.Map;

/**
 * Measurements of one execution.
 *
 * @param executionTimeMs wall time inside the plugin, buffers included
 * @param memoryUsedBytes the instance's linear-memory high-water mark
 * @param fuelUsed fuel consumed (deterministic for the same plugin, input and state)
 * @param metrics further figures by name (e.g. {@code fuel_used}, {@code output_bytes}, {@code retries})
 */
public record OutputMetadata(long executionTimeMs, long memoryUsedBytes, long fuelUsed, Map<String, Object> metrics) {
    public OutputMetadata {
        metrics = Map.copyOf(metrics);
    }
}
