package io.llmtestbench.compiler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Signs plugins with Ed25519 (the JDK's built-in provider), for runtimes whose {@code SignaturePolicy} trusts
 * the key. The format is {@link PluginSignature}. Three things can be signed:
 *
 * <ul>
 *   <li>a {@code .wasm}: {@link #signWasm} writes the detached {@code plugin.wasm.sig} next to it;</li>
 *   <li>a pre-compiled plugin jar: {@link #signJar} adds {@code META-INF/llmtb/plugins/<id>/plugin.json.sig}
 *       for every plugin in it (the manifest lists the SHA-256 of {@code module.wasm} and of every class);</li>
 *   <li>the same layout in a directory (the {@code wasm-compile} goal's {@code target/classes}):
 *       {@link #signDirectory}.</li>
 * </ul>
 *
 * Keys: {@link #generateKeyPair()}; store them with {@link #encode(Key)} (base64 of X.509 for a public key,
 * PKCS#8 for a private one) and read them back with {@link #decodePublicKey} / {@link #decodePrivateKey}.
 * A runtime names a key by its {@link PluginSignature#fingerprint fingerprint}.
 */
public final class PluginSigner {
    private PluginSigner() {}

    /** A new Ed25519 key pair. */
    public static KeyPair generateKeyPair() {
        try {
            return KeyPairGenerator.getInstance(PluginSignature.ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no Ed25519 provider", e);
        }
    }

    /** Base64 of the key's standard encoding (X.509 for public keys, PKCS#8 for private keys). */
    public static String encode(Key key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /** Reads a public key written by {@link #encode(Key)}; {@link IllegalArgumentException} when it is not one. */
    public static PublicKey decodePublicKey(String base64) {
        try {
            return KeyFactory.getInstance(PluginSignature.ALGORITHM).generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64.strip())));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a base64 X.509 Ed25519 public key: " + e.getMessage(), e);
        }
    }

    /** Reads a private key written by {@link #encode(Key)}; {@link IllegalArgumentException} when it is not one. */
    public static PrivateKey decodePrivateKey(String base64) {
        try {
            return KeyFactory.getInstance(PluginSignature.ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64.strip())));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a base64 PKCS#8 Ed25519 private key: " + e.getMessage(), e);
        }
    }

    /** Signs content of a {@link PluginSignature} kind whose SHA-256 is {@code sha256}. */
    public static PluginSignature sign(String kind, String sha256, KeyPair keys) {
        try {
            Signature signer = Signature.getInstance(PluginSignature.ALGORITHM);
            signer.initSign(keys.getPrivate());
            signer.update(PluginSignature.statement(kind, sha256));
            return new PluginSignature(kind, sha256, PluginSignature.fingerprint(keys.getPublic()), signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with this key (an Ed25519 key pair is needed): " + e.getMessage(), e);
        }
    }

    /**
     * Signs a {@code .wasm} file: writes {@code <file>.sig} next to it (replacing an older one).
     *
     * @return the signature file
     */
    public static Path signWasm(Path wasm, KeyPair keys) throws IOException {
        byte[] bytes = Files.readAllBytes(wasm);
        if (bytes.length < 4 || bytes[0] != 0 || bytes[1] != 'a' || bytes[2] != 's' || bytes[3] != 'm') {
            throw new IOException(wasm + " is not a WebAssembly module (no \\0asm header)");
        }
        Path sig = wasm.resolveSibling(wasm.getFileName() + PluginSignature.SUFFIX);
        writeAtomically(sig, sign(PluginSignature.WASM, WasmCompiler.sha256(bytes), keys).toBytes());
        return sig;
    }

    /**
     * Signs every plugin of a pre-compiled jar, in place: adds (or replaces)
     * {@code META-INF/llmtb/plugins/<id>/plugin.json.sig} after each {@code plugin.json}. The jar is first
     * read like the runtime reads it, so a jar whose files do not match their manifest is refused rather
     * than signed. Entry order and timestamps are kept, so signing is reproducible.
     *
     * @return the ids signed
     */
    public static List<String> signJar(Path jar, KeyPair keys) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        Map<String, Long> times = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(jar); var zip = new ZipInputStream(in)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                if (!e.isDirectory()) {
                    files.put(e.getName(), zip.readAllBytes());
                    times.put(e.getName(), e.getTime());
                }
            }
        }
        List<String> ids = signatures(files, jar.toString(), keys);
        Path tmp = Files.createTempFile(jar.toAbsolutePath().getParent(), ".signing", ".jar");
        try {
            try (OutputStream out = Files.newOutputStream(tmp); var zip = new JarOutputStream(out)) {
                for (var f : files.entrySet()) {
                    var entry = new ZipEntry(f.getKey());
                    Long time = times.get(f.getKey());
                    if (time == null) { // a new .sig: the time of its plugin.json
                        time = times.get(f.getKey().substring(0, f.getKey().length() - PluginSignature.SUFFIX.length()));
                    }
                    if (time != null && time >= 0) {
                        entry.setTime(time);
                    }
                    zip.putNextEntry(entry);
                    zip.write(f.getValue());
                    zip.closeEntry();
                }
            }
            move(tmp, jar);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return ids;
    }

    /**
     * Signs every plugin of an artifact laid out in a directory (e.g. {@code target/classes} after
     * {@code wasm-compile}): writes {@code META-INF/llmtb/plugins/<id>/plugin.json.sig} files.
     *
     * @return the ids signed
     */
    public static List<String> signDirectory(Path dir, KeyPair keys) throws IOException {
        java.util.function.Function<String, byte[]> read = p -> {
            Path f = dir.resolve(p);
            try {
                return Files.isRegularFile(f) ? Files.readAllBytes(f) : null;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        PluginArtifact.read(read, dir.toString()); // refuse to sign what would not load
        List<String> ids = new ArrayList<>();
        for (String id : PluginArtifact.listedIds(read.apply(PluginArtifact.INDEX), dir.toString())) {
            String manifest = PluginArtifact.PLUGINS_DIR + id + "/plugin.json";
            PluginSignature sig = sign(PluginSignature.MANIFEST, WasmCompiler.sha256(read.apply(manifest)), keys);
            writeAtomically(dir.resolve(manifest + PluginSignature.SUFFIX), sig.toBytes());
            ids.add(id);
        }
        return ids;
    }

    /**
     * Verifies {@code files} like the runtime would, then puts a signature after each plugin.json (replacing
     * an older one), keeping the order of everything else; returns the ids signed.
     */
    private static List<String> signatures(Map<String, byte[]> files, String where, KeyPair keys) throws IOException {
        PluginArtifact.read(files::get, where); // refuse to sign what would not load
        List<String> ids = new ArrayList<>();
        Map<String, byte[]> sigs = new LinkedHashMap<>();
        for (String id : PluginArtifact.listedIds(files.get(PluginArtifact.INDEX), where)) {
            String manifest = PluginArtifact.PLUGINS_DIR + id + "/plugin.json";
            PluginSignature sig = sign(PluginSignature.MANIFEST, WasmCompiler.sha256(files.get(manifest)), keys);
            sigs.put(manifest + PluginSignature.SUFFIX, sig.toBytes());
            ids.add(id);
        }
        Map<String, byte[]> ordered = new LinkedHashMap<>();
        for (var f : files.entrySet()) {
            if (sigs.containsKey(f.getKey())) {
                continue; // an older signature, replaced below
            }
            ordered.put(f.getKey(), f.getValue());
            byte[] sig = sigs.get(f.getKey() + PluginSignature.SUFFIX);
            if (sig != null) {
                ordered.put(f.getKey() + PluginSignature.SUFFIX, sig);
            }
        }
        files.clear();
        files.putAll(ordered);
        return ids;
    }

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, ".signing", ".tmp");
        try {
            Files.write(tmp, bytes);
            move(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        // A temp file is created owner-only; the result gets the target's mode if it existed, else the usual
        // rw-r--r--, like any file the user writes.
        try {
            var mode = Files.exists(to) ? Files.getPosixFilePermissions(to)
                    : java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");
            Files.setPosixFilePermissions(from, mode);
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: keep the defaults
        }
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
