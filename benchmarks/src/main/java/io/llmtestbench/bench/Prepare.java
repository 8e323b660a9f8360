package io.llmtestbench.bench;

import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.compiler.PluginArtifact;
import io.llmtestbench.compiler.WasmCompiler;
import io.llmtestbench.runtime.LoadOptions;
import io.llmtestbench.runtime.PluginId;
import io.llmtestbench.runtime.PluginInput;
import io.llmtestbench.runtime.PluginSystem;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Fills the benchmark data directory ({@link BenchData#dataDir()}) for the plugin benchmarks:
 * <ul>
 *   <li>{@code plugin.wasm}: the evaluator plugin ({@code test-plugins/wasm/similarity-evaluator.wasm}; until
 *       that exists, the Rust build output, else the first ABI plugin under {@code test-plugins/wasm/} that
 *       runs on the benchmark input), and {@code plugin.txt} saying which;</li>
 *   <li>{@code plugin.jar}: the same plugin pre-compiled (a plugin jar, as the Maven plugin writes);</li>
 *   <li>{@code cache/}: a compile cache holding it, so that loading the .wasm with this cache compiles nothing.</li>
 * </ul>
 * Usage: {@code java -cp benchmarks.jar io.llmtestbench.bench.Prepare [REPO_ROOT] [PLUGIN.wasm]}
 */
public final class Prepare {
    private Prepare() {}

    public static void main(String[] args) throws IOException, io.llmtestbench.compiler.CompilationException {
        Path repo = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        Path plugin = args.length > 1 ? Path.of(args[1]) : choosePlugin(repo);
        Path dir = BenchData.dataDir();
        Files.createDirectories(dir);
        Files.copy(plugin, dir.resolve("plugin.wasm"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(repo.resolve("test-plugins/wasm/echo.wasm"), dir.resolve("echo.wasm"), StandardCopyOption.REPLACE_EXISTING);
        byte[] wasm = Files.readAllBytes(plugin);
        Path shown = plugin.toAbsolutePath().startsWith(repo) ? repo.relativize(plugin.toAbsolutePath()) : plugin;
        Files.writeString(dir.resolve("plugin.txt"), shown + " sha256=" + WasmCompiler.sha256(wasm) + "\n");

        var compiled = WasmCompiler.compile(wasm, CompilerOptions.defaults());
        try (OutputStream out = Files.newOutputStream(dir.resolve("plugin.jar"))) {
            PluginArtifact.writeJar(out, List.of(PluginArtifact.Entry.of(PluginArtifact.idFor("plugin.wasm"), "plugin.wasm", compiled)));
        }

        Path cache = dir.resolve("cache");
        deleteTree(cache);
        try (PluginSystem system = PluginSystem.builder().cacheDir(cache).build()) {
            PluginId id = system.loadPlugin(dir.resolve("plugin.wasm"));
            var out = system.executePlugin(id, PluginInput.of(BenchData.PLUGIN_INPUT));
            System.out.println("plugin: " + shown + " -> " + out.data());
        }
        try (Stream<Path> s = Files.list(cache)) {
            if (s.noneMatch(p -> p.toString().endsWith(".jar"))) {
                throw new IllegalStateException("the compile cache in " + cache + " stayed empty");
            }
        }
        // a cache directory holding only the verdict that plugin.jar reproduces (StartupBench.precompiledJarReproducedCached)
        Path verified = dir.resolve("verified");
        deleteTree(verified);
        try (PluginSystem system = PluginSystem.builder().cacheDir(verified).build()) {
            system.loadPlugin(dir.resolve("plugin.jar"),
                    LoadOptions.builder().jarVerification(LoadOptions.JarVerification.REPRODUCE).build());
        }
        System.out.println("prepared " + dir);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The evaluator if it is there, else a fallback (printed, and recorded in plugin.txt). */
    static Path choosePlugin(Path repo) throws IOException {
        List<Path> candidates = new ArrayList<>();
        candidates.add(repo.resolve("test-plugins/wasm/similarity-evaluator.wasm"));
        candidates.add(repo.resolve("test-plugins/rust/similarity-evaluator/target/wasm32-unknown-unknown/release/similarity_evaluator.wasm"));
        Path dir = repo.resolve("test-plugins/wasm");
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.toString().endsWith(".wasm")).sorted().forEach(candidates::add);
            }
        }
        for (Path p : candidates) {
            if (Files.isRegularFile(p) && runs(p)) {
                if (!p.getFileName().toString().startsWith("similarity")) {
                    System.err.println("WARNING: similarity-evaluator.wasm not found; benchmarking " + p + " instead");
                }
                return p;
            }
        }
        throw new IllegalStateException("no runnable ABI plugin found under " + repo.resolve("test-plugins"));
    }

    private static boolean runs(Path p) {
        try (PluginSystem system = PluginSystem.builder().cacheDir(null).build()) {
            system.executePlugin(system.loadPlugin(p), PluginInput.of(BenchData.PLUGIN_INPUT));
            return true;
        } catch (RuntimeException e) {
            System.err.println("skipping " + p.getFileName() + ": " + e.getMessage());
            return false;
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
