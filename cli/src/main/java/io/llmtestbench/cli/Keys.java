package io.llmtestbench.cli;

import io.llmtestbench.compiler.PluginSignature;
import io.llmtestbench.compiler.PluginSigner;
import io.llmtestbench.pipeline.internal.KeyFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;

/**
 * Key files of {@code llmtb keygen}: {@code <prefix>.key} holds the private key and {@code <prefix>.pub} the public
 * key, each as one line of {@link PluginSigner#encode} (base64 PKCS#8 / X.509), the form
 * {@link PluginSigner#decodePrivateKey} and {@link PluginSigner#decodePublicKey} read.
 */
final class Keys {
    static final String PRIVATE_SUFFIX = KeyFiles.PRIVATE_SUFFIX;
    static final String PUBLIC_SUFFIX = KeyFiles.PUBLIC_SUFFIX;

    private Keys() {}

    /** A key file that cannot be used; the message names it and says why. */
    static final class BadKey extends Exception {
        private static final long serialVersionUID = 1L;

        BadKey(String message) {
            super(message);
        }
    }

    static PublicKey readPublic(Path file, String what) throws BadKey {
        try {
            return KeyFiles.readPublic(file, what);
        } catch (KeyFiles.BadKey e) {
            throw new BadKey(e.getMessage());
        }
    }

    /**
     * The key pair of a private key file. The public key is derived from the private one (Ed25519 private keys are
     * 32-byte seeds); should that fail, it is read from the {@code .pub} file beside it.
     */
    static KeyPair readPair(Path file, String what) throws BadKey {
        String text = read(file, what);
        PrivateKey priv;
        try {
            priv = PluginSigner.decodePrivateKey(text);
        } catch (IllegalArgumentException e) {
            boolean looksPublic = false;
            try {
                PluginSigner.decodePublicKey(text);
                looksPublic = true;
            } catch (IllegalArgumentException ignored) {
                // neither
            }
            throw new BadKey(what + " " + file + ": " + e.getMessage()
                    + (looksPublic ? " (this is a public key: sign with the private key, " + PRIVATE_SUFFIX + ")" : ""));
        }
        PublicKey pub = derivePublic(priv);
        if (pub == null) {
            Path sibling = sibling(file);
            if (sibling == null || !Files.isRegularFile(sibling)) {
                throw new BadKey(what + " " + file + ": cannot derive its public key, and there is no "
                        + (sibling == null ? PUBLIC_SUFFIX + " file" : sibling.toString()) + " beside it");
            }
            pub = readPublic(sibling, what);
        }
        KeyPair pair = new KeyPair(pub, priv);
        if (!matches(pair)) {
            throw new BadKey(what + " " + file + ": the private key does not match its public key");
        }
        return pair;
    }

    /** {@code prefix.pub} for {@code prefix.key}, else null. */
    static Path sibling(Path keyFile) {
        String name = keyFile.getFileName().toString();
        if (!name.endsWith(PRIVATE_SUFFIX)) {
            return null;
        }
        return keyFile.resolveSibling(name.substring(0, name.length() - PRIVATE_SUFFIX.length()) + PUBLIC_SUFFIX);
    }

    static String fingerprint(PublicKey key) {
        return PluginSignature.fingerprint(key);
    }

    private static String read(Path file, String what) throws BadKey {
        try {
            return KeyFiles.read(file, what);
        } catch (KeyFiles.BadKey e) {
            throw new BadKey(e.getMessage());
        }
    }

    /**
     * The public key of an Ed25519 private key, or null. The JDK has no API for it, but its key pair generator
     * draws the 32-byte private key (the seed) from the random source and derives the public key from it: feeding
     * it the seed regenerates the pair. The result is checked (same private key encoding), so a generator that
     * works differently yields null, never a wrong key.
     */
    private static PublicKey derivePublic(PrivateKey priv) {
        if (!(priv instanceof EdECPrivateKey edec)) {
            return null;
        }
        byte[] seed = edec.getBytes().orElse(null);
        if (seed == null) {
            return null;
        }
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance(PluginSignature.ALGORITHM);
            gen.initialize(NamedParameterSpec.ED25519, new SecureRandom() {
                private static final long serialVersionUID = 1L;

                @Override
                public void nextBytes(byte[] bytes) {
                    Arrays.fill(bytes, (byte) 0);
                    System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
                }
            });
            KeyPair pair = gen.generateKeyPair();
            return Arrays.equals(pair.getPrivate().getEncoded(), priv.getEncoded()) ? pair.getPublic() : null;
        } catch (GeneralSecurityException | RuntimeException e) {
            return null;
        }
    }

    /** Whether the pair signs and verifies. */
    private static boolean matches(KeyPair pair) {
        try {
            byte[] message = "llmtb key check".getBytes(StandardCharsets.UTF_8);
            Signature s = Signature.getInstance(PluginSignature.ALGORITHM);
            s.initSign(pair.getPrivate());
            s.update(message);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(PluginSignature.ALGORITHM);
            v.initVerify(pair.getPublic());
            v.update(message);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
