package io.llmtestbench.runtime;

import java.nio.file.Path;
import java.util.List;

/**
 * Where {@link PluginSystem#discover()} looks for plugins.
 *
 * @param pluginDirs directories holding {@code .wasm} files (each optionally signed by a {@code .wasm.sig} beside
 *     it) and pre-compiled plugin jars; not searched recursively; other files are ignored
 * @param scanClasspath whether pre-compiled plugin jars (and class directories) on the class path are discovered
 *     too: every {@code META-INF/llmtb/index.json} that the context class loader of the thread calling
 *     {@code discover()} finds (true by default)
 */
public record RegistryConfig(List<Path> pluginDirs, boolean scanClasspath) {
    public RegistryConfig {
        pluginDirs = List.copyOf(pluginDirs);
    }

    /** These directories, and the class path. */
    public RegistryConfig(List<Path> pluginDirs) {
        this(pluginDirs, true);
    }

    /** No directories; the class path only. */
    public static RegistryConfig defaults() {
        return new RegistryConfig(List.of(), true);
    }

    public RegistryConfig withScanClasspath(boolean on) {
        return new RegistryConfig(pluginDirs, on);
    }
}
