package io.llmtestbench.cli;

import io.llmtestbench.runtime.SystemOptions;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where compiled .wasm files are cached between runs. */
final class CacheOptions {
    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Cache of compiled .wasm plugins (default: $LLMTB_CACHE_DIR, else ~/.cache/llmtb/compiled).")
    Path cacheDir;

    @Option(names = "--no-cache", description = "Compile .wasm plugins on every run; read and write no cache.")
    boolean noCache;

    Path dir() {
        if (noCache) {
            return null;
        }
        if (cacheDir != null) {
            return cacheDir;
        }
        String env = System.getenv("LLMTB_CACHE_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return SystemOptions.defaultCacheDir();
    }
}
