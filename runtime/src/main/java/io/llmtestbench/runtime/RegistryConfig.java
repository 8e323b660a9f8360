package io.llmtestbench.runtime;

import java.nio.file.Path;
import java.util.List;

/**
 * Where plugins are discovered.
 *
 * @param pluginDirs directories holding {@code .wasm} files and pre-compiled plugin jars
 */
public record RegistryConfig(List<Path> pluginDirs) {
    public RegistryConfig {
        pluginDirs = List.copyOf(pluginDirs);
    }

    public static RegistryConfig defaults() {
        return new RegistryConfig(List.of());
    }
}
