package io.llmtestbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code llmtb run}, through the real jar: output shape, exit codes and every producible error kind. */
class RunIT {

    @Test
    void successPrintsDataAndMetadataAsOneJsonObject() {
        var r = Llmtb.run("run", Llmtb.plugin("similarity-evaluator").toString(),
                "--input", "{\"text\":\"Paris is the capital of France\",\"expected\":\"Paris\"}",
                "--config", "{\"threshold\":0.1}");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stdout().strip().lines()).as("exactly one line on stdout").hasSize(1);
        JsonNode j = r.json();
        assertThat(fieldNames(j)).containsExactly("data", "metadata");
        assertThat(j.path("data").path("score").isNumber()).isTrue();
        assertThat(j.path("data").path("passed").asBoolean()).isTrue();
        JsonNode m = j.path("metadata");
        assertThat(fieldNames(m)).containsExactly("execution_time_ms", "memory_used_bytes", "fuel_used", "metrics");
        assertThat(m.path("execution_time_ms").isIntegralNumber()).isTrue();
        assertThat(m.path("memory_used_bytes").asLong()).isPositive();
        assertThat(m.path("fuel_used").asLong()).isPositive();
        assertThat(m.path("metrics").isObject()).isTrue();
        assertThat(m.path("metrics").path("fuel_used").asLong()).isEqualTo(m.path("fuel_used").asLong());
        assertThat(r.stderr()).as("no logs at the default level").isEmpty();
    }

    @Test
    void inputFromAFile() throws IOException {
        Path input = Llmtb.work("run").resolve("input.json");
        Files.writeString(input, "{\"text\": \"hello\"}\n");
        var r = Llmtb.run("run", Llmtb.plugin("echo").toString(), "--input", "@" + input);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().path("data").path("text").asText()).isEqualTo("hello");
    }

    @Test
    void verboseLogsGoToStderrOnly() {
        var r = Llmtb.run("run", Llmtb.plugin("similarity-evaluator").toString(), "--input", "{\"text\":\"good\"}", "--verbose");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stderr()).contains("similarity-evaluator ready");
        assertThat(r.json().has("data")).isTrue();
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of("loop_forever", List.of("--max-instructions", "100000"), "FUEL_EXHAUSTED", null),
                Arguments.of("br_table_loop_forever", List.of("--max-instructions", "100000"), "FUEL_EXHAUSTED", null),
                Arguments.of("loop_forever", List.of("--max-instructions", "1000000000000000", "--timeout-ms", "300"), "TIMEOUT", null),
                Arguments.of("trap_unreachable", List.of(), "TRAP", null),
                Arguments.of("trap_out_of_bounds_load", List.of(), "TRAP", null),
                Arguments.of("recursion_unbounded", List.of(), "TRAP", null),
                Arguments.of("host_log_out_of_bounds", List.of(), "TRAP", null),
                Arguments.of("returns_error_code", List.of(), "PLUGIN_ERROR", -1),
                Arguments.of("returns_invalid_input_code", List.of(), "PLUGIN_ERROR", -2),
                Arguments.of("undocumented_result_code", List.of(), "PLUGIN_ERROR", 7),
                Arguments.of("grow_memory_bomb", List.of("--max-memory-bytes", "262144"), "MEMORY_LIMIT", -4),
                Arguments.of("alloc_returns_zero", List.of(), "MEMORY_LIMIT", null),
                Arguments.of("invalid_json_output", List.of(), "INVALID_OUTPUT", null),
                Arguments.of("invalid_utf8_output", List.of(), "INVALID_OUTPUT", null),
                Arguments.of("length_exceeds_capacity", List.of(), "INVALID_OUTPUT", null),
                Arguments.of("missing_export_execute", List.of(), "INVALID_PLUGIN", null),
                Arguments.of("mistyped_export_execute", List.of(), "INVALID_PLUGIN", null),
                Arguments.of("unknown_import", List.of(), "INVALID_PLUGIN", null),
                Arguments.of("incompatible_api_version", List.of(), "INVALID_PLUGIN", null),
                Arguments.of("grow_memory_bomb", List.of("--max-memory-bytes", "65536"), "INVALID_PLUGIN", null));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @MethodSource("failures")
    void failurePrintsOneErrorObjectAndExits1(String plugin, List<String> flags, String kind, Integer code) {
        List<String> args = new ArrayList<>(List.of("run", Llmtb.plugin(plugin).toString(), "--input", "{\"text\":\"x\"}"));
        args.addAll(flags);
        var r = Llmtb.run(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.stdout().strip().lines()).as("exactly one line on stdout").hasSize(1);
        JsonNode j = r.json();
        assertThat(fieldNames(j)).containsExactly("error");
        JsonNode e = j.path("error");
        assertThat(fieldNames(e)).containsExactly("kind", "message", "code");
        assertThat(e.path("kind").asText()).as(r.toString()).isEqualTo(kind);
        assertThat(e.path("message").asText()).isNotBlank();
        if (code == null) {
            assertThat(e.path("code").isNull()).as(r.toString()).isTrue();
        } else {
            assertThat(e.path("code").asInt()).as(r.toString()).isEqualTo(code);
        }
    }

    @Test
    void loadFailureMessageNamesTheFileAndTheExpectedSignature() {
        var r = Llmtb.run("run", Llmtb.plugin("missing_export_execute").toString(), "--input", "{}");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.json().path("error").path("message").asText())
                .isEqualTo("Failed to load WASM module: missing_export_execute.wasm: missing export `plugin_execute` "
                        + "(expected: (func (param i32 i32 i32 i32) (result i32)))");
    }

    @Test
    void missingPluginFileIsAnInvalidPlugin() {
        var r = Llmtb.run("run", Llmtb.testPlugins().resolve("no_such_plugin.wasm").toString(), "--input", "{}");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.json().path("error").path("kind").asText()).isEqualTo("INVALID_PLUGIN");
        assertThat(r.json().path("error").path("message").asText()).contains("no_such_plugin.wasm");
    }

    @Test
    void wasiPluginRunsWithWasiEnabledAndItsStdoutIsNotMixedIntoOurs() {
        var r = Llmtb.run("run", Llmtb.plugin("wasi_without_permission").toString(), "--input", "{}");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stdout().strip().lines()).hasSize(1);
        assertThat(r.json().path("data").path("wrote").asBoolean()).isTrue();
        assertThat(r.stdout()).doesNotContain("hello from wasi");
    }

    @Test
    void permissionFlagsAreAccepted() throws IOException {
        Path dir = Llmtb.work("run-allowed-dir");
        var r = Llmtb.run("run", Llmtb.plugin("echo").toString(), "--input", "{\"text\":\"x\"}",
                "--allow-dir", dir.toString(), "--allow-dir", dir + ":ro", "--allow-env", "PATH", "--allow-host", "example.com");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stderr()).contains("read-only access is not enforced");
        assertThat(r.json().path("data").path("text").asText()).isEqualTo("x");
    }

    static Stream<Arguments> usageErrors() {
        return Stream.of(
                Arguments.of(List.of("--input", "{not json"), "--input is not valid JSON"),
                Arguments.of(List.of("--input", "{} trailing"), "--input is not valid JSON"),
                Arguments.of(List.of("--input", ""), "--input is empty"),
                Arguments.of(List.of("--input", "@/no/such/file.json"), "no such file"),
                Arguments.of(List.of(), "--input"),
                Arguments.of(List.of("--input", "{}", "--config", "[1]"), "--config must be a JSON object"),
                Arguments.of(List.of("--input", "{}", "--max-memory-bytes", "100"), "maxMemoryBytes"),
                Arguments.of(List.of("--input", "{}", "--max-instructions", "lots"), "--max-instructions"),
                Arguments.of(List.of("--input", "{}", "--no-such-flag"), "--no-such-flag"),
                Arguments.of(List.of("--input", "{}", "--allow-dir", "/no/such/dir"), "not a directory"),
                Arguments.of(List.of("--input", "{}", "--allow-env", "A=B"), "not an environment variable name"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("usageErrors")
    void usageErrorsExit2WithNothingOnStdout(List<String> flags, String message) {
        List<String> args = new ArrayList<>(List.of("run", Llmtb.plugin("echo").toString()));
        args.addAll(flags);
        var r = Llmtb.run(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).contains(message);
    }

    @Test
    void pluginJarWithSeveralPluginsNeedsAnId() {
        Path jar = Llmtb.work("run").resolve("several.jar");
        var c = Llmtb.run("compile", Llmtb.plugin("echo").toString(), Llmtb.plugin("trap_unreachable").toString(), "-o", jar.toString());
        assertThat(c.exit()).as(c.toString()).isZero();

        var ok = Llmtb.run("run", jar.toString(), "--id", "echo", "--input", "{\"text\":\"hi\"}");
        assertThat(ok.exit()).as(ok.toString()).isZero();
        assertThat(ok.json().path("data").path("text").asText()).isEqualTo("hi");

        var trap = Llmtb.run("run", jar.toString(), "--id", "trap_unreachable", "--input", "{}");
        assertThat(trap.json().path("error").path("kind").asText()).isEqualTo("TRAP");

        var none = Llmtb.run("run", jar.toString(), "--input", "{}");
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.json().path("error").path("kind").asText()).isEqualTo("INVALID_PLUGIN");
        assertThat(none.json().path("error").path("message").asText()).contains("echo", "trap_unreachable", "--id");
    }

    static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
