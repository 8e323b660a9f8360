package io.llmtestbench.pipeline;

import io.llmtestbench.runtime.PluginSystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** Test plugins (test-plugins/wasm), pipelines written next to copies of them, and a plugin system with a compile cache. */
final class Fixtures {
    private Fixtures() {}

    static Path plugin(String name) {
        String configured = System.getProperty("llmtb.testplugins.dir");
        Path p = (configured != null ? Path.of(configured) : Path.of("../test-plugins/wasm")).resolve(name + ".wasm");
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("no test plugin " + p.toAbsolutePath() + " (set -Dllmtb.testplugins.dir)");
        }
        return p;
    }

    /** A system as llmtb eval makes it (WASI on), compiling into the module's cache (target/llmtb-cache). */
    static PluginSystem system() {
        String cache = System.getProperty("llmtb.cache.dir");
        return PluginSystem.builder()
                .enableWasi(true)
                .cacheDir(cache == null ? null : Path.of(cache)).build();
    }

    /** Writes {@code json} as {@code dir/pipeline.json} beside copies of the named test plugins ({@code plugins/NAME.wasm}). */
    static Path pipeline(Path dir, String json, String... plugins) {
        try {
            Files.createDirectories(dir.resolve("plugins"));
            for (String p : plugins) {
                Files.copy(plugin(p), dir.resolve("plugins").resolve(p + ".wasm"), StandardCopyOption.REPLACE_EXISTING);
            }
            Path file = dir.resolve("pipeline.json");
            Files.writeString(file, json);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> warnings() {
        return new ArrayList<>();
    }
}
