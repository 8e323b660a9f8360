package io.llmtestbench.bench;

import io.llmtestbench.runtime.LoadOptions;
import io.llmtestbench.runtime.PluginId;
import io.llmtestbench.runtime.PluginInput;
import io.llmtestbench.runtime.PluginSystem;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The evaluator from its pre-compiled jar ({@code plugin.jar}, by {@link Prepare}), loaded as {@code trust} says:
 * {@code unsigned} (the allow-list alone: its limit checks are a claim, so every call from an ordinary thread is
 * handed off to a guest thread) or {@code pinned} (its {@code plugin.json}'s SHA-256 given as a pin: it runs on the
 * caller's thread, as a {@code .wasm} does). What the hand-off costs an unsigned jar per call.
 */
@State(Scope.Benchmark)
public class EvaluatorJarSystem {
    @Param({"unsigned", "pinned"})
    public String trust;

    public PluginSystem system;
    public PluginId id;
    public PluginInput input;

    @Setup(Level.Trial)
    public void setup(BenchmarkParams params) throws Exception {
        JvmFlags.requireAsDeclared(params);
        Path jar = BenchData.dataDir().resolve("plugin.jar");
        system = PluginSystem.builder().cacheDir(null).build();
        LoadOptions options = switch (trust) {
            case "unsigned" -> LoadOptions.defaults();
            case "pinned" -> LoadOptions.builder().sha256(manifestSha256(jar)).build();
            default -> throw new IllegalArgumentException("trust: unsigned or pinned, got " + trust);
        };
        id = system.loadPlugin(jar, options);
        input = PluginInput.of(BenchData.PLUGIN_INPUT);
        system.executePlugin(id, input);
    }

    /** The SHA-256 of the jar's one plugin.json: what a pin of a pre-compiled plugin names. */
    private static String manifestSha256(Path jar) throws Exception {
        try (InputStream in = java.nio.file.Files.newInputStream(jar); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (e.getName().endsWith("/plugin.json")) {
                    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(zip.readAllBytes()));
                }
            }
        }
        throw new IllegalStateException(jar + " has no plugin.json");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        system.close();
    }
}
