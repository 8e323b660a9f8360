package io.llmtestbench.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Locale;
import java.util.Objects;

/**
 * How one plugin is loaded: its configuration, limits, permissions and integrity pin. Immutable; start from
 * {@link #defaults()} or {@link #builder()}.
 *
 * @param config JSON object passed to {@code plugin_init} ({@code {}} by default)
 * @param limits resource limits, or null (the default) for the system's {@link SystemOptions#defaultLimits()}
 * @param permissions granted capabilities ({@link PluginPermissions#none()} by default)
 * @param randomSeed seed of {@code host_random} (and of WASI {@code random_get}, per instance) for reproducible
 *     runs, or null (the default) for a random seed
 * @param requireMetering refuse code compiled without fuel metering (true by default)
 * @param sha256 pins the plugin's content, or null (the default): the hex SHA-256 of the {@code .wasm} file (what
 *     {@code sha256sum} prints), or for a plugin in a pre-compiled jar, of its manifest
 *     {@code META-INF/llmtb/plugins/<id>/plugin.json} (which lists the SHA-256 of its module and of every class,
 *     all checked at load; {@link PluginDescriptor#sha256()} shows it). A mismatch is refused at load
 *     ({@link PluginLoadException.Stage#UNTRUSTED}), naming both digests.
 * @param maxExecutionsPerSecond a token bucket per loaded plugin, or 0 for no limit (the default): up to
 *     {@code ceil(rate)} executions at once, refilled at {@code rate} per second; a call finding the bucket empty
 *     fails at once with {@link RateLimitedException}
 * @param jarVerification how the classes of a pre-compiled plugin jar are checked before they are defined
 *     ({@link JarVerification#ALLOW_LIST} by default); a {@code .wasm} is compiled by the runtime and needs neither
 */
public record LoadOptions(JsonNode config, ResourceLimits limits, PluginPermissions permissions, Long randomSeed,
        boolean requireMetering, String sha256, double maxExecutionsPerSecond, JarVerification jarVerification) {

    /** How the classes of a pre-compiled plugin jar are checked (docs/security.md, "Pre-compiled jars"). */
    public enum JarVerification {
        /**
         * Every reference of every class is on the compiler's exact allow-list, and the classes, module and
         * manifest are one unit: the jar cannot reach anything outside its own instance. It may still not be what
         * the compiler generated (an unsigned jar's fuel metering, for one, is a claim): unless a pin or a trusted
         * signature vouches for it, its code never runs on a caller's thread, and a caller waits for it at most a
         * second past the deadline (docs/security.md). The default.
         */
        ALLOW_LIST,
        /**
         * Also: the classes, main class and compiled module are byte for byte what this runtime's compiler
         * generates from the jar's {@code source.wasm}, so every limit holds as for a {@code .wasm}. The first load
         * of a jar compiles it; the verdict is remembered by content digest (for the system, and in its cache
         * directory), so later loads cost a digest.
         */
        REPRODUCE
    }

    public LoadOptions {
        Objects.requireNonNull(config, "config");
        if (!config.isObject()) {
            throw new IllegalArgumentException("plugin config must be a JSON object, got: " + config);
        }
        Objects.requireNonNull(permissions, "permissions");
        if (sha256 != null && !sha256.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("sha256 must be 64 hex digits, got: " + sha256);
        }
        sha256 = sha256 == null ? null : sha256.toLowerCase(Locale.ROOT);
        if (!(maxExecutionsPerSecond >= 0) || Double.isInfinite(maxExecutionsPerSecond)) {
            throw new IllegalArgumentException("maxExecutionsPerSecond must be 0 (no limit) or positive: " + maxExecutionsPerSecond);
        }
        Objects.requireNonNull(jarVerification, "jarVerification");
    }

    /**
     * Every default: {@code {}}, the system's limits, no permissions, a random seed, metering required, no pin, no rate
     * limit, jars checked against the allow-list.
     */
    public static LoadOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().config(config).limits(limits).permissions(permissions).randomSeed(randomSeed)
                .requireMetering(requireMetering).sha256(sha256).maxExecutionsPerSecond(maxExecutionsPerSecond)
                .jarVerification(jarVerification);
    }

    /** Builds {@link LoadOptions}; each setter takes the component of the same name, and unset ones keep their defaults. */
    public static final class Builder {
        private JsonNode config = JsonNodeFactory.instance.objectNode();
        private ResourceLimits limits;
        private PluginPermissions permissions = PluginPermissions.none();
        private Long randomSeed;
        private boolean requireMetering = true;
        private String sha256;
        private double maxExecutionsPerSecond;
        private JarVerification jarVerification = JarVerification.ALLOW_LIST;

        private Builder() {}

        /** The {@code plugin_init} configuration; null means {@code {}}. */
        public Builder config(JsonNode v) { config = v != null ? v : JsonNodeFactory.instance.objectNode(); return this; }
        public Builder limits(ResourceLimits v) { limits = v; return this; }
        /** The granted capabilities; null means {@link PluginPermissions#none()}. */
        public Builder permissions(PluginPermissions v) { permissions = v != null ? v : PluginPermissions.none(); return this; }
        public Builder randomSeed(Long v) { randomSeed = v; return this; }
        public Builder requireMetering(boolean v) { requireMetering = v; return this; }
        public Builder sha256(String v) { sha256 = v; return this; }
        public Builder maxExecutionsPerSecond(double v) { maxExecutionsPerSecond = v; return this; }
        /** How a pre-compiled jar is checked; null means {@link JarVerification#ALLOW_LIST}. */
        public Builder jarVerification(JarVerification v) { jarVerification = v != null ? v : JarVerification.ALLOW_LIST; return this; }

        public LoadOptions build() {
            return new LoadOptions(config, limits, permissions, randomSeed, requireMetering, sha256, maxExecutionsPerSecond,
                    jarVerification);
        }
    }
}
