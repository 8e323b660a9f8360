package io.llmtestbench.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Byte-mutated test plugins and kernels through {@link WasmCompiler#compile}: whatever the bytes, the outcome is
 * classes or a {@link CompilationException} of a kind that names the module's fault (malformed, invalid,
 * unsupported, limit) — never {@code INTERNAL}, never another exception or error. A run of 30,000 mutations found
 * three ways out before they were fixed: a function type declaring 2^30 parameters (OutOfMemoryError in Chicory's
 * parser, see {@link DeclaredSizesTest}), and a body whose final end was missing (INTERNAL, see {@link
 * WasmCompilerTest#aBodyWhoseFinalEndIsMissingOrNotLastIsMalformed}).
 *
 * <p>The default run is short and seeded (the same mutations every time). A longer one:
 * {@code -Dllmtb.mutations=30000 -Dllmtb.mutations.seed=N}; a failure names the seed and the mutation's number, and
 * writes the module to {@code target/mutations/}.
 */
class MutatedModulesTest {
    private static final int COUNT = Integer.getInteger("llmtb.mutations", 1500);
    private static final long SEED = Long.getLong("llmtb.mutations.seed", 20261207L);
    private static final int[] INTERESTING = {0x00, 0xff, 0x80, 0x7f, 0x01, 0x40, 0x41, 0x0b, 0x7c};

    static List<byte[]> seeds() throws IOException {
        Path plugins = Path.of(System.getProperty("llmtb.testplugins.dir", "../test-plugins/wasm"));
        Path kernels = Path.of("../benchmarks/src/main/resources/kernels");
        List<Path> files = new ArrayList<>();
        for (Path dir : new Path[] {plugins, kernels}) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    s.filter(p -> p.toString().endsWith(".wasm")).sorted().forEach(files::add);
                }
            }
        }
        List<byte[]> seeds = new ArrayList<>();
        for (Path p : files) {
            byte[] b = Files.readAllBytes(p);
            if (b.length < 200_000) { // the large kernels make each compile slow without adding shapes
                seeds.add(b);
            }
        }
        return seeds;
    }

    /** One to four mutations: bit flips, interesting bytes, truncation, deletion, insertion, copied runs. */
    static byte[] mutate(byte[] seed, Random r) {
        byte[] b = seed.clone();
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n && b.length > 8; i++) {
            int pos = 8 + r.nextInt(b.length - 8);
            switch (r.nextInt(8)) {
                case 0 -> b[pos] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[pos] = (byte) INTERESTING[r.nextInt(INTERESTING.length)];
                case 2 -> b[pos] = (byte) r.nextInt(256);
                case 3 -> b = Arrays.copyOf(b, pos);
                case 4 -> {
                    int len = 1 + r.nextInt(Math.min(16, b.length - pos));
                    byte[] c = new byte[b.length - len];
                    System.arraycopy(b, 0, c, 0, pos);
                    System.arraycopy(b, pos + len, c, pos, b.length - pos - len);
                    b = c;
                }
                case 5 -> {
                    int len = 1 + r.nextInt(8);
                    byte[] c = new byte[b.length + len];
                    System.arraycopy(b, 0, c, 0, pos);
                    for (int j = 0; j < len; j++) {
                        c[pos + j] = (byte) r.nextInt(256);
                    }
                    System.arraycopy(b, pos, c, pos + len, b.length - pos);
                    b = c;
                }
                case 6 -> b[pos] = (byte) (0x80 | r.nextInt(128)); // a LEB128 continued
                default -> {
                    int from = 8 + r.nextInt(b.length - 8);
                    int len = Math.min(1 + r.nextInt(32), Math.min(b.length - pos, b.length - from));
                    System.arraycopy(b, from, b, pos, len);
                }
            }
        }
        return b;
    }

    @Test
    void everyMutatedModuleCompilesOrIsRefusedForWhatItIs() throws Exception {
        List<byte[]> seeds = seeds();
        assertThat(seeds).hasSizeGreaterThan(40);
        Random r = new Random(SEED);
        var outcomes = new TreeMap<String, Integer>();
        for (int i = 1; i <= COUNT; i++) {
            byte[] wasm = mutate(seeds.get(r.nextInt(seeds.size())), r);
            String outcome;
            try {
                WasmCompiler.compile(wasm, CompilerOptions.defaults());
                outcome = "compiled";
            } catch (CompilationException e) {
                outcome = e.kind().name();
            } catch (Throwable t) {
                outcome = t.toString();
            }
            if (!outcome.equals("compiled") && !outcome.equals("MALFORMED") && !outcome.equals("INVALID")
                    && !outcome.equals("UNSUPPORTED") && !outcome.equals("LIMIT")) {
                Path dir = Files.createDirectories(Path.of("target", "mutations"));
                Path file = dir.resolve("seed-" + SEED + "-mutation-" + i + ".wasm");
                Files.write(file, wasm);
                throw new AssertionError("mutation " + i + " of seed " + SEED + " (" + file + "): " + outcome);
            }
            outcomes.merge(outcome, 1, Integer::sum);
        }
        // the mutations reach past the header and the parser: some compile, most are refused for what they are
        assertThat(outcomes.keySet()).contains("compiled", "MALFORMED", "INVALID");
    }
}
