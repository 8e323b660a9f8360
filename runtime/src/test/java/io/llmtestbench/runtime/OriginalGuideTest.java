package io.llmtestbench.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import io.llmtestbench.abi.PluginAbi;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Plugins written by the original "Plugin System Guide" load and run as written (issue #11; the differences
 * a porter still meets are listed in docs/plugin-authors-guide.md, "Coming from the original guide").
 */
class OriginalGuideTest {
    private static PluginSystem system;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        system = TestPlugins.system(ResourceLimits.builder().maxExecutionTimeMs(10_000).maxInstructions(50_000_000).build());
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    // ---- the guide's own example (test-plugins/rust/guide-example) --------------------------------------

    @Test
    void theGuidesExampleLoadsWithItsMetadataAsWritten() {
        PluginId id = system.loadPlugin(TestPlugins.wasm("guide-example"));
        PluginMetadata m = system.getMetadata(id);
        assertThat(m.name()).isEqualTo("guide-example");
        assertThat(m.version()).isEqualTo("1.0.0");
        assertThat(m.apiVersion()).as("declared as the guide says, patch and all").isEqualTo("1.0.0");
        assertThat(m.pluginType()).as("serde's default spelling of the guide's enum, \"Evaluator\"").isEqualTo(PluginType.EVALUATOR);
        assertThat(m.capabilities()).containsExactly("sentiment");
        system.unloadPlugin(id);
    }

    @Test
    void theGuidesExampleRunsOnAValidInput() {
        PluginId id = system.loadPlugin(TestPlugins.wasm("guide-example"));
        // the guide's Quick Start input
        PluginOutput out = system.executePlugin(id, PluginInput.of("{\"text\": \"Hello, world!\", \"expected\": \"greeting\"}"));
        assertThat(out.data().path("score").asDouble()).isEqualTo(0.5);
        assertThat(out.data().path("sentiment").asText()).isEqualTo("neutral");
        out = system.executePlugin(id, PluginInput.of("{\"text\": \"a good and great day, nothing bad\"}"));
        assertThat(out.data().path("sentiment").asText()).isEqualTo("positive");
        system.unloadPlugin(id);
    }

    @Test
    void theGuidesErrorReturnsGiveACleanPluginErrorWithoutGarbageAndTheInstanceStaysHealthy() {
        PluginId id = system.loadPlugin(TestPlugins.wasm("guide-example"));
        for (int i = 0; i < 3; i++) {
            // "Validate Input": serde fails, `return RESULT_INVALID_INPUT;` without writing the length cell
            assertThatThrownBy(() -> system.executePlugin(id, PluginInput.of("{\"txt\": \"no text field\"}")))
                    .isInstanceOfSatisfying(PluginExecutionException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.PLUGIN_ERROR);
                        assertThat(e.resultCode()).isEqualTo(-2);
                    })
                    .hasMessage("Plugin 'guide-example' execution failed with code: -2 (RESULT_INVALID_INPUT)");
            // "Check input constraints": `return RESULT_ERROR;` for a text over MAX_TEXT_LENGTH
            assertThatThrownBy(() -> system.executePlugin(id, PluginInput.of("{\"text\": \"" + "x".repeat(10_001) + "\"}")))
                    .isInstanceOfSatisfying(PluginExecutionException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PLUGIN_ERROR))
                    .hasMessage("Plugin 'guide-example' execution failed with code: -1 (RESULT_ERROR)");
        }
        assertThat(system.executePlugin(id, PluginInput.of("{\"text\": \"sad\"}")).data().path("sentiment").asText()).isEqualTo("negative");
        system.unloadPlugin(id);
    }

    /** The guide's host functions and exports, with its usize/u32/pointer types read as wasm32 types, are ours. */
    @Test
    void theGuidesHostFunctionsAndExportsHaveOurSignatures() {
        ValType i32 = ValType.I32;
        assertThat(PluginAbi.HOST_FUNCTIONS).containsEntry("host_log", FunctionType.of(List.of(i32, i32, i32), List.of(i32)))
                .containsEntry("host_current_time_ms", FunctionType.of(List.of(), List.of(ValType.I64)))
                .containsEntry("host_random", FunctionType.of(List.of(i32), List.of(i32)))
                .containsEntry("host_set_state", FunctionType.of(List.of(i32, i32, i32, i32), List.of(i32)))
                .containsEntry("host_get_state", FunctionType.of(List.of(i32, i32, i32, i32), List.of(i32)));
        assertThat(PluginAbi.REQUIRED_EXPORTS).containsEntry("plugin_metadata", FunctionType.of(List.of(i32, i32), List.of(i32)))
                .containsEntry("plugin_init", FunctionType.of(List.of(i32, i32), List.of(i32)))
                .containsEntry("plugin_execute", FunctionType.of(List.of(i32, i32, i32, i32), List.of(i32)))
                .containsEntry("plugin_shutdown", FunctionType.of(List.of(), List.of(i32)))
                .containsEntry("plugin_alloc", FunctionType.of(List.of(i32), List.of(i32)))
                .containsEntry("plugin_free", FunctionType.of(List.of(i32, i32), List.of()));
        assertThat(List.of(PluginAbi.RESULT_OK, PluginAbi.RESULT_ERROR, PluginAbi.RESULT_INVALID_INPUT, PluginAbi.RESULT_TIMEOUT,
                PluginAbi.RESULT_OUT_OF_MEMORY)).containsExactly(0, -1, -2, -3, -4);
    }

    // ---- metadata: every form of api_version, version and plugin_type -----------------------------------

    @ParameterizedTest(name = "api_version {0}")
    @CsvSource(delimiter = '|', value = {
        "'\"1.0.0\"'  | 1.0.0",
        "'\"1.0.7\"'  | 1.0.7",
        "'\"1.1.0\"'  | 1.1.0",
        "'\"1.0\"'    | 1.0",
        "'\"1.1\"'    | 1.1",
        "'\"1\"'      | 1",
        "'1'          | 1",
        "'1.0'        | 1.0",
        "'\"01.0\"'   | 01.0",
    })
    void acceptedApiVersionForms(String json, String declared) throws IOException {
        PluginId id = load(AbiModules.metadata("api-form", "\"1.0.0\"", json));
        assertThat(system.getMetadata(id).apiVersion()).isEqualTo(declared);
        assertThat(system.executePlugin(id, PluginInput.of("{\"ok\":1}")).data().path("ok").asInt()).isEqualTo(1);
        system.unloadPlugin(id);
    }

    @ParameterizedTest(name = "api_version {0}")
    @CsvSource(delimiter = '|', value = {
        "'\"1.3.0\"'       | incompatible api_version 1.3.0: this host implements plugin ABI 1.2",
        "'\"2.0.0\"'       | incompatible api_version 2.0.0",
        "'\"0.9\"'         | incompatible api_version 0.9",
        "'1.5'             | incompatible api_version 1.5",
        "'\"1.0.0-beta\"'  | metadata api_version \"1.0.0-beta\" is not an ABI version; expected \"MAJOR.MINOR\"",
        "'\"1.0.0.0\"'     | metadata api_version \"1.0.0.0\" is not an ABI version",
        "'\"v1\"'          | metadata api_version \"v1\" is not an ABI version",
        "'\"\"'            | metadata api_version \"\" is not an ABI version",
        "'-1'              | metadata api_version \"-1\" is not an ABI version",
        "'true'            | metadata field 'api_version' must be a string or a number, not boolean true",
        "'null'            | metadata field 'api_version' is missing; expected \"MAJOR.MINOR\" (e.g. \"1.2\"), \"MAJOR.MINOR.PATCH\" (the patch is ignored",
    })
    void refusedApiVersionsNameTheFieldAndTheAcceptedForms(String json, String message) throws IOException {
        Path file = write("api-refused", AbiModules.withMetadata(AbiModules.metadata("api-refused", "\"1.0.0\"", json)));
        assertThatThrownBy(() -> system.loadPlugin(file))
                .isInstanceOfSatisfying(PluginLoadException.class, e -> {
                    assertThat(e.stage()).isEqualTo(PluginLoadException.Stage.UNINSTANTIABLE);
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_PLUGIN);
                })
                .hasMessageStartingWith("Failed to load WASM module: api-refused")
                .hasMessageContaining(message);
    }

    @ParameterizedTest(name = "version {0}")
    @CsvSource({"1.0.0", "0.0.1", "10.20.30", "1.0.0-rc.1", "1.0.0-alpha-1.0", "1.0.0+build.5", "1.0.0-rc.1+sha.5114f85"})
    void acceptedVersions(String version) throws IOException {
        PluginId id = load(AbiModules.metadata("version-form", "\"" + version + "\"", "\"1.0\""));
        assertThat(system.getMetadata(id).version()).isEqualTo(version);
        assertThat(system.currentVersion("version-form")).contains(id);
        assertThat(system.executePlugin("version-form", PluginInput.of("{\"ok\":1}")).data().path("ok").asInt()).isEqualTo(1);
        system.unloadPlugin(id);
    }

    /**
     * A version the registry could not order used to pass the loose check, get published, and then throw an
     * IllegalArgumentException from the routing; now it is a load failure and nothing is published.
     */
    @ParameterizedTest(name = "version {0}")
    @CsvSource(delimiter = '|', value = {
        "'\"01.0.0\"'    | metadata version \"01.0.0\" is not a semantic version MAJOR.MINOR.PATCH",
        "'\"1.0.0-01\"'  | metadata version \"1.0.0-01\" is not a semantic version",
        "'\"1.0\"'       | metadata version \"1.0\" is not a semantic version",
        "'\"1.0.0 \"'    | metadata version \"1.0.0 \" is not a semantic version",
        "'\"v1.0.0\"'    | metadata version \"v1.0.0\" is not a semantic version",
        "'\"1.0.0-\"'    | metadata version \"1.0.0-\" is not a semantic version",
        "'\"\"'          | metadata version \"\" is not a semantic version",
        "'1'             | metadata field 'version' must be a string, not number 1; expected a semantic version",
        "'null'          | metadata field 'version' is missing; expected a semantic version MAJOR.MINOR.PATCH",
    })
    void refusedVersionsFailTheLoadAndPublishNothing(String json, String message) throws IOException {
        Path file = write("bad-version", AbiModules.withMetadata(AbiModules.metadata("bad-version", json, "\"1.0\"")));
        List<PluginId> before = system.listPlugins();
        assertThatThrownBy(() -> system.loadPlugin(file))
                .isInstanceOfSatisfying(PluginLoadException.class, e -> assertThat(e.stage()).isEqualTo(PluginLoadException.Stage.UNINSTANTIABLE))
                .hasMessageStartingWith("Failed to load WASM module: bad-version.wasm: ")
                .hasMessageContaining(message);
        assertThat(system.listPlugins()).isEqualTo(before);
        assertThat(system.currentVersion("bad-version")).isEmpty();
    }

    @Test
    void anOverlongVersionIsRefusedBeforeItIsParsed() throws IOException {
        Path file = write("long-version", AbiModules.withMetadata(
                AbiModules.metadata("long-version", "\"1.0.0-" + "1".repeat(20_000) + "!\"", "\"1.0\"")));
        assertThatThrownBy(() -> system.loadPlugin(file)).isInstanceOf(PluginLoadException.class)
                .hasMessageContaining("characters long; at most 256 are accepted");
    }

    @ParameterizedTest(name = "plugin_type {0}")
    @CsvSource({"evaluator, EVALUATOR", "Evaluator, EVALUATOR", "PROVIDER, PROVIDER", "Transform, TRANSFORM", "fIlTeR, FILTER"})
    void pluginTypeInAnyCase(String spelled, PluginType type) throws IOException {
        PluginId id = load("{\"name\":\"type-form\",\"version\":\"1.0.0\",\"plugin_type\":\"" + spelled + "\",\"api_version\":\"1.0.0\"}");
        assertThat(system.getMetadata(id).pluginType()).isEqualTo(type);
        system.unloadPlugin(id);
    }

    @Test
    void anUnknownPluginTypeIsRefusedListingTheTypes() throws IOException {
        Path file = write("bad-type", AbiModules.withMetadata(
                "{\"name\":\"bad-type\",\"version\":\"1.0.0\",\"plugin_type\":\"Scorer\",\"api_version\":\"1.0\"}"));
        assertThatThrownBy(() -> system.loadPlugin(file)).isInstanceOf(PluginLoadException.class)
                .hasMessageContaining("metadata plugin_type 'Scorer' must be one of evaluator, provider, transform, filter");
    }

    @Test
    void theGuidesMetadataStructWithEveryField() throws IOException {
        PluginId id = load("{\"name\":\"full\",\"version\":\"1.2.3\",\"description\":\"What it does\",\"author\":\"Author name\","
                + "\"plugin_type\":\"Filter\",\"capabilities\":[\"profanity\",\"dedup\"],\"api_version\":\"1.0.0\"}");
        PluginMetadata m = system.getMetadata(id);
        assertThat(m).isEqualTo(new PluginMetadata("full", "1.2.3", "What it does", "Author name", PluginType.FILTER,
                List.of("profanity", "dedup"), "1.0.0"));
        system.unloadPlugin(id);
    }

    // ---- error messages: the length cell on a non-zero code (docs/plugin-abi.md §6.2) ------------------

    @Test
    void aLengthCellStillHoldingTheCapacityMeansNoMessage() throws IOException {
        // the buffer is full of non-NUL bytes: before, ~1 KiB of them became the message
        PluginId id = load(AbiModules.failing("untouched", -2, new byte[0], null, 'x'));
        assertThatThrownBy(() -> system.executePlugin(id, PluginInput.of("{}")))
                .isInstanceOfSatisfying(PluginExecutionException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PLUGIN_ERROR))
                .hasMessage("Plugin 'untouched' execution failed with code: -2 (RESULT_INVALID_INPUT)");
        system.unloadPlugin(id);
    }

    @Test
    void aMessageEndsAtItsFirstNul() throws IOException {
        byte[] message = "input rejected\0garbage after the NUL".getBytes(StandardCharsets.UTF_8);
        PluginId id = load(AbiModules.failing("nul", -1, message, message.length, -1));
        assertThatThrownBy(() -> system.executePlugin(id, PluginInput.of("{}")))
                .hasMessage("Plugin 'nul' execution failed with code: -1 (RESULT_ERROR): input rejected");
        system.unloadPlugin(id);
    }

    @Test
    void aMessageThatIsNotUtf8IsReplacedByANote() throws IOException {
        byte[] message = {'b', 'a', 'd', (byte) 0xC3, 0x28, (byte) 0xFF};
        PluginId id = load(AbiModules.failing("not-utf8", -1, message, message.length, -1));
        assertThatThrownBy(() -> system.executePlugin(id, PluginInput.of("{}")))
                .hasMessage("Plugin 'not-utf8' execution failed with code: -1 (RESULT_ERROR): "
                        + "[the plugin's message is not shown: its 6 bytes are not valid UTF-8]");
        system.unloadPlugin(id);
    }

    @Test
    void aLongMessageIsCutAtOneKibBetweenCharacters() throws IOException {
        // 'a' then two-byte characters: the 1024-byte cut would fall inside one; it is left out whole
        byte[] message = ("a" + "é".repeat(1000)).getBytes(StandardCharsets.UTF_8);
        PluginId id = load(AbiModules.failing("long-message", -1, message, message.length, -1));
        assertThatThrownBy(() -> system.executePlugin(id, PluginInput.of("{}")))
                .hasMessage("Plugin 'long-message' execution failed with code: -1 (RESULT_ERROR): a" + "é".repeat(511) + "…");
        system.unloadPlugin(id);
    }

    @Test
    void aMessageOfZeroBytesOrAboveTheCapacityIsNone() throws IOException {
        byte[] message = "not shown".getBytes(StandardCharsets.UTF_8);
        PluginId zero = load(AbiModules.failing("zero-length", -1, message, 0, -1));
        assertThatThrownBy(() -> system.executePlugin(zero, PluginInput.of("{}")))
                .hasMessage("Plugin 'zero-length' execution failed with code: -1 (RESULT_ERROR)");
        PluginId above = load(AbiModules.failing("above-capacity", -1, message, 65537, -1));
        assertThatThrownBy(() -> system.executePlugin(above, PluginInput.of("{}")))
                .hasMessage("Plugin 'above-capacity' execution failed with code: -1 (RESULT_ERROR)");
        system.unloadPlugin(zero);
        system.unloadPlugin(above);
    }

    @Test
    void pluginReportedTimeoutAndOutOfMemoryKeepTheirKinds() throws IOException {
        PluginId timeout = load(AbiModules.failing("gave-up", -3, new byte[0], null, -1));
        assertThatThrownBy(() -> system.executePlugin(timeout, PluginInput.of("{}")))
                .isInstanceOfSatisfying(PluginException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.TIMEOUT))
                .hasMessage("Plugin 'gave-up' execution failed with code: -3 (RESULT_TIMEOUT)");
        PluginId oom = load(AbiModules.failing("no-memory", -4, new byte[0], null, -1));
        assertThatThrownBy(() -> system.executePlugin(oom, PluginInput.of("{}")))
                .isInstanceOfSatisfying(PluginException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.MEMORY_LIMIT))
                .hasMessageStartingWith("Plugin 'no-memory' execution failed with code: -4 (RESULT_OUT_OF_MEMORY) [plugin reported out of memory");
        system.unloadPlugin(timeout);
        system.unloadPlugin(oom);
    }

    private PluginId load(String metadataJson) throws IOException {
        return load(AbiModules.withMetadata(metadataJson));
    }

    private PluginId load(byte[] wasm) throws IOException {
        return system.loadPlugin(write("plugin-" + System.nanoTime(), wasm));
    }

    private Path write(String name, byte[] wasm) throws IOException {
        Path file = tmp.resolve(name + ".wasm");
        Files.write(file, wasm);
        return file;
    }
}
