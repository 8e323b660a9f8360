package io.llmtestbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@code llmtb eval}, through the real jar. */
class EvalIT {

    /** A pipeline over the real example plugins (as .wasm), copied next to it so that relative paths are tested. */
    private static Path pipeline(String dirName, String evaluatorPlugin) throws IOException {
        Path dir = Llmtb.work(dirName);
        Path plugins = dir.resolve("plugins");
        Files.createDirectories(plugins);
        for (String p : List.of("canned-provider", "text-normalizer", "similarity-evaluator", "threshold-filter", evaluatorPlugin)) {
            Files.copy(Llmtb.plugin(p), plugins.resolve(p + ".wasm"), StandardCopyOption.REPLACE_EXISTING);
        }
        String json = "{\n"
                + "  \"name\": \"it\",\n"
                + "  \"defaults\": {\"limits\": {\"max_instructions\": 50000000, \"timeout_ms\": 10000}},\n"
                + "  \"provider\": {\"plugin\": \"plugins/canned-provider.wasm\"},\n"
                + "  \"transforms\": [{\"plugin\": \"plugins/text-normalizer.wasm\"}],\n"
                + "  \"evaluators\": [{\"name\": \"sim\", \"plugin\": \"plugins/" + evaluatorPlugin + ".wasm\", \"config\": {\"threshold\": 0.5}}],\n"
                + "  \"filters\": [{\"plugin\": \"plugins/threshold-filter.wasm\", \"config\": {\"min_score\": 0.5}}]\n"
                + "}\n";
        Path file = dir.resolve("pipeline.json");
        Files.writeString(file, json);
        return file;
    }

    private static Path data(String dirName, String... lines) throws IOException {
        Path f = Llmtb.work(dirName).resolve("data.jsonl");
        Files.writeString(f, String.join("\n", lines) + "\n");
        return f;
    }

    private static List<JsonNode> results(Path out) {
        try {
            List<JsonNode> rs = new ArrayList<>();
            for (String l : Files.readAllLines(out)) {
                rs.add(Llmtb.JSON.readTree(l));
            }
            return rs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void runsTheBatchInInputOrderAndSummarises() throws IOException {
        Path pipeline = pipeline("eval-basic", "similarity-evaluator");
        Path data = data("eval-basic",
                "{\"id\":\"r1\",\"category\":\"geo\",\"prompt\":\"Capital of France?\",\"response\":\"  PARIS  \",\"expected\":\"Paris\"}",
                "{\"id\":\"r2\",\"category\":\"geo\",\"prompt\":\"echo: The capital is Paris\",\"expected\":\"Paris\"}",
                "this is not json",
                "{\"id\":\"r4\",\"response\":\"good\",\"expected\":5}",
                "",
                "{\"id\":\"r6\",\"response\":\"Berlin\",\"expected\":\"Paris\"}",
                "{\"id\":\"r7\",\"response\":\"paris\",\"expected\":\"paris\"}");
        Path out = Llmtb.work("eval-basic").resolve("results.jsonl");
        var r = Llmtb.run("eval", "--pipeline", pipeline.toString(), "--data", data.toString(), "--out", out.toString(),
                "--format", "json", "--threads", "3");
        assertThat(r.exit()).as(r.toString()).isZero();

        List<JsonNode> rs = results(out);
        assertThat(rs.stream().map(x -> x.path("line").asInt())).containsExactly(1, 2, 3, 4, 6, 7);
        assertThat(rs.stream().map(x -> x.path("status").asText()))
                .containsExactly("kept", "filtered", "invalid", "failed", "filtered", "kept");

        JsonNode r1 = rs.get(0);
        assertThat(r1.path("id").asText()).isEqualTo("r1");
        assertThat(r1.path("text").asText()).as("normalised by the transform").isEqualTo("paris");
        assertThat(r1.path("scores").path("sim").asDouble()).isEqualTo(1.0);
        assertThat(r1.path("passed").path("sim").asBoolean()).isTrue();
        assertThat(r1.path("kept").asBoolean()).isTrue();
        assertThat(r1.path("response_source").asText()).isEqualTo("record");

        JsonNode r2 = rs.get(1);
        assertThat(r2.path("response_source").asText()).isEqualTo("provider");
        assertThat(r2.path("text").asText()).isEqualTo("the capital is paris");
        assertThat(r2.path("scores").path("sim").asDouble()).isCloseTo(0.4, within(1e-9));

        assertThat(rs.get(2).path("error").path("message").asText()).contains("not valid JSON");

        JsonNode r4 = rs.get(3);
        assertThat(r4.path("id").asText()).isEqualTo("r4");
        assertThat(r4.path("error").path("stage").asText()).isEqualTo("evaluator");
        assertThat(r4.path("error").path("plugin").asText()).isEqualTo("sim");
        assertThat(r4.path("error").path("kind").asText()).isEqualTo("PLUGIN_ERROR");
        assertThat(r4.path("error").path("code").asInt()).isEqualTo(-2);
        assertThat(r4.path("error").path("message").asText()).isNotBlank();

        JsonNode s = r.json();
        assertThat(s.path("records").asInt()).isEqualTo(6);
        assertThat(s.path("processed").asInt()).isEqualTo(5);
        assertThat(s.path("kept").asInt()).isEqualTo(2);
        assertThat(s.path("filtered").asInt()).isEqualTo(2);
        assertThat(s.path("failed").asInt()).isEqualTo(1);
        assertThat(s.path("invalid_records").path("count").asInt()).isEqualTo(1);
        assertThat(s.path("invalid_records").path("lines")).containsExactly(Llmtb.JSON.valueToTree(3));
        assertThat(s.path("failures_by_kind").path("PLUGIN_ERROR").asInt()).isEqualTo(1);
        assertThat(s.path("provider_calls").asInt()).isEqualTo(1);
        JsonNode sim = s.path("evaluators").path("sim");
        assertThat(sim.path("count").asInt()).isEqualTo(4);
        assertThat(sim.path("mean").asDouble()).isCloseTo(0.6, within(1e-4));
        assertThat(sim.path("median").asDouble()).isCloseTo(0.7, within(1e-4));
        assertThat(sim.path("min").asDouble()).isEqualTo(0.0);
        assertThat(sim.path("max").asDouble()).isEqualTo(1.0);
        assertThat(sim.path("pass_rate").asDouble()).isCloseTo(0.5, within(1e-4));
        assertThat(s.path("records_per_second").asDouble()).isPositive();
        assertThat(s.path("elapsed_ms").isNumber()).isTrue();
        assertThat(s.path("threads").asInt()).isEqualTo(3);
        JsonNode split = s.path("time_split_ms");
        assertThat(split.properties()).extracting(java.util.Map.Entry::getKey)
                .containsExactly("read", "parse", "stages", "pipeline", "result_lines", "write");
        assertThat(split.path("stages").properties()).extracting(java.util.Map.Entry::getKey)
                .containsExactly("provider canned-provider", "transforms[0] text-normalizer", "evaluators[0] sim", "filters[0] threshold-filter");
        split.path("stages").forEach(v -> assertThat(v.asDouble()).isGreaterThanOrEqualTo(0));
        assertThat(split.path("stages").path("evaluators[0] sim").asDouble()).isPositive();
        assertThat(split.path("parse").asDouble()).isGreaterThanOrEqualTo(0);
        assertThat(s.has("records_per_second_second_half")).as("null for a run this short").isTrue();
    }

    @Test
    void manyRecordsInParallelComeOutInInputOrder() throws IOException {
        Path pipeline = pipeline("eval-order", "similarity-evaluator");
        List<String> lines = new ArrayList<>();
        int n = 1500; // more batches than the window of batches in flight: reading waits for writing
        for (int i = 1; i <= n; i++) {
            // varied lengths so that records finish out of order
            lines.add("{\"id\":\"r" + i + "\",\"response\":\"" + "word ".repeat(i % 37) + "answer " + i + "\",\"expected\":\"answer " + i + "\"}");
        }
        Path data = data("eval-order", lines.toArray(String[]::new));
        Path out = Llmtb.work("eval-order").resolve("results.jsonl");
        var r = Llmtb.run("eval", "--pipeline", pipeline.toString(), "--data", data.toString(), "--out", out.toString(),
                "--threads", "4");
        assertThat(r.exit()).as(r.toString()).isZero();
        List<JsonNode> rs = results(out);
        assertThat(rs).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(rs.get(i).path("id").asText()).isEqualTo("r" + (i + 1));
            assertThat(rs.get(i).path("line").asInt()).isEqualTo(i + 1);
        }
        assertThat(r.stdout()).as("table summary").contains("Records: 1500", "Evaluator", "pass rate", "sim", "time split");
        assertThat(r.stdout()).contains("Results: " + out);
    }

    @Test
    void aPluginFailingOnEveryRecordDoesNotStopTheBatch() throws IOException {
        Path pipeline = pipeline("eval-trap", "trap_unreachable");
        Path data = data("eval-trap",
                "{\"id\":1,\"response\":\"a\",\"expected\":\"a\"}",
                "{\"id\":2,\"response\":\"b\",\"expected\":\"b\"}",
                "{\"id\":3,\"response\":\"c\",\"expected\":\"c\"}");
        Path out = Llmtb.work("eval-trap").resolve("results.jsonl");
        var r = Llmtb.run("eval", "--pipeline", pipeline.toString(), "--data", data.toString(), "--out", out.toString(),
                "--format", "json");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().path("failed").asInt()).isEqualTo(3);
        assertThat(r.json().path("failures_by_kind").path("TRAP").asInt()).isEqualTo(3);
        assertThat(r.json().path("evaluators").path("sim").path("count").asInt()).isZero();
        assertThat(r.json().path("evaluators").path("sim").path("mean").isNull()).isTrue();
        assertThat(results(out)).allSatisfy(x -> assertThat(x.path("error").path("kind").asText()).isEqualTo("TRAP"));
        assertThat(r.stderr()).as("warns that a transform is used as an evaluator").contains("plugin_type");

        var strict = Llmtb.run("eval", "--pipeline", pipeline.toString(), "--data", data.toString(), "--strict");
        assertThat(strict.exit()).isEqualTo(1);
        assertThat(strict.stdout()).contains("TRAP");
    }

    @Test
    void aGlobFindsTheOnePluginJarAndIdsPickItsPlugins() throws IOException {
        Path dir = Llmtb.work("eval-glob");
        try (Stream<Path> old = Files.list(dir)) {
            for (Path p : old.toList()) {
                if (p.getFileName().toString().endsWith(".jar")) {
                    Files.delete(p);
                }
            }
        }
        Path jar = dir.resolve("plugins-9.9.9-SNAPSHOT.jar");
        var c = Llmtb.run("compile", Llmtb.plugin("text-normalizer").toString(), Llmtb.plugin("similarity-evaluator").toString(),
                "-o", jar.toString());
        assertThat(c.exit()).as(c.toString()).isZero();
        Path pipeline = dir.resolve("pipeline.json");
        Files.writeString(pipeline, "{\"transforms\": [{\"plugin\": \"plugins-*.jar\", \"id\": \"text-normalizer\"}],"
                + " \"evaluators\": [{\"plugin\": \"plugins-*.jar\", \"id\": \"similarity-evaluator\"}]}");
        Path data = data("eval-glob", "{\"id\":\"x\",\"response\":\" Yes \",\"expected\":\"yes\"}");
        var r = Llmtb.run("eval", "--pipeline", pipeline.toString(), "--data", data.toString(), "--format", "json");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().path("kept").asInt()).as("no filters: every record is kept").isEqualTo(1);
        assertThat(r.json().path("evaluators").path("similarity-evaluator").path("mean").asDouble()).isEqualTo(1.0);

        Files.copy(jar, dir.resolve("plugins-9.9.8.jar"), StandardCopyOption.REPLACE_EXISTING);
        var ambiguous = Llmtb.run("eval", "--pipeline", pipeline.toString(), "--data", data.toString());
        assertThat(ambiguous.exit()).isEqualTo(1);
        assertThat(ambiguous.stderr()).contains("2 files match", "plugins-9.9.8.jar", "plugins-9.9.9-SNAPSHOT.jar");
        Files.delete(dir.resolve("plugins-9.9.8.jar"));
    }

    @Test
    void aPluginThatCannotLoadExits1NamingTheStage() throws IOException {
        Path pipeline = pipeline("eval-load", "missing_export_execute");
        Path data = data("eval-load", "{\"id\":1,\"response\":\"a\"}");
        var r = Llmtb.run("eval", "--pipeline", pipeline.toString(), "--data", data.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr()).contains("evaluators[0]", "missing export `plugin_execute`");
        assertThat(r.stdout().strip().lines()).as("one error object on stdout").hasSize(1);
        assertThat(r.json().path("error").path("kind").asText()).isEqualTo("INVALID_PLUGIN");
        assertThat(r.json().path("error").path("message").asText()).contains("evaluators[0]", "missing export `plugin_execute`");
    }

    @Test
    void usageErrorsExit2() throws IOException {
        Path dir = Llmtb.work("eval-usage");
        Path data = data("eval-usage", "{\"id\":1,\"response\":\"a\"}");
        Path badJson = dir.resolve("bad.json");
        Files.writeString(badJson, "{\"evaluators\": [");
        Path unknownKey = dir.resolve("unknown.json");
        Files.writeString(unknownKey, "{\"evaluators\": [{\"plugin\": \"x.wasm\", \"treshold\": 1}]}");
        Path good = pipeline("eval-usage", "similarity-evaluator");

        assertUsage(Llmtb.run("eval", "--pipeline", badJson.toString(), "--data", data.toString()), "not valid JSON");
        assertUsage(Llmtb.run("eval", "--pipeline", unknownKey.toString(), "--data", data.toString()), "unknown key \"treshold\"");
        assertUsage(Llmtb.run("eval", "--pipeline", dir.resolve("none.json").toString(), "--data", data.toString()), "not found");
        assertUsage(Llmtb.run("eval", "--pipeline", good.toString(), "--data", dir.resolve("none.jsonl").toString()), "no such file");
        assertUsage(Llmtb.run("eval", "--pipeline", good.toString(), "--data", data.toString(), "--threads", "0"), "--threads");
        assertUsage(Llmtb.run("eval", "--data", data.toString()), "--pipeline");
    }

    @Test
    void permissionEntriesParseThroughTheRuntimeAndAnInvalidOneNamesTheStage() throws IOException {
        Path dir = Llmtb.work("eval-perms");
        Files.createDirectories(dir.resolve("data-dir"));
        Files.copy(Llmtb.plugin("similarity-evaluator"), dir.resolve("sim.wasm"), StandardCopyOption.REPLACE_EXISTING);
        Path data = data("eval-perms", "{\"id\":1,\"response\":\"a\",\"expected\":\"a\"}");
        String[][] bad = {
            {"{\"allow_hosts\": [\"ftp://example.com\"]}", "evaluators[0].permissions: allow_hosts: ftp://example.com: invalid allowedHosts entry 'ftp://example.com': scheme must be http or https"},
            {"{\"allow_hosts\": [\"*\"]}", "no allow-all entry"},
            {"{\"allow_dirs\": [\"data-dir:relative\"]}", "evaluators[0].permissions: allow_dirs: data-dir:relative: not a directory"},
            {"{\"allow_dirs\": [\"data-dir:/a/../b\"]}", "must not contain '.' or '..'"},
            {"{\"allow_dirs\": [\"data-dir:/d\", \"data-dir:/d:ro\"]}", "same guest path"},
            {"{\"allow_env\": [\"A=B\"]}", "evaluators[0].permissions: allow_env: A=B"},
            {"{\"allow_hosts\": \"example.com/x\"}", "no path"},
        };
        for (String[] b : bad) {
            Path pipeline = dir.resolve("bad.json");
            Files.writeString(pipeline, "{\"evaluators\": [{\"plugin\": \"sim.wasm\", \"permissions\": " + b[0] + "}]}");
            assertUsage(Llmtb.run("eval", "--pipeline", pipeline.toString(), "--data", data.toString()), b[1]);
        }
        // every form the runtime accepts; allow_dirs relative to the pipeline file, HOST:GUEST[:ro]
        Path good = dir.resolve("good.json");
        Files.writeString(good, "{\"defaults\": {\"permissions\": {\"allow_hosts\": [\"example.com\", \"example.com:8443\","
                + " \"*.example.org\", \"http://127.0.0.1:8080\", \"https://api.example.com\"]},"
                + " \"limits\": {\"max_http_response_bytes\": 65536}},"
                + " \"evaluators\": [{\"plugin\": \"sim.wasm\", \"permissions\": {\"allow_dirs\": [\"data-dir\", \"data-dir:/data:ro\"],"
                + " \"allow_env\": [\"PATH\"]}}]}");
        var r = Llmtb.run(Llmtb.projectDir(), java.util.Map.of(), "eval", "--pipeline", good.toString(), "--data", data.toString(),
                "--format", "json");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().path("kept").asInt()).isEqualTo(1);
        assertThat(r.stderr()).as("no warnings").doesNotContain("warning");
    }

    private static void assertUsage(Llmtb.Result r, String message) {
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.stderr()).contains(message);
        assertThat(r.stdout()).isEmpty();
    }

    /** The README's main command, when the test plugins jar has been built (it is, before this module, in a full build). */
    @Test
    void theBundledExamplePipeline() {
        Path examples = Llmtb.projectDir().resolve("examples");
        Path targetDir = Llmtb.projectDir().resolve("test-plugins/target");
        boolean built;
        try (Stream<Path> s = Files.isDirectory(targetDir) ? Files.list(targetDir) : Stream.empty()) {
            built = s.anyMatch(p -> p.getFileName().toString().matches("llmtb-test-plugins-.*\\.jar"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Assumptions.assumeTrue(built, "test-plugins/target/llmtb-test-plugins-*.jar not built");
        Assumptions.assumeTrue(Files.isRegularFile(examples.resolve("data.jsonl")), "examples/data.jsonl missing");
        var r = Llmtb.runIn(Llmtb.projectDir(), "eval", "--pipeline", "examples/pipeline.json", "--data", "examples/data.jsonl",
                "--format", "json");
        assertThat(r.exit()).as(r.toString()).isZero();
        ObjectNode s = (ObjectNode) r.json();
        assertThat(s.path("records").asInt()).isPositive();
        assertThat(s.path("failed").asInt()).as(r.toString()).isZero();
        assertThat(s.path("invalid_records").path("count").asInt()).isZero();
        assertThat(s.path("kept").asInt() + s.path("filtered").asInt()).isEqualTo(s.path("records").asInt());
        assertThat(s.path("evaluators").path("similarity-evaluator").path("count").asInt()).isEqualTo(s.path("records").asInt());
    }
}
