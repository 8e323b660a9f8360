package io.llmtestbench.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * Per-plugin settings given at load. Immutable; start from {@link #defaults()}.
 *
 * @param config JSON object passed to {@code plugin_init} ({@code {}} by default)
 * @param limits resource limits, or null for the system's {@link RuntimeConfig#limits()}
 * @param permissions granted capabilities (none by default)
 * @param randomSeed seed of {@code host_random} for reproducible runs, or null for a random seed
 * @param requireMetering refuse code compiled without fuel metering (true by default)
 */
public record LoadOptions(JsonNode config, ResourceLimits limits, PluginPermissions permissions, Long randomSeed,
        boolean requireMetering) {

    public LoadOptions {
        if (config == null) {
            config = JsonNodeFactory.instance.objectNode();
        }
        if (!config.isObject()) {
            throw new IllegalArgumentException("plugin config must be a JSON object, got: " + config);
        }
        if (permissions == null) {
            permissions = PluginPermissions.none();
        }
    }

    public static LoadOptions defaults() {
        return new LoadOptions(null, null, null, null, true);
    }

    public LoadOptions withConfig(JsonNode c) {
        return new LoadOptions(c, limits, permissions, randomSeed, requireMetering);
    }

    public LoadOptions withLimits(ResourceLimits l) {
        return new LoadOptions(config, l, permissions, randomSeed, requireMetering);
    }

    public LoadOptions withPermissions(PluginPermissions p) {
        return new LoadOptions(config, limits, p, randomSeed, requireMetering);
    }

    public LoadOptions withRandomSeed(Long seed) {
        return new LoadOptions(config, limits, permissions, seed, requireMetering);
    }

    public LoadOptions withRequireMetering(boolean on) {
        return new LoadOptions(config, limits, permissions, randomSeed, on);
    }
}
