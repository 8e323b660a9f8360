package io.llmtestbench.runtime;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Failure messages say what happened in the plugin's own words and what to do about it (issue #19): the reason a
 * plugin gave for failing its start-up.
 */
class ActionableMessagesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static PluginSystem system;

    @BeforeAll
    static void start() {
        system = TestPlugins.system();
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    private static LoadOptions config(String json) throws Exception {
        return LoadOptions.builder().config(JSON.readTree(json)).build();
    }

    @Test
    void aFailingPluginInitShowsTheErrorThePluginLogged() throws Exception {
        // plugin_init has no output buffer: the Rust PDK logs the reason at error level, and the host shows that line
        assertThatThrownBy(() -> system.loadPlugin(TestPlugins.wasm("similarity-evaluator"), config("{\"threshold\": 2}")))
                .isInstanceOf(PluginLoadException.class)
                .hasMessage("Failed to load WASM module: similarity-evaluator: plugin_init failed with code: -2 (RESULT_INVALID_INPUT): "
                        + "invalid config: threshold 2 is not in [0, 1]");
        assertThatThrownBy(() -> system.loadPlugin(TestPlugins.wasm("threshold-filter"), config("{\"require\": \"most\"}")))
                .hasMessageStartingWith("Failed to load WASM module: threshold-filter: plugin_init failed with code: -2 "
                        + "(RESULT_INVALID_INPUT): invalid config: unknown variant `most`, expected `all` or `any`");
    }

    @Test
    void aFailingPluginInitThatLoggedNothingShowsTheCodeOnly() throws Exception {
        // text-normalizer rejects a bad option without logging
        assertThatThrownBy(() -> system.loadPlugin(TestPlugins.wasm("text-normalizer"), config("{\"lowercase\": 3}")))
                .hasMessage("Failed to load WASM module: text-normalizer: plugin_init failed with code: -2 (RESULT_INVALID_INPUT)");
    }
}
