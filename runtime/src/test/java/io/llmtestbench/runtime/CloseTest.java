package io.llmtestbench.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.llmtestbench.compiler.CompiledModule;
import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.compiler.PluginArtifact;
import io.llmtestbench.compiler.WasmCompiler;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PluginSystem#close()} and {@link PluginSystem#close(Duration)}: executions in flight end with
 * {@link ErrorKind#CANCELLED} (in guest code, in {@code host_http_request}, waiting for an instance), their callers
 * are released, a grace period lets them finish, a load waiting on a start-up is refused, and every later call
 * throws one {@code IllegalStateException}.
 */
class CloseTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLOSED = "this PluginSystem is closed";
    /** Far past any test's duration: only a close can end these executions. */
    private static final ResourceLimits ENDLESS = ResourceLimits.builder().maxExecutionTimeMs(120_000)
            .maxInstructions(Long.MAX_VALUE).build();

    private static LoopbackServer server;
    private static final CountDownLatch releaseHanging = new CountDownLatch(1);
    private static final AtomicInteger hanging = new AtomicInteger();

    @TempDir
    static Path cacheDir;

    @BeforeAll
    static void startServer() throws IOException {
        server = LoopbackServer.start("close-test-server", CloseTest::handle);
    }

    @AfterAll
    static void stopServer() {
        releaseHanging.countDown();
        server.close();
    }

    /** {@code /hang/...} answers only when the tests end; {@code /after/<ms>/...} answers a chat completion after ms. */
    private static void handle(HttpExchange ex) throws IOException {
        try (ex) {
            ex.getRequestBody().readAllBytes();
            String path = ex.getRequestURI().getPath();
            if (path.startsWith("/hang/")) {
                hanging.incrementAndGet();
                releaseHanging.await(60, TimeUnit.SECONDS);
            } else if (path.startsWith("/after/")) {
                Thread.sleep(Long.parseLong(path.split("/")[2]));
            }
            byte[] body = ("{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"m\",\"choices\":[{\"index\":0,"
                    + "\"finish_reason\":\"stop\",\"message\":{\"role\":\"assistant\",\"content\":\"done\"}}],"
                    + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("content-type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String local() {
        return server.origin();
    }

    private static PluginSystem system() {
        return PluginSystem.builder().cacheDir(cacheDir).build();
    }

    private static PluginId provider(PluginSystem system, String basePath) {
        ObjectNode config = JSON.createObjectNode().put("base_url", local() + basePath).put("model", "m").put("api_key", "k");
        return system.loadPlugin(TestPlugins.wasm("openai-provider"), LoadOptions.builder().config(config).limits(ENDLESS)
                .permissions(new PluginPermissions(false, List.of(), true, List.of(local()), List.of())).build());
    }

    private static final PluginInput PROMPT = PluginInput.of("{\"prompt\": \"hello\"}");

    private static void awaitInFlight(PluginSystem system, PluginId id, int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (system.inFlight(id) < n) {
            assertThat(System.nanoTime()).as("executions in flight").isLessThan(end);
            Thread.sleep(5);
        }
    }

    private static void assertCancelled(Throwable e, String plugin) {
        Throwable t = e instanceof ExecutionException || e instanceof java.util.concurrent.CompletionException ? e.getCause() : e;
        assertThat(t).isExactlyInstanceOf(PluginCancelledException.class)
                .hasMessage("Plugin '" + plugin + "' cancelled: the PluginSystem was closed");
        assertThat(((PluginException) t).kind()).isEqualTo(ErrorKind.CANCELLED);
    }

    /** What {@code call} throws (it must throw). */
    private static Throwable failure(java.util.concurrent.Callable<?> call) {
        try {
            call.call();
        } catch (Throwable t) {
            return t;
        }
        throw new AssertionError("expected a failure");
    }

    private static Set<Long> threadIds() {
        Set<Long> ids = new HashSet<>();
        for (long id : ManagementFactory.getThreadMXBean().getAllThreadIds()) {
            ids.add(id);
        }
        return ids;
    }

    /** CPU time, in ms, that the threads started since {@code before} use over 300 ms. */
    private static long cpuMsOfNewThreadsOver300ms(Set<Long> before) throws InterruptedException {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] ids = Arrays.stream(mx.getAllThreadIds()).filter(id -> !before.contains(id)).toArray();
        long[] start = Arrays.stream(ids).map(id -> Math.max(0, mx.getThreadCpuTime(id))).toArray();
        Thread.sleep(300);
        long total = 0;
        for (int i = 0; i < ids.length; i++) {
            long now = mx.getThreadCpuTime(ids[i]);
            total += now < 0 ? 0 : now - start[i];
        }
        return TimeUnit.NANOSECONDS.toMillis(total);
    }

    @Test
    void closeEndsRunningExecutionsWithCancelledAndReleasesTheirCallers() throws Exception {
        Set<Long> before = threadIds();
        PluginSystem system = system();
        PluginId spin = system.loadPlugin(TestPlugins.wasm("loop_forever"), LoadOptions.builder().limits(ENDLESS).build());
        CompletableFuture<PluginOutput> async = system.executePluginAsync(spin, PluginInput.of("{}"));
        CompletableFuture<Throwable> blocking = CompletableFuture.supplyAsync(() -> {
            try {
                system.executePlugin(spin, PluginInput.of("{}"));
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        awaitInFlight(system, spin, 2);
        Thread.sleep(100); // both are deep in the loop

        long start = System.nanoTime();
        system.close();
        long closeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(async).isDone();
        assertCancelled(failure(async::join), "loop_forever");
        assertCancelled(blocking.get(5, TimeUnit.SECONDS), "loop_forever");
        assertThat(closeMs).as("close() waits for the cancelled executions, which stop at their next check").isLessThan(1_000);
        assertThat(cpuMsOfNewThreadsOver300ms(before)).as("CPU burnt by the system's threads after close").isLessThan(60);
    }

    @Test
    void codeWithoutMeteringIsInterrupted(@TempDir Path dir) throws Exception {
        CompiledModule m = WasmCompiler.compile(Files.readAllBytes(TestPlugins.wasm("loop_forever")),
                CompilerOptions.defaults().withMetering(false));
        Path jar = dir.resolve("loop_forever.jar");
        try (OutputStream out = Files.newOutputStream(jar)) {
            PluginArtifact.writeJar(out, List.of(PluginArtifact.Entry.of("loop_forever", "loop_forever.wasm", m)));
        }
        PluginSystem system = system();
        PluginId spin = system.loadPlugin(jar, LoadOptions.builder().requireMetering(false).limits(ENDLESS).build());
        CompletableFuture<PluginOutput> pending = system.executePluginAsync(spin, PluginInput.of("{}"));
        awaitInFlight(system, spin, 1);
        Thread.sleep(50);
        long start = System.nanoTime();
        system.close();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1_000);
        assertCancelled(failure(() -> pending.get(1, TimeUnit.SECONDS)), "loop_forever");
    }

    @Test
    void aPluginWaitingInHostHttpRequestIsCancelled() throws Exception {
        PluginSystem system = system();
        PluginId id = provider(system, "/hang/v1");
        int hangingBefore = hanging.get();
        CompletableFuture<PluginOutput> pending = system.executePluginAsync(id, PROMPT);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (hanging.get() == hangingBefore) { // the request reached the server, which never answers
            assertThat(System.nanoTime()).isLessThan(end);
            Thread.sleep(5);
        }
        long start = System.nanoTime();
        system.close();
        long closeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertCancelled(failure(() -> pending.get(1, TimeUnit.SECONDS)), "openai-provider");
        assertThat(closeMs).as("the wait in host_http_request checks the stop flag every 50 ms").isLessThan(1_000);
    }

    @Test
    void aCallerWaitingForAnInstanceIsReleased() throws Exception {
        PluginSystem system = PluginSystem.builder().cacheDir(cacheDir).maxInstances(1).build();
        PluginId echo = system.loadPlugin(TestPlugins.wasm("echo"), LoadOptions.builder().limits(ENDLESS).build());
        PluginId spin = system.loadPlugin(TestPlugins.wasm("loop_forever"), LoadOptions.builder().limits(ENDLESS).build());
        CompletableFuture<PluginOutput> busy = system.executePluginAsync(spin, PluginInput.of("{}"));
        awaitInFlight(system, spin, 1);
        CompletableFuture<PluginOutput> waiting = system.executePluginAsync(echo, PluginInput.of("{}"));
        awaitInFlight(system, echo, 1);
        Thread.sleep(50); // echo waits for the only instance permit, which the spinning execution holds
        assertThat(waiting).isNotDone();

        system.close();
        assertCancelled(failure(() -> waiting.get(1, TimeUnit.SECONDS)), "echo");
        assertCancelled(failure(() -> busy.get(1, TimeUnit.SECONDS)), "loop_forever");
    }

    @Test
    void aGracePeriodLetsExecutionsInFlightFinish() throws Exception {
        PluginSystem system = system();
        PluginId id = provider(system, "/after/400/v1");
        CompletableFuture<PluginOutput> pending = system.executePluginAsync(id, PROMPT);
        awaitInFlight(system, id, 1);
        long start = System.nanoTime();
        system.close(Duration.ofSeconds(20));
        long closeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(pending.get(1, TimeUnit.SECONDS).data().toString()).contains("done");
        assertThat(closeMs).as("close waited for the answer, and no longer").isBetween(200L, 10_000L);
    }

    @Test
    void executionsStillRunningWhenTheGracePeriodEndsAreCancelled() throws Exception {
        PluginSystem system = system();
        PluginId spin = system.loadPlugin(TestPlugins.wasm("loop_forever"), LoadOptions.builder().limits(ENDLESS).build());
        CompletableFuture<PluginOutput> pending = system.executePluginAsync(spin, PluginInput.of("{}"));
        awaitInFlight(system, spin, 1);
        long start = System.nanoTime();
        system.close(Duration.ofMillis(300));
        long closeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertCancelled(failure(() -> pending.get(1, TimeUnit.SECONDS)), "loop_forever");
        assertThat(closeMs).isBetween(250L, 1_300L);
    }

    @Test
    void aLoadWaitingOnAStartUpAtCloseIsRefusedAsClosed() throws Exception {
        PluginSystem system = system();
        CompletableFuture<Throwable> load = CompletableFuture.supplyAsync(() -> {
            try {
                system.loadPlugin(TestPlugins.wasm("init_loops_forever"), LoadOptions.builder().limits(ENDLESS).build());
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        Thread.sleep(1_000); // compiled, and spinning in plugin_init
        assertThat(load).isNotDone();
        long start = System.nanoTime();
        system.close();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1_000);
        assertThat(load.get(2, TimeUnit.SECONDS)).isExactlyInstanceOf(IllegalStateException.class).hasMessage(CLOSED);
    }

    @Test
    void aStartUpThatNeverEndsFailsTheLoadAtItsDeadline() {
        try (PluginSystem system = system()) {
            assertThatThrownBy(() -> system.loadPlugin(TestPlugins.wasm("init_loops_forever"), LoadOptions.builder()
                    .limits(ResourceLimits.builder().maxExecutionTimeMs(300).maxInstructions(Long.MAX_VALUE).build()).build()))
                    .isInstanceOfSatisfying(PluginLoadException.class, e -> assertThat(e.stage()).isEqualTo(PluginLoadException.Stage.UNINSTANTIABLE))
                    .hasMessageContaining("timeout after 300ms");
        }
    }

    @Test
    void everyCallAfterCloseThrowsOneIllegalStateException(@TempDir Path dir) throws Exception {
        Path wasm = Files.copy(TestPlugins.wasm("echo"), dir.resolve("echo.wasm"));
        PluginSystem system = PluginSystem.builder().cacheDir(cacheDir).pluginDirs(List.of(dir)).scanClasspath(false).build();
        PluginId id = system.loadPlugin(wasm);
        system.discover();
        system.close();
        system.close(); // again: nothing
        system.close(Duration.ofSeconds(1));

        Map<String, Function<PluginSystem, Object>> calls = new java.util.LinkedHashMap<>();
        calls.put("executePlugin(id)", s -> s.executePlugin(id, PluginInput.of("{}")));
        calls.put("executePlugin(name)", s -> s.executePlugin("echo", PluginInput.of("{}")));
        calls.put("executePluginAsync(id)", s -> s.executePluginAsync(id, PluginInput.of("{}")));
        calls.put("executePluginAsync(name)", s -> s.executePluginAsync("echo", PluginInput.of("{}")));
        calls.put("submit", s -> s.submit(() -> 1));
        calls.put("loadPlugin(path)", s -> s.loadPlugin(wasm));
        calls.put("loadPlugin(path, options)", s -> s.loadPlugin(wasm, LoadOptions.defaults()));
        calls.put("loadPlugin(name)", s -> s.loadPlugin("echo"));
        calls.put("loadPlugin(name, range, options)", s -> s.loadPlugin("echo", "*", LoadOptions.defaults()));
        calls.put("reloadPlugin(path)", s -> s.reloadPlugin(wasm, LoadOptions.defaults()));
        calls.put("reloadPlugin(name)", s -> s.reloadPlugin("echo"));
        calls.put("unloadPlugin", s -> {
            s.unloadPlugin(id);
            return null;
        });
        calls.put("discover", PluginSystem::discover);
        calls.put("findPlugin", s -> s.findPlugin("echo"));
        calls.put("findPlugins", s -> s.findPlugins(PluginType.TRANSFORM));
        calls.put("findPluginsWithCapability", s -> s.findPluginsWithCapability("x"));
        calls.put("watchPluginDirs", s -> {
            s.watchPluginDirs();
            return null;
        });
        calls.put("currentVersion", s -> s.currentVersion("echo"));
        calls.put("listPlugins", PluginSystem::listPlugins);
        calls.put("getMetadata", s -> s.getMetadata(id));
        calls.put("describePlugin", s -> s.describePlugin(id));
        calls.forEach((name, call) -> assertThatThrownBy(() -> call.apply(system)).as(name)
                .isExactlyInstanceOf(IllegalStateException.class).hasMessage(CLOSED));
        assertThat(system.options()).isNotNull();
    }

    @Test
    void executionsRacingWithCloseEitherFinishOrFailWithCancelledOrClosed() throws Exception {
        PluginSystem system = system();
        PluginId id = system.loadPlugin(TestPlugins.wasm("echo"));
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<CompletableFuture<Throwable>> outcomes = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                outcomes.add(CompletableFuture.supplyAsync(() -> {
                    while (true) {
                        try {
                            system.executePlugin(id, PluginInput.of("{\"a\":1}"));
                        } catch (Throwable e) {
                            return e;
                        }
                    }
                }, callers));
            }
            Thread.sleep(200);
            system.close();
            for (CompletableFuture<Throwable> o : outcomes) {
                Throwable e = o.get(5, TimeUnit.SECONDS);
                if (e instanceof IllegalStateException) {
                    assertThat(e).hasMessage(CLOSED);
                } else {
                    assertCancelled(e, "echo");
                }
            }
        } finally {
            callers.shutdownNow();
        }
    }
}
