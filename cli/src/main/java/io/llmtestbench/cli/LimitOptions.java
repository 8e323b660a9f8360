package io.llmtestbench.cli;

import io.llmtestbench.runtime.ResourceLimits;
import picocli.CommandLine.Option;

/** Resource-limit flags; unset ones keep the runtime's defaults. */
final class LimitOptions {
    @Option(names = "--max-instructions", paramLabel = "N",
            description = "Fuel per execution, about one unit per wasm instruction (default 1,000,000,000).")
    Long maxInstructions;

    @Option(names = "--timeout-ms", paramLabel = "N",
            description = "Wall-clock deadline of one execution, in milliseconds (default 30,000).")
    Long timeoutMs;

    @Option(names = "--max-memory-bytes", paramLabel = "N",
            description = "Cap on the plugin's linear memory, at least 65536 (default 64 MiB).")
    Long maxMemoryBytes;

    @Option(names = "--max-call-depth", paramLabel = "N", description = "Nested wasm calls allowed (default 25,000).")
    Integer maxCallDepth;

    @Option(names = "--max-output-bytes", paramLabel = "N", description = "Largest output a plugin may return (default 16 MiB).")
    Integer maxOutputBytes;

    @Option(names = "--max-http-response-bytes", paramLabel = "N",
            description = "Largest response body one host_http_request may receive; a larger one ends the run with "
                    + "MEMORY_LIMIT (default 4 MiB).")
    Integer maxHttpResponseBytes;

    @Option(names = "--max-table-elements", paramLabel = "N",
            description = "Elements all of an instance's tables may hold together; a module declaring more is refused, "
                    + "table.grow past it fails (default 1,000,000).")
    Long maxTableElements;

    /** The limits; throws IllegalArgumentException (a usage error) for out-of-range values. */
    ResourceLimits build() {
        ResourceLimits.Builder b = ResourceLimits.builder();
        if (maxInstructions != null) {
            b.maxInstructions(maxInstructions);
        }
        if (timeoutMs != null) {
            b.maxExecutionTimeMs(timeoutMs);
        }
        if (maxMemoryBytes != null) {
            b.maxMemoryBytes(maxMemoryBytes);
        }
        if (maxCallDepth != null) {
            b.maxCallDepth(maxCallDepth);
        }
        if (maxOutputBytes != null) {
            b.maxOutputBytes(maxOutputBytes);
        }
        if (maxHttpResponseBytes != null) {
            b.maxHttpResponseBytes(maxHttpResponseBytes);
        }
        if (maxTableElements != null) {
            b.maxTableElements(maxTableElements);
        }
        return b.build();
    }
}
