package io.llmtestbench.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "Quick start" and "Custom configuration" examples, verbatim apart from the plugin paths. */
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
        ManagerConfig config = ManagerConfig.defaults()
                .withRuntimeConfig(new RuntimeConfig(limits, false))
                .withMaxConcurrentPlugins(100)
                .withCacheDir(cacheDir);
        RegistryConfig registry = new RegistryConfig(List.of(pluginDir));
        try (PluginSystem system = PluginSystem.withConfig(config, registry)) {
            PluginId id = system.loadPlugin(pluginDir.resolve("threshold-filter.wasm"), LoadOptions.defaults()
                    .withConfig(new ObjectMapper().readTree("{\"min_score\": 0.7}"))
                    .withLimits(limits.toBuilder().maxExecutionTimeMs(5_000).build())
                    .withPermissions(PluginPermissions.none()));
            PluginOutput out = system.executePlugin(id, PluginInput.of("{\"text\": \"...\", \"scores\": {\"similarity\": 0.42}}"));
            System.out.println(out.data()); // {"keep":false,"reason":"..."}
            // --- end ---
            assertThat(out.data().get("keep").asBoolean()).isFalse();
            assertThat(system.describePlugin(id).limits().maxExecutionTimeMs()).isEqualTo(5_000);
        }
    }
}
