package io.llmtestbench.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Each host function of ABI v1, through a plugin that calls them all and reports what it saw. */
class HostFunctionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode run(PluginSystem system, PluginId id, String input, String context) throws Exception {
        PluginInput in = PluginInput.of(input);
        if (context != null) {
            in = in.withContext(JSON.readTree(context));
        }
        return system.executePlugin(id, in).data();
    }

    @Test
    void everyHostFunctionBehavesAsDocumented() throws Exception {
        try (PluginSystem system = TestPlugins.system()) {
            PluginId id = system.loadPlugin(TestPlugins.wasm("host_functions_probe"));
            long before = System.currentTimeMillis();
            JsonNode r = run(system, id, "{\"random_max\": 10}", "{\"record_id\":\"rec-7\"}");
            long after = System.currentTimeMillis();
            assertThat(r.path("log").asInt()).isZero();
            assertThat(r.path("log_bad_level").asInt()).isEqualTo(-2);
            assertThat(r.path("time_ms").asLong()).isBetween(before, after);
            r.path("random").forEach(v -> assertThat(v.asInt()).isBetween(0, 9));
            assertThat(r.path("random_one").asInt()).isZero();
            assertThat(r.path("random_bad_max").asInt()).isEqualTo(-2);
            assertThat(r.path("state_set").asInt()).isZero();
            assertThat(r.path("state_missing").asInt()).isEqualTo(-1);
            assertThat(r.path("state_empty_key").asInt()).isEqualTo(-2);
            assertThat(r.path("state_long_key").asInt()).isEqualTo(-2);
            assertThat(r.path("state_truncated_len").asInt()).isEqualTo(10);
            assertThat(r.path("state_truncated_value").asText()).isEqualTo("0123");
            assertThat(r.path("state_truncated_untouched").asBoolean()).isTrue();
            assertThat(r.path("context").path("record_id").asText()).isEqualTo("rec-7");
            assertThat(r.path("context_len").asInt()).isEqualTo("{\"record_id\":\"rec-7\"}".length());

            JsonNode noContext = run(system, id, "{}", null);
            assertThat(noContext.path("context_len").asInt()).isEqualTo(-1);
            assertThat(noContext.path("context").isNull()).isTrue();
        }
    }

    /** ABI 1.2's host_compare_and_set_state: each documented result, in one fixed sequence (see the probe's source). */
    @Test
    void compareAndSetStateStoresOnlyWhenTheValueIsTheOneExpected() throws Exception {
        try (PluginSystem system = TestPlugins.system()) {
            PluginId id = system.loadPlugin(TestPlugins.wasm("compare_and_set_probe"));
            assertThat(system.getMetadata(id).apiVersion()).isEqualTo("1.2");
            JsonNode first = run(system, id, "{}", null);
            // absent→"a" 0; absent→"b" 1; "x"→"b" 1; "a"→"b" 0; empty key -2; 257-byte key -2; "b"→"" 0; absent→"b" 1
            // (an empty value is present); ""→"a" 0
            assertThat(first.path("codes").toString()).isEqualTo("[0,1,1,0,-2,-2,0,1,0]");
            assertThat(first.path("final_length").asInt()).isEqualTo(1);
            // the state outlives the execution: the value is "a" now, so only "a"→"b" stores
            assertThat(run(system, id, "{}", null).path("codes").toString()).isEqualTo("[1,1,1,0,-2,-2,0,1,0]");
        }
    }

    @Test
    void stateIsSharedByAPluginsInstancesAndIsolatedFromOtherPlugins() throws Exception {
        try (PluginSystem system = TestPlugins.system()) {
            PluginId probe = system.loadPlugin(TestPlugins.wasm("host_functions_probe"));
            PluginId twin = system.loadPlugin(TestPlugins.wasm("host_functions_probe_twin"));
            List<CompletableFuture<PluginOutput>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                calls.add(system.executePluginAsync(probe, PluginInput.of("{}")));
            }
            calls.forEach(CompletableFuture::join);
            // The probe's read-increment-write of "calls" is not atomic across its concurrent instances, so an
            // update may be lost; but every instance reads and writes the same per-plugin value.
            assertThat(run(system, probe, "{}", null).path("calls").asInt()).isBetween(2, 21);
            int before = run(system, probe, "{}", null).path("calls").asInt();
            assertThat(run(system, probe, "{}", null).path("calls").asInt()).isEqualTo(before + 1);
            assertThat(run(system, twin, "{}", null).path("calls").asInt()).isEqualTo(1);
        }
    }

    @Test
    void hostRandomIsReproducibleWithASeed() throws Exception {
        List<JsonNode> seen = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            try (PluginSystem system = TestPlugins.system()) {
                PluginId id = system.loadPlugin(TestPlugins.wasm("host_functions_probe"), LoadOptions.builder().randomSeed(42L).build());
                seen.add(run(system, id, "{\"random_max\": 1000000}", null).path("random"));
            }
        }
        assertThat(seen.get(0)).isEqualTo(seen.get(1));
    }

    @Test
    void logBytesPerExecutionAreCapped() throws Exception {
        try (PluginSystem system = TestPlugins.system()) {
            PluginId id = system.loadPlugin(TestPlugins.wasm("host_functions_probe"));
            JsonNode r = run(system, id, "{\"log_bytes\": 200000}", null).path("log_bytes");
            assertThat(r.path("dropped").asInt()).isPositive();
            assertThat(r.path("logged").asInt() * 1024L).isLessThanOrEqualTo(64 * 1024);
            assertThat(r.path("other").asInt()).isZero();
            // the cap is per execution: the next one logs again
            assertThat(run(system, id, "{\"log_bytes\": 1024}", null).path("log_bytes").path("logged").asInt()).isEqualTo(1);
        }
    }
}
