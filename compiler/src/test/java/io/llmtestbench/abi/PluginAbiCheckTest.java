package io.llmtestbench.abi;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.wasm.Parser;
import io.llmtestbench.abi.AbiProblem.Kind;
import io.llmtestbench.abi.AbiProblem.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link PluginAbi#check}: the structural ABI rules, shared by the runtime and the build tools. */
class PluginAbiCheckTest {

    static List<AbiProblem> check(byte[] wasm) {
        return PluginAbi.check(Parser.parse(wasm));
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = PluginAbiCheckTest.class.getResourceAsStream("/wasm/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void reportsEveryProblemNamingTheExportOrImport() throws Exception {
        List<AbiProblem> problems = check(resource("abi_every_problem.wasm"));
        assertThat(problems).extracting(AbiProblem::severity, AbiProblem::kind, AbiProblem::subject).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Severity.ERROR, Kind.MEMORY, "memory"),
                org.assertj.core.groups.Tuple.tuple(Severity.ERROR, Kind.MISTYPED_EXPORT, "plugin_free"),
                org.assertj.core.groups.Tuple.tuple(Severity.ERROR, Kind.MISSING_EXPORT, "plugin_execute"),
                org.assertj.core.groups.Tuple.tuple(Severity.ERROR, Kind.UNKNOWN_IMPORT, "env.host_launch_missiles"),
                org.assertj.core.groups.Tuple.tuple(Severity.ERROR, Kind.MISTYPED_IMPORT, "env.host_log"),
                org.assertj.core.groups.Tuple.tuple(Severity.ERROR, Kind.UNKNOWN_IMPORT, "other.thing"),
                org.assertj.core.groups.Tuple.tuple(Severity.ERROR, Kind.UNKNOWN_IMPORT, "env.table"),
                org.assertj.core.groups.Tuple.tuple(Severity.ERROR, Kind.UNKNOWN_IMPORT, "env.memory"),
                org.assertj.core.groups.Tuple.tuple(Severity.WARNING, Kind.START_EXPORT, "_start"));
        assertThat(problems).extracting(AbiProblem::message).containsExactly(
                "export `memory` is an imported memory; a plugin must define its own memory",
                "export `plugin_free` has signature (func (param i32)) (expected: (func (param i32 i32)))",
                "missing export `plugin_execute` (expected: (func (param i32 i32 i32 i32) (result i32)))",
                "unknown import `env.host_launch_missiles`; the host provides host_log, host_current_time_ms, host_random,"
                        + " host_set_state, host_get_state, host_get_context, host_http_request, host_http_response,"
                        + " host_compare_and_set_state",
                "import `env.host_log` has signature (func (param i32 i32) (result i32)) (expected: (func (param i32 i32 i32) (result i32)))",
                "unknown import `other.thing`; plugins may import from \"env\" and \"wasi_snapshot_preview1\" only",
                "imports table `env.table`; plugins may import only host functions from \"env\" (and WASI when enabled)",
                "imports memory `env.memory`; plugins may import only host functions from \"env\" (and WASI when enabled)",
                problems.get(8).message());
        assertThat(problems.get(8).message()).contains("`_start`", "never runs", "-mexec-model=reactor");
        assertThat(problems.get(8).isError()).isFalse();
    }

    @Test
    void aModuleWithoutMemoryOrExportsMissesAllOfThem() {
        List<AbiProblem> problems = check(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        assertThat(problems).extracting(AbiProblem::subject).containsExactly("memory", "plugin_alloc", "plugin_free",
                "plugin_metadata", "plugin_init", "plugin_execute", "plugin_shutdown");
        assertThat(problems.get(0).message())
                .isEqualTo("missing export `memory` (expected: the module's own linear memory, exported as \"memory\")");
    }

    /** A plugin whose every required export is right, with {@code extra} added to the module. */
    static String plugin(String extra) {
        return "(module (memory (export \"memory\") 1)"
                + " (func (export \"plugin_alloc\") (param i32) (result i32) (i32.const 0))"
                + " (func (export \"plugin_free\") (param i32 i32))"
                + " (func (export \"plugin_metadata\") (param i32 i32) (result i32) (i32.const 0))"
                + " (func (export \"plugin_init\") (param i32 i32) (result i32) (i32.const 0))"
                + " (func (export \"plugin_execute\") (param i32 i32 i32 i32) (result i32) (i32.const 0))"
                + " (func (export \"plugin_shutdown\") (result i32) (i32.const 0)) " + extra + ")";
    }

    static byte[] wat2wasm(String wat, String... flags) throws Exception {
        Path dir = Files.createTempDirectory("abi-check");
        try {
            Files.writeString(dir.resolve("m.wat"), wat);
            List<String> command = new java.util.ArrayList<>(List.of("wat2wasm", "m.wat", "-o", "m.wasm"));
            command.addAll(List.of(flags));
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as("wat2wasm (wabt; install it): %s", log).isZero();
            return Files.readAllBytes(dir.resolve("m.wasm"));
        } finally {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    @Test
    void aPluginHasExactlyOneMemory() throws Exception {
        // with a second memory the runtime read and wrote another memory than the exported one: plugin_alloc's
        // pointers were checked against the wrong size and the host's buffers landed in the wrong memory
        assertThat(check(wat2wasm(plugin("(memory 1)"), "--enable-multi-memory")))
                .extracting(AbiProblem::kind, AbiProblem::subject, AbiProblem::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Kind.MEMORY, "memory", "the module has 2 memories;"
                        + " a plugin has exactly one linear memory, exported as \"memory\" (multiple memories are not part"
                        + " of plugin ABI 1.x)"));
        assertThat(check(wat2wasm(plugin("")))).isEmpty();
    }

    @Test
    void anExportedInitializeMustTakeAndReturnNothing() throws Exception {
        // the host calls _initialize with no arguments: a mistyped one failed at load with a trap, or with a Java
        // exception's text when it was a re-exported host function
        assertThat(check(wat2wasm(plugin("(func (export \"_initialize\") (param i32))"))))
                .extracting(AbiProblem::kind, AbiProblem::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Kind.MISTYPED_EXPORT,
                        "export `_initialize` has signature (func (param i32)) (expected: (func))"));
        String reexportedHostLog = plugin("(export \"_initialize\" (func $log))").replace("(module ",
                "(module (import \"env\" \"host_log\" (func $log (param i32 i32 i32) (result i32))) ");
        assertThat(check(wat2wasm(reexportedHostLog))).extracting(AbiProblem::message)
                .containsExactly("export `_initialize` has signature (func (param i32 i32 i32) (result i32)) (expected: (func))");
        assertThat(check(wat2wasm(plugin("(global (export \"_initialize\") i32 (i32.const 0))"))))
                .extracting(AbiProblem::kind, AbiProblem::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Kind.MISTYPED_EXPORT, "export `_initialize` is a global,"
                        + " not a function (expected: (func); the host calls it before anything else when it is exported)"));
        assertThat(check(wat2wasm(plugin("(func (export \"_initialize\"))")))).isEmpty();
    }

    /** A module of only an import section: {@code count} imports of {@code module.name} with the given type. */
    static byte[] imports(int count, String module, String name, int params) {
        var types = new java.io.ByteArrayOutputStream();
        types.write(1);
        types.write(0x60);
        types.write(params);
        for (int i = 0; i < params; i++) {
            types.write(0x7f);
        }
        types.write(1);
        types.write(0x7f);
        var one = new java.io.ByteArrayOutputStream();
        for (String s : new String[] {module, name}) {
            one.write(s.length());
            one.writeBytes(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        one.write(0x00); // a function
        one.write(0x00); // of type 0
        var section = new java.io.ByteArrayOutputStream();
        leb(section, count);
        for (int i = 0; i < count; i++) {
            section.writeBytes(one.toByteArray());
        }
        var out = new java.io.ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00});
        out.write(1);
        leb(out, types.size());
        out.writeBytes(types.toByteArray());
        out.write(2);
        leb(out, section.size());
        out.writeBytes(section.toByteArray());
        return out.toByteArray();
    }

    private static void leb(java.io.ByteArrayOutputStream out, long value) {
        do {
            int b = (int) (value & 0x7f);
            value >>>= 7;
            out.write(value == 0 ? b : b | 0x80);
        } while (value != 0);
    }

    @Test
    void aRepeatedImportIsOneProblemNamingHowOftenItIsImported() {
        // 20,000 imports of host_log: one problem, not 20,000 (Chicory's linker would spend the square of it)
        List<AbiProblem> errors = check(imports(20_000, "env", "host_log", 3)).stream()
                .filter(p -> p.kind() == Kind.DUPLICATE_IMPORT || p.kind() == Kind.UNKNOWN_IMPORT || p.kind() == Kind.MISTYPED_IMPORT)
                .toList();
        assertThat(errors).extracting(AbiProblem::kind, AbiProblem::subject)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Kind.DUPLICATE_IMPORT, "env.host_log"));
        assertThat(errors.get(0).message()).isEqualTo(
                "imports `env.host_log` 20000 times; a plugin imports each function once (one import serves every call)");
        // a repeated unknown or mistyped import: reported as repeated and, once, as what else is wrong with it
        assertThat(check(imports(3, "env", "host_nope", 1))).filteredOn(AbiProblem::isError)
                .extracting(AbiProblem::kind, AbiProblem::subject).contains(
                        org.assertj.core.groups.Tuple.tuple(Kind.DUPLICATE_IMPORT, "env.host_nope"),
                        org.assertj.core.groups.Tuple.tuple(Kind.UNKNOWN_IMPORT, "env.host_nope"))
                .filteredOn(t -> t.toList().get(0) == Kind.UNKNOWN_IMPORT).hasSize(1);
        assertThat(check(imports(2, "env", "host_log", 2))).filteredOn(AbiProblem::isError)
                .extracting(AbiProblem::kind).containsOnlyOnce(Kind.DUPLICATE_IMPORT, Kind.MISTYPED_IMPORT);
        // once is fine
        assertThat(check(imports(1, "env", "host_log", 3))).filteredOn(p -> p.subject().startsWith("env.")).isEmpty();
    }

    static Stream<Path> testPlugins() throws IOException {
        Path dir = Path.of(System.getProperty("llmtb.testplugins.dir", "../test-plugins/wasm"));
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".wasm")).sorted().toList().stream();
        }
    }

    /** The test plugins that break the structural rules on purpose, and how. */
    static final Map<String, String> BROKEN = Map.of(
            "missing_export_execute.wasm", "missing export `plugin_execute` (expected: (func (param i32 i32 i32 i32) (result i32)))",
            "mistyped_export_execute.wasm", "export `plugin_execute` has signature",
            "unknown_import.wasm", "unknown import `env.",
            "duplicate_imports.wasm", "imports `env.host_log` 3 times; a plugin imports each function once");

    @ParameterizedTest
    @MethodSource("testPlugins")
    void everyTestPluginPassesUnlessBrokenOnPurpose(Path plugin) throws Exception {
        List<AbiProblem> errors = check(Files.readAllBytes(plugin)).stream().filter(AbiProblem::isError).toList();
        String name = plugin.getFileName().toString();
        if (BROKEN.containsKey(name)) {
            assertThat(errors).singleElement().extracting(AbiProblem::message).asString().startsWith(BROKEN.get(name));
        } else {
            assertThat(errors).as(name).isEmpty();
        }
    }

    @Test
    void apiVersionProblemIsTheLoadRuleForTheDeclaredVersionAndTheImports() {
        assertThat(PluginAbi.apiVersionProblem("1.0", List.of("host_log"))).isEmpty();
        assertThat(PluginAbi.apiVersionProblem("1", List.of())).isEmpty();
        assertThat(PluginAbi.apiVersionProblem("1.0.0", List.of())).isEmpty(); // the original guide's form: patch ignored
        assertThat(PluginAbi.apiVersionProblem("1.0.7", List.of(PluginAbi.HOST_HTTP_REQUEST))).isPresent();
        assertThat(PluginAbi.apiVersionProblem(PluginAbi.VERSION, List.of(PluginAbi.HOST_HTTP_REQUEST))).isEmpty();
        assertThat(PluginAbi.apiVersionProblem(null, List.of())).hasValue(
                "api_version is missing (this host implements plugin ABI " + PluginAbi.VERSION + ")");
        assertThat(PluginAbi.apiVersionProblem("v1", List.of())).hasValueSatisfying(p -> assertThat(p)
                .startsWith("api_version \"v1\" is not a version"));
        assertThat(PluginAbi.apiVersionProblem("2.0", List.of())).hasValueSatisfying(p -> assertThat(p)
                .startsWith("incompatible api_version 2.0: this host implements plugin ABI " + PluginAbi.VERSION));
        assertThat(PluginAbi.apiVersionProblem("1." + (PluginAbi.MINOR + 1), List.of())).hasValueSatisfying(p -> assertThat(p)
                .startsWith("incompatible api_version"));
        assertThat(PluginAbi.apiVersionProblem("1.0", List.of("host_log", PluginAbi.HOST_HTTP_REQUEST))).hasValue(
                "api_version 1.0 is too old for the import `env.host_http_request`, which needs plugin ABI 1.1");
        // 1.2 added host_compare_and_set_state: declared by 1.2, refused with 1.1
        assertThat(PluginAbi.apiVersionProblem("1.2", List.of(PluginAbi.HOST_COMPARE_AND_SET_STATE, PluginAbi.HOST_HTTP_REQUEST))).isEmpty();
        assertThat(PluginAbi.apiVersionProblem("1.1", List.of(PluginAbi.HOST_COMPARE_AND_SET_STATE))).hasValue(
                "api_version 1.1 is too old for the import `env.host_compare_and_set_state`, which needs plugin ABI 1.2");
    }
}
