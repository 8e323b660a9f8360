package io.llmtestbench.compiler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbench.compiler.internal.JsonTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * A detached Ed25519 signature of one plugin, as stored next to a {@code .wasm} ({@code plugin.wasm.sig}) or
 * inside a pre-compiled jar ({@code META-INF/llmtb/plugins/<id>/plugin.json.sig}). It is a small JSON file:
 *
 * <pre>{"format":1,"algorithm":"Ed25519","signed":"wasm","sha256":"…","key":"…","signature":"…"}</pre>
 *
 * What is signed is not the bytes themselves but the statement {@code llmtb-plugin-signature:1:<kind>:<sha256>}
 * (UTF-8), where {@code kind} is {@link #WASM} (the SHA-256 of the {@code .wasm} file) or {@link #MANIFEST}
 * (the SHA-256 of a pre-compiled plugin's {@code plugin.json}, which lists the SHA-256 of its
 * {@code module.wasm} and of every class, all checked at load). The kind in the statement keeps a signature
 * of one kind of content from being accepted for the other. {@link #sha256()} in the file only helps error
 * messages; verification always uses the digest of the content actually loaded.
 *
 * @param kind {@link #WASM} or {@link #MANIFEST}
 * @param sha256 hex SHA-256 of the content the signer signed
 * @param keyFingerprint {@link #fingerprint(PublicKey)} of the signer's public key
 * @param signature the raw 64-byte Ed25519 signature of {@link #statement(String, String)}
 */
public record PluginSignature(String kind, String sha256, String keyFingerprint, byte[] signature) {
    /** The signed content is a {@code .wasm} file. */
    public static final String WASM = "wasm";
    /** The signed content is the {@code plugin.json} manifest of a pre-compiled plugin. */
    public static final String MANIFEST = "manifest";
    /** The only algorithm: Ed25519 (the JDK's built-in {@code Ed25519} provider, Java 15+). */
    public static final String ALGORITHM = "Ed25519";
    /** Appended to a file's name for its detached signature: {@code plugin.wasm} → {@code plugin.wasm.sig}. */
    public static final String SUFFIX = ".sig";

    private static final int FORMAT = 1;

    public PluginSignature {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(keyFingerprint, "keyFingerprint");
        Objects.requireNonNull(signature, "signature");
        if (!kind.equals(WASM) && !kind.equals(MANIFEST)) {
            throw new IllegalArgumentException("signature kind must be '" + WASM + "' or '" + MANIFEST + "', not '" + kind + "'");
        }
        signature = signature.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** The bytes an Ed25519 key signs for content of this kind and digest. */
    public static byte[] statement(String kind, String sha256) {
        return ("llmtb-plugin-signature:1:" + kind + ":" + sha256.toLowerCase(Locale.ROOT)).getBytes(StandardCharsets.UTF_8);
    }

    /** Hex SHA-256 of the key's X.509 (SubjectPublicKeyInfo) encoding: how signatures and policies name keys. */
    public static String fingerprint(PublicKey key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether this signature, made by {@code key}, signs content of {@code kind} whose SHA-256 is
     * {@code actualSha256}. False (never an exception) for a wrong key, kind, digest or a corrupt signature.
     */
    public boolean verifies(PublicKey key, String kind, String actualSha256) {
        if (!this.kind.equals(kind) || !fingerprint(key).equals(keyFingerprint)) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key);
            verifier.update(statement(kind, actualSha256));
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** The file form (UTF-8 JSON). */
    public byte[] toBytes() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("format", FORMAT);
        n.put("algorithm", ALGORITHM);
        n.put("signed", kind);
        n.put("sha256", sha256);
        n.put("key", keyFingerprint);
        n.put("signature", Base64.getEncoder().encodeToString(signature));
        try {
            return JsonTrees.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses the file form; throws {@link IllegalArgumentException} saying what is wrong. */
    public static PluginSignature parse(byte[] bytes) {
        JsonNode n;
        try {
            n = JsonTrees.read(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        if (n.path("format").asInt() != FORMAT) {
            throw new IllegalArgumentException("unsupported signature format " + n.path("format") + " (expected " + FORMAT + ")");
        }
        if (!ALGORITHM.equals(n.path("algorithm").asText())) {
            throw new IllegalArgumentException("unsupported algorithm '" + n.path("algorithm").asText() + "' (expected " + ALGORITHM + ")");
        }
        byte[] sig;
        try {
            sig = Base64.getDecoder().decode(n.path("signature").asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'signature' is not base64", e);
        }
        for (String field : new String[] {"signed", "sha256", "key"}) {
            if (!n.path(field).isTextual()) {
                throw new IllegalArgumentException("missing '" + field + "'");
            }
        }
        return new PluginSignature(n.path("signed").asText(), n.path("sha256").asText(), n.path("key").asText(), sig);
    }
}
