package io.llmtestbench.runtime.internal.registry;

import io.llmtestbench.compiler.PluginSignature;
import io.llmtestbench.runtime.PluginLoadException.Stage;
import io.llmtestbench.runtime.internal.Failures;
import io.llmtestbench.runtime.SignaturePolicy;
import java.security.PublicKey;
import java.util.stream.Collectors;

/** The integrity checks of the security checklist: SHA-256 pins and Ed25519 signatures (docs/security.md). */
public final class Integrity {
    private Integrity() {}

    /**
     * Refuses content whose digest is not the pinned one.
     *
     * @param what what the digest is of, for the message (e.g. "the .wasm file")
     */
    public static void checkPin(String label, String actualSha256, String pinnedSha256, String what) {
        if (pinnedSha256 != null && !pinnedSha256.equalsIgnoreCase(actualSha256)) {
            throw Failures.load(Stage.UNTRUSTED, label, "SHA-256 mismatch: LoadOptions.sha256 pins "
                    + pinnedSha256.toLowerCase(java.util.Locale.ROOT) + ", but " + what + " has SHA-256 " + actualSha256, null);
        }
    }

    /**
     * Applies the policy to one plugin's signature.
     *
     * @param kind {@link PluginSignature#WASM} or {@link PluginSignature#MANIFEST}
     * @param sha256 the digest of the content actually loaded
     * @param signature the signature file's bytes, or null when there is none
     * @param where where the signature is (or would be), for messages
     * @param howToSign what makes one, for the message when it is missing
     * @return the fingerprint of the trusted key that signed it, or null (unsigned, or no checks)
     */
    public static String checkSignature(String label, String kind, String sha256, byte[] signature, String where, String howToSign,
            SignaturePolicy policy) {
        if (!policy.checksSignatures()) {
            return null;
        }
        if (signature == null) {
            if (policy.required()) {
                throw Failures.load(Stage.UNTRUSTED, label, "not signed, and the signature policy requires a signature by a trusted key"
                        + " (expected " + where + "; " + howToSign + ")", null);
            }
            return null;
        }
        PluginSignature sig;
        try {
            sig = PluginSignature.parse(signature);
        } catch (IllegalArgumentException e) {
            throw Failures.load(Stage.UNTRUSTED, label, "signature " + where + " is malformed: " + e.getMessage(), e);
        }
        PublicKey key = policy.trustedKeys().stream()
                .filter(k -> PluginSignature.fingerprint(k).equals(sig.keyFingerprint())).findFirst().orElse(null);
        if (key == null) {
            throw Failures.load(Stage.UNTRUSTED, label, "signed by key " + sig.keyFingerprint()
                    + ", which the signature policy does not trust (trusted: "
                    + policy.trustedKeys().stream().map(PluginSignature::fingerprint).collect(Collectors.joining(", ")) + ")", null);
        }
        if (!sig.kind().equals(kind)) {
            throw Failures.load(Stage.UNTRUSTED, label, "signature " + where + " signs a " + sig.kind()
                    + ", but it is used for a " + kind + " (it belongs to another file)", null);
        }
        if (!sig.verifies(key, kind, sha256)) {
            String detail = sig.sha256().equalsIgnoreCase(sha256)
                    ? "its signature bytes do not verify (corrupt or forged)"
                    : "it signs SHA-256 " + sig.sha256() + ", but the " + kind + " loaded has SHA-256 " + sha256
                            + " (modified after signing, or the signature belongs to another file)";
            throw Failures.load(Stage.UNTRUSTED, label, "signature " + where + " by trusted key " + sig.keyFingerprint()
                    + " does not match: " + detail, null);
        }
        return sig.keyFingerprint();
    }
}
