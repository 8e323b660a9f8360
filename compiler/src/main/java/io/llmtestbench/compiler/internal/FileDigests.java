package io.llmtestbench.compiler.internal;

import io.llmtestbench.compiler.WasmCompiler;
import java.util.IdentityHashMap;

/**
 * The SHA-256 that reading a pre-compiled jar computed of its files ({@code module.wasm} and each class) and checked
 * against the manifest, kept with the entry ({@code PluginArtifact.Entry#moduleSha256}, {@code #classSha256}) so that
 * the stamps and the class-reference verdict use them instead of hashing the same bytes again: SHA-256 runs in the
 * bytecode interpreter in a fresh JVM (issue #16 point 4). Keyed by the identity of the arrays that were hashed and
 * put in the entry, so an entry given other arrays (another map of classes) hashes those. Filled only while reading.
 */
public final class FileDigests {
    private final IdentityHashMap<byte[], String> sha256 = new IdentityHashMap<>();

    /** Records the hex SHA-256 just computed of {@code bytes}. */
    public void put(byte[] bytes, String sha) {
        sha256.put(bytes, sha);
    }

    /** The digest recorded for this very array, else the array's digest computed now. */
    public String of(byte[] bytes) {
        String sha = sha256.get(bytes);
        return sha != null ? sha : WasmCompiler.sha256(bytes);
    }
}
