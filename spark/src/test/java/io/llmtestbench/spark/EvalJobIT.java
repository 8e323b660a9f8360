package io.llmtestbench.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmtestbench.spark.internal.SparkJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The job as a user runs it without a Spark distribution: spark/bin/llmtb-spark (the job jar, the Spark jars Maven
 * downloaded, Spark's JVM options), local[2], on the README's example; and its usage errors.
 */
class EvalJobIT {
    private static SparkTests.Run job(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(SparkTests.project().resolve("spark/bin/llmtb-spark").toString()));
        cmd.addAll(List.of(args));
        return SparkTests.runWithEnv(cmd, dir, 8, "SPARK_MASTER", "local[2]", "JAVA_HOME", System.getProperty("java.home"));
    }

    @Test
    void theReadmeCommandWritesTheCliResultsAndPrintsTheCliSummary() throws Exception {
        Path work = SparkTests.work("evaljob");
        Path out = work.resolve("results");
        if (Files.exists(out)) {
            try (Stream<Path> s = Files.walk(out)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Path pipeline = SparkTests.project().resolve("examples/pipeline.json");
        Path data = SparkTests.project().resolve("examples/data.jsonl");
        SparkTests.Run cli = SparkTests.cliEval(pipeline, data, work.resolve("cli.jsonl"));
        assertThat(cli.exit()).as(cli.stderr()).isZero();

        SparkTests.Run run = job(work.resolve("job"), "--pipeline", pipeline.toString(), "--data", data.toString(), "--out", out.toString(),
                "--format", "json");
        assertThat(run.exit()).as(run.stderr()).isZero();
        JsonNode summary = SparkJson.parse("summary", run.stdout());
        assertThat(SparkJson.pretty(SparkTests.mask(summary, "out"))).isEqualTo(SparkJson.pretty(SparkTests.mask(SparkTests.cliSummary(cli.stdout()), "out")));
        assertThat(summary.path("out").asText()).isEqualTo(out.toString());

        List<Path> parts;
        try (Stream<Path> s = Files.list(out)) {
            parts = s.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList();
        }
        StringBuilder all = new StringBuilder();
        for (Path p : parts) {
            all.append(Files.readString(p));
        }
        List<JsonNode> lines = SparkTests.jsonLines(all.toString());
        List<JsonNode> expected = SparkTests.jsonLines(Files.readString(work.resolve("cli.jsonl")));
        assertThat(lines).hasSameSizeAs(expected);
        for (int i = 0; i < lines.size(); i++) {
            assertThat(SparkJson.pretty(SparkTests.mask(lines.get(i)))).isEqualTo(SparkJson.pretty(SparkTests.mask(expected.get(i))));
        }
        // the executor's plugin system was closed at JVM exit
        assertThat(run.stderr()).contains("llmtb: closed the plugin system of this JVM (4 plugins)");
        // Spark logs at INFO, but the audit log (one line per plugin call) is down to WARN without --verbose, as in the CLI
        assertThat(run.stderr()).contains(" INFO ").doesNotContain("audit: execute");

        SparkTests.Run again = job(work.resolve("again"), "--pipeline", pipeline.toString(), "--data", data.toString(), "--out", out.toString());
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.stderr()).contains("--out " + out + " exists (add --overwrite to replace it)");
    }

    @Test
    void usageErrorsExit2BeforeSparkStarts() throws Exception {
        Path work = SparkTests.work("evaljob-usage");
        SparkTests.Run missing = job(work.resolve("missing"), "--pipeline", "p.json", "--data", "d.jsonl");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.stderr()).contains("missing required option --out").contains("Usage: spark-submit");
        SparkTests.Run bad = job(work.resolve("bad"), "--pipeline", "p.json", "--data", "d.jsonl", "--out", "o", "--format", "xml");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.stderr()).contains("--format must be one of table, json, got 'xml'");
    }
}
