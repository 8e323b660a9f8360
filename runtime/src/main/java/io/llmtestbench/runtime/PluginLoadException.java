package io.llmtestbench.runtime;

/** A plugin that cannot be loaded. Message: "Failed to load WASM module: &lt;plugin&gt;: &lt;reason&gt;". */
public final class PluginLoadException extends PluginException {
    private static final long serialVersionUID = 1L;

    /** Why the load failed. */
    public enum Reason {
        NOT_FOUND, NOT_A_PLUGIN, MALFORMED, INVALID, UNSUPPORTED_FEATURE, MISSING_EXPORT, UNKNOWN_IMPORT,
        WASI_NOT_ENABLED, INCOMPATIBLE_API_VERSION, INVALID_METADATA, STAMP_MISMATCH, FORBIDDEN_REFERENCE,
        MEMORY_LIMIT, INIT_FAILED, DUPLICATE
    }

    private final Reason reason;

    public PluginLoadException(Reason reason, String plugin, String detail, Throwable cause) {
        super(ErrorKind.INVALID_PLUGIN, plugin, "Failed to load WASM module: " + plugin + ": " + detail, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
