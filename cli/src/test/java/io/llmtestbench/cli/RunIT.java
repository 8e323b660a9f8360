package io.llmtestbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
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
                Arguments.of("grow_memory_bomb", List.of("--max-memory-bytes", "65536"), "INVALID_PLUGIN", null),
                Arguments.of("grow_table_bomb", List.of("--max-table-elements", "300000"), "MEMORY_LIMIT", -4),
                Arguments.of("huge_tables", List.of(), "INVALID_PLUGIN", null));
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

    /** The original "Plugin System Guide"'s example as written (test-plugins/rust/guide-example), issue #11. */
    @Test
    void theOriginalGuidesExampleRunsAndItsErrorReturnIsCleanWithoutGarbage() {
        var ok = Llmtb.run("run", Llmtb.plugin("guide-example").toString(),
                "--input", "{\"text\": \"Hello, world!\", \"expected\": \"greeting\"}");
        assertThat(ok.exit()).as(ok.toString()).isZero();
        assertThat(ok.json().path("data").path("score").asDouble()).isEqualTo(0.5);
        assertThat(ok.json().path("data").path("sentiment").asText()).isEqualTo("neutral");

        var bad = Llmtb.run("run", Llmtb.plugin("guide-example").toString(), "--input", "{\"txt\": \"x\"}");
        assertThat(bad.exit()).as(bad.toString()).isEqualTo(1);
        JsonNode e = bad.json().path("error");
        assertThat(e.path("kind").asText()).isEqualTo("PLUGIN_ERROR");
        assertThat(e.path("code").asInt()).isEqualTo(-2);
        assertThat(e.path("message").asText()).isEqualTo("Plugin 'guide-example' execution failed with code: -2 (RESULT_INVALID_INPUT)");
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
    void wasiIsRefusedUnlessEnabledLikeTheRuntimesDefault() {
        var r = Llmtb.run("run", Llmtb.plugin("wasi_without_permission").toString(), "--input", "{}");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.json().path("error").path("kind").asText()).isEqualTo("INVALID_PLUGIN");
        assertThat(r.json().path("error").path("message").asText())
                .contains("imports WASI function `wasi_snapshot_preview1.fd_write` but WASI is not enabled", "--enable-wasi");
        // a WASI grant enables WASI too
        Path dir = Llmtb.work("run-wasi-implied");
        var granted = Llmtb.run("run", Llmtb.plugin("wasi_without_permission").toString(), "--input", "{}", "--allow-dir", dir.toString());
        assertThat(granted.exit()).as(granted.toString()).isZero();
        var env = Llmtb.run("run", Llmtb.plugin("wasi_without_permission").toString(), "--input", "{}", "--allow-env", "PATH");
        assertThat(env.exit()).as(env.toString()).isZero();
    }

    @Test
    void wasiPluginRunsWithWasiEnabledAndItsStdoutGoesToItsLoggerNotToOurs() {
        var r = Llmtb.run("run", Llmtb.plugin("wasi_without_permission").toString(), "--input", "{}", "--enable-wasi");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stdout().strip().lines()).hasSize(1);
        assertThat(r.json().path("data").path("wrote").asBoolean()).isTrue();
        assertThat(r.stdout()).doesNotContain("hello from wasi");
        assertThat(r.stderr()).as("the plugin's stdout is logged at INFO: hidden by default").doesNotContain("hello from wasi");

        var verbose = Llmtb.run("run", Llmtb.plugin("wasi_without_permission").toString(), "--input", "{}", "--enable-wasi", "--verbose");
        assertThat(verbose.exit()).as(verbose.toString()).isZero();
        assertThat(verbose.stdout()).doesNotContain("hello from wasi");
        assertThat(verbose.stderr()).contains("llmtb.plugin.wasi_without_permission - hello from wasi_without_permission");
    }

    @Test
    void logLevelShowsThePluginsOwnLogs() {
        String plugin = Llmtb.plugin("similarity-evaluator").toString();
        String input = "{\"text\":\"a b\",\"expected\":\"a b\"}";
        String ready = "llmtb.plugin.similarity-evaluator - similarity-evaluator ready (threshold 0.5)"; // info, in plugin_init
        var quiet = Llmtb.run("run", plugin, "--input", input);
        assertThat(quiet.exit()).as(quiet.toString()).isZero();
        assertThat(quiet.stderr()).as("plugin logs below warn are hidden by default").doesNotContain(ready);
        var info = Llmtb.run("run", plugin, "--input", input, "--log-level", "info");
        assertThat(info.stderr()).as(info.toString()).contains("[INFO] " + ready);
        assertThat(info.stdout().strip().lines()).hasSize(1);

        // the original guide's example logs at debug in plugin_execute
        String guide = Llmtb.plugin("guide-example").toString();
        String text = "{\"text\":\"a good day\"}";
        assertThat(Llmtb.run("run", guide, "--input", text, "--log-level=info").stderr()).doesNotContain("Starting execution");
        var debug = Llmtb.run("run", guide, "--input", text, "--log-level=debug");
        assertThat(debug.stderr()).as(debug.toString()).contains("[DEBUG] llmtb.plugin.", "Starting execution");
        var trace = Llmtb.run("run", guide, "--input", text, "--log-level", "TRACE");
        assertThat(trace.stderr()).as("case-insensitive, and trace includes debug").contains("Starting execution");
        var error = Llmtb.run("run", plugin, "--input", input, "--log-level", "error", "--verbose");
        assertThat(error.stderr()).as("--log-level wins over --verbose for the plugin's logger").doesNotContain(ready);

        var bad = Llmtb.run("run", plugin, "--input", input, "--log-level", "loud");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.stderr()).contains("--log-level", "loud");
    }

    @Test
    void permissionFlagsInEveryFormTheRuntimeAcceptsAndNoStaleWarnings() throws IOException {
        Path dir = Llmtb.work("run-allowed-dir");
        Path other = Llmtb.work("run-allowed-dir-2");
        var r = Llmtb.run("run", Llmtb.plugin("echo").toString(), "--input", "{\"text\":\"x\"}",
                "--allow-dir", dir.toString(), "--allow-dir", other + ":ro", "--allow-dir", other + ":/data:ro",
                "--allow-env", "PATH",
                "--allow-host", "example.com", "--allow-host", "example.com:8443", "--allow-host", "*.example.org",
                "--allow-host", "http://127.0.0.1:8080", "--allow-host", "https://api.example.com",
                "--max-http-response-bytes", "1024");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stderr()).as("no warnings").isEmpty();
        assertThat(r.json().path("data").path("text").asText()).isEqualTo("x");
    }

    /** fs-probe (test-plugins/c/fs-probe) tries one WASI file operation and reports its errno. */
    @Test
    void fileGrantsThroughRun() throws IOException {
        Path granted = Llmtb.work("run-fs/granted");
        Path readOnly = Llmtb.work("run-fs/read-only");
        Path hidden = Llmtb.work("run-fs/hidden");
        Files.writeString(granted.resolve("in.txt"), "granted text");
        Files.writeString(readOnly.resolve("in.txt"), "read-only text");
        Files.writeString(hidden.resolve("secret.txt"), "secret");
        Files.deleteIfExists(granted.resolve("out.txt"));
        Files.deleteIfExists(readOnly.resolve("out.txt"));
        String[] grants = {"--allow-dir", granted.toString(), "--allow-dir", readOnly + ":ro"};

        JsonNode read = probe(grants, "{\"op\":\"read\",\"path\":\"" + granted.resolve("in.txt") + "\"}");
        assertThat(read.path("ok").asBoolean()).as(read.toString()).isTrue();
        assertThat(read.path("data").asText()).isEqualTo("granted text");

        JsonNode readRo = probe(grants, "{\"op\":\"read\",\"path\":\"" + readOnly.resolve("in.txt") + "\"}");
        assertThat(readRo.path("data").asText()).as(readRo.toString()).isEqualTo("read-only text");

        JsonNode write = probe(grants, "{\"op\":\"write\",\"path\":\"" + granted.resolve("out.txt") + "\",\"data\":\"w\"}");
        assertThat(write.path("ok").asBoolean()).as(write.toString()).isTrue();
        assertThat(granted.resolve("out.txt")).hasContent("w");

        JsonNode writeRo = probe(grants, "{\"op\":\"write\",\"path\":\"" + readOnly.resolve("out.txt") + "\",\"data\":\"w\"}");
        assertThat(writeRo.path("ok").asBoolean()).as(writeRo.toString()).isFalse();
        assertThat(writeRo.path("errno").asInt()).as("EROFS").isEqualTo(69);
        assertThat(readOnly.resolve("out.txt")).doesNotExist();

        JsonNode outside = probe(grants, "{\"op\":\"read\",\"path\":\"" + hidden.resolve("secret.txt") + "\"}");
        assertThat(outside.path("ok").asBoolean()).as(outside.toString()).isFalse();
        assertThat(outside.has("data")).isFalse();

        JsonNode preopens = probe(grants, "{\"op\":\"preopens\"}");
        assertThat(texts(preopens.path("entries")))
                .containsExactlyInAnyOrder(granted.toAbsolutePath().normalize().toString(), readOnly.toAbsolutePath().normalize().toString(),
                        "/"); // the catch-all preopen, which refuses every path (and warns about it)

        JsonNode none = probe(new String[] {"--enable-wasi"}, "{\"op\":\"read\",\"path\":\"" + granted.resolve("in.txt") + "\"}");
        assertThat(none.path("ok").asBoolean()).as("nothing granted: " + none).isFalse();
    }

    @Test
    void hostToGuestDirectoryMapping() throws IOException {
        Path dir = Llmtb.work("run-fs-map");
        Files.writeString(dir.resolve("model.txt"), "weights");
        // relative HOST (against the working directory), seen at /models, read-only
        JsonNode read = Llmtb.runIn(dir, "run", Llmtb.plugin("fs-probe").toAbsolutePath().toString(), "--input",
                "{\"op\":\"read\",\"path\":\"/models/model.txt\"}", "--allow-dir", ".:/models:ro").json();
        assertThat(read.path("data").path("data").asText()).as(read.toString()).isEqualTo("weights");
        JsonNode write = Llmtb.runIn(dir, "run", Llmtb.plugin("fs-probe").toAbsolutePath().toString(), "--input",
                "{\"op\":\"write\",\"path\":\"/models/x.txt\",\"data\":\"w\"}", "--allow-dir", ".:/models:ro").json();
        assertThat(write.path("data").path("errno").asInt()).as(write.toString()).isEqualTo(69);
    }

    /** A file the plugin may not open is refused, and the warning on stderr names the path and the flag (issue #19). */
    @Test
    void aRefusedPathIsWarnedAboutNamingAllowDir() {
        var r = Llmtb.run("run", Llmtb.plugin("fs-probe").toString(), "--enable-wasi", "--input",
                "{\"op\":\"read\",\"path\":\"/data/in.json\"}");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().path("data").path("ok").asBoolean()).isFalse();
        assertThat(r.stderr()).contains("WASI path_open refused /data/in.json: no directory is granted to the plugin; "
                + "grant a directory with --allow-dir");
    }

    private static JsonNode probe(String[] grants, String input) {
        List<String> args = new ArrayList<>(List.of("run", Llmtb.plugin("fs-probe").toString(), "--input", input));
        args.addAll(List.of(grants));
        var r = Llmtb.run(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.toString()).isZero();
        return r.json().path("data");
    }

    private static final String OPENAI_CONFIG_PORT_9 = "{\"base_url\":\"http://127.0.0.1:9/v1\",\"model\":\"m\"}";

    @Test
    void permissionDeniedWithoutAllowHost() {
        var r = Llmtb.run("run", Llmtb.plugin("openai-provider").toString(), "--input", "{\"prompt\":\"hi\"}",
                "--config", OPENAI_CONFIG_PORT_9);
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        JsonNode e = r.json().path("error");
        assertThat(fieldNames(r.json())).containsExactly("error");
        assertThat(e.path("kind").asText()).isEqualTo("PERMISSION_DENIED");
        assertThat(e.path("message").asText()).contains("host_http_request http://127.0.0.1:9/v1/chat/completions",
                "network access is not granted");
        assertThat(e.path("code").isNull()).isTrue();
    }

    @Test
    void permissionDeniedForASchemeOrPortNotAllowed() {
        // "127.0.0.1:9" allows https on port 9 only; the plugin asks for http
        var r = Llmtb.run("run", Llmtb.plugin("openai-provider").toString(), "--input", "{\"prompt\":\"hi\"}",
                "--config", OPENAI_CONFIG_PORT_9, "--allow-host", "127.0.0.1:9");
        assertThat(r.json().path("error").path("kind").asText()).as(r.toString()).isEqualTo("PERMISSION_DENIED");
        assertThat(r.json().path("error").path("message").asText()).contains("is not allowed");
    }

    @Test
    void allowHostReachesALocalServerAndTheResponseCapApplies() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] body = ("{\"model\":\"fake-1\",\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"Paris\"},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}}").getBytes(StandardCharsets.UTF_8);
        server.createContext("/v1/chat/completions", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("content-type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String origin = "http://127.0.0.1:" + server.getAddress().getPort();
            String config = "{\"base_url\":\"" + origin + "/v1\",\"model\":\"m\"}";
            var ok = Llmtb.run("run", Llmtb.plugin("openai-provider").toString(), "--input", "{\"prompt\":\"Capital of France?\"}",
                    "--config", config, "--allow-host", origin);
            assertThat(ok.exit()).as(ok.toString()).isZero();
            assertThat(ok.json().path("data").path("text").asText()).isEqualTo("Paris");
            assertThat(ok.json().path("data").path("model").asText()).isEqualTo("fake-1");

            var capped = Llmtb.run("run", Llmtb.plugin("openai-provider").toString(), "--input", "{\"prompt\":\"hi\"}",
                    "--config", config, "--allow-host", origin, "--max-http-response-bytes", "16");
            assertThat(capped.exit()).as(capped.toString()).isEqualTo(1);
            assertThat(capped.json().path("error").path("kind").asText()).isEqualTo("MEMORY_LIMIT");
            assertThat(capped.json().path("error").path("message").asText()).contains("16 bytes");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void repeatRunsOneLoadNTimesAndReportsTheCount() {
        var r = Llmtb.run("run", Llmtb.plugin("echo").toString(), "--input", "{\"text\":\"x\"}", "--repeat", "4");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stdout().strip().lines()).hasSize(1);
        assertThat(fieldNames(r.json())).containsExactly("data", "metadata");
        assertThat(fieldNames(r.json().path("metadata")))
                .containsExactly("execution_time_ms", "memory_used_bytes", "fuel_used", "metrics", "executions");
        assertThat(r.json().path("metadata").path("executions").asInt()).isEqualTo(4);
        assertThat(r.json().path("data").path("text").asText()).isEqualTo("x");
    }

    @Test
    void rateLimitedWhenRepeatingFasterThanAllowed() {
        var r = Llmtb.run("run", Llmtb.plugin("echo").toString(), "--input", "{\"text\":\"x\"}", "--repeat", "5",
                "--max-executions-per-second", "1");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.stdout().strip().lines()).hasSize(1);
        JsonNode e = r.json().path("error");
        assertThat(fieldNames(e)).containsExactly("kind", "message", "code");
        assertThat(e.path("kind").asText()).isEqualTo("RATE_LIMITED");
        assertThat(e.path("message").asText()).contains("rate limited", "1 executions per second");
        // a burst of ceil(1) = 1 call passes; the second is refused at once
        assertThat(r.json().path("metadata").path("executions").asInt()).isEqualTo(2);

        var within = Llmtb.run("run", Llmtb.plugin("echo").toString(), "--input", "{}", "--repeat", "3",
                "--max-executions-per-second", "1000");
        assertThat(within.exit()).as(within.toString()).isZero();
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
                Arguments.of(List.of("--input", "{}", "--allow-dir", "/tmp:/a/../b"), "must not contain '.' or '..'"),
                Arguments.of(List.of("--input", "{}", "--allow-dir", "/tmp:/x", "--allow-dir", "/var/tmp:/x"), "same guest path"),
                Arguments.of(List.of("--input", "{}", "--allow-env", "A=B"), "pass NAME, not NAME=VALUE"),
                Arguments.of(List.of("--input", "{}", "--allow-host", "ftp://example.com"),
                        "--allow-host ftp://example.com: invalid allowedHosts entry 'ftp://example.com': scheme must be http or https"),
                Arguments.of(List.of("--input", "{}", "--allow-host", "*"), "there is no allow-all entry"),
                Arguments.of(List.of("--input", "{}", "--allow-host", "https://example.com/v1"), "no path"),
                Arguments.of(List.of("--input", "{}", "--allow-host", "example.com:99999"), "port must be a number"),
                Arguments.of(List.of("--input", "{}", "--max-http-response-bytes", "-1"), "maxHttpResponseBytes"),
                Arguments.of(List.of("--input", "{}", "--repeat", "0"), "--repeat must be at least 1"),
                Arguments.of(List.of("--input", "{}", "--max-executions-per-second", "-1"), "maxExecutionsPerSecond"),
                Arguments.of(List.of("--input", "{}", "--require-signature"), "--require-signature needs at least one --trusted-key"),
                Arguments.of(List.of("--input", "{}", "--trusted-key", "/no/such/key.pub"), "no such file"));
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

    static List<String> texts(JsonNode arr) {
        List<String> out = new ArrayList<>();
        arr.forEach(x -> out.add(x.asText()));
        return out;
    }

    static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
