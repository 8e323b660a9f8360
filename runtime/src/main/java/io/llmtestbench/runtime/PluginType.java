package io.llmtestbench.runtime;

import java.util.Locale;

/** What a plugin does in an evaluation pipeline; each type has its own JSON contract (docs/plugin-abi.md). */
public enum PluginType {
    EVALUATOR, PROVIDER, TRANSFORM, FILTER;

    private final String jsonName = name().toLowerCase(Locale.ROOT);

    /** The name used in metadata JSON, e.g. {@code "evaluator"}. */
    public String jsonName() {
        return jsonName;
    }

    /** Parses the metadata name; null when unknown. */
    public static PluginType fromJson(String name) {
        for (PluginType t : values()) {
            if (t.jsonName().equals(name)) {
                return t;
            }
        }
        return null;
    }
}
