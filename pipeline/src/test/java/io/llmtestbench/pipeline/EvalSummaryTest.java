package io.llmtestbench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbench.pipeline.internal.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The summary as a pure function of per-record results. */
class EvalSummaryTest {
    static final List<EvalSummary.Stage> STAGES = List.of(new EvalSummary.Stage("transforms[0]", "transform", "norm"),
            new EvalSummary.Stage("evaluators[0]", "evaluator", "a"), new EvalSummary.Stage("evaluators[1]", "evaluator", "b"),
            new EvalSummary.Stage("filters[0]", "filter", "f"));

    static RecordResult result(String json) {
        try {
            return RecordResult.fromJson(Json.parse("test", json));
        } catch (Json.BadJson e) {
            throw new AssertionError(e);
        }
    }

    static String run(String where, String stage, String plugin, double ms, long fuel, boolean ok) {
        return String.format(java.util.Locale.ROOT, "{\"where\":\"%s\",\"stage\":\"%s\",\"plugin\":\"%s\",\"time_ms\":%s,\"fuel\":%d,\"ok\":%s}",
                where, stage, plugin, ms, fuel, ok);
    }

    static String error(String where, String stage, String plugin, String kind, String message) {
        return "{\"stage\":\"" + stage + "\",\"where\":\"" + where + "\",\"plugin\":\"" + plugin + "\",\"kind\":\"" + kind
                + "\",\"message\":\"" + message + "\",\"code\":null}";
    }

    static final String T_OK = run("transforms[0]", "transform", "norm", 0.1, 100, true);

    /** A small batch touching every case: kept, filtered, failed in each stage, invalid, no category. */
    static List<RecordResult> batch() {
        return new ArrayList<>(List.of(
                result("{\"line\":1,\"id\":\"r1\",\"category\":\"x\",\"status\":\"kept\",\"text\":\"t\",\"kept\":true,"
                        + "\"scores\":{\"a\":1.0,\"b\":0.5},\"passed\":{\"a\":true,\"b\":false},\"stages\":[" + T_OK + ","
                        + run("evaluators[0]", "evaluator", "a", 0.2, 200, true) + "," + run("evaluators[1]", "evaluator", "b", 0.3, 300, true)
                        + "," + run("filters[0]", "filter", "f", 0.05, 50, true) + "]}"),
                result("{\"line\":2,\"id\":\"r2\",\"category\":\"y\",\"status\":\"filtered\",\"text\":\"t\",\"kept\":false,"
                        + "\"scores\":{\"a\":0.2,\"b\":0.4},\"passed\":{\"a\":false,\"b\":null},\"stages\":[" + T_OK + ","
                        + run("evaluators[0]", "evaluator", "a", 0.4, 400, true) + "," + run("evaluators[1]", "evaluator", "b", 0.3, 300, true)
                        + "," + run("filters[0]", "filter", "f", 0.05, 50, true) + "]}"),
                result("{\"line\":3,\"id\":\"r3\",\"category\":\"x\",\"status\":\"failed\",\"text\":\"t\","
                        + "\"error\":" + error("evaluators[0]", "evaluator", "a", "TRAP", "boom") + ",\"scores\":{},\"passed\":{},\"stages\":["
                        + T_OK + "," + run("evaluators[0]", "evaluator", "a", 0.6, 600, false) + "]}"),
                result("{\"line\":4,\"id\":\"r4\",\"status\":\"failed\",\"error\":" + error("transforms[0]", "transform", "norm", "TIMEOUT", "slow")
                        + ",\"scores\":{},\"passed\":{},\"stages\":[" + run("transforms[0]", "transform", "norm", 5.0, 9000, false) + "]}"),
                result("{\"line\":5,\"id\":\"r5\",\"category\":\"y\",\"status\":\"failed\",\"text\":\"t\",\"error\":"
                        + error("evaluators[1]", "evaluator", "b", "FUEL_EXHAUSTED", "out of fuel") + ",\"scores\":{\"a\":0.9},"
                        + "\"passed\":{\"a\":true},\"stages\":[" + T_OK + "," + run("evaluators[0]", "evaluator", "a", 0.8, 800, true) + ","
                        + run("evaluators[1]", "evaluator", "b", 0.9, 1000, false) + "]}"),
                result("{\"line\":6,\"id\":null,\"status\":\"invalid\",\"error\":{\"message\":\"not valid JSON\"}}"),
                result("{\"line\":7,\"id\":\"r7\",\"category\":\"x\",\"status\":\"failed\",\"text\":\"t\","
                        + "\"error\":" + error("evaluators[0]", "evaluator", "a", "TRAP", "boom") + ",\"scores\":{},\"passed\":{},\"stages\":["
                        + T_OK + "," + run("evaluators[0]", "evaluator", "a", 0.6, 600, false) + "]}")));
    }

    static ObjectNode summarize(List<RecordResult> results) {
        EvalSummary s = new EvalSummary(STAGES, null, null);
        results.forEach(s::add);
        return s.json(Json.object(), 1.0);
    }

    @Test
    void countsEveryRecordOnceAndSaysWhyEvaluatorsSkipped() {
        JsonNode s = summarize(batch());
        assertThat(s.path("records").asInt()).isEqualTo(7);
        assertThat(s.path("processed").asInt()).isEqualTo(6);
        assertThat(s.path("kept").asInt()).isEqualTo(1);
        assertThat(s.path("filtered").asInt()).isEqualTo(1);
        assertThat(s.path("failed").asInt()).isEqualTo(4);
        assertThat(s.path("invalid_records").path("lines")).hasSize(1);
        assertThat(s.path("invalid_records").path("examples").get(0).path("message").asText()).isEqualTo("not valid JSON");
        assertThat(s.path("failures_by_kind").toString()).isEqualTo("{\"TRAP\":2,\"FUEL_EXHAUSTED\":1,\"TIMEOUT\":1}");

        JsonNode a = s.path("evaluators").path("a");
        assertThat(a.path("count").asInt()).isEqualTo(3);
        assertThat(a.path("failed").asInt()).isEqualTo(2);
        assertThat(a.path("skipped").asInt()).isEqualTo(1);
        assertThat(a.path("skipped_after_failure_in").toString()).isEqualTo("{\"transforms[0]\":1}");
        assertThat(a.path("mean").asDouble()).isEqualTo(0.7);
        assertThat(a.path("median").asDouble()).isEqualTo(0.9);
        assertThat(a.path("min").asDouble()).isEqualTo(0.2);
        assertThat(a.path("max").asDouble()).isEqualTo(1.0);
        assertThat(a.path("passed").asInt()).isEqualTo(2);
        assertThat(a.path("pass_rate").asDouble()).isEqualTo(0.6667);
        assertThat(a.path("time_ms").path("p50").asDouble()).as("a's calls: 0.2 0.4 0.6 0.6 0.8").isEqualTo(0.6);
        assertThat(a.path("fuel").path("p95").asDouble()).as("(4 * 0.95 = 3.8) between 600 and 800").isEqualTo(760.0);

        JsonNode b = s.path("evaluators").path("b");
        assertThat(b.path("count").asInt()).isEqualTo(2);
        assertThat(b.path("failed").asInt()).isEqualTo(1);
        assertThat(b.path("skipped").asInt()).as("every processed record is counted, failed or skipped").isEqualTo(3);
        assertThat(b.path("skipped_after_failure_in").toString()).as("in pipeline order")
                .isEqualTo("{\"transforms[0]\":1,\"evaluators[0]\":2}");
        assertThat(b.path("pass_rate").asDouble()).as("only r1 reported passed for b").isEqualTo(0.0);
        for (JsonNode e : List.of(a, b)) {
            assertThat(e.path("count").asInt() + e.path("failed").asInt() + e.path("skipped").asInt()).isEqualTo(6);
        }
    }

    @Test
    void stagesCountCallsFailuresAndCost() {
        JsonNode st = summarize(batch()).path("stages");
        assertThat(st).hasSize(4);
        assertThat(st.get(0).path("where").asText()).isEqualTo("transforms[0]");
        assertThat(st.get(0).path("calls").asInt()).isEqualTo(6);
        assertThat(st.get(0).path("failed").asInt()).isEqualTo(1);
        assertThat(st.get(0).path("failures_by_kind").toString()).isEqualTo("{\"TIMEOUT\":1}");
        assertThat(st.get(0).path("time_ms").path("max").asDouble()).isEqualTo(5.0);
        assertThat(st.get(1).path("calls").asInt()).isEqualTo(5);
        assertThat(st.get(1).path("failures_by_kind").toString()).isEqualTo("{\"TRAP\":2}");
        assertThat(st.get(1).path("fuel").path("mean").asDouble()).isEqualTo(520.0);
        assertThat(st.get(3).path("calls").asInt()).isEqualTo(2);
        assertThat(st.get(3).path("failed").asInt()).isZero();
    }

    @Test
    void groupsByCategoryOrAnyCarriedField() {
        JsonNode g = summarize(batch()).path("groups");
        assertThat(g.fieldNames()).toIterable().containsExactly("(none)", "x", "y");
        assertThat(g.path("x").path("records").asInt()).isEqualTo(3);
        assertThat(g.path("x").path("failed").asInt()).isEqualTo(2);
        assertThat(g.path("x").path("evaluators").path("a").path("mean").asDouble()).isEqualTo(1.0);
        assertThat(g.path("y").path("evaluators").path("a").path("mean").asDouble()).isCloseTo(0.55, within(1e-9));
        assertThat(g.path("y").path("evaluators").path("a").path("pass_rate").asDouble()).isEqualTo(0.5);
        assertThat(g.path("y").path("evaluators").path("b").path("pass_rate").isNull()).as("b reported no verdict in y").isTrue();

        List<RecordResult> byLang = List.of(
                result("{\"line\":1,\"id\":1,\"fields\":{\"lang\":\"de\"},\"status\":\"kept\",\"scores\":{\"a\":1.0},\"passed\":{\"a\":true}}"),
                result("{\"line\":2,\"id\":2,\"fields\":{\"lang\":\"fr\"},\"status\":\"kept\",\"scores\":{\"a\":0.0},\"passed\":{\"a\":false}}"),
                result("{\"line\":3,\"id\":3,\"fields\":{\"lang\":7},\"status\":\"kept\",\"scores\":{\"a\":0.5},\"passed\":{\"a\":true}}"));
        JsonNode s = EvalSummary.of(byLang, "lang", null).json(Json.object(), 1);
        assertThat(s.path("group_by").asText()).isEqualTo("lang");
        assertThat(s.path("groups").fieldNames()).toIterable().containsExactly("7", "de", "fr");
        assertThat(EvalSummary.of(byLang, null, null).json(Json.object(), 1).path("groups").size())
                .as("no record has a category: no groups").isZero();
    }

    @Test
    void failuresAreGroupedWithTheirFirstExamples() {
        List<RecordResult> rs = batch();
        for (int line = 100; line > 90; line--) {
            rs.add(result("{\"line\":" + line + ",\"id\":\"z" + line + "\",\"status\":\"failed\",\"error\":"
                    + error("evaluators[0]", "evaluator", "a", "TRAP", "boom") + ",\"scores\":{}}"));
        }
        JsonNode fg = summarize(rs).path("failure_groups");
        assertThat(fg).hasSize(3);
        assertThat(fg.get(0).path("count").asInt()).isEqualTo(12);
        assertThat(fg.get(0).path("kind").asText()).isEqualTo("TRAP");
        assertThat(fg.get(0).path("where").asText()).isEqualTo("evaluators[0]");
        assertThat(fg.get(0).path("example_lines").toString()).isEqualTo("[3,7,91]");
        assertThat(fg.get(0).path("example_ids").toString()).isEqualTo("[\"r3\",\"r7\",\"z91\"]");
        assertThat(fg.get(1).path("example_lines").toString()).as("equal counts: first seen in data order").isEqualTo("[4]");
        assertThat(fg.get(2).path("example_lines").toString()).isEqualTo("[5]");

        List<RecordResult> many = new ArrayList<>();
        for (int i = 1; i <= EvalSummary.FAILURE_GROUPS + 5; i++) {
            many.add(result("{\"line\":" + i + ",\"id\":" + i + ",\"status\":\"failed\",\"error\":"
                    + error("evaluators[0]", "evaluator", "a", "TRAP", "boom " + i) + "}"));
        }
        JsonNode s = summarize(many);
        assertThat(s.path("failure_groups")).hasSize(EvalSummary.FAILURE_GROUPS);
        assertThat(s.path("failure_groups_omitted").toString()).isEqualTo("{\"groups\":5,\"records\":5}");
    }

    @Test
    void theSummaryDoesNotDependOnTheOrderOfResults() {
        List<RecordResult> rs = batch();
        String expected = summarize(rs).toString();
        Random random = new Random(7);
        for (int i = 0; i < 5; i++) {
            Collections.shuffle(rs, random);
            assertThat(summarize(rs).toString()).isEqualTo(expected);
        }
    }

    /** writeJson writes trees (ids, categories): it brings the mapper they need when its generator has none. */
    @Test
    void aResultLineIsWrittenByAGeneratorWithoutACodec() throws Exception {
        RecordResult r = batch().get(0);
        java.io.StringWriter text = new java.io.StringWriter();
        try (com.fasterxml.jackson.core.JsonGenerator g = new com.fasterxml.jackson.core.JsonFactory().createGenerator(text)) {
            r.writeJson(g);
        }
        assertThat(text.toString()).isEqualTo(new String(r.toJsonBytes(), java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void theSummaryOfAResultsFileIsTheSummaryOfTheRun() throws Exception {
        List<RecordResult> rs = batch();
        List<RecordResult> reread = new ArrayList<>();
        for (RecordResult r : rs) {
            reread.add(RecordResult.fromJson(Json.parse("line", Json.write(r.toJson()))));
        }
        assertThat(summarize(reread)).isEqualTo(summarize(rs));
        Collections.reverse(reread);
        assertThat(EvalSummary.of(reread, null, null).json(Json.object(), 1.0)).as("stages found in the results alone, in pipeline order")
                .isEqualTo(summarize(rs));
    }

    @Test
    void theTableSaysWhatTheJsonSays() {
        ObjectNode info = Json.object();
        info.put("pipeline", "p.json").put("pipeline_name", "p").put("data", "d.jsonl").put("out", "r.jsonl").put("report", "r.html")
                .put("threads", 2).put("load_ms", 5);
        EvalSummary s = new EvalSummary(STAGES, null, null);
        batch().forEach(s::add);
        String table = EvalSummary.table(s.json(info, 1.0));
        assertThat(table).contains("kept 1, filtered 1, failed 4, invalid 1 (line 6)");
        assertThat(table).containsPattern("a\\s+3\\s+0\\.700\\s+0\\.900\\s+0\\.200\\s+1\\.000\\s+2\\s+66\\.7%\\s+2\\s+1");
        assertThat(table).contains("b skipped 3 record(s) after an earlier stage failed (transforms[0] 'norm': 1, evaluators[0] 'a': 2)");
        assertThat(table).contains("evaluators[0] a", "failures: TRAP 2");
        assertThat(table).contains("By category", "(none)");
        assertThat(table).contains("      2  TRAP in evaluator 'a' (evaluators[0]): boom", "e.g. r3 (line 3), r7 (line 7)");
        assertThat(table).contains("line 6: not valid JSON");
        assertThat(table).endsWith("Results: r.jsonl\nReport: r.html\n");
    }
    /** The worst list is the WORST lowest mean scores, ties in data order, whatever order the results come in. */
    @Test
    void theWorstAreTheLowestMeanScoresTiesInDataOrder() {
        java.util.Random random = new java.util.Random(7);
        List<RecordResult> all = new ArrayList<>();
        for (int line = 1; line <= 500; line++) {
            double a = random.nextInt(40) / 40.0; // few distinct values: many ties
            double b = random.nextInt(4) / 4.0;
            all.add(result("{\"line\":" + line + ",\"id\":\"r" + line + "\",\"status\":\"kept\",\"kept\":true,\"scores\":{\"a\":"
                    + a + ",\"b\":" + b + "},\"passed\":{},\"stages\":[]}"));
        }
        List<Integer> expected = all.stream()
                .sorted(java.util.Comparator.<RecordResult>comparingDouble(r -> (r.scores().get("a") + r.scores().get("b")) / 2)
                        .thenComparingInt(RecordResult::line))
                .limit(EvalSummary.WORST).map(RecordResult::line).toList();
        for (int shuffle = 0; shuffle < 5; shuffle++) {
            EvalSummary s = new EvalSummary(STAGES, null, null);
            all.forEach(s::add);
            assertThat(s.worst()).extracting(RecordResult::line).containsExactlyElementsOf(expected);
            java.util.Collections.shuffle(all, random);
        }
    }
}

