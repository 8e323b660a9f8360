package io.llmtestbench.runtime.startup;

import io.llmtestbench.runtime.PluginId;
import io.llmtestbench.runtime.PluginInput;
import io.llmtestbench.runtime.PluginOutput;
import io.llmtestbench.runtime.PluginSystem;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.MessageDigestSpi;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.security.Provider;
import java.security.Security;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a library user's first result costs, in a JVM of its own (StartupClassesTest reads the classes it loads): a
 * plugin system, one pre-compiled jar loaded, one execution. Prints {@code result=ok} when the output is the
 * evaluator's JSON object. With {@code -Dstartup.countSha256=true} every SHA-256 of the process goes through
 * {@link CountingSha256} and the bytes hashed are printed as {@code sha256-bytes=N}.
 */
public final class StartupHost {
    private StartupHost() {}

    public static void main(String[] args) {
        if (Boolean.getBoolean("startup.countSha256")) {
            Security.insertProviderAt(new Provider("StartupCounting", "1", "SHA-256 that counts the bytes it hashes") {
                {
                    put("MessageDigest.SHA-256", CountingSha256.class.getName());
                }
            }, 1);
        }
        // a second argument: the cache directory (remembered verdicts), else none
        try (PluginSystem system = PluginSystem.builder().cacheDir(args.length > 1 ? Path.of(args[1]) : null).build()) {
            PluginId id = system.loadPlugin(Path.of(args[0]));
            PluginOutput out = system.executePlugin(id, PluginInput.of(
                    "{\"text\":\"Paris is the capital of France.\",\"expected\":\"The capital of France is Paris.\"}"));
            System.out.println("result=" + (out.data().isObject() && out.data().path("score").isNumber() ? "ok" : "unexpected"));
        }
        System.out.println("sha256-bytes=" + CountingSha256.BYTES.get());
    }

    /** The JDK's SHA-256, counting the bytes it is given. */
    public static final class CountingSha256 extends MessageDigestSpi {
        static final AtomicLong BYTES = new AtomicLong();
        private final MessageDigest sha;

        public CountingSha256() throws NoSuchAlgorithmException, NoSuchProviderException {
            sha = MessageDigest.getInstance("SHA-256", "SUN");
        }

        @Override
        protected void engineUpdate(byte input) {
            BYTES.incrementAndGet();
            sha.update(input);
        }

        @Override
        protected void engineUpdate(byte[] input, int offset, int len) {
            BYTES.addAndGet(len);
            sha.update(input, offset, len);
        }

        @Override
        protected byte[] engineDigest() {
            return sha.digest();
        }

        @Override
        protected void engineReset() {
            sha.reset();
        }
    }
}
