package io.llmtestbench.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmtestbench.runtime.testlog.CapturingLogProvider;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@code executePlugin} from an ordinary thread starts on that thread (no hand-off to a plugin thread) and moves to a
 * plugin thread, invisibly, before the plugin does what a caller's thread is not fit for: a host function with an
 * effect outside its instance, deep recursion, a stack overflow. Each case checks that the outcome is exactly the one
 * a plugin thread gives: effects happen once, log lines are written once, limits strike where they strike there.
 */
class CallerThreadTest {

    @Test
    void aPurePluginRunsOnTheCallersThreadWithoutAHandOff() {
        try (PluginSystem system = TestPlugins.system()) {
            PluginId id = system.loadPlugin(TestPlugins.wasm("echo"));
            long before = system.handoffs();
            for (int i = 0; i < 50; i++) {
                String in = "{\"i\":" + i + "}";
                assertThat(system.executePlugin(id, PluginInput.of(in)).data().toString()).isEqualTo(in);
                assertThat(new String(system.executePluginBytes(id, in.getBytes(), null).data())).isEqualTo(in);
            }
            assertThat(system.executePlugin("echo", PluginInput.of("{}")).data().toString()).isEqualTo("{}");
            assertThat(system.handoffs() - before).as("hand-offs to a plugin thread").isZero();
        }
    }

    @Test
    void stateIsChangedOncePerExecutionAndThePluginMovesToPluginThreads() {
        try (PluginSystem system = TestPlugins.system()) {
            PluginId id = system.loadPlugin(TestPlugins.wasm("state-counter"));
            for (String mode : new String[] {"increment", "cas", "racy"}) {
                for (int i = 1; i <= 5; i++) {
                    PluginOutput out = system.executePlugin(id, PluginInput.of("{\"key\":\"" + mode + "\",\"mode\":\"" + mode + "\"}"));
                    assertThat(out.data().path("count").asInt()).as(mode + " call " + i).isEqualTo(i);
                    assertThat(out.data().path("retries").asInt()).isZero();
                }
            }
            long before = system.handoffs();
            system.executePlugin(id, PluginInput.of("{\"key\":\"k\"}"));
            assertThat(system.handoffs() - before).as("later calls go to a plugin thread directly").isEqualTo(1);
        }
    }

    @Test
    void logLinesOfAMovedRunAreWrittenOnce() {
        try (PluginSystem system = TestPlugins.system()) {
            // the probe logs "execute #N" first, then reads and writes its state: the first run moves after the log
            PluginId id = system.loadPlugin(TestPlugins.wasm("host_functions_probe"));
            for (int i = 1; i <= 3; i++) {
                assertThat(system.executePlugin(id, PluginInput.of("{}")).data().path("calls").asInt()).isEqualTo(i);
            }
            if (CapturingLogProvider.installed()) {
                for (int i = 1; i <= 3; i++) {
                    String line = "host_functions_probe: execute #" + i;
                    assertThat(CapturingLogProvider.pluginLines().stream().filter(l -> l.endsWith(line)).count())
                            .as(line).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void logLinesOfARunThatStaysOnTheCallersThreadAreWritten() {
        // the guide's example logs "Starting execution" and "Execution complete" at debug, and does nothing else
        // outside its instance; slf4j-simple reads a logger's level when the logger is made (at load)
        String level = "org.slf4j.simpleLogger.log.llmtb.plugin.guide-example";
        System.setProperty(level, "debug");
        try (PluginSystem system = TestPlugins.system()) {
            PluginId id = system.loadPlugin(TestPlugins.wasm("guide-example"));
            long before = system.handoffs();
            int lines = CapturingLogProvider.pluginLines().size();
            assertThat(system.executePlugin(id, PluginInput.of("{\"text\":\"great\"}")).data().path("sentiment").asText())
                    .isEqualTo("positive");
            assertThat(system.handoffs() - before).isZero();
            if (CapturingLogProvider.installed()) {
                assertThat(CapturingLogProvider.pluginLines().subList(lines, CapturingLogProvider.pluginLines().size()))
                        .containsExactly("llmtb.plugin.guide-example DEBUG Starting execution",
                                "llmtb.plugin.guide-example DEBUG Execution complete");
            }
        } finally {
            System.clearProperty(level);
        }
    }

    @Test
    void deepRecursionMovesToAPluginThreadAndTheDepthLimitStrikesWhereItDoesThere() throws Exception {
        try (PluginSystem system = TestPlugins.system()) {
            PluginId id = system.loadPlugin(TestPlugins.wasm("deep_recursion"));
            // a thread with a small stack: 10,000 nested calls would overflow it
            assertThat(onThreadWithStack(256 * 1024, () -> system.executePlugin(id, PluginInput.of("{\"depth\": 10000}")))
                    .data().path("depth").asInt()).isEqualTo(10000);
            assertThat(system.executePlugin(id, PluginInput.of("{\"depth\": 100}")).data().path("depth").asInt()).isEqualTo(100);
            assertThatThrownBy(() -> system.executePlugin(id, PluginInput.of("{\"depth\": 30000}")))
                    .isInstanceOfSatisfying(PluginExecutionException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.TRAP);
                        assertThat(e.getMessage()).contains("more than " + ResourceLimits.DEFAULT_MAX_CALL_DEPTH + " nested calls");
                    });
        }
        // a depth limit below the caller's thread's own: the plugin's limit, as on a plugin thread
        try (PluginSystem system = TestPlugins.system(ResourceLimits.builder().maxCallDepth(100).build())) {
            PluginId id = system.loadPlugin(TestPlugins.wasm("deep_recursion"));
            long before = system.handoffs();
            assertThatThrownBy(() -> system.executePlugin(id, PluginInput.of("{\"depth\": 150}")))
                    .isInstanceOfSatisfying(PluginExecutionException.class,
                            e -> assertThat(e.getMessage()).contains("more than 100 nested calls"));
            assertThat(system.handoffs() - before).as("the limit struck on the caller's thread").isZero();
            // the trap discarded the only instance: a new one starts on a plugin thread
            assertThat(system.executePlugin(id, PluginInput.of("{\"depth\": 90}")).data().path("depth").asInt()).isEqualTo(90);
        }
    }

    @Test
    void wasiCallsMoveToAPluginThread() throws Exception {
        try (PluginSystem system = PluginSystem.builder().cacheDir(null).enableWasi(true).build()) {
            PluginId id = system.loadPlugin(TestPlugins.wasm("fs-probe"), LoadOptions.builder().randomSeed(7L).build());
            String first = system.executePlugin(id, PluginInput.of("{\"op\":\"random\",\"size\":16}")).data().path("data").asText();
            PluginId again = system.loadPlugin(TestPlugins.wasm("fs-probe"), LoadOptions.builder().randomSeed(7L).build());
            String second = onThreadWithStack(0, () -> system.submit(
                    () -> system.executePlugin(again, PluginInput.of("{\"op\":\"random\",\"size\":16}"))).join())
                    .data().path("data").asText();
            assertThat(first).as("the seeded sequence is drawn from once, as on a plugin thread").isEqualTo(second).isNotEmpty();
        }
    }

    private static <T> T onThreadWithStack(long stackBytes, Supplier<T> task) throws InterruptedException {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                result.set(task.get());
            } catch (RuntimeException | Error e) {
                result.set(e);
            }
        }, "small-stack-caller", stackBytes);
        t.start();
        t.join();
        Object r = result.get();
        if (r instanceof RuntimeException) {
            throw (RuntimeException) r;
        }
        if (r instanceof Error) {
            throw (Error) r;
        }
        @SuppressWarnings("unchecked")
        T value = (T) r;
        return value;
    }
}
