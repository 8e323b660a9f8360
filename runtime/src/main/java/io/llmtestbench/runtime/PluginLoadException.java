package io.llmtestbench.runtime;

/** A plugin that cannot be loaded. Message: "Failed to load WASM module: &lt;plugin&gt;: &lt;reason&gt;". */
public final class PluginLoadException extends PluginException {
    private static final long serialVersionUID = 1L;

    /** Why the load failed. */
    public enum Reason {
        NOT_FOUND, NOT_A_PLUGIN, MALFORMED, INVALID, UNSUPPORTED_FEATURE, MISSING_EXPORT, UNKNOWN_IMPORT,
        WASI_NOT_ENABLED, INCOMPATIBLE_API_VERSION, INVALID_METADATA, STAMP_MISMATCH, FORBIDDEN_REFERENCE,
        MEMORY_LIMIT, INIT_FAILED, DUPLICATE,
        /** The content's SHA-256 is not the one {@link LoadOptions#sha256()} pins. */
        DIGEST_MISMATCH,
        /** The {@link SignaturePolicy} requires a signature and the plugin has none. */
        UNSIGNED,
        /** The plugin is signed by a key the {@link SignaturePolicy} does not trust. */
        UNTRUSTED_SIGNATURE,
        /** The signature is malformed or does not match the content (tampered with after signing). */
        BAD_SIGNATURE
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
