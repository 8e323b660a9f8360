package io.llmtestbench.runtime;

import java.nio.file.Path;

/**
 * How a {@link PluginSystem} manages plugins.
 *
 * @param runtimeConfig defaults for each plugin
 * @param maxConcurrentPlugins live plugin instances across the system; callers wait for one (within their
 *     deadline) rather than fail (default 50)
 * @param cacheDir where compiled {@code .wasm} files are cached, keyed by SHA-256 and compiler stamp; null
 *     for no cache
 * @param signaturePolicy which plugin signatures are checked and whether one is required
 *     ({@link SignaturePolicy#none()} by default: signatures are not checked)
 */
public record ManagerConfig(RuntimeConfig runtimeConfig, int maxConcurrentPlugins, Path cacheDir, SignaturePolicy signaturePolicy) {
    public static final int DEFAULT_MAX_CONCURRENT_PLUGINS = 50;

    public ManagerConfig {
        if (maxConcurrentPlugins <= 0) {
            throw new IllegalArgumentException("maxConcurrentPlugins must be positive: " + maxConcurrentPlugins);
        }
        if (signaturePolicy == null) {
            signaturePolicy = SignaturePolicy.none();
        }
    }

    /** A configuration without a signature policy ({@link SignaturePolicy#none()}). */
    public ManagerConfig(RuntimeConfig runtimeConfig, int maxConcurrentPlugins, Path cacheDir) {
        this(runtimeConfig, maxConcurrentPlugins, cacheDir, SignaturePolicy.none());
    }

    /** Defaults: {@link RuntimeConfig#defaults()}, 50 instances, cache in {@link #defaultCacheDir()}, no signature checks. */
    public static ManagerConfig defaults() {
        return new ManagerConfig(RuntimeConfig.defaults(), DEFAULT_MAX_CONCURRENT_PLUGINS, defaultCacheDir(), SignaturePolicy.none());
    }

    /** {@code ~/.cache/llmtb/compiled}, or the directory named by the system property {@code llmtb.cache.dir}. */
    public static Path defaultCacheDir() {
        String configured = System.getProperty("llmtb.cache.dir");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "llmtb", "compiled");
    }

    public ManagerConfig withRuntimeConfig(RuntimeConfig c) {
        return new ManagerConfig(c, maxConcurrentPlugins, cacheDir, signaturePolicy);
    }

    public ManagerConfig withMaxConcurrentPlugins(int n) {
        return new ManagerConfig(runtimeConfig, n, cacheDir, signaturePolicy);
    }

    public ManagerConfig withCacheDir(Path dir) {
        return new ManagerConfig(runtimeConfig, maxConcurrentPlugins, dir, signaturePolicy);
    }

    public ManagerConfig withSignaturePolicy(SignaturePolicy p) {
        return new ManagerConfig(runtimeConfig, maxConcurrentPlugins, cacheDir, p);
    }
}
