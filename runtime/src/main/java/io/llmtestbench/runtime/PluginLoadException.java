package io.llmtestbench.runtime;

/**
 * A plugin that cannot be loaded, or a fresh instance of a loaded plugin that cannot start (kind
 * {@link ErrorKind#INVALID_PLUGIN}). Message: {@code Failed to load WASM module: <plugin>: <detail>}.
 * {@link #stage()} says which step refused it.
 */
public final class PluginLoadException extends PluginException {
    private static final long serialVersionUID = 1L;

    /**
     * The step of loading that refused the plugin, in the order they run. The middle four are the WebAssembly
     * specification's failure stages (decode, validate, link, instantiate); the host adds one before and after.
     */
    public enum Stage {
        /**
         * Nothing loadable was found: no such file, no such plugin in the jar or among the discovered ones, a file
         * that is neither a {@code .wasm} nor a plugin jar, an unreadable jar or manifest.
         */
        UNREADABLE,
        /**
         * The content is not the one trusted: its SHA-256 differs from {@link LoadOptions#sha256()} (or changed
         * since discovery), or the {@link SignaturePolicy} refuses it (unsigned, untrusted key, bad signature).
         */
        UNTRUSTED,
        /** Not a well-formed WebAssembly binary (or a pre-compiled module or class that does not parse). */
        MALFORMED,
        /**
         * Fails validation, uses a feature this compiler does not compile (SIMD), or is pre-compiled code this
         * runtime refuses: stamped for another compiler, cost model or ABI, compiled without metering, or
         * referencing classes outside the allow-list.
         */
        INVALID,
        /** Exports and imports do not match the plugin ABI (missing export, unknown import, WASI not enabled). */
        UNLINKABLE,
        /**
         * Instantiation or start-up failed: initial memory over the cap, a trap or limit in the start function,
         * {@code _initialize}, {@code plugin_metadata} or {@code plugin_init}, invalid or incompatible metadata, a
         * non-zero result code from {@code plugin_metadata} or {@code plugin_init}.
         */
        UNINSTANTIABLE,
        /** Another plugin already claims this name and version with a different module. */
        CONFLICTING
    }

    private final Stage stage;

    PluginLoadException(Stage stage, String plugin, String detail, Throwable cause) {
        super(ErrorKind.INVALID_PLUGIN, plugin, detail, cause);
        this.stage = java.util.Objects.requireNonNull(stage, "stage");
    }

    public Stage stage() {
        return stage;
    }
}
