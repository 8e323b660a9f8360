package io.llmtestbench.runtime.limits;

import io.llmtestbench.runtime.PluginId;
import io.llmtestbench.runtime.PluginInput;
import io.llmtestbench.runtime.PluginLoadException;
import io.llmtestbench.runtime.PluginSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The child JVM of {@link CompileLimitsHostTest} (run with a small heap): a host serving one plugin on a thread of its
 * own while another thread loads the issue's 67,000-locals module again and again for {@code args[1]} ms. Prints
 * {@code key=value} lines: the first refusal's time, the refusals, the executions served meanwhile, the slowest one,
 * and any failure.
 */
public final class CompileBombHost {
    private CompileBombHost() {}

    public static void main(String[] args) throws Exception {
        Path served = Path.of(args[0]);
        long loadForMs = Long.parseLong(args[1]);
        Path bomb = Files.createTempFile("locals-bomb", ".wasm");
        Files.write(bomb, LocalsBomb.issueShape());
        System.out.println("bombBytes=" + Files.size(bomb));
        try (PluginSystem system = PluginSystem.builder().cacheDir(null).build()) {
            PluginId id = system.loadPlugin(served);
            AtomicLong executions = new AtomicLong();
            AtomicLong slowestNanos = new AtomicLong();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicReference<Boolean> stop = new AtomicReference<>(false);
            Thread server = new Thread(() -> {
                while (!stop.get()) {
                    long t0 = System.nanoTime();
                    try {
                        system.executePlugin(id, PluginInput.of("{\"text\":\"still serving\"}"));
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                        return;
                    }
                    slowestNanos.accumulateAndGet(System.nanoTime() - t0, Math::max);
                    executions.incrementAndGet();
                }
            }, "serving");
            server.start();
            while (executions.get() < 20 && failure.get() == null) {
                Thread.sleep(5);
            }
            long before = executions.get();
            slowestNanos.set(0);
            long start = System.nanoTime();
            long firstRefusalNanos = -1;
            int refusals = 0;
            String message = null;
            String kind = null;
            do {
                long t0 = System.nanoTime();
                try {
                    system.loadPlugin(bomb);
                    System.out.println("loaded=true");
                    break;
                } catch (PluginLoadException e) {
                    if (firstRefusalNanos < 0) {
                        firstRefusalNanos = System.nanoTime() - t0;
                    }
                    refusals++;
                    message = e.getMessage();
                    kind = e.kind() + "/" + e.stage();
                }
            } while (System.nanoTime() - start < loadForMs * 1_000_000);
            long during = executions.get() - before;
            stop.set(true);
            server.join();
            // and it still serves afterwards
            system.executePlugin(id, PluginInput.of("{\"text\":\"after\"}"));
            Runtime rt = Runtime.getRuntime();
            System.out.println("maxHeapMb=" + (rt.maxMemory() >> 20));
            System.out.println("firstRefusalMs=" + firstRefusalNanos / 1_000_000);
            System.out.println("refusals=" + refusals);
            System.out.println("kind=" + kind);
            System.out.println("message=" + (message == null ? "" : message.replace('\n', ' ')));
            System.out.println("executionsDuring=" + during);
            System.out.println("slowestExecutionMs=" + slowestNanos.get() / 1_000_000);
            System.out.println("failure=" + (failure.get() == null ? "none" : failure.get().toString().replace('\n', ' ')));
        } finally {
            Files.deleteIfExists(bomb);
        }
    }
}
