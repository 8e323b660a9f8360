package io.llmtestbench.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.llmtestbench.spark.internal.SparkJson;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;

/** What the Spark tests share: the project's files, a local[2] session, the CLI as a process, JSON masking. */
final class SparkTests {
    private SparkTests() {}

    static Path project() {
        return Path.of(System.getProperty("llmtb.project.dir", "..")).toAbsolutePath().normalize();
    }

    static Path work(String name) throws IOException {
        Path w = Path.of(System.getProperty("llmtb.work.dir", "target/test-work")).toAbsolutePath().resolve(name);
        Files.createDirectories(w);
        return w;
    }

    static Path testPlugin(String name) {
        String configured = System.getProperty("llmtb.testplugins.dir");
        Path p = (configured != null ? Path.of(configured) : project().resolve("test-plugins/wasm")).resolve(name + ".wasm");
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("no test plugin " + p);
        }
        return p.toAbsolutePath();
    }

    /** Spark on two threads, as the issue asks: local[2], few shuffle partitions, no UI. */
    static SparkSession spark() {
        return SparkSession.builder().master("local[2]").appName("llmtb-spark-tests")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.default.parallelism", "2")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
    }

    record Run(int exit, String stdout, String stderr) {}

    /** Runs a command (stdout and stderr to files), at most {@code minutes}. */
    static Run run(List<String> command, Path dir, int minutes) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        File out = dir.resolve("stdout.txt").toFile();
        File err = dir.resolve("stderr.txt").toFile();
        Process p = new ProcessBuilder(command).directory(project().toFile()).redirectOutput(out).redirectError(err).start();
        if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        return new Run(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8), Files.readString(err.toPath(), StandardCharsets.UTF_8));
    }

    /** {@link #run} with environment variables (name, value pairs). */
    static Run runWithEnv(List<String> command, Path dir, int minutes, String... env) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        File out = dir.resolve("stdout.txt").toFile();
        File err = dir.resolve("stderr.txt").toFile();
        ProcessBuilder pb = new ProcessBuilder(command).directory(project().toFile()).redirectOutput(out).redirectError(err);
        for (int i = 0; i + 1 < env.length; i += 2) {
            pb.environment().put(env[i], env[i + 1]);
        }
        Process p = pb.start();
        if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        return new Run(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8), Files.readString(err.toPath(), StandardCharsets.UTF_8));
    }

    /** {@code llmtb eval} of the CLI jar, 2 threads, JSON summary. */
    static Run cliEval(Path pipeline, Path data, Path out, String... more) throws IOException, InterruptedException {
        String jar = System.getProperty("llmtb.cli.jar", project().resolve("cli/target/llmtb.jar").toString());
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-jar", jar, "eval", "--pipeline", pipeline.toString(),
                "--data", data.toString(), "--out", out.toString(), "--format", "json", "--threads", "2", "--no-progress"));
        cmd.addAll(List.of(more));
        return run(cmd, out.getParent().resolve("cli-" + out.getFileName()), 5);
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static List<JsonNode> jsonLines(String text) throws SparkJson.BadJson {
        List<JsonNode> out = new ArrayList<>();
        for (String l : text.split("\n")) {
            if (!l.isBlank()) {
                out.add(SparkJson.parse("line", l));
            }
        }
        return out;
    }

    /**
     * Keys of {@code llmtb eval}'s summary that describe the CLI process's own run, not the results: where its time
     * went ({@code time_split_ms}: reading, parsing, each stage, writing) and its warm rate. A Spark job's time is
     * spread over executors (the Spark UI shows it), so {@code summarize} does not have them; every other key must
     * be equal.
     */
    static final Set<String> CLI_RUN_DIAGNOSTICS = Set.of("time_split_ms", "records_per_second_second_half");

    /** The summary {@code llmtb eval --format json} printed, without {@link #CLI_RUN_DIAGNOSTICS}. */
    static JsonNode cliSummary(String stdout) throws SparkJson.BadJson {
        JsonNode summary = SparkJson.parse("cli summary", stdout);
        for (String k : CLI_RUN_DIAGNOSTICS) {
            if (!summary.has(k)) {
                throw new AssertionError("the CLI's summary no longer has \"" + k + "\": update CLI_RUN_DIAGNOSTICS");
            }
            ((ObjectNode) summary).remove(k);
        }
        return summary;
    }

    private static final Set<String> TIMING = Set.of("elapsed_ms", "records_per_second", "load_ms", "time_ms");

    /**
     * The JSON with what differs between two runs of the same results replaced by "*": wall times ({@code elapsed_ms},
     * {@code records_per_second}, {@code load_ms}, every {@code time_ms}), and the extra keys named. Every other key
     * and value stays, so a whole-document comparison still sees a key added to one side only.
     */
    static JsonNode mask(JsonNode n, String... also) {
        JsonNode copy = n.deepCopy();
        maskIn(copy, Set.of(also));
        return copy;
    }

    private static void maskIn(JsonNode n, Set<String> also) {
        if (n instanceof ObjectNode o) {
            Iterator<Map.Entry<String, JsonNode>> it = o.fields();
            List<String> names = new ArrayList<>();
            it.forEachRemaining(e -> names.add(e.getKey()));
            for (String k : names) {
                JsonNode v = o.get(k);
                if (TIMING.contains(k) || also.contains(k)) {
                    o.set(k, star(v));
                } else {
                    maskIn(v, also);
                }
            }
        } else if (n instanceof ArrayNode a) {
            a.forEach(x -> maskIn(x, also));
        }
    }

    /** "*" for a value; an object keeps its keys, each "*". */
    private static JsonNode star(JsonNode v) {
        if (v instanceof ObjectNode o) {
            ObjectNode s = o.deepCopy();
            List<String> names = new ArrayList<>();
            s.fieldNames().forEachRemaining(names::add);
            names.forEach(k -> s.set(k, TextNode.valueOf("*")));
            return s;
        }
        return TextNode.valueOf("*");
    }
}
