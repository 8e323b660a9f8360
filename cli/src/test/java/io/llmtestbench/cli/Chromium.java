package io.llmtestbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A headless Chromium driven over the DevTools protocol with nothing but the JDK's WebSocket client: opens a page,
 * records console errors, uncaught exceptions, log errors (Content-Security-Policy violations among them) and
 * every request, evaluates expressions, takes a screenshot. For tests only.
 */
final class Chromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final long TIMEOUT_S = 60;

    /** What a page did while it loaded. */
    record Load(List<String> errors, List<String> requests) {}

    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<JsonNode> events = Collections.synchronizedList(new ArrayList<>());
    private final List<CompletableFuture<JsonNode>> waiters = Collections.synchronizedList(new ArrayList<>());
    private final List<Predicate<JsonNode>> waitFor = Collections.synchronizedList(new ArrayList<>());
    private final StringBuilder stderr;

    /**
     * The browser to use: {@code -Dllmtb.chromium=PATH}, else {@code chromium}, {@code chromium-browser},
     * {@code google-chrome} on the PATH.
     */
    static Optional<Path> find() {
        String configured = System.getProperty("llmtb.chromium");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured)).filter(Files::isExecutable);
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /** Starts the browser (headless, a fresh profile in {@code profile}) and connects to it. */
    static Chromium launch(Path executable, Path profile) throws IOException, InterruptedException {
        Files.createDirectories(profile);
        List<String> cmd = List.of(executable.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + profile.toAbsolutePath(), "--remote-debugging-port=0", "about:blank");
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        StringBuilder err = new StringBuilder();
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (err) {
                        err.append(line).append('\n');
                    }
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        url.complete(m.group(1));
                    }
                }
            } catch (IOException e) {
                // the browser went away
            }
            url.complete(null);
        }, "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
        String ws;
        try {
            ws = url.get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            ws = null;
        }
        if (ws == null) {
            p.destroyForcibly();
            synchronized (err) {
                throw new IOException("Chromium did not start its DevTools endpoint: " + cmd + "\n" + err);
            }
        }
        return new Chromium(p, URI.create(ws), err);
    }

    private Chromium(Process process, URI endpoint, StringBuilder stderr) {
        this.process = process;
        this.stderr = stderr;
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(endpoint, new Listener()).join();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder message = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
                String text = message.toString();
                message.setLength(0);
                try {
                    received(JSON.readTree(text));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            ws.request(1);
            return null;
        }
    }

    private void received(JsonNode m) {
        if (m.has("id")) {
            CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
            if (f != null) {
                if (m.has("error")) {
                    f.completeExceptionally(new IllegalStateException("DevTools error: " + m.get("error")));
                } else {
                    f.complete(m.path("result"));
                }
            }
            return;
        }
        events.add(m);
        synchronized (waitFor) {
            for (int i = 0; i < waitFor.size(); i++) {
                if (waitFor.get(i).test(m)) {
                    waiters.get(i).complete(m);
                }
            }
        }
    }

    /** Sends one command (to the page's session when {@code session} is not null) and waits for its result. */
    JsonNode send(String session, String method, ObjectNode params) {
        int id = ids.incrementAndGet();
        ObjectNode m = JSON.createObjectNode();
        m.put("id", id);
        m.put("method", method);
        m.set("params", params == null ? JSON.createObjectNode() : params);
        if (session != null) {
            m.put("sessionId", session);
        }
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        pending.put(id, f);
        socket.sendText(m.toString(), true).join();
        try {
            return f.get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (Exception e) {
            String err;
            synchronized (stderr) {
                err = stderr.toString();
            }
            throw new IllegalStateException(method + " failed: " + e + "\nbrowser stderr:\n" + err, e);
        }
    }

    private CompletableFuture<JsonNode> expect(Predicate<JsonNode> p) {
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        synchronized (waitFor) {
            waitFor.add(p);
            waiters.add(f);
        }
        return f;
    }

    private static ObjectNode params(Object... kv) {
        ObjectNode o = JSON.createObjectNode();
        for (int i = 0; i < kv.length; i += 2) {
            o.set((String) kv[i], JSON.valueToTree(kv[i + 1]));
        }
        return o;
    }

    /** A page of the browser. */
    final class Page {
        private final String session;

        private Page(String session) {
            this.session = session;
        }

        /** Loads {@code url} and waits for its load event; says what went wrong while it loaded. */
        Load load(URI url, int width, int height) throws Exception {
            send(session, "Emulation.setDeviceMetricsOverride", params("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
            CompletableFuture<JsonNode> loaded = expect(e -> session.equals(e.path("sessionId").asText())
                    && e.path("method").asText().equals("Page.loadEventFired"));
            send(session, "Page.navigate", params("url", url.toString()));
            loaded.get(TIMEOUT_S, TimeUnit.SECONDS);
            Thread.sleep(300); // late console messages
            List<String> errors = new ArrayList<>();
            List<String> requests = new ArrayList<>();
            synchronized (events) {
                for (JsonNode e : events) {
                    if (!session.equals(e.path("sessionId").asText())) {
                        continue;
                    }
                    JsonNode p = e.path("params");
                    switch (e.path("method").asText()) {
                        case "Runtime.consoleAPICalled" -> {
                            if (p.path("type").asText().matches("error|assert")) {
                                errors.add("console." + p.path("type").asText() + ": " + p.path("args"));
                            }
                        }
                        case "Runtime.exceptionThrown" -> errors.add("exception: " + p.path("exceptionDetails"));
                        case "Log.entryAdded" -> {
                            if (p.path("entry").path("level").asText().equals("error")) {
                                errors.add("log (" + p.path("entry").path("source").asText() + "): " + p.path("entry").path("text").asText());
                            }
                        }
                        case "Network.requestWillBeSent" -> requests.add(p.path("request").path("url").asText());
                        case "Network.loadingFailed" -> errors.add("request failed: " + p);
                        default -> { }
                    }
                }
            }
            return new Load(errors, requests);
        }

        /** The value of a JavaScript expression (evaluated in the page; the page itself may have scripts disabled). */
        JsonNode eval(String expression) {
            JsonNode r = send(session, "Runtime.evaluate", params("expression", expression, "returnByValue", true));
            if (r.has("exceptionDetails")) {
                throw new IllegalStateException("evaluation failed: " + expression + ": " + r.get("exceptionDetails"));
            }
            return r.path("result").path("value");
        }

        /** A PNG of the whole page. */
        void screenshot(Path file) throws IOException {
            JsonNode r = send(session, "Page.captureScreenshot", params("format", "png", "captureBeyondViewport", true));
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, Base64.getDecoder().decode(r.path("data").asText()));
        }
    }

    /** A new page (tab), with console, log, network and page events on. */
    Page newPage() {
        String target = send(null, "Target.createTarget", params("url", "about:blank")).path("targetId").asText();
        String session = send(null, "Target.attachToTarget", params("targetId", target, "flatten", true)).path("sessionId").asText();
        for (String domain : List.of("Runtime", "Log", "Network", "Page")) {
            send(session, domain + ".enable", null);
        }
        return new Page(session);
    }

    @Override
    public void close() {
        try {
            send(null, "Browser.close", null);
        } catch (RuntimeException e) {
            // closing anyway
        }
        socket.abort();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
