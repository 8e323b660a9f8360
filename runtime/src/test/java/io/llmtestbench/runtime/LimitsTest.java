package io.llmtestbench.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmtestbench.compiler.CompiledModule;
import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.compiler.PluginArtifact;
import io.llmtestbench.compiler.WasmCompiler;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CPU limits hold against hostile plugins: fuel stops every kind of endless work deterministically, the
 * deadline stops the same plugins when fuel is unlimited, and the call depth is bounded yet deep enough for
 * real programs.
 */
class LimitsTest {
    @ParameterizedTest
    @ValueSource(strings = {"loop_forever", "br_table_loop_forever", "recursion_unbounded", "mutual_recursion_call_indirect",
        "memory_fill_loop", "huge_function", "tail_call_forever"})
    void fuelStopsEndlessWorkWithTheSameFuelEveryRun(String plugin) {
        long limit = 20_000; // below what reaching the default call depth costs
        var limits = ResourceLimits.builder().maxInstructions(limit).maxExecutionTimeMs(60_000).build();
        List<Long> charged = new ArrayList<>();
        try (PluginSystem system = TestPlugins.system(limits)) {
            PluginId id = system.loadPlugin(TestPlugins.wasm(plugin));
            for (int run = 0; run < 3; run++) {
                assertThatThrownBy(() -> system.executePlugin(id, PluginInput.of("{}")))
                        .isInstanceOfSatisfying(FuelExhaustedException.class, e -> {
                            assertThat(e.kind()).isEqualTo(ErrorKind.FUEL_EXHAUSTED);
                            assertThat(e.limit()).isEqualTo(limit);
                            assertThat(e.fuelUsed()).isGreaterThanOrEqualTo(limit);
                            charged.add(e.fuelUsed());
                        })
                        .hasMessage("Plugin '" + plugin + "' exhausted its instruction budget of 20000 in plugin_execute (FuelExhausted); "
                                + "raise it with ResourceLimits.maxInstructions, llmtb --max-instructions or a pipeline's "
                                + "limits.max_instructions");
            }
        }
        assertThat(charged).hasSize(3).allMatch(c -> c.equals(charged.get(0)));
    }

    /**
     * Endless loops with unlimited fuel are stopped by the deadline, and so is an endless chain of tail calls, which
     * does not grow the call depth, and a {@code memory.atomic.wait32} without a timeout that nothing notifies.
     * (Endless recursion cannot run until a deadline: with unlimited fuel the call-depth limit stops it first,
     * deterministically — see below.)
     */
    @ParameterizedTest
    @ValueSource(strings = {"loop_forever", "br_table_loop_forever", "memory_fill_loop", "huge_function", "tail_call_forever",
        "atomic_wait_forever"})
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a plugin the deadline misses fails, not hangs
    void theDeadlineStopsThemWhenFuelIsUnlimited(String plugin) {
        var limits = ResourceLimits.builder().maxInstructions(Long.MAX_VALUE).maxExecutionTimeMs(300).build();
        try (PluginSystem system = TestPlugins.system(limits)) {
            PluginId id = system.loadPlugin(TestPlugins.wasm(plugin));
            long start = System.nanoTime();
            assertThatThrownBy(() -> system.executePlugin(id, PluginInput.of("{}")))
                    .isInstanceOfSatisfying(PluginTimeoutException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.TIMEOUT))
                    .hasMessage("Plugin '" + plugin + "' timeout after 300ms in plugin_execute; raise it with "
                            + "ResourceLimits.maxExecutionTimeMs, llmtb --timeout-ms or a pipeline's limits.timeout_ms");
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(20_000);
        }
    }

    /**
     * A limit that strikes while plugin_init runs refuses the load, and says so: in plugin_init, with the plugin's
     * name from its metadata (init-spinner, not the file loop_forever_in_init.wasm) and the settings that raise it.
     */
    @Test
    void fuelExhaustedInPluginInitSaysWhereAndHowToRaiseIt() {
        var limits = ResourceLimits.builder().maxInstructions(50_000).maxExecutionTimeMs(60_000).build();
        try (PluginSystem system = TestPlugins.system(limits)) {
            assertThatThrownBy(() -> system.loadPlugin(TestPlugins.wasm("loop_forever_in_init")))
                    .isInstanceOfSatisfying(PluginLoadException.class, e -> {
                        assertThat(e.plugin()).isEqualTo("init-spinner");
                        assertThat(e.getCause()).isInstanceOf(FuelExhaustedException.class);
                    })
                    .hasMessage("Failed to load WASM module: init-spinner: initialisation failed: Plugin 'init-spinner' exhausted its "
                            + "instruction budget of 50000 in plugin_init (FuelExhausted); raise it with ResourceLimits.maxInstructions, "
                            + "llmtb --max-instructions or a pipeline's limits.max_instructions")
                    .hasMessageNotContaining("loop_forever_in_init");
        }
    }

    @Test
    void timeoutInPluginInitSaysWhereAndHowToRaiseIt() {
        var limits = ResourceLimits.builder().maxInstructions(Long.MAX_VALUE).maxExecutionTimeMs(300).build();
        try (PluginSystem system = TestPlugins.system(limits)) {
            assertThatThrownBy(() -> system.loadPlugin(TestPlugins.wasm("loop_forever_in_init")))
                    .isInstanceOfSatisfying(PluginLoadException.class, e -> assertThat(e.getCause()).isInstanceOf(PluginTimeoutException.class))
                    .hasMessage("Failed to load WASM module: init-spinner: initialisation failed: Plugin 'init-spinner' timeout after "
                            + "300ms in plugin_init; raise it with ResourceLimits.maxExecutionTimeMs, llmtb --timeout-ms or a "
                            + "pipeline's limits.timeout_ms");
        }
    }

    /** Code compiled without metering (a trusted jar) polls the deadline at every tail call it makes. */
    @Test
    void anEndlessTailChainWithoutMeteringStopsAtTheDeadline(@TempDir Path dir) throws Exception {
        CompiledModule m = WasmCompiler.compile(Files.readAllBytes(TestPlugins.wasm("tail_call_forever")),
                CompilerOptions.defaults().withMetering(false));
        Path jar = dir.resolve("tail_call_forever.jar");
        try (OutputStream out = Files.newOutputStream(jar)) {
            PluginArtifact.writeJar(out, List.of(PluginArtifact.Entry.of("tail_call_forever", "tail_call_forever.wasm", m)));
        }
        var limits = ResourceLimits.builder().maxInstructions(Long.MAX_VALUE).maxExecutionTimeMs(300).build();
        try (PluginSystem system = TestPlugins.system(limits)) {
            PluginId id = system.loadPlugin(jar, LoadOptions.builder().requireMetering(false).build());
            long start = System.nanoTime();
            assertThatThrownBy(() -> system.executePlugin(id, PluginInput.of("{}")))
                    .isInstanceOfSatisfying(PluginTimeoutException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.TIMEOUT));
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(20_000);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"recursion_unbounded", "mutual_recursion_call_indirect"})
    void unboundedRecursionWithUnlimitedFuelEndsAsCallStackExhausted(String plugin) {
        var limits = ResourceLimits.builder().maxInstructions(Long.MAX_VALUE).maxExecutionTimeMs(30_000).build();
        try (PluginSystem system = TestPlugins.system(limits)) {
            PluginId id = system.loadPlugin(TestPlugins.wasm(plugin));
            assertThatThrownBy(() -> system.executePlugin(id, PluginInput.of("{}")))
                    .isInstanceOfSatisfying(PluginExecutionException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.TRAP))
                    .hasMessageContaining("call stack exhausted");
        }
    }

    @Test
    void tenThousandNestedCallsAreFine() {
        try (PluginSystem system = TestPlugins.system()) {
            PluginId id = system.loadPlugin(TestPlugins.wasm("deep_recursion"));
            PluginOutput out = system.executePlugin(id, PluginInput.of("{\"depth\": 10000}"));
            assertThat(out.data().path("depth").asInt()).isEqualTo(10000);
        }
    }

    @Test
    void fuelOfANormalExecutionIsIdenticalAcrossRunsAndJitWarmUp() {
        try (PluginSystem system = TestPlugins.system()) {
            PluginId id = system.loadPlugin(TestPlugins.wasm("similarity-evaluator"));
            PluginInput input = PluginInput.of("{\"text\":\"The capital of France is Paris.\",\"expected\":\"Paris is the capital of France\"}");
            long first = system.executePlugin(id, input).metadata().fuelUsed();
            assertThat(first).isPositive();
            for (int i = 0; i < 2000; i++) {
                assertThat(system.executePlugin(id, input).metadata().fuelUsed()).isEqualTo(first);
            }
        }
    }

    @Test
    void memoryGrowPastTheCapFailsAndIsReportedAsMemoryLimit() {
        var limits = ResourceLimits.builder().maxMemoryBytes(4L << 20).build();
        try (PluginSystem system = TestPlugins.system(limits)) {
            PluginId id = system.loadPlugin(TestPlugins.wasm("grow_memory_bomb"));
            assertThatThrownBy(() -> system.executePlugin(id, PluginInput.of("{}")))
                    .isInstanceOfSatisfying(PluginExecutionException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.MEMORY_LIMIT))
                    .hasMessageContaining(String.valueOf(4L << 20));
            // the bounded memory never went past the cap, and the plugin still serves the next call the same way
            assertThatThrownBy(() -> system.executePlugin(id, PluginInput.of("{}"))).isInstanceOf(PluginExecutionException.class);
        }
    }

    /**
     * {@code table.grow} past the instance's table cap fails as {@code memory.grow} past the memory cap does: the
     * plugin sees -1 (grow_table_bomb grows 100,000 at a time, so it stops at the last step within the cap) and the
     * host reports its RESULT_OUT_OF_MEMORY as MEMORY_LIMIT; every call of the same instance stops at the same size.
     */
    @Test
    void tableGrowPastTheTableCapFails() {
        for (long cap : new long[] {ResourceLimits.DEFAULT_MAX_TABLE_ELEMENTS, 250_000}) {
            var limits = ResourceLimits.builder().maxTableElements(cap).build();
            try (PluginSystem system = TestPlugins.system(limits)) {
                PluginId id = system.loadPlugin(TestPlugins.wasm("grow_table_bomb"));
                for (int call = 0; call < 2; call++) {
                    assertThatThrownBy(() -> system.executePlugin(id, PluginInput.of("{}")))
                            .isInstanceOfSatisfying(PluginExecutionException.class,
                                    e -> assertThat(e.kind()).isEqualTo(ErrorKind.MEMORY_LIMIT))
                            .hasMessageContaining("table.grow failed at " + cap / 100_000 * 100_000 + " elements");
                }
            }
        }
    }

    /**
     * Tables that declare more elements than the cap (huge_tables: 50 × 10,000,000, some 4 GB of host heap) are
     * refused at load, naming both numbers, before anything allocates them; the host goes on.
     */
    @Test
    void tablesDeclaringMoreThanTheCapAreRefusedAtLoad() {
        try (PluginSystem system = TestPlugins.system(ResourceLimits.defaults())) {
            assertThatThrownBy(() -> system.loadPlugin(TestPlugins.wasm("huge_tables")))
                    .isInstanceOfSatisfying(PluginLoadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_PLUGIN))
                    .hasMessageContaining("the module's tables declare 500000000 elements, more than the table limit of 1000000")
                    .hasMessageContaining("maxTableElements");
            PluginId echo = system.loadPlugin(TestPlugins.wasm("echo"));
            assertThat(system.executePlugin(echo, PluginInput.of("{\"ok\":1}")).data().path("ok").asInt()).isEqualTo(1);
        }
        assertThat(ResourceLimits.defaults().maxTableElements()).isEqualTo(1_000_000L);
        assertThat(ResourceLimits.defaults().toBuilder().build()).isEqualTo(ResourceLimits.defaults());
    }
}
