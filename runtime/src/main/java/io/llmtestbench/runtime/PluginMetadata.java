package io.llmtestbench.runtime;

import java.util.List;

/** What a plugin says about itself through {@code plugin_metadata}, after validation. */
public record PluginMetadata(
        String name,
        String version,
        String description,
        String author,
        PluginType pluginType,
        List<String> capabilities,
        String apiVersion) {

    public PluginMetadata {
        capabilities = List.copyOf(capabilities);
    }
}
