package io.llmtestbench.runtime.spec;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The external programs the oracle uses, found on {@code PATH}: {@code node} (Node.js 20: V8), {@code wasm-opt} and
 * {@code wasm-reduce} (binaryen). Each can be pointed at explicitly with a system property
 * ({@code llmtb.oracle.node}, {@code llmtb.oracle.wasm-opt}, {@code llmtb.oracle.wasm-reduce}).
 */
final class Tools {
    /** Set to {@code true} (CI: {@code .ci/run}) to fail when the oracle's tools are missing (it is skipped otherwise). */
    static final String REQUIRED_PROPERTY = "llmtb.oracle.required";

    private Tools() {}

    static Optional<String> node() {
        return find("node", "node", "nodejs");
    }

    static Optional<String> wasmOpt() {
        return find("wasm-opt", "wasm-opt");
    }

    static Optional<String> wasmReduce() {
        return find("wasm-reduce", "wasm-reduce");
    }

    /** What to do about a missing tool, in one line. */
    static String missing(String tool) {
        return "the independent oracle needs `" + tool + "` on PATH (Debian: apt-get install nodejs binaryen; .ci/run installs"
                + " them), or -Dllmtb.oracle." + tool + "=<path>";
    }

    static boolean required() {
        return Boolean.getBoolean(REQUIRED_PROPERTY);
    }

    private static Optional<String> find(String property, String... names) {
        String configured = System.getProperty("llmtb.oracle." + property);
        if (configured != null && !configured.isBlank()) {
            return Files.isExecutable(Path.of(configured)) ? Optional.of(configured) : Optional.empty();
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            for (String name : names) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return Optional.of(p.toString());
                }
            }
        }
        return Optional.empty();
    }
}
