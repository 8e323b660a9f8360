package io.llmtestbench.runtime.spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Minimizes a divergent module with binaryen's {@code wasm-reduce}, keeping the divergence. wasm-reduce runs a
 * command on each candidate and keeps the candidates for which the command prints what it printed for the original;
 * here the command is a small Node.js client ({@code oracle/reduce-check.js}) that asks this JVM, over a loopback
 * socket, whether the candidate still diverges the same way ({@link Oracle.Divergence#signature()}, comparing only
 * the diverging mode with V8), and prints {@code yes} or {@code no}. No JVM starts per candidate, and the compiler
 * stays warm. A reduction stops after {@code -Dfuzz.reduceMinutes} (default 10), keeping the smallest module found.
 */
final class Reducer implements AutoCloseable {
    static final long MINUTES = Long.getLong("fuzz.reduceMinutes", 10);

    private final ServerSocket server;
    private final Thread serving;
    private final Path client;
    private volatile Oracle.ModuleCase current;
    private volatile Oracle.Divergence target;
    private volatile Oracle oracle;

    Reducer() throws IOException {
        server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
        client = Files.createTempFile("llmtb-reduce-check", ".js");
        client.toFile().deleteOnExit();
        try (InputStream s = Reducer.class.getResourceAsStream("/oracle/reduce-check.js")) {
            Files.write(client, s.readAllBytes());
        }
        // a thread with a big stack: the check runs wasm on it
        serving = new Thread(null, this::serve, "oracle-reduce-check", SpecThreads.STACK_BYTES);
        serving.setDaemon(true);
        serving.start();
    }

    /** Reduces {@code original} (the module of {@code c}, diverging as {@code d}) into {@code reduced}. */
    void reduce(Oracle.ModuleCase c, Oracle.Divergence d, Path original, Path reduced) throws IOException, InterruptedException {
        String wasmReduce = Tools.wasmReduce().orElse(null);
        Path dir = reduced.getParent();
        if (wasmReduce == null) {
            Files.writeString(dir.resolve("reduced.txt"), "not reduced: " + Tools.missing("wasm-reduce") + "\n");
            return;
        }
        current = c;
        target = d;
        String modeName = d.mode().equals("metering(v8)") ? "ours-metered" : d.mode();
        List<ExecutionMode> modes = new ArrayList<>();
        for (ExecutionMode m : ExecutionMode.ALL) {
            if (m.name().equals(modeName) || m.role() == ExecutionMode.Role.REFERENCE) {
                modes.add(m);
            }
        }
        oracle = new Oracle(modes);
        Path test = dir.resolve("candidate.wasm");
        Path work = dir.resolve("working.wasm");
        String node = Tools.node().orElseThrow();
        String check = node + " " + client + " " + server.getLocalPort() + " " + test;
        List<String> command = new ArrayList<>(List.of(wasmReduce, original.toString(), "--command=" + check, "-t", test.toString(),
                "-w", work.toString(), "--timeout", "120", "-ef", String.join(" ", TtfModules.FEATURES)
                        + (c.source().contains("reftypes") ? " --enable-reference-types" : "")));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("wasm-reduce.log").toFile()).start();
        if (!p.waitFor(MINUTES, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            p.waitFor();
            Files.writeString(dir.resolve("wasm-reduce.log"), "\n(stopped after " + MINUTES + " min)\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.APPEND);
        }
        if (Files.isRegularFile(work)) {
            Files.copy(work, reduced, StandardCopyOption.REPLACE_EXISTING);
            disassemble(reduced);
        }
        Files.deleteIfExists(test);
        Files.deleteIfExists(work);
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                var out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8);
                String path = in.readLine();
                out.println(path == null ? "no" : check(Path.of(path)) ? "yes" : "no");
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    /** Whether the candidate still diverges as the target does. */
    private boolean check(Path candidate) {
        try {
            Oracle.ModuleCase c = current;
            Oracle.ModuleCase k = new Oracle.ModuleCase(c.source(), c.name(), Files.readAllBytes(candidate), c.plan());
            String signature = target.signature();
            return oracle.run(k).divergences().stream().anyMatch(d -> d.signature().equals(signature));
        } catch (Exception | StackOverflowError e) {
            return false;
        }
    }

    private static void disassemble(Path wasm) throws IOException, InterruptedException {
        Path dis = Tools.wasmOpt().map(w -> Path.of(w).resolveSibling("wasm-dis")).filter(Files::isExecutable).orElse(null);
        if (dis == null) {
            return;
        }
        Process p = new ProcessBuilder(dis.toString(), wasm.toString(), "-o", wasm.resolveSibling("reduced.wat").toString())
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor(60, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
