package io.llmtestbench.pipeline;

import static io.llmtestbench.pipeline.EvalSummaryTest.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmtestbench.pipeline.internal.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Run-to-run comparison by record id. */
class BaselineComparisonTest {
    @TempDir
    Path dir;

    static String line(int line, Object id, String status, double score, Boolean passed) {
        return "{\"line\":" + line + ",\"id\":" + (id == null ? "null" : id instanceof String ? "\"" + id + "\"" : id) + ",\"status\":\""
                + status + "\"" + (status.equals("failed") ? ",\"error\":{\"stage\":\"evaluator\",\"plugin\":\"e\",\"kind\":\"TRAP\",\"message\":\"x\"}"
                        + ",\"scores\":{}" : ",\"scores\":{\"e\":" + score + "},\"passed\":{\"e\":" + passed + "}") + "}";
    }

    static JsonNode compare(List<String> baseline, List<String> current) {
        BaselineComparison c = BaselineComparison.of("base.jsonl", baseline.stream().map(EvalSummaryTest::result).toList());
        EvalSummary s = EvalSummary.of(current.stream().map(EvalSummaryTest::result).toList(), null, c);
        return s.json(Json.object(), 1).path("baseline");
    }

    @Test
    void flipsBothWaysNewAndFixedFailuresAndRecordsOnOneSide() {
        JsonNode b = compare(List.of(
                line(1, "a", "kept", 0.9, true),
                line(2, "b", "filtered", 0.1, false),
                line(3, "c", "kept", 0.8, true),
                line(4, "d", "failed", 0, null),
                line(5, "gone", "kept", 0.5, true),
                line(6, "dup", "kept", 0.5, true),
                line(7, "dup", "kept", 0.5, true),
                line(8, null, "kept", 0.5, true)),
                List.of(
                        line(1, "b", "kept", 0.7, true),
                        line(2, "a", "filtered", 0.2, false),
                        line(3, "c", "failed", 0, null),
                        line(4, "d", "kept", 0.6, true),
                        line(5, "new", "kept", 0.5, true),
                        line(6, "dup", "kept", 0.5, true)));
        assertThat(b.path("file").asText()).isEqualTo("base.jsonl");
        assertThat(b.path("matched").asInt()).as("a b c d").isEqualTo(4);
        assertThat(b.path("only_in_current").toString()).isEqualTo("{\"count\":1,\"ids\":[\"new\"]}");
        assertThat(b.path("only_in_baseline").toString()).isEqualTo("{\"count\":1,\"ids\":[\"gone\"]}");
        assertThat(b.path("not_compared").toString()).isEqualTo("{\"without_id\":1,\"duplicate_ids\":1}");
        JsonNode e = b.path("evaluators").path("e");
        assertThat(e.path("pairs").asInt()).as("a and b are scored in both runs").isEqualTo(2);
        assertThat(e.path("baseline_mean").asDouble()).isEqualTo(0.5);
        assertThat(e.path("current_mean").asDouble()).isEqualTo(0.45);
        assertThat(e.path("mean_difference").asDouble()).isEqualTo(-0.05);
        assertThat(e.path("pass_to_fail").toString()).isEqualTo("{\"count\":1,\"ids\":[\"a\"]}");
        assertThat(e.path("fail_to_pass").toString()).isEqualTo("{\"count\":1,\"ids\":[\"b\"]}");
        assertThat(b.path("new_failures").toString()).isEqualTo("{\"count\":1,\"ids\":[\"c\"],\"by_kind\":{\"TRAP\":1}}");
        assertThat(b.path("fixed_failures").toString()).isEqualTo("{\"count\":1,\"ids\":[\"d\"]}");
    }

    @Test
    void theIntervalIsDeterministicAndCoversAClearShift() {
        List<String> base = new ArrayList<>();
        List<String> cur = new ArrayList<>();
        Random r = new Random(3);
        for (int i = 1; i <= 400; i++) {
            double x = r.nextDouble() * 0.8;
            base.add(line(i, "r" + i, "kept", x, x > 0.5));
            cur.add(line(i, "r" + i, "kept", Math.min(1, x + 0.1 + (r.nextDouble() - 0.5) * 0.1), true));
        }
        JsonNode e = compare(base, cur).path("evaluators").path("e");
        JsonNode again = compare(base, cur).path("evaluators").path("e");
        assertThat(e).isEqualTo(again);
        double lo = e.path("ci95").get(0).asDouble();
        double hi = e.path("ci95").get(1).asDouble();
        assertThat(lo).isLessThan(e.path("mean_difference").asDouble()).isGreaterThan(0.08);
        assertThat(hi).isGreaterThan(e.path("mean_difference").asDouble()).isLessThan(0.12);
        assertThat(e.path("significant").asBoolean()).isTrue();

        JsonNode same = compare(base, base).path("evaluators").path("e");
        assertThat(same.path("ci95").toString()).isEqualTo("[0.0,0.0]");
        assertThat(same.path("significant").asBoolean()).isFalse();
        JsonNode one = compare(base.subList(0, 1), cur.subList(0, 1)).path("evaluators").path("e");
        assertThat(one.path("ci95").isNull()).as("no interval from one pair").isTrue();
    }

    @Test
    void theBootstrapIsThePublishedAlgorithm() {
        double[] d = {0.1, -0.2, 0.3, 0.0, 0.05};
        java.util.SplittableRandom rng = new java.util.SplittableRandom(BaselineComparison.SEED);
        double[] means = new double[BaselineComparison.RESAMPLES];
        for (int b = 0; b < means.length; b++) {
            double sum = 0;
            for (int i = 0; i < d.length; i++) {
                sum += d[rng.nextInt(d.length)];
            }
            means[b] = sum / d.length;
        }
        java.util.Arrays.sort(means);
        assertThat(BaselineComparison.bootstrap(d)).containsExactly(
                io.llmtestbench.pipeline.internal.Stats.percentile(means, means.length, 0.025),
                io.llmtestbench.pipeline.internal.Stats.percentile(means, means.length, 0.975));
    }

    @Test
    void aBaselineFileIsReadBackOrRefusedClearly() throws Exception {
        Path f = dir.resolve("base.jsonl");
        Files.writeString(f, line(1, "a", "kept", 0.5, true) + "\n\n" + line(2, "b", "kept", 0.5, true) + "\n");
        assertThat(compareWith(f).path("matched").asInt()).isEqualTo(1);

        Files.writeString(f, line(1, "a", "kept", 0.5, true) + "\n{oops\n");
        assertThatThrownBy(() -> BaselineComparison.read(f)).isInstanceOf(BaselineComparison.UnusableBaselineException.class)
                .hasMessageContaining("--baseline " + f + ": line 2 is not valid JSON");
        Files.writeString(f, "{\"id\": 1, \"response\": \"a data line, not a result\"}\n");
        assertThatThrownBy(() -> BaselineComparison.read(f)).hasMessageContaining("line 1 is not a result of llmtb eval --out");
        Files.writeString(f, "\n");
        assertThatThrownBy(() -> BaselineComparison.read(f)).hasMessageContaining("no results in it");
        assertThatThrownBy(() -> BaselineComparison.read(dir.resolve("none.jsonl"))).hasMessageContaining("no such file");
        Files.write(f, new byte[] {'{', (byte) 0xff, '}', '\n'});
        assertThatThrownBy(() -> BaselineComparison.read(f)).hasMessageContaining("not UTF-8");
    }

    private JsonNode compareWith(Path f) throws Exception {
        BaselineComparison c = BaselineComparison.read(f);
        EvalSummary s = EvalSummary.of(List.of(result(line(1, "a", "kept", 0.7, true))), null, c);
        return s.json(Json.object(), 1).path("baseline");
    }
}
