package io.llmtestbench.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload: a new version is loaded while the old one executes; in-flight executions finish on the old
 * version, new ones get the new one, nothing fails, and the old version's class loader is collected.
 * Fixtures: test-plugins/wat/reload_v1.wat and reload_v2.wat, one plugin "reload" returning its version.
 */
class HotReloadTest {
    private static final Path V1 = TestPlugins.wasm("reload_v1");
    private static final Path V2 = TestPlugins.wasm("reload_v2");
    /** About a second of work at the default budget's pace; well under the default fuel and deadline. */
    private static final String LONG = "{\"spin\": 40000000}";

    @TempDir
    Path tmp;

    /** A system with a compile cache, so that reloading the same files again compiles nothing. */
    private PluginSystem system() {
        return PluginSystem.builder().cacheDir(tmp.resolve("cache")).build();
    }

    private static String version(PluginOutput out) {
        return out.data().path("version").asText();
    }

    @Test
    void inFlightExecutionFinishesOnTheOldVersionAndNewOnesGetTheNew() throws Exception {
        try (PluginSystem system = system()) {
            PluginId v1 = system.loadPlugin(V1);
            assertThat(v1.version()).isEqualTo("1.0.0");
            assertThat(version(system.executePlugin("reload", PluginInput.of("{}")))).isEqualTo("1.0.0");

            CompletableFuture<PluginOutput> inFlight = system.executePluginAsync("reload", PluginInput.of(LONG));
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (system.inFlight(v1) == 0 && System.nanoTime() < until) {
                Thread.sleep(1);
            }
            assertThat(system.inFlight(v1)).as("the long execution has started on v1").isEqualTo(1);

            PluginId v2 = system.reloadPlugin(V2, LoadOptions.defaults());
            assertThat(inFlight).as("reload does not wait for, nor cancel, the execution in flight").isNotDone();

            assertThat(system.currentVersion("reload")).contains(v2);
            assertThat(version(system.executePlugin("reload", PluginInput.of("{}")))).isEqualTo("2.0.0");
            assertThat(system.listPlugins()).containsExactly(v2);
            assertThatThrownBy(() -> system.executePlugin(v1, PluginInput.of("{}")))
                    .isExactlyInstanceOf(PluginException.class).satisfies(e -> assertThat(((PluginException) e).kind()).isEqualTo(ErrorKind.NOT_LOADED));

            assertThat(version(inFlight.get(30, TimeUnit.SECONDS))).as("the old version finished its execution").isEqualTo("1.0.0");
        }
    }

    @Test
    void theOldVersionsClassLoaderIsCollectedOnceDrained() throws Exception {
        try (PluginSystem system = system()) {
            var limits = ResourceLimits.builder().maxInstructions(100_000_000).build();
            PluginId v1 = system.loadPlugin(V1, LoadOptions.builder().limits(limits).build());
            WeakReference<ClassLoader> oldLoader = new WeakReference<>(system.classLoaderOf(v1));
            // exercise everything that could keep a reference: pooled instances on several threads, the watchdog,
            // a failure (discarded instance), an execution in flight during the reload
            List<CompletableFuture<PluginOutput>> warmUp = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                warmUp.add(system.executePluginAsync(v1, PluginInput.of("{\"spin\": 1000}")));
            }
            for (var f : warmUp) {
                assertThat(version(f.get(30, TimeUnit.SECONDS))).isEqualTo("1.0.0");
            }
            assertThatThrownBy(() -> system.executePlugin(v1, PluginInput.of("{\"spin\": 50000000}")))
                    .isInstanceOf(FuelExhaustedException.class);
            CompletableFuture<PluginOutput> inFlight = system.executePluginAsync("reload", PluginInput.of("{\"spin\": 5000000}"));
            while (system.inFlight(v1) == 0 && !inFlight.isDone()) {
                Thread.sleep(1);
            }

            system.reloadPlugin(V2, LoadOptions.defaults());
            assertThat(version(inFlight.get(30, TimeUnit.SECONDS))).isEqualTo("1.0.0");
            assertThat(version(system.executePlugin("reload", PluginInput.of("{}")))).isEqualTo("2.0.0");

            assertCollected(oldLoader, "reload 1.0.0's class loader");
        }
    }

    @Test
    void threadsExecutingByNameWhileReloadedSeveralTimesSeeNoFailure() throws Exception {
        try (PluginSystem system = system()) {
            PluginId first = system.loadPlugin(V1);
            List<WeakReference<ClassLoader>> retired = new ArrayList<>();
            retired.add(new WeakReference<>(system.classLoaderOf(first)));

            int threads = 4;
            AtomicBoolean stop = new AtomicBoolean();
            Map<String, LongAdder> results = new ConcurrentHashMap<>();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            AtomicInteger started = new AtomicInteger();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread w = new Thread(() -> {
                    started.incrementAndGet();
                    int i = 0;
                    while (!stop.get()) {
                        try {
                            // every fourth call is long enough to be in flight during a reload
                            String input = i++ % 4 == 0 ? "{\"spin\": 200000}" : "{}";
                            results.computeIfAbsent(version(system.executePlugin("reload", PluginInput.of(input))), k -> new LongAdder()).increment();
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }
                }, "reload-caller-" + t);
                w.start();
                workers.add(w);
            }
            while (started.get() < threads) {
                Thread.sleep(1);
            }

            PluginId last = first;
            for (int reload = 0; reload < 6; reload++) {
                Thread.sleep(60);
                last = system.reloadPlugin(reload % 2 == 0 ? V2 : V1, LoadOptions.defaults());
                if (reload < 5) {
                    retired.add(new WeakReference<>(system.classLoaderOf(last)));
                }
            }
            Thread.sleep(60);
            stop.set(true);
            for (Thread w : workers) {
                w.join(TimeUnit.SECONDS.toMillis(30));
            }

            assertThat(failures).as("failures while reloading").isEmpty();
            assertThat(results.keySet()).as("every result came from one of the versions").isSubsetOf(Set.of("1.0.0", "2.0.0"))
                    .containsExactlyInAnyOrder("1.0.0", "2.0.0");
            long total = results.values().stream().mapToLong(LongAdder::sum).sum();
            assertThat(total).isGreaterThan(threads * 6L);
            assertThat(last.version()).isEqualTo("1.0.0");
            assertThat(system.listPlugins()).containsExactly(last);
            assertThat(system.currentVersion("reload")).contains(last);
            for (int i = 0; i < retired.size(); i++) {
                assertCollected(retired.get(i), "the class loader of reloaded version #" + i);
            }
        }
    }

    @Test
    void executionsByNameGoToTheNewestLoadedVersionAndFallBackOnUnload() throws Exception {
        try (PluginSystem system = system()) {
            assertThatThrownBy(() -> system.executePlugin("reload", PluginInput.of("{}")))
                    .isExactlyInstanceOf(PluginException.class).satisfies(e -> assertThat(((PluginException) e).kind()).isEqualTo(ErrorKind.NOT_LOADED))
                    .hasMessageContaining("no version of plugin 'reload' is loaded");
            PluginId v2 = system.loadPlugin(V2);
            PluginId v1 = system.loadPlugin(V1); // loaded later, but older: by-name still goes to 2.0.0
            assertThat(system.currentVersion("reload")).contains(v2);
            assertThat(version(system.executePlugin("reload", PluginInput.of("{}")))).isEqualTo("2.0.0");
            assertThat(version(system.executePlugin(v1, PluginInput.of("{}")))).isEqualTo("1.0.0");
            WeakReference<ClassLoader> v2Loader = new WeakReference<>(system.classLoaderOf(v2));
            system.unloadPlugin(v2);
            assertThat(version(system.executePlugin("reload", PluginInput.of("{}")))).isEqualTo("1.0.0");
            assertCollected(v2Loader, "an unloaded version's class loader");
            system.unloadPlugin(v1);
            assertThat(system.currentVersion("reload")).isEmpty();
        }
    }

    @Test
    void aFailedReloadChangesNothing() throws Exception {
        try (PluginSystem system = system()) {
            PluginId v1 = system.loadPlugin(V1);
            Path bad = tmp.resolve("reload.wasm");
            java.nio.file.Files.writeString(bad, "(module)");
            assertThatThrownBy(() -> system.reloadPlugin(bad, LoadOptions.defaults())).isInstanceOf(PluginLoadException.class)
                    .hasMessageContaining("wat2wasm");
            assertThat(system.currentVersion("reload")).contains(v1);
            assertThat(version(system.executePlugin("reload", PluginInput.of("{}")))).isEqualTo("1.0.0");
        }
    }

    @Test
    void aWatchedPluginFileWrittenWithNewContentIsReloadedAndABrokenOneIsNot() throws Exception {
        Path dir = java.nio.file.Files.createDirectories(tmp.resolve("watched"));
        Path file = dir.resolve("reload.wasm");
        java.nio.file.Files.copy(V1, file);
        var limits = ResourceLimits.builder().maxInstructions(50_000_000).build();
        try (PluginSystem system = PluginSystem.builder().cacheDir(tmp.resolve("cache")).pluginDirs(List.of(dir)).scanClasspath(false).build()) {
            PluginId v1 = system.loadPlugin(file, LoadOptions.builder().limits(limits).build());
            system.watchPluginDirs();
            system.watchPluginDirs(); // idempotent

            java.nio.file.Files.write(file, java.nio.file.Files.readAllBytes(V1)); // rewritten, same content
            Thread.sleep(800);
            assertThat(system.currentVersion("reload")).contains(v1);

            java.nio.file.Files.write(file, java.nio.file.Files.readAllBytes(V2)); // in place, not atomically
            PluginId v2 = awaitNewVersion(system, v1);
            assertThat(v2.version()).isEqualTo("2.0.0");
            assertThat(system.describePlugin(v2).limits()).as("the load options are kept").isEqualTo(limits);
            assertThat(system.listPlugins()).containsExactly(v2);
            assertThat(version(system.executePlugin("reload", PluginInput.of("{}")))).isEqualTo("2.0.0");

            java.nio.file.Files.writeString(file, "(module)"); // broken: logged, and v2 keeps running
            Thread.sleep(1000);
            assertThat(system.currentVersion("reload")).contains(v2);
            assertThat(version(system.executePlugin("reload", PluginInput.of("{}")))).isEqualTo("2.0.0");

            java.nio.file.Files.write(file, java.nio.file.Files.readAllBytes(V1)); // and back
            assertThat(awaitNewVersion(system, v2).version()).isEqualTo("1.0.0");
        }
    }

    private static PluginId awaitNewVersion(PluginSystem system, PluginId old) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < until) {
            var now = system.currentVersion("reload");
            if (now.isPresent() && !now.get().equals(old)) {
                return now.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the watched file was not reloaded within 20 s");
    }

    /** Waits (bounded) for the referent to be collected, asking for full collections. */
    static void assertCollected(WeakReference<?> ref, String what) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (ref.get() != null && System.nanoTime() < until) {
            System.gc();
            Thread.sleep(50);
        }
        assertThat(ref.get()).as(what + " is unreachable and collected").isNull();
    }
}
