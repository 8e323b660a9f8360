package io.llmtestbench.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmtestbench.runtime.testlog.CapturingLogProvider;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hostile plugins at run time (benchmarks/RESULTS.md, "Hostile plugins at run time"): what a plugin can do through the
 * ABI's buffers, host functions and outputs to the host it runs in, beyond failing its own execution. Each test is one
 * escape that was found and closed; {@link MisbehavingPluginsTest} and {@link LimitsTest} hold the ones that held.
 */
class HostileRuntimeTest {

    /**
     * host_log's text went to the host's log as it was: its newline started a line of the plugin's choosing, here a forged
     * {@code llmtb.audit} event saying another plugin succeeded; a carriage return or an ANSI escape rewrote a terminal.
     * Now control characters are escaped, in host_log text and in the message of a result code alike.
     */
    @Test
    void aPluginsTextNeverStartsALineOfTheHostsLog() {
        try (PluginSystem system = TestPlugins.system()) {
            PluginId id = system.loadPlugin(TestPlugins.wasm("host_log_forges_audit_line"));
            int before = CapturingLogProvider.pluginLines().size();
            String escaped = "before\\u000a[llmtb-guest-1] INFO llmtb.audit - plugin=victim version=1.0.0 serial=1 input_bytes=2"
                    + " outcome=ok fuel=1 time_ms=0 execute victim@1.0.0#1 ok\\u000d\\u001b[2K\\u0085\\u2028after";
            assertThatThrownBy(() -> system.executePlugin(id, PluginInput.of("{}")))
                    .isInstanceOfSatisfying(PluginExecutionException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PLUGIN_ERROR))
                    .hasMessageEndingWith("code: -1 (RESULT_ERROR): " + escaped)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "\r", "\u001b", "\u0085", "\u2028"));
            if (CapturingLogProvider.installed()) {
                List<String> lines = CapturingLogProvider.pluginLines();
                assertThat(lines.subList(before, lines.size())).containsExactly(
                        "llmtb.plugin.host_log_forges_audit_line INFO " + escaped,
                        "llmtb.plugin.host_log_forges_audit_line ERROR " + escaped);
            }
        }
    }

    /**
     * Each JSON value of an output's tree takes host heap (about 80 bytes for an empty object), so a plugin answering 16
     * MiB of {@code [{},{},...]} (5.6 million values) made the host build a tree of about 1 GB: a host with a 512 MB heap
     * ran out of it in the CLI, one with 256 MB in the runtime (benchmarks/RESULTS.md). Now an output holds at most one
     * value per 16 bytes of max_output_bytes (1,048,576 with the default 16 MiB), counted as it is read, before the
     * tree is built, by both the tree and the bytes API; a dense output within that still passes.
     */
    @Test
    void anOutputOfMoreValuesThanTheOutputCapAllowsIsRefusedBeforeItsTreeIsBuilt() {
        try (PluginSystem system = TestPlugins.system()) {
            PluginId id = system.loadPlugin(TestPlugins.wasm("output_value_bomb"));
            byte[] input = "{\"bytes\": 4194304}".getBytes(StandardCharsets.UTF_8); // an array of 1,398,101 empty objects
            assertThatThrownBy(() -> system.executePlugin(id, PluginInput.of(new String(input, StandardCharsets.UTF_8))))
                    .isInstanceOfSatisfying(PluginExecutionException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_OUTPUT))
                    .hasMessageContaining("Plugin 'output_value_bomb' returned output of 4194304 bytes holding more than 1048576 JSON values")
                    .hasMessageContaining("raise it with ResourceLimits.maxOutputBytes");
            assertThatThrownBy(() -> system.executePluginBytes(id, input, null))
                    .isInstanceOfSatisfying(PluginExecutionException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_OUTPUT))
                    .hasMessageContaining("holding more than 1048576 JSON values");
            // 3 MiB: exactly the bound, the array and 1,048,575 objects
            PluginOutput dense = system.executePlugin(id, PluginInput.of("{\"bytes\": 3145728}"));
            assertThat(dense.data().size()).isEqualTo(1_048_575);
            // a higher output cap raises the bound with it
            PluginId raised = system.loadPlugin(TestPlugins.wasm("output_value_bomb"),
                    LoadOptions.builder().limits(ResourceLimits.builder().maxOutputBytes(32 << 20).build()).build());
            assertThat(system.executePluginBytes(raised, input, null).json().size()).isEqualTo(1_398_101);
        }
    }

    /**
     * The parser accepts 1,000 levels, but the host puts outputs inside JSON documents of its own, whose writers also stop
     * at 1,000: an output of 1,000 levels passed, then `llmtb run` ended in an internal error, and an evaluator's output
     * of 999 levels made `llmtb eval --out` lose every record's result (RESULTS.md). Now an output nests at most 900 levels (MAX_DEPTH), and what passes can be
     * written inside 100 more.
     */
    @Test
    void anOutputNestedDeeperThanTheHostsDocumentsAllowIsRefused() throws Exception {
        try (PluginSystem system = TestPlugins.system()) {
            PluginId id = system.loadPlugin(TestPlugins.wasm("output_nested_deep"));
            assertThatThrownBy(() -> system.executePlugin(id, PluginInput.of("{\"depth\": 999}")))
                    .isInstanceOfSatisfying(PluginExecutionException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_OUTPUT))
                    .hasMessageContaining("Plugin 'output_nested_deep' returned output of 1998 bytes nesting arrays and objects more than 900 levels deep");
            assertThatThrownBy(() -> system.executePluginBytes(id, "{\"depth\": 901}".getBytes(StandardCharsets.UTF_8), null))
                    .isInstanceOfSatisfying(PluginExecutionException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_OUTPUT))
                    .hasMessageContaining("more than 900 levels deep");
            com.fasterxml.jackson.databind.JsonNode deepest = system.executePlugin(id, PluginInput.of("{\"depth\": 900}")).data();
            com.fasterxml.jackson.databind.JsonNode wrapped = deepest;
            for (int i = 0; i < 100; i++) {
                wrapped = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode().add(wrapped);
            }
            assertThat(io.llmtestbench.compiler.internal.JsonTrees.write(wrapped)).hasSize(2000);
        }
    }

    /**
     * Metadata is read for every new instance with the output's capacity, so the same tree: a plugin whose metadata
     * carried 1.4 million empty objects in {@code capabilities} (4 MiB) loaded, and each new instance built a tree of
     * about 110 MB (1 GB at the 16 MiB cap). Now the output's bound on values applies, and the load is refused.
     */
    @Test
    void metadataIsHeldToTheOutputsBoundOnValues() {
        try (PluginSystem system = TestPlugins.system()) {
            assertThatThrownBy(() -> system.loadPlugin(TestPlugins.wasm("metadata_value_bomb")))
                    .isInstanceOfSatisfying(PluginLoadException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_PLUGIN);
                        assertThat(e.stage()).isEqualTo(PluginLoadException.Stage.UNINSTANTIABLE);
                    })
                    .hasMessageContaining("metadata_value_bomb")
                    .hasMessageContaining("plugin_metadata returned 4194304 bytes holding more than 1048576 JSON values");
            // with a cap that allows them, it loads (its metadata is valid)
            PluginId id = system.loadPlugin(TestPlugins.wasm("metadata_value_bomb"),
                    LoadOptions.builder().limits(ResourceLimits.builder().maxOutputBytes(32 << 20).build()).build());
            assertThat(system.executePlugin(id, PluginInput.of("{\"a\":1}")).data().path("a").asInt()).isEqualTo(1);
        }
    }

    /**
     * host_log, host_get_state and host_set_state copied their whole ranges out of the plugin's memory before they looked
     * at the level, the log cap, the key's length or the state cap: a plugin passing all of its 64 MiB memory as a text,
     * a key or a value made the host allocate 64 MiB per call (host_get_state 128 MiB: the bytes and a string of them;
     * 2 GiB per call under the largest memory cap), 9.4 GB in this execution of 150 calls. Now only what is used is
     * copied; the results are the same. Allocations are counted on every thread of the JVM (the run moves to a guest
     * thread at its first host_set_state).
     */
    @Test
    void hostFunctionsCopyOnlyWhatTheyUse() {
        try (PluginSystem system = TestPlugins.system()) {
            PluginId id = system.loadPlugin(TestPlugins.wasm("host_functions_given_whole_memory"));
            long before = allocatedByAllThreads();
            PluginOutput out = system.executePlugin(id, PluginInput.of("{}"));
            long allocated = allocatedByAllThreads() - before;
            assertThat(out.data().toString()).isEqualTo("{\"log_invalid_level\":-60,\"log_over_cap\":30,\"get_long_key\":-30,"
                    + "\"set_long_key\":-60,\"set_over_cap\":-120}");
            // the instance's memory grows to 64 MiB once; 150 copies of it would be 9.4 GiB
            assertThat(allocated).as("bytes allocated by all threads during the execution").isLessThan(1L << 30);
        }
    }

    /** Bytes allocated so far by the JVM's live threads (a thread started since counts from its start). */
    private static long allocatedByAllThreads() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            sum += Math.max(bytes, 0);
        }
        return sum;
    }
}
