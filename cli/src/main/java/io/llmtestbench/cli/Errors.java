package io.llmtestbench.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbench.pipeline.PipelineRunner;
import io.llmtestbench.runtime.ErrorKind;
import io.llmtestbench.runtime.PluginException;

/** The {@code {"kind", "message", "code"}} form of a plugin failure. */
final class Errors {
    private Errors() {}

    /** The plugin's result code, or null when the failure is not a result code (a trap, a limit, a load failure). */
    static Integer code(PluginException e) {
        return PipelineRunner.resultCode(e);
    }

    static ObjectNode json(PluginException e) {
        return json(e.kind(), message(e, "--id ID"), code(e));
    }

    private static final String API_HINT = "name one with loadPlugin(path, id, options)";

    /** The runtime's advice on signing, in API terms, and the command that does it. */
    private static final String[][] SIGN_HINTS = {
        {"sign it with PluginSigner.signWasm", "sign it with `llmtb sign`"},
        {"sign the jar with PluginSigner.signJar", "sign the jar with `llmtb sign`"},
    };

    /** The exception's message, with the runtime's API hints (multi-plugin jars, signing) put in the caller's terms. */
    static String message(PluginException e, String howToNameOne) {
        String m = e.getMessage();
        if (m == null) {
            return e.toString();
        }
        m = m.replace(API_HINT, "name one with " + howToNameOne);
        for (String[] h : SIGN_HINTS) {
            m = m.replace(h[0], h[1]);
        }
        return m;
    }

    /**
     * The message of a load failure the CLI finds before the runtime sees the plugin (a path or name that resolves
     * to nothing): the runtime's form, {@code Failed to load WASM module: <plugin>: <detail>}.
     */
    static String loadMessage(String plugin, String detail) {
        return "Failed to load WASM module: " + plugin + ": " + detail;
    }

    /**
     * A failure that is not a {@link PluginException} (which the runtime should never let through): reported as a
     * load failure before the plugin was loaded, as a trap after, so that the output is still one error object.
     */
    static ObjectNode unexpected(Throwable e, boolean loaded, String plugin) {
        String what = e.getMessage() == null || e.getMessage().isEmpty() ? e.getClass().getName()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
        return json(loaded ? ErrorKind.TRAP : ErrorKind.INVALID_PLUGIN,
                (loaded ? "Plugin '" + plugin + "' failed: " : "Failed to load WASM module: " + plugin + ": ") + what, null);
    }

    static ObjectNode json(ErrorKind kind, String message, Integer code) {
        ObjectNode o = Json.object();
        o.put("kind", kind.name());
        o.put("message", message);
        if (code == null) {
            o.putNull("code");
        } else {
            o.put("code", code);
        }
        return o;
    }
}
