package io.llmtestbench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmtestbench.pipeline.internal.Json;
import io.llmtestbench.runtime.PluginSystem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-record logic every batch driver shares, in process. */
class PipelineRunnerTest {
    @TempDir
    static Path dir;

    static PluginSystem system;
    static PipelineRunner runner;
    static final List<String> warnings = new ArrayList<>();

    @BeforeAll
    static void load() throws Exception {
        Path file = Fixtures.pipeline(dir, """
                {"name": "unit",
                 "defaults": {"limits": {"max_instructions": 50000000, "timeout_ms": 10000}},
                 "provider": {"plugin": "plugins/canned-provider.wasm"},
                 "transforms": [{"plugin": "plugins/text-normalizer.wasm"}],
                 "evaluators": [{"name": "sim", "plugin": "plugins/similarity-evaluator.wasm", "config": {"threshold": 0.5}}],
                 "filters": [{"plugin": "plugins/threshold-filter.wasm", "config": {"min_score": 0.5}}]}
                """, "canned-provider", "text-normalizer", "similarity-evaluator", "threshold-filter");
        Pipeline p = Pipeline.read(file, warnings::add);
        system = Fixtures.system();
        runner = PipelineRunner.load(system, p, true, warnings::add);
    }

    @AfterAll
    static void close() {
        system.close();
    }

    private static RecordResult line(int n, String text) {
        return runner.processLine(n, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Each stage's {@code host_get_context} object is assembled from parts written once (the pipeline's head, each
     * stage's tail) and once per record (id and line): byte for byte what a generator writes for the whole object,
     * whatever the id holds.
     */
    @Test
    void aStagesContextIsTheObjectAGeneratorWritesForAnyRecordId() {
        String[] ids = {null, "r1", "", "quote \" backslash \\ slash /", "tab\tnewline\ncontrol\u0001", "caf\u00e9 \u65e5\u672c \ud83d\ude00",
                "lone \ud800 surrogate", "{\"id\":[1,2]}"};
        for (String id : ids) {
            for (int line : new int[] {1, 42, Integer.MAX_VALUE}) {
                PipelineRunner.Context c = runner.context(line, id);
                for (PipelineRunner.LoadedStage stage : runner.stages()) {
                    byte[] expected = io.llmtestbench.pipeline.internal.JsonBytes.write(g -> {
                        g.writeStartObject();
                        g.writeStringField("pipeline", runner.pipeline().name());
                        if (id != null) {
                            g.writeStringField("record_id", id);
                        }
                        g.writeNumberField("line", line);
                        g.writeStringField("stage", stage.spec().kind().jsonName());
                        g.writeStringField("plugin", stage.name());
                        g.writeEndObject();
                    });
                    assertThat(new String(runner.contextBytes(stage, c), StandardCharsets.UTF_8))
                            .as("id %s, line %d, %s", id, line, stage.spec().where())
                            .isEqualTo(new String(expected, StandardCharsets.UTF_8));
                }
            }
        }
    }

    @Test
    void aKeptRecordHasItsScoresVerdictsAndWhatEachStageCost() {
        RecordResult r = line(3, "{\"id\":\"r1\",\"category\":\"geo\",\"response\":\"  PARIS  \",\"expected\":\"Paris\"}");
        assertThat(r.status()).isEqualTo(RecordResult.Status.KEPT);
        assertThat(r.line()).isEqualTo(3);
        assertThat(r.id().asText()).isEqualTo("r1");
        assertThat(r.category().asText()).isEqualTo("geo");
        assertThat(r.text()).isEqualTo("paris");
        assertThat(r.scores()).containsEntry("sim", 1.0);
        assertThat(r.passed()).containsEntry("sim", true);
        assertThat(r.filters()).containsKey("threshold-filter");
        assertThat(r.error()).isNull();
        assertThat(r.stages()).extracting(RecordResult.StageRun::where).containsExactly("transforms[0]", "evaluators[0]", "filters[0]");
        assertThat(r.stages()).allSatisfy(s -> {
            assertThat(s.ok()).isTrue();
            assertThat(s.fuel()).isPositive();
            assertThat(s.timeMs()).isPositive();
        });
        assertThat(r.input().path("expected").asText()).isEqualTo("Paris");
    }

    @Test
    void aRecordWithoutResponseGetsOneFromTheProvider() {
        RecordResult r = line(1, "{\"id\":2,\"prompt\":\"echo: The capital is Paris\",\"expected\":\"Paris\"}");
        assertThat(r.responseSource()).isEqualTo("provider");
        assertThat(r.providerOutput().path("text").asText()).isEqualTo("The capital is Paris");
        assertThat(r.stages().get(0).where()).isEqualTo("provider");
        assertThat(r.status()).isEqualTo(RecordResult.Status.FILTERED);
    }

    @Test
    void aFailingStageEndsTheRecordWithItsKindAndCode() {
        RecordResult r = line(4, "{\"id\":\"r4\",\"response\":\"good\",\"expected\":5}");
        assertThat(r.status()).isEqualTo(RecordResult.Status.FAILED);
        assertThat(r.error().stage()).isEqualTo("evaluator");
        assertThat(r.error().where()).isEqualTo("evaluators[0]");
        assertThat(r.error().plugin()).isEqualTo("sim");
        assertThat(r.error().kind()).isEqualTo("PLUGIN_ERROR");
        assertThat(r.error().code()).isEqualTo(-2);
        assertThat(r.stages()).extracting(RecordResult.StageRun::ok).containsExactly(true, false);
        assertThat(r.scores()).isEmpty();
    }

    @Test
    void unusableLinesAreInvalidRecordsNotExceptions() {
        assertThat(runner.processLine(1, new byte[] {'{', (byte) 0xC3, '}'}).error().message()).isEqualTo("not valid UTF-8");
        assertThat(line(2, "this is not json").error().message()).contains("not valid JSON");
        assertThat(line(3, "[1, 2]").error().message()).contains("must be a JSON object");
        assertThat(line(4, "{\"id\": 7, \"response\": 5}").error().message()).contains("\"response\" must be a string");
        assertThat(line(4, "{\"id\": 7, \"response\": 5}").id().asInt()).isEqualTo(7);
        assertThat(line(5, "{\"id\": 8}").error().message()).contains("no string \"prompt\"");
        assertThat(line(2, "this is not json").status()).isEqualTo(RecordResult.Status.INVALID);
        assertThat(line(2, "this is not json").stages()).isEmpty();
    }

    @Test
    void aResultLineReadsBackToTheSameResult() throws Exception {
        for (String rec : List.of("{\"id\":\"r1\",\"category\":\"geo\",\"response\":\"  PARIS  \",\"expected\":\"Paris\"}",
                "{\"id\":\"r4\",\"response\":\"good\",\"expected\":5}", "{\"id\":2,\"prompt\":\"echo: x\",\"expected\":\"x\"}", "nope")) {
            RecordResult r = line(9, rec);
            JsonNode json = Json.parse("line", Json.write(r.toJson()));
            assertThat(RecordResult.fromJson(json).toJson()).isEqualTo(r.toJson());
        }
    }

    @Test
    void twoEvaluatorsWithOneNameAreRefused() throws Exception {
        Path file = Fixtures.pipeline(dir.resolve("dup"), """
                {"evaluators": ["plugins/similarity-evaluator.wasm", "plugins/similarity-evaluator.wasm"]}
                """, "similarity-evaluator");
        Pipeline p = Pipeline.read(file, warnings::add);
        assertThatThrownBy(() -> PipelineRunner.load(system, p, true, warnings::add))
                .isInstanceOf(InvalidPipelineException.class).hasMessageContaining("two evaluators are named 'similarity-evaluator'");
    }

    @Test
    void aPluginThatCannotLoadNamesItsStage() throws Exception {
        Path file = Fixtures.pipeline(dir.resolve("load"), """
                {"evaluators": ["plugins/similarity-evaluator.wasm", "plugins/missing_export_execute.wasm"]}
                """, "similarity-evaluator", "missing_export_execute");
        Pipeline p = Pipeline.read(file, warnings::add);
        assertThatThrownBy(() -> PipelineRunner.load(system, p, true, warnings::add))
                .isInstanceOfSatisfying(PipelineLoadException.class, e -> {
                    assertThat(e.stage().where()).isEqualTo("evaluators[1]");
                    assertThat(e.getCause().getMessage()).contains("plugin_execute");
                });
    }

    @Test
    void aFilterNamingItsScoresGetsOnlyThoseAndAnUnknownNameIsRefusedAtLoad() throws Exception {
        Path d = dir.resolve("scores");
        String evaluators = "\"evaluators\": [{\"name\": \"sim\", \"plugin\": \"plugins/similarity-evaluator.wasm\"},"
                + " {\"name\": \"sim2\", \"plugin\": \"plugins/similarity-evaluator.wasm\"}]";
        Path file = Fixtures.pipeline(d, "{" + evaluators + ", \"filters\": [{\"plugin\": \"plugins/threshold-filter.wasm\","
                + " \"scores\": [\"sim2\"]}]}", "similarity-evaluator", "threshold-filter");
        PipelineRunner r = PipelineRunner.load(system, Pipeline.read(file, warnings::add), true, warnings::add);
        RecordResult res = r.process(1, Json.parse("record", "{\"id\": 1, \"response\": \"a b\", \"expected\": \"a b\"}"));
        assertThat(res.scores()).containsOnlyKeys("sim", "sim2");
        assertThat(res.filters().get("threshold-filter").path("reason").asText()).as("the filter saw one score")
                .isEqualTo("all 1 scores >= 0.5");

        Path bad = Fixtures.pipeline(d, "{" + evaluators + ", \"filters\": [{\"plugin\": \"plugins/threshold-filter.wasm\","
                + " \"scores\": [\"sim\", \"exact\"]}]}", "similarity-evaluator", "threshold-filter");
        Pipeline p = Pipeline.read(bad, warnings::add);
        assertThatThrownBy(() -> PipelineRunner.load(system, p, true, warnings::add)).isInstanceOf(InvalidPipelineException.class)
                .hasMessageContaining("filters[0].scores: names 'exact', which no evaluator produces (the evaluators are 'sim', 'sim2')")
                .hasMessageContaining("the pipeline would keep nothing");

        Path none = Fixtures.pipeline(d, "{\"filters\": [{\"plugin\": \"plugins/threshold-filter.wasm\", \"scores\": [\"sim\"]}]}",
                "threshold-filter");
        Pipeline pn = Pipeline.read(none, warnings::add);
        assertThatThrownBy(() -> PipelineRunner.load(system, pn, true, warnings::add))
                .hasMessageContaining("names 'sim', which no evaluator produces (the pipeline has no evaluators)");

        Path unnamed = Fixtures.pipeline(d, "{\"filters\": [\"plugins/threshold-filter.wasm\"]}", "threshold-filter");
        List<String> seen = new ArrayList<>();
        PipelineRunner.load(system, Pipeline.read(unnamed, seen::add), true, seen::add);
        assertThat(seen).anySatisfy(w -> assertThat(w).contains("filters[0]: filter 'threshold-filter' gets no scores: the pipeline has no evaluators"));
    }

    @Test
    void scoresAreForFiltersOnly() {
        Path d = dir.resolve("scores-kind");
        Path file = Fixtures.pipeline(d, "{\"evaluators\": [{\"plugin\": \"plugins/similarity-evaluator.wasm\", \"scores\": [\"x\"]}]}",
                "similarity-evaluator");
        assertThatThrownBy(() -> Pipeline.read(file, warnings::add)).isInstanceOf(InvalidPipelineException.class)
                .hasMessageContaining("evaluators[0]: \"scores\" is for filters only");
        Path empty = Fixtures.pipeline(d, "{\"filters\": [{\"plugin\": \"plugins/similarity-evaluator.wasm\", \"scores\": []}]}",
                "similarity-evaluator");
        assertThatThrownBy(() -> Pipeline.read(empty, warnings::add)).hasMessageContaining("filters[0].scores: must name at least one evaluator");
    }

    @Test
    void carriedFieldsComeWithTheResult() throws Exception {
        RecordResult r = runner.carrying(List.of("lang", "category", "absent"))
                .process(1, Json.parse("record", "{\"id\": 1, \"lang\": \"de\", \"category\": \"c\", \"response\": \"x\", \"expected\": \"x\"}"));
        assertThat(r.fields()).containsOnlyKeys("lang");
        assertThat(r.fields().get("lang").asText()).isEqualTo("de");
        assertThat(r.toJson().path("fields").toString()).isEqualTo("{\"lang\":\"de\"}");
        assertThat(runner.process(1, Json.parse("record", "{\"id\": 1, \"lang\": \"de\", \"response\": \"x\"}")).toJson().has("fields"))
                .as("nothing carried unless asked").isFalse();
    }

    /**
     * A record's number past a double's range (its id, a carried field) is read as the runtime reads a plugin's JSON
     * and stays that number in the written result, with a plugin stage (echo) run on the record: never the string
     * "Infinity" a default mapper's tree made of it. A number too small for a double reads as 0.0, as in the runtime.
     */
    @Test
    void aRecordsNumberPastADoublesRangeStaysThatNumberInTheResult() throws Exception {
        Path file = Fixtures.pipeline(dir.resolve("big"), """
                {"name": "big", "transforms": [{"plugin": "plugins/echo.wasm"}]}
                """, "echo");
        PipelineRunner echo = PipelineRunner.load(system, Pipeline.read(file, warnings::add), true, warnings::add)
                .carrying(List.of("big", "minus", "tiny"));
        RecordResult r = echo.processLine(1,
                "{\"id\":1e400,\"response\":\"ok\",\"big\":1e400,\"minus\":-1e400,\"tiny\":1e-400}".getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).isEqualTo(RecordResult.Status.KEPT);
        assertThat(r.stages()).extracting(RecordResult.StageRun::where).containsExactly("transforms[0]");
        assertThat(r.text()).isEqualTo("ok");
        String written = new String(r.toJsonBytes(), StandardCharsets.UTF_8);
        assertThat(written).doesNotContain("Infinity").contains("\"id\":1E+400")
                .contains("\"fields\":{\"big\":1E+400,\"minus\":-1E+400,\"tiny\":0.0}");
        assertThat(r.id().isNumber()).isTrue();
        assertThat(r.id().decimalValue()).isEqualByComparingTo("1e400");
        assertThat(r.input().path("minus").decimalValue()).isEqualByComparingTo("-1e400");
        assertThat(RecordResult.fromJson(Json.parse("line", written)).toJson()).isEqualTo(r.toJson());
    }

    @Test
    void aPipelineCanReadItsPluginsFromOtherFiles() throws Exception {
        Path file = Fixtures.pipeline(dir.resolve("moved"), """
                {"name": "moved",
                 "evaluators": [{"name": "sim", "plugin": "nowhere/similarity-evaluator.wasm", "config": {"threshold": 0.5},
                                 "limits": {"max_instructions": 40000000, "max_table_elements": 5000}}]}
                """, "similarity-evaluator");
        Pipeline p = Pipeline.read(file, warnings::add);
        Path nowhere = p.evaluators().get(0).path();
        assertThat(nowhere).doesNotExist();
        Path shipped = dir.resolve("moved/plugins/similarity-evaluator.wasm");
        Pipeline moved = p.withPluginFiles(s -> shipped);
        Pipeline.Stage s = moved.evaluators().get(0);
        assertThat(s.path()).isEqualTo(shipped);
        assertThat(s.pathError()).isNull();
        assertThat(s.name()).isEqualTo("sim");
        assertThat(s.limits().maxInstructions()).isEqualTo(40_000_000L);
        assertThat(s.limits().maxTableElements()).isEqualTo(5000L);
        assertThat(s.config().toString()).isEqualTo("{\"threshold\":0.5}");
        assertThat(p.withPluginFiles(x -> null).evaluators().get(0).path()).isEqualTo(nowhere);
        PipelineRunner r = PipelineRunner.load(system, moved, true, warnings::add);
        assertThat(r.processLine(1, "{\"id\":\"a\",\"response\":\"Paris\",\"expected\":\"Paris\"}".getBytes(StandardCharsets.UTF_8))
                .scores()).containsEntry("sim", 1.0);
    }
}
