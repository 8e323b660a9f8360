package io.llmtestbench.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * host_http_request end to end: the openai-provider test plugin against a real chat-completions server on
 * loopback, and every way the host refuses or stops a request (permission, allow-list, redirects, body cap,
 * deadline).
 */
class NetworkTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SMALL_CAP = 64 * 1024;

    private static LoopbackServer server;
    private static int port;
    private static final CountDownLatch releaseSlow = new CountDownLatch(1);
    private static final List<Recorded> requests = Collections.synchronizedList(new ArrayList<>());

    @TempDir
    static Path cacheDir;

    record Recorded(String method, String path, Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> String.join(",", e.getValue())).findFirst().orElse(null);
        }
    }

    @BeforeAll
    static void startServer() throws IOException {
        server = LoopbackServer.start("network-test-server", NetworkTest::handle);
        port = server.port();
    }

    @AfterAll
    static void stopServer() {
        releaseSlow.countDown();
        server.close();
    }

    @BeforeEach
    void clear() {
        requests.clear();
    }

    /** A chat-completions server: /v1/chat/completions answers; other prefixes misbehave on purpose. */
    private static void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = ex.getRequestURI().getPath();
            requests.add(new Recorded(ex.getRequestMethod(), path, Map.copyOf(ex.getRequestHeaders()), body));
            String prefix = path.substring(0, path.indexOf("/v1/"));
            switch (prefix) {
                case "":
                    chatCompletion(ex, body);
                    return;
                case "/moved":
                    redirect(ex, 307, "http://127.0.0.1:" + port + "/v1/chat/completions");
                    return;
                case "/away": // the same server, under a name the tests do not allow
                    redirect(ex, 302, "http://localhost:" + port + "/v1/chat/completions");
                    return;
                case "/loop":
                    redirect(ex, 302, "/loop/v1/chat/completions");
                    return;
                case "/err":
                    send(ex, 401, "{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\"}}");
                    return;
                case "/big":
                    send(ex, 200, "{\"pad\":\"" + "x".repeat(SMALL_CAP) + "\"}");
                    return;
                case "/bigchunked": {
                    ex.getResponseHeaders().set("content-type", "application/json");
                    ex.sendResponseHeaders(200, 0); // chunked: no length declared
                    byte[] chunk = "x".repeat(8192).getBytes(StandardCharsets.US_ASCII);
                    try (OutputStream out = ex.getResponseBody()) {
                        for (int i = 0; i < 4 * SMALL_CAP / chunk.length; i++) { // bounded: 4x the cap
                            out.write(chunk);
                            out.flush();
                        }
                    } catch (IOException closedByClient) {
                        // expected: the host stops reading at the cap
                    }
                    return;
                }
                case "/slow":
                    releaseSlow.await(30, TimeUnit.SECONDS);
                    chatCompletion(ex, body);
                    return;
                default:
                    send(ex, 404, "{}");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            send(ex, 500, "{\"error\":{\"message\":\"test server: " + e + "\"}}");
        }
    }

    private static void chatCompletion(HttpExchange ex, String body) throws IOException {
        JsonNode req = JSON.readTree(body);
        JsonNode messages = req.path("messages");
        String prompt = messages.get(messages.size() - 1).path("content").asText();
        String content = prompt.startsWith("long:") ? "y".repeat(Integer.parseInt(prompt.substring(5))) : "echo: " + prompt;
        boolean cut = req.path("max_tokens").asInt(Integer.MAX_VALUE) == 1;
        ObjectNode resp = JSON.createObjectNode();
        resp.put("id", "chatcmpl-test").put("object", "chat.completion").put("model", req.path("model").asText() + "-0613");
        ObjectNode choice = resp.putArray("choices").addObject();
        choice.put("index", 0).put("finish_reason", cut ? "length" : "stop");
        choice.putObject("message").put("role", "assistant").put("content", content);
        resp.putObject("usage").put("prompt_tokens", prompt.split("\\s+").length).put("completion_tokens", content.split("\\s+").length)
                .put("total_tokens", 0);
        send(ex, 200, JSON.writeValueAsString(resp));
    }

    private static void redirect(HttpExchange ex, int status, String location) throws IOException {
        ex.getResponseHeaders().set("location", location);
        ex.sendResponseHeaders(status, -1);
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("content-type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    // ---------------------------------------------------------------------------------------------

    private static PluginSystem system() {
        return PluginSystem.builder().cacheDir(cacheDir).build();
    }

    private static PluginPermissions network(String... allowedHosts) {
        return new PluginPermissions(false, List.of(), true, List.of(allowedHosts), List.of());
    }

    private static String local() {
        return "http://127.0.0.1:" + port;
    }

    private static PluginId load(PluginSystem system, String basePath, PluginPermissions permissions, ResourceLimits limits) {
        ObjectNode config = JSON.createObjectNode()
                .put("base_url", local() + basePath)
                .put("model", "test-model")
                .put("api_key", "sk-test");
        LoadOptions options = LoadOptions.builder().config(config).permissions(permissions).build();
        if (limits != null) {
            options = options.toBuilder().limits(limits).build();
        }
        return system.loadPlugin(TestPlugins.wasm("openai-provider"), options);
    }

    private static PluginOutput complete(PluginSystem system, PluginId id, String input) {
        return system.executePlugin(id, PluginInput.of(input));
    }

    private static final String HELLO = "{\"prompt\": \"Translate to French: good morning\"}";

    @Test
    void roundTripThroughAnOpenAiCompatibleServer() throws Exception {
        try (PluginSystem system = system()) {
            PluginId id = load(system, "/v1", network(local()), null);
            assertThat(system.getMetadata(id).apiVersion()).isEqualTo("1.1");
            PluginOutput out = complete(system, id, "{\"prompt\": \"Translate to French: good morning\", \"system\": \"You are a translator.\","
                    + " \"max_tokens\": 32, \"temperature\": 0.0}");

            assertThat(out.data()).isEqualTo(JSON.readTree("{\"text\": \"echo: Translate to French: good morning\", \"model\": \"test-model-0613\","
                    + " \"finish_reason\": \"stop\", \"usage\": {\"prompt_tokens\": 5, \"completion_tokens\": 6}}"));
            assertThat(out.metadata().fuelUsed()).isPositive();

            assertThat(requests).hasSize(1);
            Recorded sent = requests.get(0);
            assertThat(sent.method()).isEqualTo("POST");
            assertThat(sent.path()).isEqualTo("/v1/chat/completions");
            assertThat(sent.header("content-type")).isEqualTo("application/json");
            assertThat(sent.header("accept")).isEqualTo("application/json");
            assertThat(sent.header("authorization")).isEqualTo("Bearer sk-test");
            assertThat(JSON.readTree(sent.body())).isEqualTo(JSON.readTree("{\"model\": \"test-model\", \"messages\": ["
                    + "{\"role\": \"system\", \"content\": \"You are a translator.\"},"
                    + "{\"role\": \"user\", \"content\": \"Translate to French: good morning\"}],"
                    + " \"max_tokens\": 32, \"temperature\": 0.0}"));

            PluginOutput cut = complete(system, id, "{\"prompt\": \"hi\", \"model\": \"other\", \"max_tokens\": 1}");
            assertThat(cut.data().path("finish_reason").asText()).isEqualTo("length");
            assertThat(cut.data().path("model").asText()).isEqualTo("other-0613");
        }
    }

    @Test
    void aLargeResponseIsReadWholeAndRequestedOnce() {
        try (PluginSystem system = system()) {
            PluginId id = load(system, "/v1", network(local()), null);
            // 100,000 characters: more than the plugin's first 16 KiB buffer (read again with host_http_response)
            // and than the 64 KiB output buffer (the host retries plugin_execute, which must not re-send)
            PluginOutput out = complete(system, id, "{\"prompt\": \"long:100000\"}");
            assertThat(out.data().path("text").asText()).hasSize(100_000).matches("y+");
            assertThat(out.metadata().metrics().get("buffer_retries")).isEqualTo(1);
            assertThat(requests).hasSize(1);
        }
    }

    @Test
    void deniedByDefault() {
        try (PluginSystem system = system()) {
            PluginId id = load(system, "/v1", PluginPermissions.none(), null);
            assertThatThrownBy(() -> complete(system, id, HELLO))
                    .isExactlyInstanceOf(PluginExecutionException.class)
                    .satisfies(e -> assertThat(((PluginException) e).kind()).isEqualTo(ErrorKind.PERMISSION_DENIED))
                    .hasMessageContaining("Plugin 'openai-provider' permission denied: host_http_request " + local() + "/v1/chat/completions")
                    .hasMessageContaining("network access is not granted");
            assertThat(requests).isEmpty();
        }
    }

    @Test
    void grantedButHostNotAllowed() {
        try (PluginSystem system = system()) {
            PluginId id = load(system, "/v1", network("api.openai.com", "*.example.com"), null);
            assertThatThrownBy(() -> complete(system, id, HELLO))
                    .isInstanceOfSatisfying(PluginException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED))
                    .hasMessageContaining(local() + "/v1/chat/completions")
                    .hasMessageContaining("not in allowedHosts [api.openai.com, *.example.com]");
            assertThat(requests).isEmpty();
        }
    }

    @Test
    void sameHostWithAnotherPortOrSchemeIsDenied() {
        int otherPort = port == 65535 ? port - 1 : port + 1;
        for (String entry : List.of("http://127.0.0.1:" + otherPort, "https://127.0.0.1:" + port, "127.0.0.1", "127.0.0.1:" + port,
                "http://127.0.0.1")) {
            try (PluginSystem system = system()) {
                PluginId id = load(system, "/v1", network(entry), null);
                assertThatThrownBy(() -> complete(system, id, HELLO)).as(entry)
                        .isInstanceOfSatisfying(PluginException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED))
                        .hasMessageContaining("http://127.0.0.1:" + port + " is not allowed: the host is allowed only as");
            }
        }
        assertThat(requests).isEmpty();
    }

    @Test
    void aRedirectIsCheckedAgainstTheAllowList() {
        try (PluginSystem system = system()) {
            PluginId away = load(system, "/away/v1", network(local()), null);
            assertThatThrownBy(() -> complete(system, away, HELLO))
                    .isInstanceOfSatisfying(PluginException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED))
                    .hasMessageContaining("host_http_request http://localhost:" + port + "/v1/chat/completions: redirected (HTTP 302) from "
                            + local() + "/away/v1/chat/completions")
                    .hasMessageContaining("not in allowedHosts");
            assertThat(requests).extracting(Recorded::path).containsExactly("/away/v1/chat/completions"); // never followed

            requests.clear();
            PluginId moved = load(system, "/moved/v1", network(local()), null);
            assertThat(complete(system, moved, HELLO).data().path("text").asText()).isEqualTo("echo: Translate to French: good morning");
            assertThat(requests).extracting(Recorded::path).containsExactly("/moved/v1/chat/completions", "/v1/chat/completions");
            assertThat(requests.get(1).method()).isEqualTo("POST"); // 307 keeps the method and body
            assertThat(requests.get(1).body()).isEqualTo(requests.get(0).body());

            requests.clear();
            PluginId loop = load(system, "/loop/v1", network(local()), null);
            assertThatThrownBy(() -> complete(system, loop, HELLO))
                    .isInstanceOfSatisfying(PluginException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PLUGIN_ERROR))
                    .hasMessageContaining("host_http_request returned -3: too many redirects (more than 5)");
            assertThat(requests).hasSize(6);
        }
    }

    @Test
    void aResponseBodyOverTheCapEndsTheExecutionWithMemoryLimit() {
        ResourceLimits limits = ResourceLimits.builder().maxHttpResponseBytes(SMALL_CAP).build();
        try (PluginSystem system = system()) {
            for (String base : List.of("/big/v1", "/bigchunked/v1")) {
                PluginId id = load(system, base, network(local()), limits);
                assertThatThrownBy(() -> complete(system, id, HELLO)).as(base)
                        .isInstanceOfSatisfying(PluginException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.MEMORY_LIMIT))
                        .hasMessageContaining("host_http_request: the response from " + local() + base + "/chat/completions")
                        .hasMessageContaining("more than the cap of " + SMALL_CAP + " bytes (ResourceLimits.maxHttpResponseBytes)");
            }
            // the same plugin under the default cap (4 MiB) reads the body and reports that it is no chat completion
            PluginId id = load(system, "/big/v1", network(local()), null);
            assertThatThrownBy(() -> complete(system, id, HELLO))
                    .isInstanceOfSatisfying(PluginException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PLUGIN_ERROR))
                    .hasMessageContaining("returned no chat completion");
        }
    }

    @Test
    void aSlowServerEndsInTimeoutAtTheDeadline() {
        ResourceLimits limits = ResourceLimits.builder().maxExecutionTimeMs(1500).build();
        try (PluginSystem system = system()) {
            PluginId id = load(system, "/slow/v1", network(local()), limits);
            long start = System.nanoTime();
            assertThatThrownBy(() -> complete(system, id, HELLO))
                    .isInstanceOfSatisfying(PluginTimeoutException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.TIMEOUT))
                    .hasMessageStartingWith("Plugin 'openai-provider' timeout after 1500ms in plugin_execute")
                    .hasMessageContaining("--timeout-ms");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(ms).isBetween(1000L, 6000L);
            assertThat(requests).hasSize(1);
        }
    }

    @Test
    void httpErrorsAndConnectionFailuresAreThePluginsToReport() throws IOException {
        try (PluginSystem system = system()) {
            PluginId err = load(system, "/err/v1", network(local()), null);
            assertThatThrownBy(() -> complete(system, err, HELLO))
                    .isInstanceOfSatisfying(PluginException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PLUGIN_ERROR))
                    .hasMessageContaining("returned HTTP 401: Incorrect API key provided");

            int closed;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                closed = s.getLocalPort();
            }
            ObjectNode config = JSON.createObjectNode().put("base_url", "http://127.0.0.1:" + closed + "/v1").put("model", "m");
            PluginId refused = system.loadPlugin(TestPlugins.wasm("openai-provider"), LoadOptions.builder().config(config)
                    .permissions(network("http://127.0.0.1:" + closed)).build());
            assertThatThrownBy(() -> complete(system, refused, HELLO))
                    .isInstanceOfSatisfying(PluginException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PLUGIN_ERROR))
                    .hasMessageContaining("host_http_request returned -3: request to http://127.0.0.1:" + closed + "/v1/chat/completions failed");
        }
    }

    @Test
    void aPluginDeclaringAbi10CannotImportHostHttpRequest() {
        try (PluginSystem system = system()) {
            assertThatThrownBy(() -> system.loadPlugin(TestPlugins.wasm("http_import_declares_abi_1_0")))
                    .isInstanceOfSatisfying(PluginLoadException.class, e -> assertThat(e.stage()).isEqualTo(PluginLoadException.Stage.UNINSTANTIABLE))
                    .hasMessageContaining("imports `env.host_http_request`, which needs plugin ABI 1.1, but declares api_version 1.0");
        }
    }

    @Test
    void theProbeOfAllHostFunctionsStillRunsUnderThe11Host() throws Exception {
        try (PluginSystem system = system()) {
            PluginId id = system.loadPlugin(TestPlugins.wasm("host_functions_probe"));
            assertThat(system.getMetadata(id).apiVersion()).isEqualTo("1.0");
            ArrayNode random = (ArrayNode) system.executePlugin(id, PluginInput.of("{}")).data().path("random");
            assertThat(random).hasSize(3);
        }
    }
}
