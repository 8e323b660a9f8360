package io.llmtestbench.pipeline.internal;

import io.llmtestbench.compiler.PluginSigner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;

/**
 * Reads the key files of {@code llmtb keygen}: one line of {@link PluginSigner#encode} each (a pipeline's
 * {@code trusted_keys}, the CLI's {@code --trusted-key} and {@code --key}).
 */
public final class KeyFiles {
    public static final String PRIVATE_SUFFIX = ".key";
    public static final String PUBLIC_SUFFIX = ".pub";

    private KeyFiles() {}

    /** A key file that cannot be used; the message names it and says why. */
    public static final class BadKey extends Exception {
        private static final long serialVersionUID = 1L;

        public BadKey(String message) {
            super(message);
        }
    }

    /** @param what how to name the file's origin in messages, e.g. "--trusted-key" */
    public static PublicKey readPublic(Path file, String what) throws BadKey {
        String text = read(file, what);
        try {
            return PluginSigner.decodePublicKey(text);
        } catch (IllegalArgumentException e) {
            throw new BadKey(what + " " + file + ": " + e.getMessage()
                    + (isPrivate(text) ? " (this is a private key: pass the public key, " + PUBLIC_SUFFIX + ")" : ""));
        }
    }

    /** The file's text; a missing or unreadable file is a {@link BadKey} naming it. */
    public static String read(Path file, String what) throws BadKey {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new BadKey(what + ": no such file: " + file);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new BadKey(what + ": cannot read " + file + ": " + e.getMessage());
        }
    }

    private static boolean isPrivate(String text) {
        try {
            PluginSigner.decodePrivateKey(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
