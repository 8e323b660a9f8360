package io.llmtestbench.runtime.footprint;

import io.llmtestbench.runtime.PluginId;
import io.llmtestbench.runtime.PluginInput;
import io.llmtestbench.runtime.PluginOutput;
import io.llmtestbench.runtime.PluginSystem;
import io.llmtestbench.runtime.PluginSystemProbe;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Run in its own JVM by {@link FiftyEvaluatorsTest} (with {@code -Xmx256m}): loads the similarity evaluator once,
 * brings its pool to 50 live instances (bursts of 50 threads executing at once, each with a ~150 KB input, until 50
 * instances have been started), executes on every one, and prints {@code key=value} lines: the instances, the
 * heap in use after a full GC with all of them alive, and the largest linear memory an execution reported.
 */
public final class FiftyEvaluatorsHost {
    private FiftyEvaluatorsHost() {}

    public static void main(String[] args) throws Exception {
        int n = 50;
        Path wasm = Path.of(args[0]);
        long baseline = usedAfterGc();
        try (PluginSystem system = PluginSystem.builder().cacheDir(null).maxInstances(n).build()) {
            PluginId id = system.loadPlugin(wasm);
            String words = "the capital of France is Paris which has been the seat of government since the Capetian kings ";
            String text = words.repeat(100_000 / words.length() + 1);
            PluginInput input = PluginInput.of("{\"text\":\"" + text + "\",\"expected\":\"" + text.substring(0, 50_000) + "\"}");
            AtomicLong maxMemory = new AtomicLong();
            AtomicLong failures = new AtomicLong();
            int bursts = 0;
            while (PluginSystemProbe.idleInstances(system, id) < n && bursts < 40) {
                bursts++;
                CyclicBarrier start = new CyclicBarrier(n);
                List<Thread> threads = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    Thread t = new Thread(() -> {
                        try {
                            start.await();
                            PluginOutput out = system.executePlugin(id, input);
                            maxMemory.accumulateAndGet(out.metadata().memoryUsedBytes(), Math::max);
                        } catch (Exception | Error e) {
                            failures.incrementAndGet();
                            System.out.println("error=" + e);
                        }
                    });
                    t.start();
                    threads.add(t);
                }
                for (Thread t : threads) {
                    t.join();
                }
            }
            long used = usedAfterGc();
            System.out.println("instances=" + PluginSystemProbe.idleInstances(system, id));
            System.out.println("bursts=" + bursts);
            System.out.println("failures=" + failures.get());
            System.out.println("maxHeapMb=" + Runtime.getRuntime().maxMemory() / (1024 * 1024));
            System.out.println("heapBeforeMb=" + baseline / (1024 * 1024));
            System.out.println("heapUsedMb=" + used / (1024 * 1024));
            System.out.println("instanceMemoryKb=" + maxMemory.get() / 1024);
        }
    }

    private static long usedAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
