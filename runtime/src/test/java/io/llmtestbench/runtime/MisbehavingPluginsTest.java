package io.llmtestbench.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every misbehaviour the ABI names gets its typed error for that execution; the host, other plugins and
 * later executions of the same plugin go on.
 */
class MisbehavingPluginsTest {
    private static PluginSystem system;
    private static PluginId echo;

    @BeforeAll
    static void start() {
        system = TestPlugins.system(ResourceLimits.builder().maxExecutionTimeMs(10_000).maxInstructions(50_000_000)
                .maxMemoryBytes(16L << 20).build());
        echo = system.loadPlugin(TestPlugins.wasm("echo"));
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "trap_unreachable          | TRAP           | unreachable",
        "trap_out_of_bounds_load   | TRAP           | out of bounds",
        "returns_error_code        | PLUGIN_ERROR   | Plugin execution failed with code: -1 (RESULT_ERROR)",
        "returns_invalid_input_code| PLUGIN_ERROR   | code: -2 (RESULT_INVALID_INPUT)",
        "returns_timeout_code      | TIMEOUT        | code: -3 (RESULT_TIMEOUT): upstream took too long",
        "undocumented_result_code  | PLUGIN_ERROR   | code: 7 (undocumented result code)",
        "length_exceeds_capacity   | INVALID_OUTPUT | larger than capacity",
        "alloc_out_of_bounds       | INVALID_OUTPUT | outside linear memory",
        "alloc_returns_zero        | MEMORY_LIMIT   | returned 0",
        "invalid_utf8_output       | INVALID_OUTPUT | not valid UTF-8",
        "invalid_json_output       | INVALID_OUTPUT | not valid JSON",
        "buffer_too_small_always   | INVALID_OUTPUT | RESULT_BUFFER_TOO_SMALL again",
        "host_log_out_of_bounds    | TRAP           | host_log",
        "loop_forever              | FUEL_EXHAUSTED | FuelExhausted",
        "grow_memory_bomb          | MEMORY_LIMIT   | memory limit of 16777216 bytes reached",
        "recursion_unbounded       | TRAP           | call stack exhausted",
    })
    void misbehaviourGetsItsTypedError(String plugin, ErrorKind kind, String messagePart) {
        PluginId id = system.loadPlugin(TestPlugins.wasm(plugin));
        for (int attempt = 0; attempt < 2; attempt++) {
            assertThatThrownBy(() -> system.executePlugin(id, PluginInput.of("{\"text\":\"x\"}")))
                    .isInstanceOfSatisfying(PluginException.class, e -> assertThat(e.kind()).isEqualTo(kind))
                    .as("each kind is raised by one class").isExactlyInstanceOf(kind.exceptionType())
                    .hasMessageContaining(messagePart.replace("Plugin execution", "execution"))
                    .hasMessageContaining("'" + system.getMetadata(id).name() + "'");
        }
        // the host and other plugins go on
        assertThat(system.executePlugin(echo, PluginInput.of("{\"ok\":true}")).data().path("ok").asBoolean()).isTrue();
    }

    /**
     * A {@code memory.fill} whose address + length passes 2^31 (costing about 2^28 fuel, so under the default budget):
     * the spec's trap message, not a Java exception's, and the plugin goes on.
     */
    @Test
    void bulkMemoryPastTwoGibibytesTrapsWithTheSpecsMessage() {
        try (PluginSystem defaults = TestPlugins.system(ResourceLimits.defaults())) {
            PluginId id = defaults.loadPlugin(TestPlugins.wasm("memory_fill_past_2gib"));
            for (int attempt = 0; attempt < 2; attempt++) {
                assertThatThrownBy(() -> defaults.executePlugin(id, PluginInput.of("{}")))
                        .isInstanceOfSatisfying(PluginException.class, e -> {
                            assertThat(e.kind()).isEqualTo(ErrorKind.TRAP);
                            assertThat(e.getCause()).isInstanceOf(com.dylibso.chicory.wasm.ChicoryException.class);
                        })
                        .hasMessageStartingWith("Plugin 'memory_fill_past_2gib' trapped: out of bounds memory access: memory.fill")
                        .hasMessageNotContaining("Exception");
            }
        }
    }

    @Test
    void afterATrapTheNextCallGetsAFreshInstanceWithNoLeftoverGuestState() {
        PluginId id = system.loadPlugin(TestPlugins.wasm("trap_after_counting"));
        assertThat(system.executePlugin(id, PluginInput.of("{}")).data().path("count").asInt()).isEqualTo(1);
        assertThat(system.executePlugin(id, PluginInput.of("{}")).data().path("count").asInt()).isEqualTo(2);
        assertThatThrownBy(() -> system.executePlugin(id, PluginInput.of("{\"trap\": 1}")))
                .isInstanceOfSatisfying(PluginException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.TRAP));
        assertThat(system.executePlugin(id, PluginInput.of("{}")).data().path("count").asInt()).isEqualTo(1);
    }

    @Test
    void resultCodeCarriesThePluginsMessageAndCode() {
        PluginId id = system.loadPlugin(TestPlugins.wasm("returns_error_code"));
        assertThatThrownBy(() -> system.executePlugin(id, PluginInput.of("{}")))
                .isInstanceOfSatisfying(PluginExecutionException.class, e -> assertThat(e.resultCode()).isEqualTo(-1))
                .hasMessageContaining("bad things");
    }

    @Test
    void aPluginReportedTimeoutIsAPluginTimeoutExceptionWithItsCode() {
        PluginId id = system.loadPlugin(TestPlugins.wasm("returns_timeout_code"));
        assertThatThrownBy(() -> system.executePlugin(id, PluginInput.of("{}")))
                .isInstanceOfSatisfying(PluginTimeoutException.class, e -> assertThat(e.resultCode()).isEqualTo(-3))
                .hasMessage("Plugin 'returns_timeout_code' execution failed with code: -3 (RESULT_TIMEOUT): upstream took too long");
        // a documented result code keeps the instance: the next call runs and reports the same
        assertThatThrownBy(() -> system.executePlugin(id, PluginInput.of("{}"))).isInstanceOf(PluginTimeoutException.class);
    }

    /** An output over maxOutputBytes is a limit the operator can raise, and the message says which and how — not an ABI break. */
    @Test
    void anOutputOverMaxOutputBytesNamesTheLimitAndHowToRaiseIt() {
        try (PluginSystem small = TestPlugins.system(ResourceLimits.builder().maxOutputBytes(100_000).build())) {
            PluginId id = small.loadPlugin(TestPlugins.wasm("buffer_too_small_once")); // asks for 102,400 bytes
            assertThatThrownBy(() -> small.executePlugin(id, PluginInput.of("{}")))
                    .isInstanceOfSatisfying(PluginExecutionException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_OUTPUT))
                    .hasMessage("Plugin 'buffer_too_small_once' output of 102400 bytes in plugin_execute exceeds max_output_bytes "
                            + "(100000 bytes); raise it with ResourceLimits.maxOutputBytes, llmtb --max-output-bytes or a pipeline's "
                            + "limits.max_output_bytes")
                    .hasMessageNotContaining("ABI");
        }
        try (PluginSystem defaults = TestPlugins.system(ResourceLimits.defaults())) {
            PluginId id = defaults.loadPlugin(TestPlugins.wasm("buffer_too_small_exceeds_max"));
            assertThatThrownBy(() -> defaults.executePlugin(id, PluginInput.of("{}")))
                    .hasMessageContaining("output of 2147483647 bytes in plugin_execute exceeds max_output_bytes (16777216 bytes)");
        }
    }

    @Test
    void bufferTooSmallIsRetriedOnceWithTheSizeAsked() {
        PluginId id = system.loadPlugin(TestPlugins.wasm("buffer_too_small_once"));
        PluginOutput out = system.executePlugin(id, PluginInput.of("{}"));
        assertThat(out.metadata().metrics()).containsEntry("buffer_retries", 1);
        assertThat(out.metadata().metrics().get("output_bytes")).isInstanceOf(Integer.class);
        // more than the 64 KiB the host offers first (docs/plugin-abi.md)
        assertThat((Integer) out.metadata().metrics().get("output_bytes")).isGreaterThan(64 * 1024);
    }

    @Test
    void loadTimeMisbehaviourIsRefusedNamingWhat() {
        assertThatThrownBy(() -> system.loadPlugin(TestPlugins.wasm("missing_export_execute")))
                .isInstanceOfSatisfying(PluginLoadException.class, e -> assertThat(e.stage()).isEqualTo(PluginLoadException.Stage.UNLINKABLE))
                .hasMessageStartingWith("Failed to load WASM module: missing_export_execute.wasm: missing export `plugin_execute`")
                .hasMessageContaining("(func (param i32 i32 i32 i32) (result i32))");
        assertThatThrownBy(() -> system.loadPlugin(TestPlugins.wasm("mistyped_export_execute")))
                .hasMessageContaining("export `plugin_execute` has signature")
                .hasMessageContaining("expected: (func (param i32 i32 i32 i32) (result i32))");
        assertThatThrownBy(() -> system.loadPlugin(TestPlugins.wasm("unknown_import")))
                .isInstanceOfSatisfying(PluginLoadException.class, e -> assertThat(e.stage()).isEqualTo(PluginLoadException.Stage.UNLINKABLE))
                .hasMessageContaining("env.host_launch_missiles");
        assertThatThrownBy(() -> system.loadPlugin(TestPlugins.wasm("duplicate_imports")))
                .isInstanceOfSatisfying(PluginLoadException.class, e -> assertThat(e.stage()).isEqualTo(PluginLoadException.Stage.UNLINKABLE))
                .hasMessageContaining("imports `env.host_log` 3 times; a plugin imports each function once");
        assertThatThrownBy(() -> system.loadPlugin(TestPlugins.wasm("incompatible_api_version")))
                .isInstanceOfSatisfying(PluginLoadException.class, e -> assertThat(e.stage()).isEqualTo(PluginLoadException.Stage.UNINSTANTIABLE))
                .hasMessageContaining("api_version 2.0");
        assertThatThrownBy(() -> system.loadPlugin(TestPlugins.wasm("wasi_without_permission")))
                .isInstanceOfSatisfying(PluginLoadException.class, e -> assertThat(e.stage()).isEqualTo(PluginLoadException.Stage.UNLINKABLE))
                .hasMessageContaining("wasi_snapshot_preview1.fd_write");
        assertThatThrownBy(() -> system.loadPlugin(TestPlugins.wasm("initial_memory_too_large")))
                .isInstanceOfSatisfying(PluginLoadException.class, e -> assertThat(e.stage()).isEqualTo(PluginLoadException.Stage.UNINSTANTIABLE))
                .hasMessageContaining("exceeds the memory limit")
                .hasMessageContaining(String.valueOf(16L << 20));
    }
}
