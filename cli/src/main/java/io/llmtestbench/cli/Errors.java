package io.llmtestbench.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbench.runtime.ErrorKind;
import io.llmtestbench.runtime.PluginException;
import io.llmtestbench.runtime.PluginExecutionException;

/** The {@code {"kind", "message", "code"}} form of a plugin failure. */
final class Errors {
    private Errors() {}

    /** The plugin's result code, or null when the failure is not a result code (a trap, a limit, a load failure). */
    static Integer code(PluginException e) {
        if (e instanceof PluginExecutionException pe && pe.resultCode() != 0) {
            return pe.resultCode();
        }
        return null;
    }

    static ObjectNode json(PluginException e) {
        return json(e.kind(), message(e, "--id ID"), code(e));
    }

    private static final String API_HINT = "name one with loadPlugin(path, id, options)";

    /** The exception's message, with the runtime's API hint for multi-plugin jars put in the caller's terms. */
    static String message(PluginException e, String howToNameOne) {
        String m = e.getMessage();
        return m == null ? e.toString() : m.replace(API_HINT, "name one with " + howToNameOne);
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
