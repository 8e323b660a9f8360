package io.llmtestbench.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbench.compiler.PluginSigner;
import io.llmtestbench.pipeline.EvalSummary;
import io.llmtestbench.pipeline.PipelineLoadException;
import io.llmtestbench.pipeline.RecordResult;
import io.llmtestbench.spark.internal.SparkJson;
import io.llmtestbench.spark.internal.ExecutorPlugins;
import io.llmtestbench.spark.internal.SparkSummary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** LlmtbSpark on Spark local[2]: the CLI's results and summary, misbehaving plugins, many partitions, signatures. */
class LlmtbSparkTest {
    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkTests.spark();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static List<String> resultLines(Dataset<Row> results) {
        return results.orderBy("line").select("result").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    }

    private static String pretty(JsonNode n) {
        return SparkJson.pretty(n);
    }

    @Test
    void theExampleGivesForEveryRecordTheResultOfTheCliAndTheSameSummary() throws Exception {
        Path work = SparkTests.work("example");
        Path pipeline = SparkTests.project().resolve("examples/pipeline.json");
        Path data = SparkTests.project().resolve("examples/data.jsonl");
        SparkTests.Run cli = SparkTests.cliEval(pipeline, data, work.resolve("cli.jsonl"));
        assertThat(cli.exit()).as(cli.stderr()).isZero();
        List<JsonNode> expected = SparkTests.jsonLines(Files.readString(work.resolve("cli.jsonl")));
        assertThat(expected).hasSize(1340);

        Dataset<Row> results = LlmtbSpark.evaluateJsonLines(spark, data.toString(), pipeline.toString()).persist();
        List<JsonNode> lines = SparkTests.jsonLines(String.join("\n", resultLines(results)));
        assertThat(lines).hasSize(expected.size());
        for (int i = 0; i < lines.size(); i++) {
            assertThat(pretty(SparkTests.mask(lines.get(i)))).as("line %d", i + 1).isEqualTo(pretty(SparkTests.mask(expected.get(i))));
        }
        JsonNode summary = SparkJson.parse("summary", LlmtbSpark.summarize(results));
        JsonNode cliSummary = SparkTests.cliSummary(cli.stdout());
        assertThat(pretty(SparkTests.mask(summary, "out"))).isEqualTo(pretty(SparkTests.mask(cliSummary, "out")));
        assertThat(pretty(SparkTests.mask(summary, "elapsed_ms", "records_per_second")))
                .isEqualTo(pretty(SparkTests.mask(reference(results, null, summary), "elapsed_ms", "records_per_second")));

        // records as rows (spark.read().json): the same results (the row's position is its line here: no blank lines),
        // except the fuel of the stages that read the whole record: a row's JSON has its columns in schema order
        Dataset<Row> rows = LlmtbSpark.evaluate(spark.read().json(data.toString()), pipeline).persist();
        List<JsonNode> fromRows = SparkTests.jsonLines(String.join("\n", resultLines(rows)));
        assertThat(fromRows).hasSameSizeAs(expected);
        for (int i = 0; i < fromRows.size(); i++) {
            assertThat(pretty(SparkTests.mask(fromRows.get(i), "fuel"))).as("row %d", i + 1).isEqualTo(pretty(SparkTests.mask(expected.get(i), "fuel")));
        }
        JsonNode rowSummary = SparkJson.parse("summary", LlmtbSpark.summarize(rows));
        assertThat(pretty(SparkTests.mask(rowSummary, "out", "data", "fuel"))).isEqualTo(pretty(SparkTests.mask(cliSummary, "out", "data", "fuel")));
        assertThat(pretty(SparkTests.mask(rowSummary, "elapsed_ms", "records_per_second")))
                .isEqualTo(pretty(SparkTests.mask(reference(rows, null, rowSummary), "elapsed_ms", "records_per_second")));
        // the typed columns say what the line says
        Row first = rows.orderBy("line").first();
        assertThat(first.<String>getAs("id")).isEqualTo(expected.get(0).path("id").asText());
        assertThat(first.<String>getAs("status")).isEqualTo(expected.get(0).path("status").asText());
        assertThat(first.<scala.collection.Map<String, Object>>getAs("scores").apply("similarity-evaluator"))
                .isEqualTo(expected.get(0).path("scores").path("similarity-evaluator").asDouble());
        results.unpersist();
        rows.unpersist();
    }

    /** EvalSummary, the reference, fed the same results (their --out lines) with the pipeline's stages. */
    static JsonNode reference(Dataset<Row> results, String groupBy, JsonNode sparkSummary) throws SparkJson.BadJson {
        JsonNode run = SparkJson.parse("run", results.schema().apply("status").metadata().getString(SparkSummary.RUN_METADATA));
        List<EvalSummary.Stage> stages = new ArrayList<>();
        run.path("stages").forEach(s -> stages.add(new EvalSummary.Stage(s.path("where").asText(), s.path("stage").asText(), s.path("plugin").asText())));
        EvalSummary ref = new EvalSummary(stages, groupBy, null);
        for (String l : resultLines(results)) {
            ref.add(RecordResult.fromJson(SparkJson.parse("result", l)));
        }
        ObjectNode info = SparkJson.object();
        for (String k : List.of("pipeline", "pipeline_name", "data", "out", "report", "threads", "load_ms")) {
            info.set(k, sparkSummary.get(k));
        }
        return ref.json(info, 1.0);
    }

    @Test
    void misbehavingPluginsFailTheirRecordsWithTheRightKindsAndTheJobFinishes() throws Exception {
        Path work = SparkTests.work("misbehaving");
        Path pipeline = work.resolve("pipeline.json");
        Files.writeString(pipeline, """
                {"name": "misbehaving",
                 "provider": {"plugin": "%s", "limits": {"max_instructions": 1000000}},
                 "evaluators": [{"name": "sim", "plugin": "%s", "config": {"threshold": 0.5}}],
                 "filters": [{"plugin": "%s", "limits": {"max_instructions": 100000000}}]}
                """.formatted(SparkTests.testPlugin("loop_forever"), SparkTests.testPlugin("similarity-evaluator"),
                SparkTests.testPlugin("deep_recursion")));
        Path data = work.resolve("data.jsonl");
        Files.writeString(data, String.join("\n",
                "{\"id\": \"trap\", \"category\": \"geo\", \"response\": \"Paris\", \"expected\": \"Paris\", \"depth\": 40000}",
                "{\"id\": \"fuel\", \"category\": 7, \"prompt\": \"What is the capital of France?\", \"expected\": \"Paris\"}",
                "",
                "{\"id\": \"contract\", \"response\": \"Lyon\", \"expected\": \"Paris\", \"depth\": 3}",
                "{\"id\": \"error\", \"category\": \"geo\", \"response\": \"Nice\", \"expected\": \"Paris\"}",
                "this is not json",
                "{\"id\": 5, \"response\": 5}",
                "{\"id\": \"trap2\", \"category\": 7, \"response\": \"Rome\", \"expected\": \"Rome\", \"depth\": 50000}") + "\n");
        SparkTests.Run cli = SparkTests.cliEval(pipeline, data, work.resolve("cli.jsonl"));
        assertThat(cli.exit()).as(cli.stderr()).isZero();

        Dataset<Row> results = LlmtbSpark.evaluateJsonLines(spark, data.toString(), pipeline.toString()).persist();
        Map<String, String> kinds = new HashMap<>();
        for (Row r : results.select("id", "status", "error.kind", "error.where").collectAsList()) {
            kinds.put(r.getString(0), r.getString(1) + " " + r.getString(2) + " " + r.getString(3));
        }
        assertThat(kinds).containsEntry("trap", "failed TRAP filters[0]")
                .containsEntry("trap2", "failed TRAP filters[0]")
                .containsEntry("fuel", "failed FUEL_EXHAUSTED provider")
                .containsEntry("contract", "failed INVALID_OUTPUT filters[0]")
                .containsEntry("error", "failed PLUGIN_ERROR filters[0]")
                .containsEntry("5", "invalid null null");
        assertThat(results.count()).isEqualTo(7);
        List<JsonNode> expected = SparkTests.jsonLines(Files.readString(work.resolve("cli.jsonl")));
        List<JsonNode> lines = SparkTests.jsonLines(String.join("\n", resultLines(results)));
        assertThat(lines).hasSameSizeAs(expected);
        for (int i = 0; i < lines.size(); i++) {
            assertThat(pretty(SparkTests.mask(lines.get(i)))).isEqualTo(pretty(SparkTests.mask(expected.get(i))));
        }
        JsonNode summary = SparkJson.parse("summary", LlmtbSpark.summarize(results));
        assertThat(pretty(SparkTests.mask(summary, "out"))).isEqualTo(pretty(SparkTests.mask(SparkTests.cliSummary(cli.stdout()), "out")));
        assertThat(pretty(SparkTests.mask(summary, "elapsed_ms", "records_per_second")))
                .isEqualTo(pretty(SparkTests.mask(reference(results, null, summary), "elapsed_ms", "records_per_second")));
        results.unpersist();

        // EvalJob's own path for JSON lines (the --out lines written as the tasks made them, the summary from the tasks'
        // facts): the CLI's lines and summary, with the failures' example ids, by category and by another field
        assertSameAsCli(work, "job", pipeline, data, cli, expected);
        SparkTests.Run byDepth = SparkTests.cliEval(pipeline, data, work.resolve("cli-depth.jsonl"), "--group-by", "depth");
        assertThat(byDepth.exit()).as(byDepth.stderr()).isZero();
        assertSameAsCli(work, "job-depth", pipeline, data, byDepth, SparkTests.jsonLines(Files.readString(work.resolve("cli-depth.jsonl"))),
                "--group-by", "depth");
    }

    /** EvalJob in this JVM (JSON lines in and out) against the CLI's run of the same pipeline and data. */
    private static void assertSameAsCli(Path work, String name, Path pipeline, Path data, SparkTests.Run cli, List<JsonNode> cliLines,
            String... more) throws Exception {
        Path out = work.resolve(name);
        List<String> argv = new ArrayList<>(List.of("--pipeline", pipeline.toString(), "--data", data.toString(), "--out", out.toString(),
                "--overwrite", "--format", "json"));
        argv.addAll(List.of(more));
        java.io.ByteArrayOutputStream stdout = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream stderr = new java.io.ByteArrayOutputStream();
        int exit = EvalJob.run(spark, EvalJob.Args.parse(argv.toArray(String[]::new)), new java.io.PrintStream(stdout, true, StandardCharsets.UTF_8),
                new java.io.PrintStream(stderr, true, StandardCharsets.UTF_8));
        assertThat(exit).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
        StringBuilder written = new StringBuilder();
        try (var parts = Files.list(out)) {
            for (Path part : parts.filter(x -> x.getFileName().toString().startsWith("part-")).sorted().toList()) {
                written.append(Files.readString(part));
            }
        }
        List<JsonNode> lines = SparkTests.jsonLines(written.toString());
        assertThat(lines).hasSameSizeAs(cliLines);
        for (int i = 0; i < lines.size(); i++) {
            assertThat(pretty(SparkTests.mask(lines.get(i)))).as("line %d", i + 1).isEqualTo(pretty(SparkTests.mask(cliLines.get(i))));
        }
        JsonNode summary = SparkJson.parse("summary", stdout.toString(StandardCharsets.UTF_8));
        assertThat(pretty(SparkTests.mask(summary, "out"))).isEqualTo(pretty(SparkTests.mask(SparkTests.cliSummary(cli.stdout()), "out")));
        assertThat(summary.path("failure_groups")).isNotEmpty();
    }

    @Test
    void aPluginPastItsDeadlineIsATimeoutAndTheJobFinishes() throws Exception {
        Path work = SparkTests.work("timeout");
        Path pipeline = work.resolve("pipeline.json");
        Files.writeString(pipeline, """
                {"provider": {"plugin": "%s", "limits": {"timeout_ms": 150, "max_instructions": 100000000000000}},
                 "evaluators": [{"plugin": "%s"}]}
                """.formatted(SparkTests.testPlugin("loop_forever"), SparkTests.testPlugin("similarity-evaluator")));
        Dataset<Row> records = spark.createDataFrame(List.of(
                org.apache.spark.sql.RowFactory.create("slow1", "prompt", null),
                org.apache.spark.sql.RowFactory.create("ok", "prompt", "fine"),
                org.apache.spark.sql.RowFactory.create("slow2", "prompt", null)),
                new org.apache.spark.sql.types.StructType().add("id", "string").add("prompt", "string").add("response", "string"));
        List<Row> out = LlmtbSpark.evaluate(records, pipeline).select("id", "status", "error.kind", "error.message").orderBy("line").collectAsList();
        assertThat(out).extracting(r -> r.getString(0) + " " + r.getString(1) + " " + r.getString(2))
                .containsExactly("slow1 failed TIMEOUT", "ok kept null", "slow2 failed TIMEOUT");
        assertThat(out.get(0).getString(3)).contains("timeout after 150ms");
    }

    @Test
    void twentyThousandRecordsInEightPartitionsAreEachProcessedExactlyOnce() throws Exception {
        Path work = SparkTests.work("many");
        Path pipeline = work.resolve("pipeline.json");
        Files.writeString(pipeline, """
                {"evaluators": [{"name": "sim", "plugin": "%s", "config": {"threshold": 0.5}}]}
                """.formatted(SparkTests.testPlugin("similarity-evaluator")));
        Dataset<Row> records = spark.range(0, 20_000, 1, 8).selectExpr("concat('r', id) as id",
                "case when id % 3 = 0 then 'a' else 'b' end as category", "concat('answer ', id % 100) as response",
                "concat('answer ', id % 7) as expected");
        Dataset<Row> results = LlmtbSpark.evaluate(records, pipeline);
        assertThat(results.javaRDD().getNumPartitions()).isEqualTo(8);
        long before = ExecutorPlugins.recordsProcessed();
        List<Row> rows = results.select("id", "line", "status", "scores").collectAsList();
        assertThat(ExecutorPlugins.recordsProcessed() - before).isEqualTo(20_000);
        assertThat(rows).hasSize(20_000);
        Set<String> ids = new HashSet<>();
        Set<Integer> lines = new HashSet<>();
        for (Row r : rows) {
            ids.add(r.getString(0));
            lines.add(r.getInt(1));
            assertThat(r.getString(0)).isEqualTo("r" + (r.getInt(1) - 1));
            assertThat(r.getString(2)).isEqualTo("kept");
        }
        assertThat(ids).hasSize(20_000);
        assertThat(lines).hasSize(20_000).contains(1, 20_000);
        // the same record scores the same whichever task ran it
        Map<String, Double> byResponse = new HashMap<>();
        for (Row r : rows) {
            int n = r.getInt(1) - 1;
            double score = r.<scala.collection.Map<String, Object>>getAs(3).apply("sim") instanceof Double d ? d : Double.NaN;
            Double seen = byResponse.putIfAbsent((n % 100) + "/" + (n % 7), score);
            assertThat(seen == null || seen == score).isTrue();
        }
    }

    @Test
    void signaturesArePolicedOnTheShippedCopies() throws Exception {
        Path work = SparkTests.work("signed");
        Path plugin = work.resolve("similarity-evaluator.wasm");
        Files.copy(SparkTests.testPlugin("similarity-evaluator"), plugin, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(work.resolve("similarity-evaluator.wasm.sig"));
        KeyPair keys = PluginSigner.generateKeyPair();
        Files.writeString(work.resolve("trusted.pub"), PluginSigner.encode(keys.getPublic()) + "\n");
        Path pipeline = work.resolve("pipeline.json");
        Files.writeString(pipeline, """
                {"defaults": {"trusted_keys": ["trusted.pub"], "require_signature": true},
                 "evaluators": [{"plugin": "similarity-evaluator.wasm"}]}
                """);
        Dataset<Row> records = spark.createDataFrame(List.of(org.apache.spark.sql.RowFactory.create("a", "Paris", "Paris")),
                new org.apache.spark.sql.types.StructType().add("id", "string").add("response", "string").add("expected", "string"));
        assertThatThrownBy(() -> LlmtbSpark.evaluate(records, pipeline)).isInstanceOf(PipelineLoadException.class)
                .hasMessageContaining("evaluators[0]").hasMessageContaining("not signed");
        PluginSigner.signWasm(plugin, keys);
        Row r = LlmtbSpark.evaluate(records, pipeline).select("status", "scores").first();
        assertThat(r.getString(0)).isEqualTo("kept");
        // --require-signature from the caller, with the caller's key, on a pipeline that asks for nothing (another plugin:
        // the bytes of one already verified in this JVM's system would be that plugin again)
        Path plain = work.resolve("plain.json");
        Files.writeString(plain, "{\"transforms\": [{\"plugin\": \"" + SparkTests.testPlugin("echo") + "\"}]}");
        assertThatThrownBy(() -> LlmtbSpark.evaluate(records, plain, LlmtbSpark.Options.defaults()
                .trustedKeys(List.of(work.resolve("trusted.pub"))).requireSignature(true)))
                .isInstanceOf(PipelineLoadException.class).hasMessageContaining("not signed");
    }

    @Test
    void aRecordColumnNamedLikeAResultColumnIsRefused() {
        Dataset<Row> records = spark.createDataFrame(List.of(org.apache.spark.sql.RowFactory.create("a", "x")),
                new org.apache.spark.sql.types.StructType().add("id", "string").add("status", "string"));
        assertThatThrownBy(() -> LlmtbSpark.evaluate(records, SparkTests.project().resolve("examples/pipeline.json")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'status'").hasMessageContaining("withColumnRenamed");
    }

    @Test
    void theJvmsPluginSystemClosesAndTheNextJobLoadsAgain() throws Exception {
        Path work = SparkTests.work("close");
        Path pipeline = work.resolve("pipeline.json");
        Files.writeString(pipeline, "{\"evaluators\": [{\"plugin\": \"" + SparkTests.testPlugin("similarity-evaluator") + "\"}]}");
        Dataset<Row> records = spark.createDataFrame(List.of(org.apache.spark.sql.RowFactory.create("a", "Paris", "Paris")),
                new org.apache.spark.sql.types.StructType().add("id", "string").add("response", "string").add("expected", "string"));
        assertThat(LlmtbSpark.evaluate(records, pipeline).select("status").first().getString(0)).isEqualTo("kept");
        assertThat(ExecutorPlugins.closeAll()).isGreaterThanOrEqualTo(1);
        assertThat(LlmtbSpark.evaluate(records, pipeline).select("status").first().getString(0)).isEqualTo("kept");
        Files.writeString(work.resolve("done"), "ok", StandardCharsets.UTF_8);
    }
}
