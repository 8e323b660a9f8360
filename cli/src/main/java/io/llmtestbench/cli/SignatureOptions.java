package io.llmtestbench.cli;

import io.llmtestbench.runtime.SignaturePolicy;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Which plugin signatures are checked ({@link SignaturePolicy}); none by default. */
final class SignatureOptions {
    @Option(names = "--trusted-key", paramLabel = "FILE",
            description = "Trust signatures made with this public key (a .pub file from `llmtb keygen`; repeatable). "
                    + "A signed plugin then loads only if its signature verifies with a trusted key; unsigned ones "
                    + "still load unless --require-signature.")
    List<Path> trustedKeys = new ArrayList<>();

    @Option(names = "--require-signature",
            description = "Refuse plugins without a signature by a --trusted-key (a .wasm is signed by <file>.wasm.sig "
                    + "beside it, a jar's plugins inside the jar: `llmtb sign`).")
    boolean requireSignature;

    /**
     * The policy for these flags plus {@code extraKeys} (e.g. a pipeline's), or {@link SignaturePolicy#none()}.
     *
     * @throws IllegalArgumentException (a usage error) for an unreadable key or --require-signature without a key
     */
    SignaturePolicy policy(List<PublicKey> extraKeys, boolean extraRequire) {
        List<PublicKey> keys = new ArrayList<>();
        for (Path f : trustedKeys) {
            try {
                keys.add(Keys.readPublic(f, "--trusted-key"));
            } catch (Keys.BadKey e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
        keys.addAll(extraKeys);
        boolean require = requireSignature || extraRequire;
        if (require && keys.isEmpty()) {
            throw new IllegalArgumentException("--require-signature needs at least one --trusted-key FILE"
                    + " (the public key, from `llmtb keygen`)");
        }
        if (keys.isEmpty()) {
            return SignaturePolicy.none();
        }
        return require ? SignaturePolicy.required(keys) : SignaturePolicy.verifyIfSigned(keys);
    }

    SignaturePolicy policy() {
        return policy(List.of(), false);
    }
}
