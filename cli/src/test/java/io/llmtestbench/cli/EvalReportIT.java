package io.llmtestbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code llmtb eval}'s summary, per-stage costs, {@code --group-by}, {@code --baseline}, {@code --report} (rendered
 * by a real headless Chromium) and the progress line, through the real jar.
 */
class EvalReportIT {
    /** Markup in a record: the report must show it as text. */
    static final String XSS = "<script>document.title='pwned';console.error('xss ran')</script>"
            + "<img src=x onerror=\"console.error('xss img')\">";

    static Path dir;
    static Path pipeline;

    @BeforeAll
    static void pipeline() throws IOException {
        dir = Llmtb.work("eval-report");
        Path plugins = dir.resolve("plugins");
        Files.createDirectories(plugins);
        for (String p : List.of("text-normalizer", "similarity-evaluator", "threshold-filter")) {
            Files.copy(Llmtb.plugin(p), plugins.resolve(p + ".wasm"), StandardCopyOption.REPLACE_EXISTING);
        }
        pipeline = dir.resolve("pipeline.json");
        Files.writeString(pipeline, """
                {"name": "report-it",
                 "defaults": {"limits": {"max_instructions": 50000000, "timeout_ms": 10000}},
                 "transforms": ["plugins/text-normalizer.wasm"],
                 "evaluators": [
                   {"name": "strict", "plugin": "plugins/similarity-evaluator.wasm", "config": {"threshold": 0.8},
                    "limits": {"max_instructions": 100000}},
                   {"name": "sim", "plugin": "plugins/similarity-evaluator.wasm", "config": {"threshold": 0.5}}],
                 "filters": [{"plugin": "plugins/threshold-filter.wasm", "config": {"min_score": 0.5}, "scores": ["sim"]}]}
                """);
    }

    static String rec(String id, String category, String prompt, String response, Object expected) {
        ObjectNode o = Llmtb.JSON.createObjectNode();
        o.put("id", id);
        o.put("category", category);
        o.put("prompt", prompt);
        o.put("response", response);
        o.set("expected", Llmtb.JSON.valueToTree(expected));
        return o.toString();
    }

    static final String LONG = "word ".repeat(600);

    /** The first run's data: categories, a record that fails in each of two ways, an invalid line, markup. */
    static List<String> firstRun() {
        List<String> l = new ArrayList<>();
        String[][] capitals = {{"France", "Paris"}, {"Italy", "Rome"}, {"Spain", "Madrid"}, {"Japan", "Tokyo"}, {"Peru", "Lima"},
            {"Kenya", "Nairobi"}, {"Chile", "Santiago"}, {"Egypt", "Cairo"}};
        for (int i = 0; i < capitals.length; i++) {
            // the first four are right, the rest wrong
            l.add(rec("geo-" + i, "geo", "Capital of " + capitals[i][0] + "?", i < 4 ? capitals[i][1] : "Berlin", capitals[i][1]));
        }
        for (int i = 0; i < 6; i++) {
            l.add(rec("math-" + i, "math", "What is " + i + " + " + i + "?", i % 2 == 0 ? String.valueOf(2 * i) : "no idea", String.valueOf(2 * i)));
        }
        l.add(rec("xss", "<b>web</b>", XSS, XSS, "plain text"));
        l.add(rec("number", "math", "What is 2 + 2?", "4", 4)); // a number, not a string: the evaluator refuses it
        l.add(rec("long", "geo", "Describe Paris.", LONG, "Paris")); // too long for strict's fuel budget
        l.add("{this is not json");
        return l;
    }

    /** The second run: two fixed, two broken, one newly failing, the refused one fixed. */
    static List<String> secondRun() {
        List<String> l = new ArrayList<>(firstRun());
        l.set(0, rec("geo-0", "geo", "Capital of France?", "Berlin", "Paris"));
        l.set(1, rec("geo-1", "geo", "Capital of Italy?", "Berlin", "Rome"));
        l.set(4, rec("geo-4", "geo", "Capital of Peru?", "Lima", "Lima"));
        l.set(5, rec("geo-5", "geo", "Capital of Kenya?", "Nairobi", "Nairobi"));
        l.set(8, rec("math-0", "math", "What is 0 + 0?", "0 " + LONG, "0"));
        l.set(15, rec("number", "math", "What is 2 + 2?", "4", "4"));
        return l;
    }

    static Path data(String name, List<String> lines) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, String.join("\n", lines) + "\n");
        return f;
    }

    static List<JsonNode> results(Path out) throws IOException {
        List<JsonNode> rs = new ArrayList<>();
        for (String l : Files.readAllLines(out)) {
            rs.add(Llmtb.JSON.readTree(l));
        }
        return rs;
    }

    @Test
    void theSummaryResultsBaselineAndReport() throws Exception {
        Path base = dir.resolve("base.jsonl");
        var first = Llmtb.run("eval", "--pipeline", pipeline.toString(), "--data", data("first.jsonl", firstRun()).toString(), "--out",
                base.toString(), "--format", "json", "--threads", "2");
        assertThat(first.exit()).as(first.toString()).isZero();
        JsonNode s = first.json();
        assertThat(s.path("records").asInt()).isEqualTo(18);
        assertThat(s.path("failed").asInt()).isEqualTo(2);
        assertThat(s.path("failures_by_kind").toString()).isEqualTo("{\"PLUGIN_ERROR\":1,\"FUEL_EXHAUSTED\":1}");
        JsonNode strict = s.path("evaluators").path("strict");
        assertThat(strict.path("count").asInt()).isEqualTo(15);
        assertThat(strict.path("failed").asInt()).isEqualTo(2);
        assertThat(strict.path("time_ms").path("p50").asDouble()).isPositive();
        assertThat(strict.path("fuel").path("p99").asDouble()).isGreaterThan(strict.path("fuel").path("p50").asDouble());
        JsonNode sim = s.path("evaluators").path("sim");
        assertThat(sim.path("count").asInt()).isEqualTo(15);
        assertThat(sim.path("skipped").asInt()).isEqualTo(2);
        assertThat(sim.path("skipped_after_failure_in").toString()).isEqualTo("{\"evaluators[0]\":2}");
        JsonNode stages = s.path("stages");
        assertThat(stages).hasSize(4);
        assertThat(stages.get(1).path("where").asText()).isEqualTo("evaluators[0]");
        assertThat(stages.get(1).path("calls").asInt()).isEqualTo(17);
        assertThat(stages.get(1).path("failures_by_kind").toString()).isEqualTo("{\"PLUGIN_ERROR\":1,\"FUEL_EXHAUSTED\":1}");
        assertThat(stages.get(3).path("calls").asInt()).isEqualTo(15);
        assertThat(s.path("group_by").asText()).isEqualTo("category");
        assertThat(s.path("groups").fieldNames()).toIterable().containsExactly("<b>web</b>", "geo", "math");
        assertThat(s.path("groups").path("geo").path("records").asInt()).isEqualTo(9);
        assertThat(s.path("groups").path("geo").path("evaluators").path("sim").path("pass_rate").asDouble()).isEqualTo(0.5);
        assertThat(s.path("failure_groups")).hasSize(2);
        JsonNode fuel = s.path("failure_groups").get(1);
        assertThat(fuel.path("kind").asText()).isEqualTo("FUEL_EXHAUSTED");
        assertThat(fuel.path("where").asText()).isEqualTo("evaluators[0]");
        assertThat(fuel.path("plugin").asText()).isEqualTo("strict");
        assertThat(fuel.path("example_ids").toString()).isEqualTo("[\"long\"]");
        assertThat(s.path("invalid_records").path("examples").get(0).path("line").asInt()).isEqualTo(18);
        assertThat(s.has("report")).isTrue();
        assertThat(s.path("report").isNull()).isTrue();

        List<JsonNode> rs = results(base);
        JsonNode geo0 = rs.get(0);
        assertThat(geo0.path("stages")).hasSize(4);
        for (JsonNode st : geo0.path("stages")) {
            assertThat(st.path("time_ms").asDouble()).isPositive();
            assertThat(st.path("fuel").asLong()).isPositive();
            assertThat(st.path("ok").asBoolean()).isTrue();
        }
        JsonNode longOne = rs.get(16);
        assertThat(longOne.path("error").path("where").asText()).isEqualTo("evaluators[0]");
        assertThat(longOne.path("stages").get(1).path("ok").asBoolean()).isFalse();
        assertThat(longOne.path("stages").get(1).path("fuel").asLong()).isGreaterThanOrEqualTo(100000);

        Path report = dir.resolve("out/report.html");
        Files.deleteIfExists(report);
        var second = Llmtb.run("eval", "--pipeline", pipeline.toString(), "--data", data("second.jsonl", secondRun()).toString(),
                "--out", dir.resolve("second-results.jsonl").toString(), "--baseline", base.toString(), "--report", report.toString(), "--format", "json");
        assertThat(second.exit()).as(second.toString()).isZero();
        JsonNode b = second.json().path("baseline");
        assertThat(b.path("file").asText()).isEqualTo(base.toString());
        assertThat(b.path("matched").asInt()).isEqualTo(17);
        JsonNode simB = b.path("evaluators").path("sim");
        assertThat(simB.path("pass_to_fail").toString()).isEqualTo("{\"count\":2,\"ids\":[\"geo-0\",\"geo-1\"]}");
        assertThat(simB.path("fail_to_pass").toString()).isEqualTo("{\"count\":2,\"ids\":[\"geo-4\",\"geo-5\"]}");
        assertThat(simB.path("pairs").asInt()).as("records scored in both runs").isEqualTo(14);
        assertThat(simB.path("ci95")).hasSize(2);
        assertThat(b.path("new_failures").toString()).isEqualTo("{\"count\":1,\"ids\":[\"math-0\"],\"by_kind\":{\"FUEL_EXHAUSTED\":1}}");
        assertThat(b.path("fixed_failures").toString()).isEqualTo("{\"count\":1,\"ids\":[\"number\"]}");
        assertThat(second.json().path("report").asText()).isEqualTo(report.toString());
        assertThat(report).isRegularFile();
        String html = Files.readString(report);
        assertThat(html).doesNotContain("<script").contains("&lt;script&gt;document.title=");

        var table = Llmtb.run("eval", "--pipeline", pipeline.toString(), "--data", dir.resolve("second.jsonl").toString(), "--baseline", base.toString(), "--report", report.toString(), "--out", dir.resolve("third.jsonl").toString());
        assertThat(table.exit()).as(table.toString()).isZero();
        assertThat(table.stdout()).contains("Compared with " + base, "sim pass->fail: 2 (geo-0, geo-1)", "new failures: 1 (math-0)");
        assertThat(table.stdout()).contains("By category", "Stage", "time ms p50 / p95 / p99", "fuel p50 / p95 / p99");
        assertThat(table.stdout()).endsWith("Results: " + dir.resolve("third.jsonl") + "\nReport: " + report + "\n");

        browser(report);
    }

    /** Chromium renders the report: charts drawn, the markup in records shown as text, no error, nothing fetched. */
    static void browser(Path report) throws Exception {
        var exe = Chromium.find();
        if (exe.isEmpty()) {
            if (Boolean.getBoolean("llmtb.chromium.required")) {
                throw new AssertionError("no Chromium found (chromium, chromium-browser or google-chrome on the PATH, or -Dllmtb.chromium=PATH)"
                        + " and -Dllmtb.chromium.required=true");
            }
            System.err.println("*** SKIPPED: the HTML report's browser test: no Chromium on the PATH (install Debian's chromium;"
                    + " CI requires it with -Dllmtb.chromium.required=true) ***");
            Assumptions.abort("no Chromium");
        }
        Path shot = Path.of(System.getProperty("llmtb.work.dir", "target/it-work")).getParent().resolve("report-screenshot.png");
        try (Chromium chromium = Chromium.launch(exe.get(), dir.resolve("chromium-profile-" + System.nanoTime()))) {
            Chromium.Page page = chromium.newPage();
            var load = page.load(report.toUri(), 1280, 900);
            assertThat(load.errors()).as("console errors, exceptions, CSP violations").isEmpty();
            assertThat(load.requests()).as("the report fetches nothing but itself").containsOnly(report.toUri().toString());
            assertThat(page.eval("document.title").asText()).isEqualTo("Evaluation report: report-it");
            assertThat(page.eval("document.scripts.length").asInt()).isZero();
            assertThat(page.eval("document.images.length").asInt()).isZero();
            JsonNode charts = page.eval("""
                    Array.from(document.querySelectorAll('svg.chart')).map(c => ({
                      cls: c.getAttribute('class'),
                      w: c.getBoundingClientRect().width,
                      h: c.getBoundingClientRect().height,
                      marks: c.querySelectorAll('rect.bar, circle.point').length}))""");
            assertThat(charts.size()).as("2 score histograms, 2 pass-rate charts, 1 difference chart, time and fuel of 4 stages").isEqualTo(13);
            for (JsonNode c : charts) {
                assertThat(c.path("w").asDouble()).as(c.toString()).isGreaterThan(100);
                assertThat(c.path("h").asDouble()).as(c.toString()).isGreaterThan(50);
                assertThat(c.path("marks").asInt()).as(c.toString()).isPositive();
            }
            assertThat(page.eval("document.querySelectorAll('svg.chart.histogram.scores').length").asInt()).isEqualTo(2);
            assertThat(page.eval("document.querySelectorAll('svg.chart.rates').length").asInt()).isEqualTo(2);
            assertThat(page.eval("document.querySelectorAll('svg.chart.differences').length").asInt()).isEqualTo(1);
            String worst = page.eval("document.getElementById('worst').innerText").asText();
            assertThat(worst).as("the record's markup, shown as text").contains(XSS);
            assertThat(page.eval("document.getElementById('groups').innerText").asText()).contains("<b>web</b>");
            assertThat(page.eval("document.getElementById('failures').innerText").asText()).contains("FUEL_EXHAUSTED", "math-0 (line 9), long (line 17)");
            page.screenshot(shot);
        }
        assertThat(shot).isRegularFile();
        System.err.println("report screenshot: " + shot.toAbsolutePath());
    }

    /** The README's report example, run as written (outputs redirected from target/example to the test's directory). */
    @Test
    void theReadmeReportExample() throws IOException {
        Path project = Llmtb.projectDir();
        boolean built;
        try (var s = Files.isDirectory(project.resolve("test-plugins/target")) ? Files.list(project.resolve("test-plugins/target"))
                : java.util.stream.Stream.<Path>empty()) {
            built = s.anyMatch(p -> p.getFileName().toString().matches("llmtb-test-plugins-.*\\.jar"));
        }
        Assumptions.assumeTrue(built, "test-plugins/target/llmtb-test-plugins-*.jar not built");
        String readme = Files.readString(project.resolve("README.md")).replace("\\\n", " ");
        List<String> commands = new ArrayList<>();
        for (String line : readme.split("\n")) {
            if (line.startsWith("./llmtb eval --pipeline examples/pipeline-report.json")) {
                commands.add(line.substring("./llmtb ".length()));
            }
        }
        assertThat(commands).as("README.md, 'A report you can open'").hasSize(2);
        Path out = Llmtb.work("readme-report");
        List<JsonNode> summaries = new ArrayList<>();
        for (String c : commands) {
            List<String> args = new ArrayList<>(List.of(c.replace("target/example/", out + "/").trim().split("\\s+")));
            args.addAll(List.of("--format", "json"));
            var r = Llmtb.runIn(project, args.toArray(String[]::new));
            assertThat(r.exit()).as(r.toString()).isZero();
            summaries.add(r.json());
        }
        JsonNode first = summaries.get(0);
        assertThat(first.path("records").asInt()).isEqualTo(1340);
        assertThat(first.path("failures_by_kind").path("FUEL_EXHAUSTED").asInt()).isPositive();
        assertThat(first.path("evaluators").path("similarity").path("skipped").asInt()).isEqualTo(first.path("failed").asInt());
        assertThat(first.path("groups").size()).isEqualTo(8);
        JsonNode second = summaries.get(1);
        assertThat(second.path("failures_by_kind").path("PLUGIN_ERROR").asInt()).isEqualTo(2);
        JsonNode b = second.path("baseline");
        assertThat(b.path("matched").asInt()).isEqualTo(1340);
        assertThat(b.path("evaluators").path("similarity").path("pass_to_fail").path("count").asInt()).isPositive();
        assertThat(b.path("evaluators").path("similarity").path("fail_to_pass").path("count").asInt()).isPositive();
        assertThat(b.path("new_failures").path("count").asInt()).isPositive();
        assertThat(out.resolve("report.html")).isRegularFile();
        assertThat(out.resolve("candidate.jsonl")).isRegularFile();
    }

    @Test
    void aFilterReadingAScoreNoEvaluatorProducesIsRefusedAtLoad() throws IOException {
        Path bad = dir.resolve("bad-scores.json");
        Files.writeString(bad, Files.readString(pipeline).replace("\"scores\": [\"sim\"]", "\"scores\": [\"exact\"]"));
        Path data = data("one.jsonl", List.of(rec("a", "c", "p", "x", "x")));
        var r = Llmtb.run("eval", "--pipeline", bad.toString(), "--data", data.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.stderr()).contains("filters[0].scores: names 'exact', which no evaluator produces (the evaluators are 'strict', 'sim')",
                "the pipeline would keep nothing");
        assertThat(r.stdout()).isEmpty();
    }

    @Test
    void groupByAnyFieldAndBadBaselines() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            lines.add("{\"id\":" + i + ",\"lang\":\"" + (i % 2 == 0 ? "de" : "fr") + "\",\"response\":\"x\",\"expected\":\"" + (i < 3 ? "x" : "y") + "\"}");
        }
        Path data = data("lang.jsonl", lines);
        var r = Llmtb.run("eval", "--pipeline", pipeline.toString(), "--data", data.toString(), "--group-by", "lang", "--format", "json",
                "--out", dir.resolve("lang-results.jsonl").toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().path("group_by").asText()).isEqualTo("lang");
        assertThat(r.json().path("groups").fieldNames()).toIterable().containsExactly("de", "fr");
        assertThat(r.json().path("groups").path("de").path("evaluators").path("sim").path("mean").asDouble()).isEqualTo(0.6667);
        assertThat(results(dir.resolve("lang-results.jsonl")).get(0).path("fields").toString()).isEqualTo("{\"lang\":\"de\"}");

        var missing = Llmtb.run("eval", "--pipeline", pipeline.toString(), "--data", data.toString(), "--group-by", "nosuch", "--format", "json");
        assertThat(missing.exit()).isZero();
        assertThat(missing.stderr()).contains("--group-by nosuch: no record has a field \"nosuch\"");
        assertThat(missing.json().path("groups").size()).isZero();

        var noFile = Llmtb.run("eval", "--pipeline", pipeline.toString(), "--data", data.toString(), "--baseline", dir.resolve("none.jsonl").toString());
        assertThat(noFile.exit()).isEqualTo(2);
        assertThat(noFile.stderr()).contains("--baseline: no such file");
        var notResults = Llmtb.run("eval", "--pipeline", pipeline.toString(), "--data", data.toString(), "--baseline", data.toString());
        assertThat(notResults.exit()).isEqualTo(2);
        assertThat(notResults.stderr()).contains("line 1 is not a result of llmtb eval --out");
        var dirReport = Llmtb.run("eval", "--pipeline", pipeline.toString(), "--data", data.toString(), "--report", dir.toString());
        assertThat(dirReport.exit()).isEqualTo(2);
        assertThat(dirReport.stderr()).contains("--report: " + dir + " is a directory");
        var same = Llmtb.run("eval", "--pipeline", pipeline.toString(), "--data", data.toString(), "--report", "x.html", "--out", "x.html");
        assertThat(same.exit()).isEqualTo(2);
        assertThat(same.stderr()).contains("--report and --out name the same file");
        var help = Llmtb.run("eval", "--help");
        assertThat(help.stdout()).contains("--report", "--baseline", "--group-by", "with 95% bootstrap intervals");
        assertThat(help.stderr()).isEmpty();
    }

    /** On a terminal, stderr shows records/s and the ETA while the batch runs; piped, nothing. */
    @Test
    void progressOnATerminal() throws Exception {
        Path script = Path.of("/usr/bin/script");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            lines.add(rec("p" + i, "c", "q", "answer " + i, "answer " + i));
        }
        Path data = data("progress.jsonl", lines);
        var piped = Llmtb.run("eval", "--pipeline", pipeline.toString(), "--data", data.toString(), "--threads", "1");
        assertThat(piped.exit()).isZero();
        assertThat(piped.stderr()).doesNotContain("records/s");
        Assumptions.assumeTrue(Files.isExecutable(script), "util-linux script(1) is needed to run on a pseudo-terminal");
        Path typescript = dir.resolve("typescript.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cmd = String.join(" ", java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", Llmtb.jar().toString(), "eval", "--pipeline",
                pipeline.toString(), "--data", data.toString(), "--threads", "1", "--format", "json", ">", dir.resolve("progress.json").toString());
        ProcessBuilder pb = new ProcessBuilder(script.toString(), "-qefc", cmd, typescript.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(Map.of("LLMTB_CACHE_DIR", Llmtb.work("cache").toAbsolutePath().toString()));
        Process p = pb.start();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        String tty = new String(Files.readAllBytes(typescript), StandardCharsets.UTF_8);
        // (the bar itself is left out when the terminal is narrow)
        assertThat(tty).as("stdout went to a file; stderr, a terminal, shows progress")
                .containsPattern("eval +\\d+% (\\[=* *\\] )?\\d+/3000 records, [0-9.]+ records/s, \\d:\\d\\d:\\d\\d elapsed, ETA \\d:\\d\\d:\\d\\d");
        assertThat(Llmtb.JSON.readTree(dir.resolve("progress.json").toFile()).path("records").asInt()).isEqualTo(3000);
    }
}
