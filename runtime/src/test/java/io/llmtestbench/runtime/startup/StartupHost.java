package io.llmtestbench.runtime.startup;

import io.llmtestbench.compiler.internal.Sha256;
import io.llmtestbench.runtime.PluginId;
import io.llmtestbench.runtime.PluginInput;
import io.llmtestbench.runtime.PluginOutput;
import io.llmtestbench.runtime.PluginSystem;
import java.nio.file.Path;

/**
 * What a library user's first result costs, in a JVM of its own (StartupClassesTest reads the classes it loads): a
 * plugin system, one pre-compiled jar loaded, one execution. Prints {@code result=ok} when the output is the
 * evaluator's JSON object, then {@code sha256-bytes=N}: the bytes the process hashed through {@link Sha256}, which
 * every SHA-256 of the load path goes through.
 */
public final class StartupHost {
    private StartupHost() {}

    public static void main(String[] args) {
        // a second argument: the cache directory (remembered verdicts), else none
        try (PluginSystem system = PluginSystem.builder().cacheDir(args.length > 1 ? Path.of(args[1]) : null).build()) {
            PluginId id = system.loadPlugin(Path.of(args[0]));
            PluginOutput out = system.executePlugin(id, PluginInput.of(
                    "{\"text\":\"Paris is the capital of France.\",\"expected\":\"The capital of France is Paris.\"}"));
            System.out.println("result=" + (out.data().isObject() && out.data().path("score").isNumber() ? "ok" : "unexpected"));
        }
        System.out.println("sha256-bytes=" + Sha256.bytesHashed());
    }
}
