package io.llmtestbench.runtime;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the committed test plugins (test-plugins/wasm), built from the sources beside them. */
public final class TestPlugins {
    private TestPlugins() {}

    public static Path dir() {
        String configured = System.getProperty("llmtb.testplugins.dir");
        Path dir = configured != null ? Path.of(configured) : Path.of("../test-plugins/wasm");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("test plugins not found at " + dir.toAbsolutePath()
                    + " (set -Dllmtb.testplugins.dir or run from the repository)");
        }
        return dir;
    }

    public static Path wasm(String name) {
        Path p = dir().resolve(name + ".wasm");
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("no test plugin " + p.toAbsolutePath());
        }
        return p;
    }

    /** A system without a compile cache, so tests do not share state through the user's home. */
    public static PluginSystem system() {
        return PluginSystem.builder().cacheDir(null).build();
    }

    public static PluginSystem system(ResourceLimits limits) {
        return PluginSystem.builder().cacheDir(null).defaultLimits(limits).build();
    }
}
