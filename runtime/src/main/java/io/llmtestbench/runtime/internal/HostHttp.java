package io.llmtestbench.runtime.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbench.abi.PluginAbi;
import io.llmtestbench.compiler.internal.JsonTrees;
import io.llmtestbench.runtime.ErrorKind;
import io.llmtestbench.runtime.internal.exec.Budget;
import io.llmtestbench.runtime.internal.exec.Interrupted;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP exchange behind {@code host_http_request}: parses the plugin's JSON request, applies the
 * {@link NetworkPolicy} to the URL and to every redirect (followed here, at most {@link #MAX_REDIRECTS}),
 * caps the response body, and waits no longer than the execution's deadline. Returns the response JSON,
 * or an {@link Outcome} with a code the plugin can handle; refusals end the execution ({@link HostTrap}
 * or the budget's deadline stop).
 */
final class HostHttp {
    static final int MAX_REDIRECTS = 5;
    /** Result codes of {@code host_http_request}. */
    static final int INVALID_REQUEST = -2;
    static final int REQUEST_FAILED = -3;

    private static final String FN = PluginAbi.HOST_HTTP_REQUEST;
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    /**
     * Header names a plugin may not give: the framing and connection headers the host's HTTP client sets itself
     * ({@code host}, {@code connection}, {@code content-length}, {@code expect}, {@code upgrade}: refused here too,
     * whatever the JVM's {@code jdk.httpclient.allowRestrictedHeaders} says) and the other hop-by-hop and framing
     * headers ({@code transfer-encoding} beside the client's {@code content-length} smuggles a second request
     * past the allow-list to a server that reads the chunked framing).
     */
    static final Set<String> HOST_SET_HEADERS = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "transfer-encoding", "te", "trailer", "keep-alive", "proxy-connection", "http2-settings");
    /** The most of a redirect's body that is read (and discarded) to keep its connection; a longer one is cut. */
    static final int MAX_REDIRECT_BODY_BYTES = 64 * 1024;
    private static final Set<String> CROSS_ORIGIN_DROPPED = Set.of("authorization", "cookie", "proxy-authorization");
    private static final long WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final byte[] EMPTY = new byte[0];

    /** What the plugin gets: {@code code} ≥ 0 with the response JSON, or a negative code with an error JSON. */
    record Outcome(int code, byte[] json) {}

    private HostHttp() {}

    /** One client for the whole JVM: no cookies, no automatic redirects, the JVM's proxy settings. */
    private static final class Client {
        static final HttpClient INSTANCE = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    private static final class BodyTooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        BodyTooLarge(String message) {
            super(message, null);
        }
    }

    private record Request(URI url, String method, Map<String, String> headers, byte[] body) {}

    /** The most JSON values a request may hold (its headers are most of them). */
    static final int MAX_REQUEST_VALUES = 4096;

    static Outcome exchange(byte[] requestJson, NetworkPolicy policy, int maxBodyBytes, long deadlineNanos, Budget budget) {
        JsonNode json = null;
        String overLimit = null;
        try {
            // a request is a handful of values (url, method, headers, body as one string): counted as an output's
            // are, so that a request of [{},{},...] in a plugin's memory cannot make a tree of a gigabyte
            try (var parser = new OutputCheck.Counting(JsonTrees.FACTORY.createParser(requestJson), MAX_REQUEST_VALUES)) {
                json = JsonTrees.readValue(parser);
            }
        } catch (OutputCheck.OverLimit e) {
            overLimit = e.getOriginalMessage(); // reported below, after the permission check
        } catch (IOException e) {
            // reported below, after the permission check
        }
        String urlText = json != null && json.path("url").isTextual() ? json.path("url").asText() : null;
        if (!policy.granted()) {
            throw denied(urlText == null ? "a request without a valid URL" : urlText, NetworkPolicy.NOT_GRANTED);
        }
        if (overLimit != null) {
            return error(INVALID_REQUEST, "invalid request: a request " + overLimit + " (at most " + MAX_REQUEST_VALUES + ")");
        }
        Request request;
        try {
            request = parse(json);
        } catch (IllegalArgumentException e) {
            return error(INVALID_REQUEST, "invalid request: " + e.getMessage());
        }
        String why = policy.denial(request.url());
        if (why != null) {
            throw denied(request.url().toString(), why);
        }
        return follow(request, policy, maxBodyBytes, deadlineNanos, budget);
    }

    private static Request parse(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("the request must be a JSON object {\"method\", \"url\", \"headers\", \"body\"}");
        }
        JsonNode url = json.get("url");
        if (url == null || !url.isTextual()) {
            throw new IllegalArgumentException("\"url\" must be a string");
        }
        URI uri = absolute(url.asText());
        String method = "GET";
        JsonNode m = json.get("method");
        if (m != null && !m.isNull()) {
            if (!m.isTextual() || !METHODS.contains(m.asText().toUpperCase(Locale.ROOT))) {
                throw new IllegalArgumentException("\"method\" must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
            }
            method = m.asText().toUpperCase(Locale.ROOT);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        JsonNode h = json.get("headers");
        if (h != null && !h.isNull()) {
            if (!h.isObject()) {
                throw new IllegalArgumentException("\"headers\" must be an object of strings");
            }
            var it = h.fields();
            while (it.hasNext()) {
                var e = it.next();
                if (!e.getValue().isTextual()) {
                    throw new IllegalArgumentException("header \"" + e.getKey() + "\" must be a string");
                }
                if (HOST_SET_HEADERS.contains(e.getKey().strip().toLowerCase(Locale.ROOT))) {
                    throw new IllegalArgumentException("header \"" + e.getKey() + "\" is set by the host and may not be given "
                            + "(refused: " + String.join(", ", new TreeSet<>(HOST_SET_HEADERS)) + ")");
                }
                headers.put(e.getKey(), e.getValue().asText());
            }
        }
        byte[] body = null;
        JsonNode b = json.get("body");
        if (b != null && !b.isNull()) {
            if (!b.isTextual()) {
                throw new IllegalArgumentException("\"body\" must be a string");
            }
            body = b.asText().getBytes(StandardCharsets.UTF_8);
        }
        return new Request(uri, method, headers, body);
    }

    /** An absolute URL with a host (any scheme: the policy judges the scheme). */
    private static URI absolute(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("\"url\" is not a valid URL: " + e.getMessage());
        }
        if (!uri.isAbsolute() || uri.isOpaque()) {
            throw new IllegalArgumentException("\"url\" must be an absolute URL: " + text);
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() == null) {
            throw new IllegalArgumentException("\"url\" has no valid host name: " + text);
        }
        return uri;
    }

    private static Outcome follow(Request first, NetworkPolicy policy, int maxBodyBytes, long deadline, Budget budget) {
        URI url = first.url();
        String method = first.method();
        Map<String, String> headers = new LinkedHashMap<>(first.headers());
        byte[] body = first.body();
        for (int hop = 0; ; hop++) {
            HttpRequest request;
            try {
                request = build(url, method, headers, body, deadline);
            } catch (IllegalArgumentException e) {
                return error(hop == 0 ? INVALID_REQUEST : REQUEST_FAILED, "invalid request: " + e.getMessage());
            }
            HttpResponse<byte[]> response;
            try {
                response = await(Client.INSTANCE.sendAsync(request, info -> subscriber(info, maxBodyBytes)), deadline, budget);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                for (Throwable t = cause; t != null; t = t.getCause()) {
                    if (t instanceof BodyTooLarge) {
                        throw new HostTrap(ErrorKind.MEMORY_LIMIT, FN + ": the response from " + url + " " + t.getMessage()
                                + " (ResourceLimits.maxHttpResponseBytes)");
                    }
                    if (t instanceof HttpTimeoutException) {
                        throw deadline(budget);
                    }
                }
                return error(REQUEST_FAILED, "request to " + url + " failed: " + describe(cause));
            }
            int status = response.statusCode();
            var location = response.headers().firstValue("location");
            if (!isRedirect(status) || location.isEmpty()) {
                return new Outcome(0, responseJson(response, url));
            }
            if (hop == MAX_REDIRECTS) {
                return error(REQUEST_FAILED, "too many redirects (more than " + MAX_REDIRECTS + ") from " + first.url());
            }
            URI next;
            try {
                next = absolute(url.resolve(new URI(location.get())).toString());
            } catch (URISyntaxException | IllegalArgumentException e) {
                return error(REQUEST_FAILED, "invalid redirect location from " + url + ": " + location.get());
            }
            String why = policy.denial(next);
            if (why != null) {
                throw denied(next.toString(), "redirected (HTTP " + status + ") from " + url + ": " + why);
            }
            if (!sameOrigin(url, next)) {
                headers.keySet().removeIf(k -> CROSS_ORIGIN_DROPPED.contains(k.toLowerCase(Locale.ROOT)));
            }
            if ((status == 303 && !method.equals("HEAD")) || ((status == 301 || status == 302) && method.equals("POST"))) {
                method = "GET";
                body = null;
                headers.keySet().removeIf(k -> k.toLowerCase(Locale.ROOT).startsWith("content-"));
            }
            url = next;
        }
    }

    private static HttpRequest build(URI url, String method, Map<String, String> headers, byte[] body, long deadline) {
        long left = Math.max(TimeUnit.MILLISECONDS.toNanos(1), deadline - System.nanoTime());
        HttpRequest.Builder b = HttpRequest.newBuilder(url)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                .timeout(Duration.ofNanos(left));
        if (url.getScheme().equalsIgnoreCase("http")) {
            b.version(HttpClient.Version.HTTP_1_1); // no h2c upgrade headers on plain http
        }
        headers.forEach(b::header);
        return b.build();
    }

    /** Waits for the exchange until the deadline, checking the budget's stop flag; cancels it when giving up. */
    private static <T> T await(CompletableFuture<T> pending, long deadline, Budget budget) throws ExecutionException {
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw deadline(budget);
                }
                try {
                    return pending.get(Math.min(left, WAIT_SLICE_NANOS), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    budget.checkStop();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    budget.checkStop();
                    throw new HostTrap(ErrorKind.TIMEOUT, FN + ": interrupted while waiting for the response");
                }
            }
        } finally {
            if (!pending.isDone()) {
                pending.cancel(true);
            }
        }
    }

    /** The execution's deadline has passed: stop it as the watchdog would (TIMEOUT, the usual message). */
    private static RuntimeException deadline(Budget budget) {
        budget.requestStop(Interrupted.Reason.DEADLINE);
        try {
            budget.checkStop();
        } catch (Interrupted e) {
            return e;
        }
        return new HostTrap(ErrorKind.TIMEOUT, FN + ": deadline exceeded");
    }

    private static HostTrap denied(String url, String why) {
        return new HostTrap(ErrorKind.PERMISSION_DENIED, FN + " " + url + ": " + why);
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && NetworkPolicy.normalizeHost(a.getHost()).equals(NetworkPolicy.normalizeHost(b.getHost()))
                && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : NetworkPolicy.defaultPort(u.getScheme().toLowerCase(Locale.ROOT));
    }

    private static HttpResponse.BodySubscriber<byte[]> subscriber(HttpResponse.ResponseInfo info, int maxBodyBytes) {
        if (isRedirect(info.statusCode()) && info.headers().firstValue("location").isPresent()) {
            return new DiscardedBody(MAX_REDIRECT_BODY_BYTES);
        }
        return new CappedBody(maxBodyBytes, info.headers().firstValueAsLong("content-length").orElse(-1));
    }

    /** Collects a body of at most {@code cap} bytes; a longer one cancels the exchange. */
    private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int cap;
        private final long declared;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        CappedBody(int cap, long declared) {
            this.cap = cap;
            this.declared = declared;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (declared > cap) {
                s.cancel();
                result.completeExceptionally(new BodyTooLarge("declares a body of " + declared + " bytes, more than the cap of " + cap + " bytes"));
                return;
            }
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer item : items) {
                if ((long) buffer.size() + item.remaining() > cap) {
                    subscription.cancel();
                    result.completeExceptionally(new BodyTooLarge("has a body of more than the cap of " + cap + " bytes"));
                    return;
                }
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                buffer.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(buffer.toByteArray());
        }
    }

    /**
     * A redirect's body: read and dropped up to {@code cap} bytes (so that the connection can serve the next hop),
     * and past that the exchange is cut and the redirect followed at once: an endless or huge redirect body
     * neither holds the plugin until its deadline nor is downloaded.
     */
    private static final class DiscardedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final long cap;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private long seen;
        private Flow.Subscription subscription;

        DiscardedBody(long cap) {
            this.cap = cap;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer item : items) {
                seen += item.remaining();
            }
            if (seen > cap && !result.isDone()) {
                subscription.cancel();
                result.complete(EMPTY);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(EMPTY);
        }
    }

    private static byte[] responseJson(HttpResponse<byte[]> response, URI url) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("status", response.statusCode());
        ObjectNode headers = out.putObject("headers");
        new TreeMap<>(response.headers().map()).forEach((name, values) -> {
            if (!name.startsWith(":")) {
                headers.put(name.toLowerCase(Locale.ROOT), String.join(", ", values));
            }
        });
        out.put("body", HostEnv.decodeLenient(response.body() == null ? EMPTY : response.body()));
        out.put("url", url.toString());
        return bytes(out);
    }

    private static Outcome error(int code, String message) {
        return new Outcome(code, bytes(JsonNodeFactory.instance.objectNode().put("error", message)));
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JsonTrees.write(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String describe(Throwable t) {
        if (t == null) {
            return "unknown error";
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }
}
