package io.llmtestbench.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Plugin state under concurrency (issue #19): instances of one plugin running at once on several threads share
 * its state, and a read-modify-write through ABI 1.2's {@code host_compare_and_set_state} (the C PDK's
 * {@code llmtb_state_increment}, in the state-counter test plugin) loses no update.
 */
class StateConcurrencyTest {
    private static final int THREADS = 4;
    private static final int PER_THREAD = 150;

    @Test
    void concurrentAtomicIncrementsLoseNothing() throws Exception {
        try (PluginSystem system = PluginSystem.builder().cacheDir(null).maxInstances(THREADS).build()) {
            PluginId id = system.loadPlugin(TestPlugins.wasm("state-counter"));
            assertThat(system.getMetadata(id).apiVersion()).isEqualTo("1.2");
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<List<Long>>> workers = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    workers.add(pool.submit(() -> {
                        List<Long> seen = new ArrayList<>();
                        for (int i = 0; i < PER_THREAD; i++) {
                            PluginOutput out = system.executePlugin(id, PluginInput.of("{\"key\":\"records\",\"atomic\":true}"));
                            seen.add(out.data().path("count").asLong());
                        }
                        return seen;
                    }));
                }
                int mostInFlight = 0; // the executions really overlap: several instances ran at once
                while (!workers.stream().allMatch(Future::isDone)) {
                    mostInFlight = Math.max(mostInFlight, system.inFlight(id));
                    Thread.sleep(1);
                }
                assertThat(mostInFlight).isGreaterThanOrEqualTo(2);
                Set<Long> counts = new TreeSet<>();
                int results = 0;
                for (Future<List<Long>> w : workers) {
                    for (long c : w.get()) {
                        counts.add(c);
                        results++;
                    }
                }
                int total = THREADS * PER_THREAD;
                assertThat(results).isEqualTo(total);
                // every execution stored a value no other one stored: 1..total, each once, so no increment was lost
                assertThat(counts).hasSize(total).first().isEqualTo(1L);
                assertThat(counts).last().isEqualTo((long) total);
                assertThat(system.executePlugin(id, PluginInput.of("{\"key\":\"records\"}")).data().path("count").asLong())
                        .isEqualTo(total + 1L);
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
