package io.llmtestbench.runtime;

/**
 * Hard limits for one plugin. Immutable; start from {@link #defaults()} or {@link #builder()}.
 *
 * @param maxMemoryBytes cap on the plugin's linear memory (default 64 MiB, at most {@link #MAX_MEMORY_BYTES});
 *     {@code memory.grow} past it fails
 * @param maxExecutionTimeMs wall-clock deadline of one execution, host calls included (default 30,000)
 * @param maxInstructions fuel per execution, about one unit per wasm instruction (default 1,000,000,000)
 * @param maxCallDepth nested wasm calls before "call stack exhausted" (default 25,000)
 * @param maxOutputBytes the largest output a plugin may return (default 16 MiB)
 * @param maxHttpResponseBytes the largest response body one {@code host_http_request} may receive (default 4 MiB);
 *     a larger one ends the execution with {@link ErrorKind#MEMORY_LIMIT}
 * @param maxTableElements elements all of an instance's tables may hold together (default 1,000,000): each costs the
 *     host about 8 bytes of heap outside the linear memory's cap, so a module whose tables declare more is refused at
 *     load ({@link ErrorKind#INVALID_PLUGIN}) and {@code table.grow} past it fails (returns -1, as the spec allows)
 */
public record ResourceLimits(
        long maxMemoryBytes, long maxExecutionTimeMs, long maxInstructions, int maxCallDepth, int maxOutputBytes,
        int maxHttpResponseBytes, long maxTableElements) {

    public static final long DEFAULT_MAX_MEMORY_BYTES = 64L * 1024 * 1024;
    /**
     * The largest memory cap: 32,767 pages of 64 KiB (2 GiB - 64 KiB). A plugin's linear memory is one JVM
     * array, which cannot hold 2 GiB.
     */
    public static final long MAX_MEMORY_BYTES = 32_767L * 65536;
    public static final long DEFAULT_MAX_EXECUTION_TIME_MS = 30_000;
    public static final long DEFAULT_MAX_INSTRUCTIONS = 1_000_000_000L;
    public static final int DEFAULT_MAX_CALL_DEPTH = 25_000;
    public static final int DEFAULT_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
    public static final int DEFAULT_MAX_HTTP_RESPONSE_BYTES = 4 * 1024 * 1024;
    public static final long DEFAULT_MAX_TABLE_ELEMENTS = 1_000_000;

    public ResourceLimits {
        if (maxMemoryBytes < 65536) {
            throw new IllegalArgumentException("maxMemoryBytes must be at least one 64 KiB page: " + maxMemoryBytes);
        }
        if (maxMemoryBytes > MAX_MEMORY_BYTES) {
            throw new IllegalArgumentException("maxMemoryBytes must be at most " + MAX_MEMORY_BYTES
                    + " (32,767 pages of 64 KiB: linear memory is one JVM array): " + maxMemoryBytes);
        }
        if (maxExecutionTimeMs <= 0) {
            throw new IllegalArgumentException("maxExecutionTimeMs must be positive: " + maxExecutionTimeMs);
        }
        if (maxInstructions <= 0) {
            throw new IllegalArgumentException("maxInstructions must be positive: " + maxInstructions);
        }
        if (maxCallDepth <= 0) {
            throw new IllegalArgumentException("maxCallDepth must be positive: " + maxCallDepth);
        }
        if (maxOutputBytes <= 0) {
            throw new IllegalArgumentException("maxOutputBytes must be positive: " + maxOutputBytes);
        }
        if (maxHttpResponseBytes < 0) {
            throw new IllegalArgumentException("maxHttpResponseBytes must not be negative: " + maxHttpResponseBytes);
        }
        if (maxTableElements < 0) {
            throw new IllegalArgumentException("maxTableElements must not be negative: " + maxTableElements);
        }
    }

    public static ResourceLimits defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().maxMemoryBytes(maxMemoryBytes).maxExecutionTimeMs(maxExecutionTimeMs)
                .maxInstructions(maxInstructions).maxCallDepth(maxCallDepth).maxOutputBytes(maxOutputBytes)
                .maxHttpResponseBytes(maxHttpResponseBytes).maxTableElements(maxTableElements);
    }

    /** Builds {@link ResourceLimits}; each setter takes the component of the same name, and unset ones keep their defaults. */
    public static final class Builder {
        private long maxMemoryBytes = DEFAULT_MAX_MEMORY_BYTES;
        private long maxExecutionTimeMs = DEFAULT_MAX_EXECUTION_TIME_MS;
        private long maxInstructions = DEFAULT_MAX_INSTRUCTIONS;
        private int maxCallDepth = DEFAULT_MAX_CALL_DEPTH;
        private int maxOutputBytes = DEFAULT_MAX_OUTPUT_BYTES;
        private int maxHttpResponseBytes = DEFAULT_MAX_HTTP_RESPONSE_BYTES;
        private long maxTableElements = DEFAULT_MAX_TABLE_ELEMENTS;

        private Builder() {}

        public Builder maxMemoryBytes(long v) { maxMemoryBytes = v; return this; }
        public Builder maxExecutionTimeMs(long v) { maxExecutionTimeMs = v; return this; }
        public Builder maxInstructions(long v) { maxInstructions = v; return this; }
        public Builder maxCallDepth(int v) { maxCallDepth = v; return this; }
        public Builder maxOutputBytes(int v) { maxOutputBytes = v; return this; }
        public Builder maxHttpResponseBytes(int v) { maxHttpResponseBytes = v; return this; }
        public Builder maxTableElements(long v) { maxTableElements = v; return this; }

        public ResourceLimits build() {
            return new ResourceLimits(maxMemoryBytes, maxExecutionTimeMs, maxInstructions, maxCallDepth, maxOutputBytes,
                    maxHttpResponseBytes, maxTableElements);
        }
    }
}
