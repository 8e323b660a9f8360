package io.llmtestbench.runtime.spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Modules from a generator this project never wrote: binaryen's {@code wasm-opt -ttf} ("translate to fuzz") turns
 * arbitrary bytes into a valid module. The bytes are seeded random, so a seed names a module (for one binaryen
 * version). Features: those the compiler supports — MVP, sign extension, mutable globals, multi-value, bulk memory,
 * non-trapping float-to-int, and for every fourth seed reference types (binaryen 108 writes some pre-standard
 * reference-type modules, which V8 and our compiler must then both refuse). No SIMD, threads, exceptions, tail calls,
 * GC, memory64 or multi-memory. The modules import only binaryen's {@code fuzzing-support} log functions and export
 * {@code hangLimitInitializer}, which resets the budget every generated loop and call consumes.
 */
final class TtfModules {
    static final List<String> FEATURES = List.of("--mvp-features", "--enable-sign-ext", "--enable-mutable-globals",
            "--enable-nontrapping-float-to-int", "--enable-bulk-memory", "--enable-multivalue");

    /** One generated module. */
    record Generated(long seed, byte[] wasm, boolean referenceTypes, int inputBytes) {}

    private TtfModules() {}

    /** The module of {@code seed}, or null if wasm-opt could not make one. */
    static Generated generate(long seed, Path work) throws IOException, InterruptedException {
        String wasmOpt = Tools.wasmOpt().orElseThrow(() -> new IllegalStateException(Tools.missing("wasm-opt")));
        SplittableRandom random = new SplittableRandom(seed);
        int size = 256 + random.nextInt(random.nextInt(4) == 0 ? 24_000 : 6_000);
        byte[] input = new byte[size];
        random.nextBytes(input);
        boolean referenceTypes = Math.floorMod(seed, 4) == 3;
        Files.createDirectories(work);
        Path in = work.resolve("ttf-" + seed + ".bin");
        Path out = work.resolve("ttf-" + seed + ".wasm");
        Files.write(in, input);
        List<String> command = new ArrayList<>(List.of(wasmOpt, "-ttf", in.toString()));
        command.addAll(FEATURES);
        if (referenceTypes) {
            command.add("--enable-reference-types");
        }
        command.addAll(List.of("-o", out.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes(); // "warning: no passes specified" and the like
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return null;
        }
        try {
            if (p.exitValue() != 0 || !Files.isRegularFile(out)) {
                return null;
            }
            return new Generated(seed, Files.readAllBytes(out), referenceTypes, size);
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(out);
        }
    }
}
