package io.llmtestbench.runtime.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * V8, through one long-lived Node.js process speaking JSON lines ({@code src/test/resources/oracle/v8-oracle.js}):
 * the independent engine the oracle compares ours with. One process per JVM, shared, used by one thread at a time;
 * a request that takes longer than {@link #REQUEST_TIMEOUT_SECONDS} kills the process (the next request starts a
 * new one) and fails with {@link Failure}.
 */
final class V8Oracle implements AutoCloseable {
    static final long REQUEST_TIMEOUT_SECONDS = 60;
    /** V8 flags: the proposals the spec suite's scripts use beyond Wasm 2.0 that Node 20 has behind flags. */
    static final String[] NODE_FLAGS = {"--experimental-wasm-extended-const", "--experimental-wasm-return-call"};

    private static final ObjectMapper JSON = new ObjectMapper();
    private static V8Oracle shared;

    /** A request the process could not answer (it crashed, timed out or broke the protocol). */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "v8-oracle-watchdog");
        t.setDaemon(true);
        return t;
    });
    private final Path script;
    private Process process;
    private BufferedWriter in;
    private BufferedReader out;
    private String version;
    private long requests;
    private int restarts;

    private V8Oracle(Path script) {
        this.script = script;
    }

    /** The shared oracle, started on first use; closed when the JVM exits. */
    static synchronized V8Oracle shared() {
        if (shared == null) {
            try {
                Path js = Files.createTempFile("llmtb-v8-oracle", ".js");
                js.toFile().deleteOnExit();
                try (InputStream s = V8Oracle.class.getResourceAsStream("/oracle/v8-oracle.js")) {
                    Files.write(js, s.readAllBytes());
                }
                shared = new V8Oracle(js);
                V8Oracle o = shared;
                Runtime.getRuntime().addShutdownHook(new Thread(o::close, "v8-oracle-shutdown"));
            } catch (IOException e) {
                throw new Failure("cannot write the oracle script: " + e, e);
            }
        }
        return shared;
    }

    /** "v20.20.2 (V8 11.3...)" once started. */
    synchronized String version() {
        if (version == null) {
            JsonNode pong = request(JSON.createObjectNode().put("op", "ping"));
            version = pong.path("node").asText() + " (V8 " + pong.path("v8").asText() + ")";
        }
        return version;
    }

    /** CPU time of the current Node.js process so far, in seconds (-1 when unknown). */
    double cpuSeconds() {
        Process p = process;
        return p == null ? -1 : p.info().totalCpuDuration().map(d -> d.toMillis() / 1000.0).orElse(-1.0);
    }

    long requests() {
        return requests;
    }

    int restarts() {
        return restarts;
    }

    static ObjectNode op(String name) {
        return JSON.createObjectNode().put("op", name);
    }

    static String base64(byte[] wasm) {
        return Base64.getEncoder().encodeToString(wasm);
    }

    /** Sends one request and returns its response. */
    synchronized JsonNode request(ObjectNode request) {
        ensureStarted();
        requests++;
        Process p = process;
        ScheduledFuture<?> timeout = watchdog.schedule(p::destroyForcibly, REQUEST_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        try {
            in.write(JSON.writeValueAsString(request));
            in.write('\n');
            in.flush();
            String line = out.readLine();
            if (line == null) {
                throw new IOException("node exited (" + (p.isAlive() ? "alive" : "exit code " + p.waitFor()) + ")");
            }
            return JSON.readTree(line);
        } catch (IOException | InterruptedException e) {
            stop();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            boolean timedOut = timeout.isDone();
            throw new Failure(timedOut ? "V8 did not answer within " + REQUEST_TIMEOUT_SECONDS + " s (op " + request.path("op").asText()
                    + "); restarted" : "V8 process failed on op " + request.path("op").asText() + ": " + e, e);
        } finally {
            timeout.cancel(false);
        }
    }

    private void ensureStarted() {
        if (process != null && process.isAlive()) {
            return;
        }
        if (process != null) {
            restarts++;
        }
        String node = Tools.node().orElseThrow(() -> new Failure(Tools.missing("node"), null));
        try {
            var command = new java.util.ArrayList<String>();
            command.add(node);
            command.addAll(java.util.List.of(NODE_FLAGS));
            command.add(script.toString());
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), 1 << 16);
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8), 1 << 16);
        } catch (IOException e) {
            throw new Failure("cannot start " + node + ": " + e, e);
        }
    }

    private void stop() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public synchronized void close() {
        if (process != null && process.isAlive()) {
            try {
                in.close();
                process.waitFor(2, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                // fall through to the forced stop
            }
        }
        stop();
        watchdog.shutdownNow();
    }
}
