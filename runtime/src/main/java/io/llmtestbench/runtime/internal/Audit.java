package io.llmtestbench.runtime.internal;

import io.llmtestbench.runtime.PluginId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log: one INFO event per execution on the logger {@code llmtb.audit}, refused ones (rate limit)
 * included, with SLF4J 2 key-value pairs: {@code plugin}, {@code version}, {@code serial}, {@code input_bytes},
 * {@code outcome} ({@code ok} or the {@link io.llmtestbench.runtime.ErrorKind} name), {@code fuel},
 * {@code time_ms}, and for failures {@code error} (the message, control characters escaped, at most 300
 * characters). The message repeats the essentials for backends that drop key-values.
 */
public final class Audit {
    /** The logger's name. */
    public static final String LOGGER = "llmtb.audit";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
    private static final int MAX_ERROR_CHARS = 300;

    private Audit() {}

    /** Whether events are written (the logger's INFO level). */
    static boolean enabled() {
        return LOG.isInfoEnabled();
    }

    static void record(PluginId id, long inputBytes, String outcome, long fuel, long timeMs, String error) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        var event = LOG.atInfo()
                .setMessage("execute {} {}")
                .addArgument(id)
                .addArgument(outcome)
                .addKeyValue("plugin", id.name())
                .addKeyValue("version", id.version())
                .addKeyValue("serial", id.serial())
                .addKeyValue("input_bytes", inputBytes)
                .addKeyValue("outcome", outcome)
                .addKeyValue("fuel", fuel)
                .addKeyValue("time_ms", timeMs);
        if (error != null) {
            event = event.addKeyValue("error", sanitize(error));
        }
        event.log();
    }

    /** One line, no control characters (a plugin's message must not forge audit lines), bounded. */
    static String sanitize(String s) {
        String escaped = LogText.escapeControls(s.length() > MAX_ERROR_CHARS ? s.substring(0, MAX_ERROR_CHARS + 1) : s);
        return escaped.length() > MAX_ERROR_CHARS ? escaped.substring(0, MAX_ERROR_CHARS) + "…" : escaped;
    }
}
