package io.llmtestbench.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * host_http_request against hostile URLs, headers and servers, with the http_request_probe test plugin (its input
 * is the request JSON a plugin passes; its output is what the host answered): address forms of an allowed address,
 * redirects to other forms and schemes, request smuggling through framing headers, a redirect with an endless
 * body, servers that never answer, trickle or send a megabyte of headers, and compressed bodies. Each server is on
 * loopback and counts what reached it, so "denied" also means "never connected".
 */
class NetworkTricksTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static PluginPermissions network(String... allowedHosts) {
        return new PluginPermissions(false, List.of(), true, List.of(allowedHosts), List.of());
    }

    private static PluginId probe(PluginSystem system, PluginPermissions permissions, long timeoutMs) {
        LoadOptions options = LoadOptions.builder().permissions(permissions)
                .limits(ResourceLimits.builder().maxExecutionTimeMs(timeoutMs).build()).build();
        return system.loadPlugin(TestPlugins.wasm("http_request_probe"), options);
    }

    private static JsonNode send(PluginSystem system, PluginId id, ObjectNode request) {
        return system.executePlugin(id, PluginInput.of(request.toString())).data();
    }

    /** What became of one request: "denied", "invalid" (-2, nothing sent), "failed" (-3), "status N", or another error kind. */
    private static String outcome(PluginSystem system, PluginId id, ObjectNode request) {
        try {
            JsonNode out = send(system, id, request);
            String error = out.path("error").asText();
            return error.startsWith("invalid request: ") ? "invalid" : !error.isEmpty() ? "failed: " + error : "status " + out.path("status").asInt();
        } catch (PluginException e) {
            return e.kind() == ErrorKind.PERMISSION_DENIED ? "denied" : e.kind() + ": " + e.getMessage();
        }
    }

    private static ObjectNode get(String url) {
        return JSON.createObjectNode().put("url", url);
    }

    /** A server on a raw socket: every connection is handed to the script with its number (0, 1, ...). */
    private static final class RawServer implements AutoCloseable {
        interface Script {
            void serve(Socket socket, int connection) throws Exception;
        }

        final ServerSocket socket;
        final AtomicInteger connections = new AtomicInteger();
        final List<Thread> threads = Collections.synchronizedList(new ArrayList<>());

        /** Listens on every address (IPv4 and IPv6), so any form of a loopback address would reach it. */
        RawServer(Script script) throws IOException {
            socket = new ServerSocket(0);
            Thread acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        int n = connections.getAndIncrement();
                        Thread t = new Thread(() -> {
                            try (s) {
                                script.serve(s, n);
                            } catch (Exception e) {
                                // the client went away: expected in most scripts
                            }
                        }, "raw-server-" + n);
                        t.setDaemon(true);
                        threads.add(t);
                        t.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "raw-server-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            threads.forEach(Thread::interrupt);
        }
    }

    /** Reads one request head (through the blank line) and returns it; null at end of stream. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static void write(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * A request is a handful of JSON values; one of 100,000 (600 KB of {@code {}}s beside a valid URL) is refused as
     * invalid before anything is sent: before, it was parsed into a tree whatever its size (a request of 64 MiB of
     * {@code {}}s, as a plugin's memory can hold, would be a tree of over a gigabyte) and then sent.
     */
    @Test
    void aRequestOfAHundredThousandValuesIsRefusedBeforeAnythingIsSent() throws Exception {
        try (RawServer server = new RawServer((s, n) -> write(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
                PluginSystem system = PluginSystem.builder().cacheDir(null).build()) {
            PluginId id = probe(system, network("http://127.0.0.1:" + server.port()), 10_000);
            ObjectNode request = get("http://127.0.0.1:" + server.port() + "/");
            assertThat(outcome(system, id, request)).isEqualTo("status 200"); // the same request, small: sent
            var junk = request.putArray("junk");
            for (int i = 0; i < 100_000; i++) {
                junk.addObject();
            }
            JsonNode out = send(system, id, request);
            assertThat(out.path("error").asText()).isEqualTo("invalid request: a request holding more than 4096 JSON values (at most 4096)");
            assertThat(server.connections.get()).isEqualTo(1);
        }
    }

    @Test
    void otherFormsOfAnAllowedAddressAreDeniedAndNeverConnect() throws Exception {
        try (RawServer server = new RawServer((s, n) -> write(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
             PluginSystem system = TestPlugins.system()) {
            int port = server.port();
            PluginId id = probe(system, network("http://127.0.0.1:" + port), 10_000);
            assertThat(send(system, id, get("http://127.0.0.1:" + port + "/")).path("status").asInt()).isEqualTo(200);
            assertThat(server.connections.get()).isEqualTo(1);

            // denied by the allow-list: another spelling of the address, another name for it, another scheme or port
            Map<String, String> outcomes = new java.util.LinkedHashMap<>();
            for (String url : List.of(
                    "http://[::ffff:127.0.0.1]:" + port + "/", "http://[::ffff:7f00:1]:" + port + "/",
                    "http://[0:0:0:0:0:ffff:7f00:1]:" + port + "/", "http://[::127.0.0.1]:" + port + "/",
                    "http://[::1]:" + port + "/", "http://[0:0:0:0:0:0:0:1]:" + port + "/", "http://[fe80::1%25lo]:" + port + "/",
                    "http://2130706433:" + port + "/",
                    "http://0177.0.0.1:" + port + "/", "http://0x7f000001:" + port + "/",
                    "http://127.0.0.01:" + port + "/", "http://127.000.000.001:" + port + "/",
                    "http://localhost:" + port + "/", "http://LOCALHOST.:" + port + "/", "http://0.0.0.0:" + port + "/",
                    "http://127.0.0.2:" + port + "/",
                    "https://127.0.0.1:" + port + "/", "http://127.0.0.1/", "http://127.0.0.1:" + (port + 65536) + "/",
                    "http://127.0.0.1:0" + port + "0/",
                    "http://evil.example:" + port + "@127.0.0.1:" + port + "/", "http://127.0.0.1:" + port + "@evil.example/",
                    "ftp://127.0.0.1:" + port + "/", "file:///etc/passwd")) {
                outcomes.put(url, outcome(system, id, get(url)));
            }
            assertThat(outcomes).allSatisfy((url, outcome) -> assertThat(outcome).as(url).isEqualTo("denied"));
            outcomes.clear();
            // not absolute URLs with a host (java.net.URI's server-based authority): -2, nothing sent. A host whose last
            // label starts with a digit is no host name to URI (RFC 2396), so the numeric short forms end here; the
            // request JSON is UTF-8, so the full-width and ideographic forms are real characters
            for (String url : List.of("http://127.1:" + port + "/", "http://0x7f.1:" + port + "/", "http://0x7f.0.0.1:" + port + "/",
                    "jar:file:/etc/passwd!/x", "HTTP://127.0.0.1:" + port + ":" + port + "/",
                    "http://127.0.0.1%2e:" + port + "/", "http://%31%32%37.0.0.1:" + port + "/", "http://127。0。0。1:" + port + "/",
                    "http://１２７.0.0.1:" + port + "/", "http://ｌｏｃａｌｈｏｓｔ:" + port + "/",
                    "http://127.0.0.1\\@evil.example:" + port + "/",
                    "http://127.0.0.1:" + port + "\r\nX-Injected: 1/", "http:/127.0.0.1:" + port + "/", "//127.0.0.1:" + port + "/",
                    "http://:" + port + "/")) {
                outcomes.put(url, outcome(system, id, get(url)));
            }
            assertThat(outcomes).allSatisfy((url, outcome) -> assertThat(outcome).as(url).isEqualTo("invalid"));
            assertThat(server.connections.get()).isEqualTo(1);
        }
    }

    @Test
    void redirectsToOtherFormsAndSchemesAreDeniedBeforeTheyAreFollowed() throws Exception {
        List<String> locations = Collections.synchronizedList(new ArrayList<>());
        try (RawServer server = new RawServer((s, n) -> {
            String head = readHead(s.getInputStream());
            String path = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
            locations.add(path);
            String target = java.net.URLDecoder.decode(path.substring(path.indexOf("to=") + 3), StandardCharsets.UTF_8);
            write(s, "HTTP/1.1 302 Found\r\nLocation: " + target + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }); PluginSystem system = TestPlugins.system()) {
            int port = server.port();
            PluginId id = probe(system, network("http://127.0.0.1:" + port), 10_000);
            Map<String, String> outcomes = new java.util.LinkedHashMap<>();
            for (String target : List.of("http://[::ffff:127.0.0.1]:" + port + "/", "http://localhost:" + port + "/",
                    "http://127.1:" + port + "/", "https://127.0.0.1:" + port + "/", "http://127.0.0.1:" + (port + 65536) + "/",
                    "//localhost:" + port + "/", "http://user@127.0.0.1:" + port + "/", "file:///etc/passwd",
                    "jar:file:/etc/passwd!/x", "ftp://127.0.0.1:" + port + "/", "http://169.254.169.254/latest/meta-data/")) {
                locations.clear();
                String url = "http://127.0.0.1:" + port + "/r?to=" + java.net.URLEncoder.encode(target, StandardCharsets.UTF_8);
                outcomes.put(target, outcome(system, id, get(url)) + ", " + locations.size() + " sent");
            }
            // what is no absolute URL with a host is an invalid Location (-3); everything else is denied; nothing followed
            String invalid = "failed: invalid redirect location from http://127.0.0.1:" + port + "/r?to=";
            assertThat(outcomes).allSatisfy((target, outcome) -> assertThat(outcome).as(target)
                    .matches(o -> target.startsWith("jar:") || target.startsWith("http://127.1:")
                            ? o.startsWith(invalid) && o.endsWith(": " + target + ", 1 sent") : o.equals("denied, 1 sent")));
            assertThat(server.connections.get()).isEqualTo(11);
        }
    }

    /**
     * A server that reads a request's body by its {@code Transfer-Encoding: chunked} framing when it has one, as
     * RFC 9112 §6.3 tells it to even beside a {@code Content-Length}, as many servers and proxies do, and then reads
     * the next request on the same connection. Records every request line with its Host header.
     */
    private static RawServer chunkedFirstServer(List<String> requests) throws IOException {
        return new RawServer((s, n) -> {
            InputStream in = s.getInputStream();
            for (String head; (head = readHead(in)) != null; ) {
                String lower = head.toLowerCase(java.util.Locale.ROOT);
                int host = lower.indexOf("\r\nhost:");
                requests.add(head.substring(0, head.indexOf("\r\n")) + " host="
                        + (host < 0 ? "" : head.substring(host + 7, head.indexOf("\r\n", host + 2)).strip()));
                if (lower.contains("\r\ntransfer-encoding: chunked\r\n")) {
                    for (int size; (size = Integer.parseInt(readLine(in).strip(), 16)) > 0; ) {
                        in.readNBytes(size + 2);
                    }
                    readLine(in);
                } else if (lower.contains("\r\ncontent-length:")) {
                    int at = lower.indexOf("\r\ncontent-length:") + 17;
                    in.readNBytes(Integer.parseInt(lower.substring(at, lower.indexOf("\r\n", at)).strip()));
                }
                write(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            }
        });
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
            line.append((char) b);
        }
        return line.toString();
    }

    @Test
    void framingAndHopByHopHeadersAreRefusedSoNoSecondRequestCanBeSmuggled() throws Exception {
        List<String> requests = Collections.synchronizedList(new ArrayList<>());
        try (RawServer server = chunkedFirstServer(requests); PluginSystem system = TestPlugins.system()) {
            String origin = "http://127.0.0.1:" + server.port();
            PluginId id = probe(system, network(origin), 10_000);
            // a body that ends a chunked message at once and then holds a second request, to a host the plugin may not name
            String smuggled = "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: metadata.internal\r\n\r\n";
            Map<String, String> outcomes = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, String> header : List.of(Map.entry("Transfer-Encoding", "chunked"), Map.entry("transfer-encoding", "chunked"),
                    Map.entry("TE", "trailers"), Map.entry("Trailer", "X-Smuggled"), Map.entry("Keep-Alive", "timeout=600"),
                    Map.entry("Proxy-Connection", "keep-alive"), Map.entry("HTTP2-Settings", "AAMAAABkAAQAoAAAAAIAAAAA"),
                    // the JDK client's own restricted names: refused whatever jdk.httpclient.allowRestrictedHeaders says
                    Map.entry("Host", "metadata.internal"), Map.entry("Connection", "keep-alive"), Map.entry("Content-Length", "5"),
                    Map.entry("Expect", "100-continue"), Map.entry("Upgrade", "h2c"),
                    // not header names or values
                    Map.entry("X-A\r\nHost", "metadata.internal"), Map.entry("X-A", "1\r\nHost: metadata.internal"), Map.entry("X A", "1"),
                    Map.entry(":authority", "metadata.internal"), Map.entry("", "1"))) {
                ObjectNode request = JSON.createObjectNode().put("method", "POST").put("url", origin + "/v1/x").put("body", smuggled);
                request.putObject("headers").put(header.getKey(), header.getValue());
                outcomes.put(header.getKey(), outcome(system, id, request));
            }
            assertThat(outcomes).allSatisfy((name, outcome) -> assertThat(outcome).as(name).isEqualTo("invalid"));
            assertThat(requests).isEmpty();
            ObjectNode chunked = JSON.createObjectNode().put("method", "POST").put("url", origin + "/v1/x").put("body", smuggled);
            chunked.putObject("headers").put("Transfer-Encoding", "chunked");
            assertThat(send(system, id, chunked).path("error").asText()).isEqualTo("invalid request: header \"Transfer-Encoding\" is set by "
                    + "the host and may not be given (refused: connection, content-length, expect, host, http2-settings, keep-alive, "
                    + "proxy-connection, te, trailer, transfer-encoding, upgrade)");

            // the same body without the header is one request's body
            ObjectNode plain = JSON.createObjectNode().put("method", "POST").put("url", origin + "/v1/x").put("body", smuggled);
            assertThat(send(system, id, plain).path("status").asInt()).isEqualTo(200);
            assertThat(requests).containsExactly("POST /v1/x HTTP/1.1 host=127.0.0.1:" + server.port());
        }
    }

    @Test
    void aRedirectWithAnEndlessBodyIsFollowedWithoutReadingTheBody() throws Exception {
        try (RawServer server = new RawServer((s, n) -> {
            readHead(s.getInputStream());
            if (n == 0) {
                write(s, "HTTP/1.1 302 Found\r\nLocation: /final\r\nTransfer-Encoding: chunked\r\n\r\n");
                String chunk = "2000\r\n" + "x".repeat(0x2000) + "\r\n";
                while (true) {
                    write(s, chunk); // until the client hangs up
                }
            }
            write(s, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nfinal");
        }); PluginSystem system = TestPlugins.system()) {
            PluginId id = probe(system, network("http://127.0.0.1:" + server.port()), 5_000);
            long start = System.nanoTime();
            JsonNode out = send(system, id, get("http://127.0.0.1:" + server.port() + "/start"));
            assertThat(out.path("body").asText()).isEqualTo("final");
            assertThat(out.path("url").asText()).endsWith("/final");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(4_000);
        }
    }

    @Test
    void silentTricklingAndHeaderBombServersEndWithoutHoldingTheConnection() throws Exception {
        CountDownLatch[] hungUp = {new CountDownLatch(1), new CountDownLatch(1)};
        try (RawServer server = new RawServer((s, n) -> {
            InputStream in = s.getInputStream();
            String head = readHead(in);
            s.setSoTimeout(100);
            OutputStream out = s.getOutputStream();
            if (head.startsWith("GET /silent")) {
                waitForHangUp(in, hungUp[0]);
            } else if (head.startsWith("GET /trickle")) {
                write(s, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
                while (true) {
                    try {
                        out.write("1\r\nx\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    } catch (SocketException e) {
                        hungUp[1].countDown();
                        return;
                    }
                    if (drainedToEnd(in)) {
                        hungUp[1].countDown();
                        return;
                    }
                }
            } else if (head.startsWith("GET /headers")) {
                write(s, "HTTP/1.1 200 OK\r\n");
                String line = "X-Pad: " + "p".repeat(1000) + "\r\n";
                for (int i = 0; i < 1024; i++) { // 1 MB of headers
                    write(s, line);
                }
                write(s, "Content-Length: 0\r\n\r\n");
            }
        }); PluginSystem system = TestPlugins.system()) {
            int port = server.port();
            PluginId id = probe(system, network("http://127.0.0.1:" + port), 1_500);
            for (String path : List.of("/silent", "/trickle")) {
                long start = System.nanoTime();
                assertThatThrownBy(() -> send(system, id, get("http://127.0.0.1:" + port + path))).as(path)
                        .isInstanceOfSatisfying(PluginTimeoutException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.TIMEOUT))
                        .hasMessageStartingWith("Plugin 'http_request_probe' timeout after 1500ms");
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as(path).isBetween(1_000L, 5_000L);
            }
            // the host closed both connections when it gave up (no socket is left open to a server that never ends)
            assertThat(hungUp[0].await(10, TimeUnit.SECONDS)).as("silent server sees the hang-up").isTrue();
            assertThat(hungUp[1].await(10, TimeUnit.SECONDS)).as("trickling server sees the hang-up").isTrue();

            JsonNode out = send(system, id, get("http://127.0.0.1:" + port + "/headers"));
            assertThat(out.path("error").asText()).contains("request to http://127.0.0.1:" + port + "/headers failed")
                    .contains("Header size too big");
        }
    }

    private static void waitForHangUp(InputStream in, CountDownLatch hungUp) throws IOException {
        while (true) {
            if (drainedToEnd(in)) {
                hungUp.countDown();
                return;
            }
        }
    }

    /** Reads what the client sent within the socket's timeout: true at end of stream (or a reset). */
    private static boolean drainedToEnd(InputStream in) throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }

    @Test
    void compressedBodiesAreNotDecompressed() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write(new byte[64 << 20]); // 64 MiB of zeros: about 64 KB compressed
        }
        byte[] bomb = gz.toByteArray();
        try (RawServer server = new RawServer((s, n) -> {
            readHead(s.getInputStream());
            write(s, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + bomb.length + "\r\nConnection: close\r\n\r\n");
            s.getOutputStream().write(bomb);
        }); PluginSystem system = TestPlugins.system()) {
            PluginId id = probe(system, network("http://127.0.0.1:" + server.port()), 10_000);
            ObjectNode request = get("http://127.0.0.1:" + server.port() + "/");
            request.putObject("headers").put("accept-encoding", "gzip");
            JsonNode out = send(system, id, request);
            assertThat(out.path("status").asInt()).isEqualTo(200);
            assertThat(out.path("headers").path("content-encoding").asText()).isEqualTo("gzip");
            assertThat(out.path("body").asText().length()).isLessThanOrEqualTo(bomb.length);
        }
    }
}
