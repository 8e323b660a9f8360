package io.llmtestbench.runtime.internal;

import io.llmtestbench.compiler.CompiledModule;
import io.llmtestbench.compiler.PluginArtifact;
import io.llmtestbench.compiler.WasmCompiler;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiled {@code .wasm} files on disk, keyed by the wasm's SHA-256 and the compiler stamp (version, ABI,
 * metering, cost model), so the second load of the same file compiles nothing and a new compiler never
 * reuses an old entry. Entries are ordinary plugin jars and are checked like any other jar when loaded.
 */
public final class CompileCache {
    private static final Logger LOG = LoggerFactory.getLogger(CompileCache.class);
    private final Path dir;

    public CompileCache(Path dir) {
        this.dir = dir;
    }

    Path entry(String wasmSha256, boolean metering) {
        String stamp = WasmCompiler.stampFor(wasmSha256, metering).format();
        return dir.resolve(wasmSha256 + "-" + WasmCompiler.sha256(stamp.getBytes(java.nio.charset.StandardCharsets.UTF_8)).substring(0, 16) + ".jar");
    }

    public Optional<PluginArtifact.Entry> get(String wasmSha256, boolean metering) {
        Path p = entry(wasmSha256, metering);
        if (!Files.isRegularFile(p)) {
            return Optional.empty();
        }
        try {
            List<PluginArtifact.Entry> entries = PluginArtifact.readJar(p);
            // the entry must be of this module (a file of another module under this name is not used)
            return entries.size() == 1 && entries.get(0).stamp().wasmSha256().equals(wasmSha256)
                    && entries.get(0).stamp().metering() == metering ? Optional.of(entries.get(0)) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOG.warn("ignoring unreadable compile cache entry {}: {}", p, e.toString());
            return Optional.empty();
        }
    }

    public void put(String id, String sourceName, CompiledModule module) {
        Path p = entry(module.stamp().wasmSha256(), module.stamp().metering());
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".entry", ".tmp");
            try (var out = Files.newOutputStream(tmp)) {
                PluginArtifact.writeJar(out, List.of(PluginArtifact.Entry.of(id, sourceName, module)));
            }
            try {
                Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.warn("cannot write compile cache entry {}: {}", p, e.toString());
        }
    }
}
