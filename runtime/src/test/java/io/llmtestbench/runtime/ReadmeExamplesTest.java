package io.llmtestbench.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The README's "Quick start" and "Custom configuration" examples, verbatim apart from the plugin paths:
 * {@link #theReadmeShowsTheseExamples} fails when the README and this file drift apart.
 */
class ReadmeExamplesTest {
    @TempDir
    Path cache;

    @Test
    void quickStart() throws Exception {
        Path pluginPath = TestPlugins.wasm("similarity-evaluator");
        // --- README: Quick start ---
        try (PluginSystem system = PluginSystem.create()) {
            PluginId id = system.loadPlugin(pluginPath);
            PluginInput input = PluginInput.of("""
                    {"text": "Paris is the capital of France.", "expected": "The capital of France is Paris."}
                    """);
            CompletableFuture<PluginOutput> pending = system.executePluginAsync(id, input);
            PluginOutput output = pending.get();
            System.out.println(output.data().get("score") + " in " + output.metadata().executionTimeMs() + " ms, "
                    + output.metadata().fuelUsed() + " fuel");
            // --- end ---
            assertThat(output.data().get("score").asDouble()).isGreaterThan(0.5);
        }
    }

    @Test
    void customConfiguration() throws Exception {
        Path pluginDir = TestPlugins.dir();
        Path cacheDir = cache;
        // --- README: Custom configuration ---
        ResourceLimits limits = ResourceLimits.builder()
                .maxMemoryBytes(128L * 1024 * 1024)   // 128 MiB of linear memory
                .maxExecutionTimeMs(60_000)           // wall-clock deadline per execution
                .maxInstructions(5_000_000_000L)      // fuel per execution
                .build();
        try (PluginSystem system = PluginSystem.builder()
                .defaultLimits(limits)                // for every plugin loaded without limits of its own
                .maxInstances(100)                    // live instances, all plugins together
                .cacheDir(cacheDir)                   // compiled .wasm, by SHA-256 and compiler stamp
                .pluginDirs(List.of(pluginDir))       // where discover() looks
                .build()) {
            PluginId id = system.loadPlugin(pluginDir.resolve("threshold-filter.wasm"), LoadOptions.builder()
                    .config(new ObjectMapper().readTree("{\"min_score\": 0.7}"))
                    .limits(limits.toBuilder().maxExecutionTimeMs(5_000).build())
                    .permissions(PluginPermissions.none())
                    .build());
            PluginOutput out = system.executePlugin(id, PluginInput.of("{\"text\": \"...\", \"scores\": {\"similarity\": 0.42}}"));
            System.out.println(out.data()); // {"keep":false,"reason":"..."}
            // --- end ---
            assertThat(out.data().get("keep").asBoolean()).isFalse();
            assertThat(system.describePlugin(id).limits().maxExecutionTimeMs()).isEqualTo(5_000);
            assertThat(system.options().maxInstances()).isEqualTo(100);
            assertThat(system.options().pluginDirs()).containsExactly(pluginDir);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Quick start", "Custom configuration"})
    void theReadmeShowsTheseExamples(String section) throws IOException {
        String readme = Files.readString(Path.of("../README.md"));
        int heading = readme.indexOf("\n## " + section);
        assertThat(heading).as("README section " + section).isPositive();
        int start = readme.indexOf("```java\n", heading);
        int end = readme.indexOf("```", start + 8);
        List<String> shown = lines(readme.substring(start + 8, end));
        String test = Files.readString(Path.of("src/test/java/io/llmtestbench/runtime/ReadmeExamplesTest.java"));
        String marker = "// --- README: " + section + " ---\n";
        int from = test.indexOf(marker) + marker.length();
        List<String> tested = lines(test.substring(from, test.indexOf("// --- end ---", from)));
        // the test keeps the try block open for its assertions; the README closes it
        assertThat(shown.subList(0, Math.min(tested.size(), shown.size()))).isEqualTo(tested);
        assertThat(shown.subList(tested.size(), shown.size())).containsOnly("}");
    }

    private static List<String> lines(String code) {
        return Arrays.stream(code.split("\n")).map(String::strip).filter(l -> !l.isEmpty()).toList();
    }
}
