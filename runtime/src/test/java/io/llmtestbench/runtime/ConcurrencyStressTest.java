package io.llmtestbench.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Several plugins, good and bad, from many threads, with fewer instance slots than threads: every result is
 * checked, every failure has its expected kind, and the pools end consistent.
 */
class ConcurrencyStressTest {

    @Test
    void manyThreadsManyPluginsEveryResultChecked() throws Exception {
        var limits = ResourceLimits.builder().maxInstructions(2_000_000).maxExecutionTimeMs(20_000).build();
        try (PluginSystem system = PluginSystem.builder().cacheDir(null).maxInstances(6).defaultLimits(limits).build()) {
            PluginId echo = system.loadPlugin(TestPlugins.wasm("echo"));
            PluginId sim = system.loadPlugin(TestPlugins.wasm("similarity-evaluator"));
            PluginId norm = system.loadPlugin(TestPlugins.wasm("text-normalizer"));
            PluginId trap = system.loadPlugin(TestPlugins.wasm("trap_unreachable"));
            PluginId spin = system.loadPlugin(TestPlugins.wasm("loop_forever"));
            PluginId error = system.loadPlugin(TestPlugins.wasm("returns_error_code"));

            int threads = 8;
            int perThread = 400;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        int n = thread * perThread + i;
                        switch (n % 6) {
                            case 0: {
                                var out = system.executePlugin(echo, PluginInput.of("{\"n\":" + n + "}"));
                                assertThat(out.data().path("n").asInt()).isEqualTo(n);
                                count(outcomes, "echo");
                                break;
                            }
                            case 1: {
                                var out = system.executePlugin(sim, PluginInput.of(
                                        "{\"text\":\"answer " + n + "\",\"expected\":\"answer " + n + "\"}"));
                                assertThat(out.data().path("score").asDouble()).isEqualTo(1.0);
                                count(outcomes, "sim");
                                break;
                            }
                            case 2: {
                                var out = system.executePlugin(norm, PluginInput.of("{\"text\":\"  N" + n + "  \"}"));
                                assertThat(out.data().path("text").asText()).isEqualTo("n" + n);
                                count(outcomes, "norm");
                                break;
                            }
                            case 3:
                                expectFailure(system, trap, ErrorKind.TRAP, outcomes);
                                break;
                            case 4:
                                expectFailure(system, spin, ErrorKind.FUEL_EXHAUSTED, outcomes);
                                break;
                            default:
                                expectFailure(system, error, ErrorKind.PLUGIN_ERROR, outcomes);
                                break;
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            pool.shutdown();
            int total = threads * perThread;
            assertThat(outcomes.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(total);
            for (String k : List.of("echo", "sim", "norm", "TRAP", "FUEL_EXHAUSTED", "PLUGIN_ERROR")) {
                assertThat(outcomes.get(k).get()).as(k).isBetween(total / 6 - 1, total / 6 + 1);
            }
        }
    }

    private static void expectFailure(PluginSystem system, PluginId id, ErrorKind kind, Map<String, AtomicInteger> outcomes) {
        try {
            system.executePlugin(id, PluginInput.of("{}"));
            throw new AssertionError("expected " + kind);
        } catch (PluginException e) {
            assertThat(e.kind()).isEqualTo(kind);
            count(outcomes, kind.name());
        }
    }

    private static void count(Map<String, AtomicInteger> outcomes, String key) {
        outcomes.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }
}
