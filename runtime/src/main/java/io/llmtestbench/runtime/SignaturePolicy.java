package io.llmtestbench.runtime;

import io.llmtestbench.compiler.PluginSignature;
import java.security.PublicKey;
import java.util.List;
import java.util.Objects;

/**
 * Which Ed25519 plugin signatures a {@link PluginSystem} accepts (made with
 * {@link io.llmtestbench.compiler.PluginSigner}; format {@link PluginSignature}). A {@code .wasm} is signed
 * by the detached file {@code <file>.sig} beside it; a plugin in a pre-compiled jar by
 * {@code META-INF/llmtb/plugins/<id>/plugin.json.sig} inside it (its manifest lists the SHA-256 of its module
 * and of every class, all checked at load).
 *
 * <ul>
 *   <li>{@link #none()} (the default): signatures are not looked at.</li>
 *   <li>{@link #verifyIfSigned(List)}: an unsigned plugin loads; a signed one loads only if its signature
 *       verifies with one of the trusted keys.</li>
 *   <li>{@link #required(List)}: every plugin needs a signature that verifies with one of the trusted keys.</li>
 * </ul>
 *
 * Refusals are {@link PluginLoadException}s at stage {@link PluginLoadException.Stage#UNTRUSTED} whose detail says
 * which: {@code not signed}, {@code signed by key … which the signature policy does not trust}, or a malformed or
 * non-matching signature, naming the key's fingerprint and the digests. Because the compile cache's entries are not
 * covered by a {@code .wasm}'s signature, a {@code .wasm} whose signature was verified is compiled from the verified
 * bytes, not taken from the cache (sign a pre-compiled jar to avoid that cost).
 *
 * @param trustedKeys Ed25519 public keys whose signatures are accepted
 * @param required whether an unsigned plugin is refused
 */
public record SignaturePolicy(List<PublicKey> trustedKeys, boolean required) {
    public SignaturePolicy {
        trustedKeys = List.copyOf(trustedKeys);
        for (PublicKey k : trustedKeys) {
            Objects.requireNonNull(k, "trusted key");
            if (!k.getAlgorithm().equals("EdDSA") && !k.getAlgorithm().equals(PluginSignature.ALGORITHM)) {
                throw new IllegalArgumentException("trusted keys must be Ed25519 keys, not " + k.getAlgorithm());
            }
        }
        if (required && trustedKeys.isEmpty()) {
            throw new IllegalArgumentException("a policy that requires signatures needs at least one trusted key");
        }
    }

    /** Signatures are not checked. */
    public static SignaturePolicy none() {
        return new SignaturePolicy(List.of(), false);
    }

    /** Unsigned plugins load; signed ones must verify with one of these keys. */
    public static SignaturePolicy verifyIfSigned(List<PublicKey> trustedKeys) {
        return new SignaturePolicy(trustedKeys, false);
    }

    /** Every plugin must carry a signature that verifies with one of these keys. */
    public static SignaturePolicy required(List<PublicKey> trustedKeys) {
        return new SignaturePolicy(trustedKeys, true);
    }

    /** Whether signatures are looked at at all. */
    public boolean checksSignatures() {
        return required || !trustedKeys.isEmpty();
    }
}
