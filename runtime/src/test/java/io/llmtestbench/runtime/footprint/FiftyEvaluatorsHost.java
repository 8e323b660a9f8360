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
 * starts 50 instances in its pool, executes in bursts of 50 threads at once (a ~2 KB evaluation input), and prints
 * {@code key=value} lines: the live instances, the heap in use after a full GC with all of them alive, and the largest
 * linear memory an execution reported.
 */
public final class FiftyEvaluatorsHost {
    private FiftyEvaluatorsHost() {}

    public static void main(String[] args) throws Exception {
        int n = 50;
        Path wasm = Path.of(args[0]);
        long baseline = usedAfterGc();
        try (PluginSystem system = PluginSystem.builder().cacheDir(null).maxInstances(n).build()) {
            PluginId id = system.loadPlugin(wasm);
            PluginSystemProbe.startInstances(system, id, n);
            String words = "the capital of France is Paris which has been the seat of government since the Capetian kings ";
            String text = words.repeat(2_000 / words.length() + 1);
            PluginInput input = PluginInput.of("{\"text\":\"" + text + "\",\"expected\":\"" + text.substring(0, 500) + "\"}");
            AtomicLong maxMemory = new AtomicLong();
            AtomicLong failures = new AtomicLong();
            for (int burst = 0; burst < 3; burst++) {
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
