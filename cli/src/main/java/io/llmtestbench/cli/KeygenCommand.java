package io.llmtestbench.cli;

import io.llmtestbench.compiler.PluginSigner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code llmtb keygen --out <prefix>}: a new Ed25519 key pair for signing plugins. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = {
            "Generates an Ed25519 key pair for signing plugins: <prefix>.key (the private key, readable by you "
                    + "only: keep it secret; `llmtb sign --key`) and <prefix>.pub (the public key: give it to "
                    + "--trusted-key). Each file is one line of base64 (PKCS#8 / X.509), as PluginSigner.encode writes.",
            "Exit codes: 0 written, 1 cannot write, 2 usage error (including files that exist, without --force)."
        })
final class KeygenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "<prefix>",
            description = "Where to write: <prefix>.key and <prefix>.pub.")
    String prefix;

    @Option(names = "--force", description = "Overwrite existing key files.")
    boolean force;

    @Override
    public Integer call() {
        String base = prefix;
        if (base.endsWith(Keys.PRIVATE_SUFFIX) || base.endsWith(Keys.PUBLIC_SUFFIX)) {
            base = base.substring(0, base.length() - 4); // --out signing.key means the prefix "signing"
        }
        if (base.isEmpty() || base.endsWith("/")) {
            throw new ParameterException(spec.commandLine(), "--out needs a file name prefix, e.g. --out keys/signing");
        }
        Path priv = Path.of(base + Keys.PRIVATE_SUFFIX);
        Path pub = Path.of(base + Keys.PUBLIC_SUFFIX);
        if (!force) {
            for (Path p : new Path[] {priv, pub}) {
                if (Files.exists(p)) {
                    throw new ParameterException(spec.commandLine(), p + " exists; not overwriting a key (use --force)");
                }
            }
        }
        KeyPair keys = PluginSigner.generateKeyPair();
        try {
            Path dir = priv.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            write(priv, PluginSigner.encode(keys.getPrivate()), true);
            write(pub, PluginSigner.encode(keys.getPublic()), false);
        } catch (IOException e) {
            System.err.println("llmtb keygen: cannot write " + base + ".{key,pub}: " + e.getMessage());
            return Main.FAILURE;
        }
        PrintStream out = System.out;
        out.println("Wrote " + priv + " (private key: keep it secret) and " + pub + " (public key: for --trusted-key)");
        out.println("Key fingerprint: " + Keys.fingerprint(keys.getPublic()));
        out.flush();
        return Main.OK;
    }

    /** Writes next to the target, then moves it into place; a private key is owner-only from the start. */
    private static void write(Path target, String base64, boolean secret) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp;
        if (secret) {
            tmp = Files.createTempFile(dir, ".llmtb-keygen", ".tmp"); // owner-only (rw-------) on POSIX
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: its own defaults apply
            }
        } else {
            tmp = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "." + System.nanoTime() + ".tmp");
        }
        try {
            Files.writeString(tmp, base64 + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
