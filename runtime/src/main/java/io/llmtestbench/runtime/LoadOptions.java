package io.llmtestbench.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * Per-plugin settings given at load. Immutable; start from {@link #defaults()}.
 *
 * @param config JSON object passed to {@code plugin_init} ({@code {}} by default)
 * @param limits resource limits, or null for the system's {@link RuntimeConfig#limits()}
 * @param permissions granted capabilities (none by default)
 * @param randomSeed seed of {@code host_random} (and of WASI {@code random_get}, per instance) for reproducible runs, or null
 *     for a random seed
 * @param requireMetering refuse code compiled without fuel metering (true by default)
 * @param sha256 pins the plugin's content, or null: the hex SHA-256 of the {@code .wasm} file (what
 *     {@code sha256sum} prints), or for a plugin in a pre-compiled jar, of its manifest
 *     {@code META-INF/llmtb/plugins/<id>/plugin.json} (which lists the SHA-256 of its module and of every class,
 *     all checked at load; {@link PluginDescriptor#sha256()} shows it). A mismatch is refused at load
 *     ({@link PluginLoadException.Stage#UNTRUSTED}), naming both digests.
 * @param maxExecutionsPerSecond a token bucket per loaded plugin, or 0 for no limit (the default): up to
 *     {@code ceil(rate)} executions at once, refilled at {@code rate} per second; a call finding the bucket empty
 *     fails at once with {@link RateLimitedException}
 */
public record LoadOptions(JsonNode config, ResourceLimits limits, PluginPermissions permissions, Long randomSeed,
        boolean requireMetering, String sha256, double maxExecutionsPerSecond) {

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
        if (sha256 != null && !sha256.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("sha256 must be 64 hex digits, got: " + sha256);
        }
        sha256 = sha256 == null ? null : sha256.toLowerCase(java.util.Locale.ROOT);
        if (!(maxExecutionsPerSecond >= 0) || Double.isInfinite(maxExecutionsPerSecond)) {
            throw new IllegalArgumentException("maxExecutionsPerSecond must be 0 (no limit) or positive: " + maxExecutionsPerSecond);
        }
    }

    /** The options of before {@code sha256} and {@code maxExecutionsPerSecond}: no pin, no rate limit. */
    public LoadOptions(JsonNode config, ResourceLimits limits, PluginPermissions permissions, Long randomSeed, boolean requireMetering) {
        this(config, limits, permissions, randomSeed, requireMetering, null, 0);
    }

    public static LoadOptions defaults() {
        return new LoadOptions(null, null, null, null, true, null, 0);
    }

    public LoadOptions withConfig(JsonNode c) {
        return new LoadOptions(c, limits, permissions, randomSeed, requireMetering, sha256, maxExecutionsPerSecond);
    }

    public LoadOptions withLimits(ResourceLimits l) {
        return new LoadOptions(config, l, permissions, randomSeed, requireMetering, sha256, maxExecutionsPerSecond);
    }

    public LoadOptions withPermissions(PluginPermissions p) {
        return new LoadOptions(config, limits, p, randomSeed, requireMetering, sha256, maxExecutionsPerSecond);
    }

    public LoadOptions withRandomSeed(Long seed) {
        return new LoadOptions(config, limits, permissions, seed, requireMetering, sha256, maxExecutionsPerSecond);
    }

    public LoadOptions withRequireMetering(boolean on) {
        return new LoadOptions(config, limits, permissions, randomSeed, on, sha256, maxExecutionsPerSecond);
    }

    /** Pins the plugin's SHA-256 (see {@link #sha256()}); null for no pin. */
    public LoadOptions withSha256(String hex) {
        return new LoadOptions(config, limits, permissions, randomSeed, requireMetering, hex, maxExecutionsPerSecond);
    }

    /** Limits executions per second with a token bucket (see {@link #maxExecutionsPerSecond()}); 0 for no limit. */
    public LoadOptions withMaxExecutionsPerSecond(double rate) {
        return new LoadOptions(config, limits, permissions, randomSeed, requireMetering, sha256, rate);
    }
}
