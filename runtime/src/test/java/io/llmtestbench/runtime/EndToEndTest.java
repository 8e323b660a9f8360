package io.llmtestbench.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every real test plugin — Rust, C and WAT — loaded, compiled and run on real inputs, with real outputs checked. */
class EndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static PluginSystem system;

    @BeforeAll
    static void start() {
        system = TestPlugins.system();
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    @Test
    void rustSimilarityEvaluatorScoresResponsesAgainstExpectedAnswers() {
        PluginId id = system.loadPlugin(TestPlugins.wasm("similarity-evaluator"),
                LoadOptions.builder().config(JSON.createObjectNode().put("threshold", 0.5)).build());
        PluginMetadata meta = system.getMetadata(id);
        assertThat(meta.name()).isEqualTo("similarity-evaluator");
        assertThat(meta.pluginType()).isEqualTo(PluginType.EVALUATOR);
        assertThat(meta.apiVersion()).isEqualTo("1.0");

        PluginOutput same = system.executePlugin(id, PluginInput.of(
                "{\"text\":\"The capital of France is Paris.\",\"expected\":\"The capital of France is Paris.\"}"));
        PluginOutput close = system.executePlugin(id, PluginInput.of(
                "{\"text\":\"Paris is the capital city of France\",\"expected\":\"The capital of France is Paris.\"}"));
        PluginOutput wrong = system.executePlugin(id, PluginInput.of(
                "{\"text\":\"Bananas are yellow\",\"expected\":\"The capital of France is Paris.\"}"));
        double s1 = same.data().path("score").asDouble(-1);
        double s2 = close.data().path("score").asDouble(-1);
        double s3 = wrong.data().path("score").asDouble(-1);
        assertThat(s1).isEqualTo(1.0);
        assertThat(s2).isBetween(0.5, 1.0);
        assertThat(s3).isBetween(0.0, 0.2);
        assertThat(same.data().path("passed").asBoolean()).isTrue();
        assertThat(wrong.data().path("passed").asBoolean()).isFalse();
        assertThat(same.metadata().fuelUsed()).isPositive();
        assertThat(same.metadata().memoryUsedBytes()).isPositive();
        assertThat(same.metadata().metrics()).containsKey("fuel_used");
    }

    @Test
    void rustCannedProviderAnswersLikeAChatCompletion() {
        PluginId id = system.loadPlugin(TestPlugins.wasm("canned-provider"));
        assertThat(system.getMetadata(id).pluginType()).isEqualTo(PluginType.PROVIDER);
        PluginOutput out = system.executePlugin(id, PluginInput.of("{\"prompt\":\"What is the capital of France?\"}"));
        assertThat(out.data().path("text").asText()).isNotBlank();
        assertThat(out.data().path("usage").path("completion_tokens").asInt()).isPositive();
        // deterministic: the same prompt gets the same completion
        PluginOutput again = system.executePlugin(id, PluginInput.of("{\"prompt\":\"What is the capital of France?\"}"));
        assertThat(again.data()).isEqualTo(out.data());
    }

    @Test
    void cTextNormalizerTransformsTheText() {
        PluginId id = system.loadPlugin(TestPlugins.wasm("text-normalizer"));
        assertThat(system.getMetadata(id).pluginType()).isEqualTo(PluginType.TRANSFORM);
        ObjectNode in = JSON.createObjectNode().put("text", "  Hello,\t  WORLD \n").put("id", "rec-1");
        PluginOutput out = system.executePlugin(id, PluginInput.of(in));
        assertThat(out.data().path("text").asText()).isEqualTo("hello, world");
        assertThat(out.data().path("id").asText()).isEqualTo("rec-1");
    }

    @Test
    void rustThresholdFilterKeepsOrDrops() {
        PluginId id = system.loadPlugin(TestPlugins.wasm("threshold-filter"),
                LoadOptions.builder().config(JSON.createObjectNode().put("min_score", 0.5)).build());
        assertThat(system.getMetadata(id).pluginType()).isEqualTo(PluginType.FILTER);
        assertThat(system.executePlugin(id, PluginInput.of("{\"text\":\"x\",\"scores\":{\"similarity\":0.9}}")).data().path("keep").asBoolean())
                .isTrue();
        assertThat(system.executePlugin(id, PluginInput.of("{\"text\":\"x\",\"scores\":{\"similarity\":0.1}}")).data().path("keep").asBoolean())
                .isFalse();
    }

    @Test
    void watEchoReturnsItsInputAndServesManyCalls() {
        PluginId id = system.loadPlugin(TestPlugins.wasm("echo"));
        for (int i = 0; i < 500; i++) {
            PluginOutput out = system.executePlugin(id, PluginInput.of("{\"i\":" + i + ",\"s\":\"é✓\"}"));
            assertThat(out.data().path("i").asInt()).isEqualTo(i);
            assertThat(out.data().path("s").asText()).isEqualTo("é✓");
        }
    }

    /** A number past a double's range goes in and comes out as that number, never as the string "Infinity". */
    @Test
    void aNumberPastADoublesRangeComesBackAsTheSameNumber() {
        PluginId id = system.loadPlugin(TestPlugins.wasm("echo"));
        PluginOutput out = system.executePlugin(id, PluginInput.of("{\"big\":1e400,\"small\":-2.5e-400,\"ok\":0.5}"));
        assertThat(out.data().path("big").isNumber()).isTrue();
        assertThat(out.data().path("big").decimalValue()).isEqualByComparingTo("1e400");
        assertThat(out.data().path("ok").asDouble()).isEqualTo(0.5);
        assertThat(out.data().toString()).doesNotContain("Infinity").contains("1E+400");
        assertThat(new String(system.executePluginBytes(id, "{\"big\":1e400}".getBytes(java.nio.charset.StandardCharsets.UTF_8), null).data(),
                java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("{\"big\":1e400}");
        system.unloadPlugin(id);
    }

    @Test
    void asyncExecutionAndUnload() throws Exception {
        PluginId id = system.loadPlugin(TestPlugins.wasm("echo"));
        PluginOutput out = system.executePluginAsync(id, PluginInput.of("{\"async\":true}")).get();
        assertThat(out.data().path("async").asBoolean()).isTrue();
        system.unloadPlugin(id);
        assertThat(system.listPlugins()).doesNotContain(id);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> system.executePlugin(id, PluginInput.of("{}")))
                .isInstanceOfSatisfying(PluginException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_LOADED))
                .hasMessageContaining("no plugin loaded");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> system.unloadPlugin(id))
                .isInstanceOfSatisfying(PluginException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_LOADED));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> system.describePlugin(id))
                .isInstanceOfSatisfying(PluginException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_LOADED));
    }
}
