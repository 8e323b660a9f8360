package io.llmtestbench.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where benchmark inputs come from: the kernels (wasm, sizes and expected checksums, bundled in the jar),
 * the plugin used by the call-overhead, batch and start-up benchmarks, and the data directory that
 * {@link Prepare} fills for the start-up benchmark.
 */
public final class BenchData {
    /** A ~200-byte evaluator input: a model response and a reference answer. */
    public static final String PLUGIN_INPUT = "{\"text\":\"The capital of France is Paris, which has been the seat of government "
            + "since the Capetian kings.\",\"expected\":\"Paris is the capital of France.\",\"id\":\"case-0042\",\"tags\":[\"geo\",\"qa\"]}";

    private static final Map<String, Integer> SIZES = readColumn("kernels/sizes.txt", 1);
    private static final Map<String, Integer> TEST_SIZES = readColumn("kernels/sizes.txt", 2);
    private static final Map<String, String> EXPECTED = readExpected();
    /** The kernels, in report order (the order of kernels/sizes.txt). */
    public static final List<String> KERNELS = List.copyOf(SIZES.keySet());

    private BenchData() {}

    /** Prints {@link #PLUGIN_INPUT} (UTF-8, no newline): the input of benchmarks/evaluator-vs-native.sh's harnesses. */
    public static void main(String[] args) {
        System.out.write(PLUGIN_INPUT.getBytes(StandardCharsets.UTF_8), 0, PLUGIN_INPUT.length());
        System.out.flush();
    }

    public static byte[] kernelWasm(String kernel) {
        return resource("kernels/" + kernel + ".wasm");
    }

    public static int kernelSize(String kernel) {
        Integer n = SIZES.get(kernel);
        if (n == null) {
            throw new IllegalArgumentException("unknown kernel " + kernel);
        }
        return n;
    }

    /** The smaller size the unit tests run the kernel at. */
    public static int kernelTestSize(String kernel) {
        Integer n = TEST_SIZES.get(kernel);
        if (n == null) {
            throw new IllegalArgumentException("unknown kernel " + kernel);
        }
        return n;
    }

    /** The checksum the native build of the kernel returns for its benchmark size (kernels/build.sh writes it). */
    public static long expectedChecksum(String kernel) {
        return expectedChecksum(kernel, kernelSize(kernel));
    }

    /** The checksum the native build returns for size n (the benchmark size or the test size). */
    public static long expectedChecksum(String kernel, int n) {
        String hex = EXPECTED.get(kernel + " " + n);
        if (hex == null) {
            throw new IllegalArgumentException("no native checksum for " + kernel + " at size " + n + " (run kernels/build.sh wasm)");
        }
        return Long.parseUnsignedLong(hex.substring(2), 16);
    }

    public static byte[] resource(String name) {
        try (InputStream in = BenchData.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " (run kernels/build.sh wasm)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Column {@code col} (an int) of a whitespace-separated file, by its first column; # starts a comment line. */
    private static Map<String, Integer> readColumn(String name, int col) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String line : new String(resource(name), StandardCharsets.UTF_8).split("\n")) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] f = t.split("\\s+");
            m.put(f[0], Integer.parseInt(f.length > col && f[col].matches("\\d+") ? f[col] : f[1]));
        }
        return m;
    }

    /** expected.txt: "kernel n checksum" lines, by "kernel n". */
    private static Map<String, String> readExpected() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : new String(resource("kernels/expected.txt"), StandardCharsets.UTF_8).split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length == 3) {
                m.put(f[0] + " " + f[1], f[2]);
            }
        }
        return m;
    }

    /**
     * The benchmark data directory: {@code $LLMTB_BENCH_DATA}, else {@code -Dllmtb.bench.data}, else
     * {@code benchmarks/target/bench-data} (or {@code target/bench-data} when run from benchmarks/).
     */
    public static Path dataDir() {
        String env = System.getenv("LLMTB_BENCH_DATA");
        if (env != null && !env.isEmpty()) {
            return Path.of(env);
        }
        String prop = System.getProperty("llmtb.bench.data");
        if (prop != null) {
            return Path.of(prop);
        }
        if (Files.isDirectory(Path.of("benchmarks"))) {
            return Path.of("benchmarks", "target", "bench-data");
        }
        return Path.of("target", "bench-data");
    }

    /** The plugin's .wasm in the data directory, copied there by {@link Prepare}. */
    public static Path pluginWasm() {
        Path p = dataDir().resolve("plugin.wasm");
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " is missing: run benchmarks/run.sh, or java -cp benchmarks.jar "
                    + Prepare.class.getName() + " first");
        }
        return p;
    }

    /**
     * The trivial plugin ({@code test-plugins/wasm/echo.wasm}, copied by {@link Prepare}): its output is its input,
     * so a call costs the host's path and almost no guest work. The call benchmarks' baseline of host cost.
     */
    public static Path echoWasm() {
        Path p = dataDir().resolve("echo.wasm");
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " is missing: run benchmarks/run.sh, or java -cp benchmarks.jar "
                    + Prepare.class.getName() + " first");
        }
        return p;
    }

    public static byte[] echoBytes() {
        try {
            return Files.readAllBytes(echoWasm());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] pluginBytes() {
        try {
            return Files.readAllBytes(pluginWasm());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
