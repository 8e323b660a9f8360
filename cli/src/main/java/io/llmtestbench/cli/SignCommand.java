package io.llmtestbench.cli;

import io.llmtestbench.compiler.PluginArtifact;
import io.llmtestbench.compiler.PluginSignature;
import io.llmtestbench.compiler.PluginSigner;
import io.llmtestbench.pipeline.internal.PluginPaths;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code llmtb sign <plugin.wasm | plugin.jar> --key <prefix>.key}. */
@Command(name = "sign", mixinStandardHelpOptions = true,
        description = {
            "Signs a plugin with an Ed25519 private key (from `llmtb keygen`), where the runtime looks for the "
                    + "signature: a .wasm gets the detached <file>.wasm.sig beside it; a pre-compiled plugin jar gets "
                    + "META-INF/llmtb/plugins/<id>/plugin.json.sig for every plugin in it, inside the jar (rewritten "
                    + "in place; a jar whose files do not match their manifests is refused, not signed).",
            "Load signed plugins with --trusted-key <prefix>.pub [--require-signature] (run, inspect, eval).",
            "Exit codes: 0 signed, 1 the plugin cannot be signed (missing, not a plugin, inconsistent jar), "
                    + "2 usage error (including an unreadable or wrong key file)."
        })
final class SignCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<plugin>", description = ".wasm file or pre-compiled plugin jar.")
    String plugin;

    @Option(names = {"-k", "--key"}, required = true, paramLabel = "<prefix>.key",
            description = "The private key file (its public key is derived from it, or read from <prefix>.pub beside it).")
    Path key;

    @Override
    public Integer call() {
        KeyPair keys;
        try {
            keys = Keys.readPair(key, "--key");
        } catch (Keys.BadKey e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintStream err = System.err;
        Path path;
        try {
            path = PluginPaths.resolve(plugin, null);
        } catch (PluginPaths.Unresolved e) {
            err.println("llmtb sign: " + e.getMessage());
            return Main.FAILURE;
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(4);
        } catch (NoSuchFileException e) {
            err.println("llmtb sign: " + path + ": no such file");
            return Main.FAILURE;
        } catch (IOException e) {
            err.println("llmtb sign: " + path + ": cannot read: " + e.getMessage());
            return Main.FAILURE;
        }
        String fingerprint = Keys.fingerprint(keys.getPublic());
        PrintStream out = System.out;
        // PluginSigner writes through Files.createTempFile, whose owner-only mode would stick to the jar and the .sig
        Set<PosixFilePermission> mode = permissions(path);
        try {
            if (InspectCommand.isWasm(head)) {
                Path sig = PluginSigner.signWasm(path, keys);
                restore(sig, mode);
                out.println("Signed " + path + ": wrote " + sig + " (key " + fingerprint + ")");
            } else if (InspectCommand.isZip(head)) {
                List<String> ids = PluginSigner.signJar(path, keys);
                restore(path, mode);
                out.println("Signed " + path + ": " + ids.size() + (ids.size() == 1 ? " plugin " : " plugins ") + ids + ", "
                        + PluginArtifact.PLUGINS_DIR + "<id>/plugin.json" + PluginSignature.SUFFIX + " in the jar (key " + fingerprint + ")");
            } else {
                err.println("llmtb sign: " + path + ": not a WebAssembly module (.wasm) nor a pre-compiled plugin jar");
                return Main.FAILURE;
            }
        } catch (IOException | RuntimeException e) {
            err.println("llmtb sign: " + path + ": cannot sign: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return Main.FAILURE;
        }
        out.flush();
        return Main.OK;
    }

    private static Set<PosixFilePermission> permissions(Path p) {
        try {
            return Files.getPosixFilePermissions(p);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** Gives {@code p} the plugin's mode (the signature is as readable as what it signs). */
    private static void restore(Path p, Set<PosixFilePermission> mode) {
        if (mode == null) {
            return;
        }
        try {
            Files.setPosixFilePermissions(p, mode);
        } catch (IOException | UnsupportedOperationException e) {
            System.err.println("llmtb sign: warning: cannot set the permissions of " + p + " to those of the plugin: " + e.getMessage());
        }
    }
}
