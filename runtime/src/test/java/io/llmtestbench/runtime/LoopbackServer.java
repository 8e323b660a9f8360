package io.llmtestbench.runtime;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTP server on 127.0.0.1 and a free port for tests of plugins' network calls: one handler for every path,
 * each exchange on its own daemon thread (so a handler may block without holding up the others).
 */
final class LoopbackServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads;

    private LoopbackServer(HttpServer server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    /** Starts a server whose threads are named {@code threadName}, answering every path with {@code handler}. */
    static LoopbackServer start(String threadName, HttpHandler handler) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 16);
        ExecutorService threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.createContext("/", handler);
        server.start();
        return new LoopbackServer(server, threads);
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port>}, no trailing slash. */
    String origin() {
        return "http://127.0.0.1:" + port();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
