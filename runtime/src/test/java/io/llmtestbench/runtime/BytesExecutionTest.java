package io.llmtestbench.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link PluginSystem#executePluginBytes}: input and context handed over byte for byte, the output returned as the
 * plugin wrote it (checked as {@code executePlugin} checks it: {@code internal.OutputCheckTest}), failures the same.
 */
class BytesExecutionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static PluginSystem system;
    private static PluginId echo;

    @BeforeAll
    static void start() {
        system = TestPlugins.system(ResourceLimits.builder().maxExecutionTimeMs(10_000).maxInstructions(50_000_000).build());
        echo = system.loadPlugin(TestPlugins.wasm("echo"));
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void outputBytesAreThePluginsOwnAndMeasured() throws Exception {
        byte[] in = utf8("{\"text\": \"Grüße\",  \"n\": 1.50e1}"); // spacing and a number form that a tree would change
        PluginBytesOutput out = system.executePluginBytes(echo, in, null);
        assertThat(out.data()).isEqualTo(in);
        assertThat(out.json()).isEqualTo(JSON.readTree(in));
        assertThat(out.metadata().fuelUsed()).isPositive()
                .isEqualTo(system.executePluginBytes(echo, in, null).metadata().fuelUsed());
        assertThat(out.metadata().metrics()).containsEntry("input_bytes", in.length).containsEntry("output_bytes", in.length);
    }

    @Test
    void contextIsHandedOverAsGiven() throws Exception {
        PluginId probe = system.loadPlugin(TestPlugins.wasm("host_functions_probe"));
        String context = "{\"record_id\":\"rec-7\", \"line\": 3}";
        JsonNode r = system.executePluginBytes(probe, utf8("{}"), utf8(context)).json();
        assertThat(r.path("context")).isEqualTo(JSON.readTree(context));
        assertThat(r.path("context_len").asInt()).isEqualTo(utf8(context).length);
        assertThat(system.executePluginBytes(probe, utf8("{}"), null).json().path("context_len").asInt()).isEqualTo(-1);
    }

    @Test
    void outputThatBreaksTheContractIsRefusedAndTheInstanceGoesOn() {
        for (String bad : new String[] {"{\"a\": 1} trailing", "", "{\"a\": "}) {
            assertThatThrownBy(() -> system.executePluginBytes(echo, utf8(bad), null))
                    .isInstanceOfSatisfying(PluginException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_OUTPUT))
                    .hasMessageStartingWith("Plugin 'echo' returned output that is not valid JSON: ");
        }
        assertThatThrownBy(() -> system.executePluginBytes(echo, new byte[] {'"', (byte) 0xC3, '"'}, null))
                .hasMessage("Plugin 'echo' returned output that is not valid UTF-8 (3 bytes)");
        assertThat(system.executePluginBytes(echo, utf8("[1]"), null).data()).isEqualTo(utf8("[1]"));
    }

    @Test
    void failuresAreTheSameTypedErrors() {
        PluginId trap = system.loadPlugin(TestPlugins.wasm("trap_unreachable"));
        PluginId code = system.loadPlugin(TestPlugins.wasm("returns_error_code"));
        PluginId badJson = system.loadPlugin(TestPlugins.wasm("invalid_json_output"));
        for (PluginId id : new PluginId[] {trap, code, badJson}) {
            Throwable viaTree = catchThrowable(() -> system.executePlugin(id, PluginInput.of("{\"text\":\"x\"}")));
            assertThat(viaTree).isNotNull();
            assertThatThrownBy(() -> system.executePluginBytes(id, utf8("{\"text\":\"x\"}"), null))
                    .isExactlyInstanceOf(viaTree.getClass()).hasMessage(viaTree.getMessage());
        }
        system.unloadPlugin(code);
        assertThatThrownBy(() -> system.executePluginBytes(code, utf8("{}"), null))
                .isInstanceOfSatisfying(PluginException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_LOADED));
    }
}
