package io.llmtestbench.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmtestbench.compiler.WasmCompiler;
import io.llmtestbench.runtime.LoadOptions.JarVerification;
import io.llmtestbench.runtime.tamper.JarKit;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pre-compiled jar whose limit checks are a claim: unsigned, accepted by the allow-list alone, its code may have
 * been edited not to charge fuel or look at the deadline (here: compiled without metering, every stamp saying
 * {@code metering=on}, {@link JarKit#unmeteredClaimingMetering}). The deadline cannot stop such code; what must hold
 * is that its caller gets {@code TIMEOUT} at the deadline plus the grace, on any thread, that it holds one thread
 * however often it is called, and that the host and its other plugins go on. Code whose checks are proven (compiled by
 * this runtime, reproduced, pinned) keeps running on its caller's thread.
 */
class UncheckedJarTest {
    @TempDir
    Path tmp;

    /** A short input: {@code spins_without_checks} spins (length - 2) × 2^24 rounds, none for {@code {}}. */
    private static final PluginInput SHORT = PluginInput.of("{}");

    /**
     * 100 bytes of JSON: about 1.6 × 10^9 rounds, seconds of spinning (2.5 s at 1.5 ns a round, C2's code on a fast
     * core), past a 300 ms deadline and its grace.
     */
    private static final String LONG = "{\"s\":\"" + "x".repeat(92) + "\"}";

    private static PluginInput longInput() {
        return PluginInput.of(LONG);
    }

    private static LoadOptions deadline(long ms) {
        return LoadOptions.builder().limits(ResourceLimits.builder().maxExecutionTimeMs(ms).build()).build();
    }

    @Test
    void aRunThatIgnoresItsDeadlineReleasesItsCallerAndHoldsOneThreadUntilItEnds() throws Exception {
        Path jar = JarKit.unmeteredClaimingMetering("spins_without_checks").write(tmp.resolve("unchecked.jar"));
        try (PluginSystem system = PluginSystem.builder().build()) {
            PluginId id = system.loadPlugin(jar, deadline(300));
            PluginId echo = system.loadPlugin(TestPlugins.wasm("echo"));
            long before = system.handoffs();

            long t0 = System.nanoTime();
            assertThatThrownBy(() -> system.executePlugin(id, longInput())).isInstanceOfSatisfying(PluginTimeoutException.class, e -> {
                assertThat(e.kind()).isEqualTo(ErrorKind.TIMEOUT);
                assertThat(e.getMessage()).contains("spins_without_checks", "timeout after 300ms", "did not stop at the deadline",
                        "JarVerification.REPRODUCE", "left on its thread");
            });
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(waitedMs).as("the caller waits for the deadline and the grace, not for the run")
                    .isBetween(300L, 300 + LoadedPluginGrace.MS + 3_000L);
            assertThat(system.handoffs() - before).as("never on the caller's thread").isEqualTo(1);

            // while the run goes on, further executions are refused at once: one thread held, not one per call
            long t1 = System.nanoTime();
            assertThatThrownBy(() -> system.executePlugin(id, SHORT)).isInstanceOfSatisfying(PluginTimeoutException.class,
                    e -> assertThat(e.getMessage()).contains("an earlier execution still runs past its deadline"));
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1)).isLessThan(250);

            // the host and its other plugins go on
            assertThat(system.executePlugin(echo, PluginInput.of("{\"a\":1}")).data().path("a").asInt()).isEqualTo(1);

            // once the run ends by itself, the plugin runs again (a short spin ends in time: its -1 "spun")
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            PluginException last = null;
            while (System.nanoTime() < end) {
                try {
                    system.executePlugin(id, SHORT);
                    throw new AssertionError("spins_without_checks returns -1");
                } catch (PluginException e) {
                    last = e;
                    if (e.kind() == ErrorKind.PLUGIN_ERROR) {
                        break;
                    }
                    Thread.sleep(200);
                }
            }
            assertThat(last).isNotNull();
            assertThat(last.kind()).as("after the late run ended: %s", last.getMessage()).isEqualTo(ErrorKind.PLUGIN_ERROR);
            assertThat(last.getMessage()).contains("spun");
        }
    }

    @Test
    void anUncheckedStartUpFailsTheLoadAtTheDeadlinePlusTheGrace() throws Exception {
        Path jar = JarKit.unmeteredClaimingMetering("spins_without_checks").write(tmp.resolve("init.jar"));
        try (PluginSystem system = PluginSystem.builder().build()) {
            LoadOptions options = LoadOptions.builder().config(new com.fasterxml.jackson.databind.ObjectMapper().readTree(LONG))
                    .limits(ResourceLimits.builder().maxExecutionTimeMs(300).build()).build();
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> system.loadPlugin(jar, options)).isInstanceOfSatisfying(PluginLoadException.class, e -> {
                assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_PLUGIN);
                assertThat(e.stage()).isEqualTo(PluginLoadException.Stage.UNINSTANTIABLE);
                assertThat(e.getMessage()).contains("start-up did not stop at the deadline of 300 ms", "left running");
            });
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(300 + LoadedPluginGrace.MS + 3_000L);
            // the system goes on, and the same jar loads with a config it spins on for no time
            PluginId again = system.loadPlugin(jar, deadline(300));
            assertThatThrownBy(() -> system.executePlugin(again, SHORT)).isInstanceOfSatisfying(PluginExecutionException.class,
                    e -> assertThat(e.getMessage()).contains("spun"));
            PluginId echo = system.loadPlugin(TestPlugins.wasm("echo"));
            assertThat(system.executePlugin(echo, PluginInput.of("{\"a\":2}")).data().path("a").asInt()).isEqualTo(2);
        }
    }

    @Test
    void discoveryGivesUpOnAnUncheckedStartUpAndListsItAsAProblem() throws Exception {
        Path dir = java.nio.file.Files.createDirectories(tmp.resolve("plugins"));
        JarKit.unmeteredClaimingMetering("initialize_spins_without_checks").write(dir.resolve("spinner.jar"));
        java.nio.file.Files.copy(TestPlugins.wasm("echo"), dir.resolve("echo.wasm"));
        try (PluginSystem system = PluginSystem.builder().cacheDir(null).pluginDirs(java.util.List.of(dir)).scanClasspath(false)
                .defaultLimits(ResourceLimits.builder().maxExecutionTimeMs(300).build()).build()) {
            long t0 = System.nanoTime();
            Discovery found = system.discover();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(300 + LoadedPluginGrace.MS + 3_000L);
            assertThat(found.problems()).singleElement().asString()
                    .contains("spinner.jar", "did not stop at the deadline of 300 ms", "JarVerification.REPRODUCE");
            assertThat(found.plugins()).extracting(d -> d.metadata().name()).containsExactly("echo");
        }
    }

    @Test
    void proofOfTheChecksKeepsAJarOnItsCallersThread() throws Exception {
        Path jar = JarKit.compile("echo").write(tmp.resolve("echo.jar"));
        String manifestSha = WasmCompiler.sha256(JarKit.read(jar).files.get(JarKit.dir("echo") + "plugin.json"));
        try (PluginSystem system = PluginSystem.builder().cacheDir(tmp.resolve("cache")).build()) {
            PluginId unsigned = system.loadPlugin(jar);
            PluginId pinned = system.loadPlugin(jar, LoadOptions.builder().sha256(manifestSha).build());
            PluginId reproduced = system.loadPlugin(jar, LoadOptions.builder().jarVerification(JarVerification.REPRODUCE).build());
            PluginId compiled = system.loadPlugin(TestPlugins.wasm("echo"));
            PluginInput in = PluginInput.of("{\"a\":3}");
            for (PluginId id : new PluginId[] {pinned, reproduced, compiled}) {
                long before = system.handoffs();
                assertThat(system.executePlugin(id, in).data().path("a").asInt()).isEqualTo(3);
                assertThat(system.handoffs() - before).as("%s on the caller's thread", id).isZero();
            }
            long before = system.handoffs();
            assertThat(system.executePlugin(unsigned, in).data().path("a").asInt()).isEqualTo(3);
            assertThat(system.handoffs() - before).as("an unsigned jar's checks are a claim: a guest thread").isEqualTo(1);
        }
    }

    /** The grace, read from the runtime so that the bounds above follow it. */
    private static final class LoadedPluginGrace {
        static final long MS = io.llmtestbench.runtime.internal.LoadedPlugin.OVERDUE_GRACE_MS;
    }
}
