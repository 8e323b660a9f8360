package io.llmtestbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code llmtb inspect}, through the real jar. */
class InspectIT {

    @Test
    void wasmPluginAsJson() {
        var r = Llmtb.run("inspect", Llmtb.plugin("similarity-evaluator").toString(), "--format", "json");
        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode j = r.json();
        assertThat(j.path("valid").asBoolean()).isTrue();
        assertThat(j.path("format").asText()).isEqualTo("wasm");
        assertThat(j.path("id").asText()).isEqualTo("similarity-evaluator");
        JsonNode m = j.path("metadata");
        assertThat(m.path("name").asText()).isEqualTo("similarity-evaluator");
        assertThat(m.path("plugin_type").asText()).isEqualTo("evaluator");
        assertThat(m.path("api_version").asText()).isEqualTo("1.0");
        assertThat(j.path("abi").path("ok").asBoolean()).isTrue();

        assertThat(signature(j.path("exports"), "plugin_execute")).isEqualTo("(func (param i32 i32 i32 i32) (result i32))");
        assertThat(signature(j.path("exports"), "plugin_shutdown")).isEqualTo("(func (result i32))");
        assertThat(signature(j.path("exports"), "memory")).startsWith("(memory ");
        assertThat(j.path("imports")).hasSize(1);
        assertThat(j.path("imports").get(0).path("module").asText()).isEqualTo("env");
        assertThat(j.path("imports").get(0).path("name").asText()).isEqualTo("host_log");
        assertThat(j.path("imports").get(0).path("signature").asText()).isEqualTo("(func (param i32 i32 i32) (result i32))");

        JsonNode p = j.path("permissions");
        assertThat(p.path("required")).isEmpty();
        assertThat(texts(p.path("host_functions"))).containsExactly("host_log");

        JsonNode s = j.path("size");
        assertThat(s.path("wasm_bytes").asLong()).isEqualTo(Llmtb.plugin("similarity-evaluator").toFile().length());
        assertThat(s.path("functions").path("imported").asInt()).isEqualTo(1);
        assertThat(s.path("functions").path("defined").asInt()).isPositive();
        assertThat(s.path("classes").asInt()).isPositive();
        assertThat(s.path("bytecode_bytes").asLong()).isPositive();

        JsonNode c = j.path("compiler");
        assertThat(c.path("stamp").asText()).startsWith("llmtb=").contains(";metering=on;");
        assertThat(c.path("metering").asBoolean()).isTrue();
        assertThat(c.path("matches_this_runtime").asBoolean()).isTrue();
        assertThat(j.path("interpreted_functions").isArray()).isTrue();
        JsonNode large = j.path("large_methods");
        assertThat(large.path("huge_method_limit").asInt()).isEqualTo(8000);
        assertThat(large.path("note").asText()).contains("never JIT-compiles");
        for (JsonNode method : large.path("methods")) {
            assertThat(method.path("bytecode_bytes").asInt()).isGreaterThan(8000);
        }
    }

    @Test
    void textFormatShowsEverySection() {
        var r = Llmtb.run("inspect", Llmtb.plugin("similarity-evaluator").toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("Valid:        yes", "similarity-evaluator 1.0.0 (evaluator)", "Exports (",
                "plugin_execute", "(func (param i32 i32 i32 i32) (result i32))", "env.host_log", "Permissions: none required",
                "Size:", "Compiler:", "llmtb=", "Interpreted functions", "HugeMethodLimit", "never JIT-compiles");
    }

    @Test
    void aFunctionTooLargeForOneMethodIsSplitSoNothingIsInterpretedOrTooLargeForTheJit() {
        var r = Llmtb.run("inspect", Llmtb.plugin("huge_function").toString(), "--format", "json");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().path("interpreted_functions").isArray()).isTrue();
        assertThat(r.json().path("interpreted_functions").size()).isZero();
        assertThat(r.json().path("large_methods").path("methods").size()).isZero();
        assertThat(r.json().path("split_functions").size()).as("the huge function is compiled as several methods").isPositive();
        assertThat(r.json().path("split_functions").get(0).path("methods").asInt()).isGreaterThan(1);
        assertThat(r.json().path("name_section").asBoolean()).as("wat2wasm writes no names by default").isFalse();
        assertThat(r.json().path("function_names").isEmpty()).isTrue();
    }

    /**
     * With a name section (an unstripped build), inspect names the functions it reports, Rust's mangled names
     * demangled; without one it says to inspect an unstripped build.
     */
    @Test
    void functionsAreNamedFromTheNameSection() throws Exception {
        Path plain = Llmtb.plugin("huge_function");
        byte[] wasm = java.nio.file.Files.readAllBytes(plain);
        int huge = Llmtb.run("inspect", plain.toString(), "--format", "json").json().path("split_functions").get(0).path("wasm_function").asInt();
        // a "name" custom section naming the huge function as rustc would (legacy mangling, with its hash)
        var names = new java.io.ByteArrayOutputStream();
        byte[] symbol = "_ZN9my_plugin6kernel17h0123456789abcdefE".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        names.write(1); // one function name
        uleb(names, huge);
        uleb(names, symbol.length);
        names.write(symbol);
        var content = new java.io.ByteArrayOutputStream();
        content.write(4);
        content.write("name".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        content.write(1); // subsection 1: function names
        uleb(content, names.size());
        names.writeTo(content);
        var module = new java.io.ByteArrayOutputStream();
        module.write(wasm);
        module.write(0); // a custom section, at the end of the module
        uleb(module, content.size());
        content.writeTo(module);
        Path named = Llmtb.work("inspect-names").resolve("huge_function_named.wasm");
        java.nio.file.Files.write(named, module.toByteArray());

        var r = Llmtb.run("inspect", named.toString(), "--format", "json");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().path("name_section").asBoolean()).isTrue();
        assertThat(r.json().path("function_names").path(Integer.toString(huge)).asText()).isEqualTo("my_plugin::kernel");
        var text = Llmtb.run("inspect", named.toString());
        assertThat(text.stdout()).contains(huge + " (my_plugin::kernel)").doesNotContain("unstripped");

        var unnamed = Llmtb.run("inspect", plain.toString());
        assertThat(unnamed.stdout()).contains("no function names", "inspect an unstripped build");
    }

    private static void uleb(java.io.ByteArrayOutputStream out, int value) {
        do {
            int b = value & 0x7f;
            value >>>= 7;
            out.write(value != 0 ? b | 0x80 : b);
        } while (value != 0);
    }

    @Test
    void wasiImportsShowTheWasiRequirement() {
        var r = Llmtb.run("inspect", Llmtb.plugin("wasi_without_permission").toString(), "--format", "json");
        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode p = r.json().path("permissions");
        assertThat(texts(p.path("required"))).contains("wasi");
        assertThat(texts(p.path("wasi_functions"))).contains("fd_write");
        assertThat(r.json().path("imports").get(0).path("module").asText()).isEqualTo("wasi_snapshot_preview1");
    }

    @Test
    void aNetworkPluginNeedsAllowHost() {
        String config = "{\"base_url\":\"https://api.example.com/v1\",\"model\":\"m\"}";
        var r = Llmtb.run("inspect", Llmtb.plugin("openai-provider").toString(), "--format", "json", "--config", config);
        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode p = r.json().path("permissions");
        assertThat(texts(p.path("required"))).containsExactly("network");
        assertThat(p.path("network").asBoolean()).isTrue();
        assertThat(texts(p.path("host_functions"))).contains("host_http_request", "host_http_response");
        assertThat(p.path("notes").toString()).contains("--allow-host", "PERMISSION_DENIED");
        assertThat(r.json().path("metadata").path("api_version").asText()).isEqualTo("1.1");

        var text = Llmtb.run("inspect", Llmtb.plugin("openai-provider").toString(), "--config", config);
        assertThat(text.stdout()).contains("Permissions: network");

        // without a config its plugin_init fails: invalid, but the ABI check (before instantiation) passed
        var noConfig = Llmtb.run("inspect", Llmtb.plugin("openai-provider").toString(), "--format", "json");
        assertThat(noConfig.exit()).as(noConfig.toString()).isEqualTo(1);
        assertThat(noConfig.json().path("valid").asBoolean()).isFalse();
        assertThat(noConfig.json().path("abi").path("ok").asBoolean()).isTrue();
        assertThat(texts(noConfig.json().path("permissions").path("required"))).containsExactly("network");
    }

    @Test
    void wasiStdoutIsDocumentedAsLogged() {
        var r = Llmtb.run("inspect", Llmtb.plugin("fs-probe").toString(), "--format", "json");
        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode p = r.json().path("permissions");
        assertThat(texts(p.path("required"))).contains("wasi", "filesystem", "env");
        assertThat(p.path("notes").toString()).contains("plugin's logger", "--allow-dir", ":ro").doesNotContain("discarded");
    }

    @Test
    void invalidPluginExits1WithThePreciseReason() {
        var r = Llmtb.run("inspect", Llmtb.plugin("missing_export_execute").toString(), "--format", "json");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        JsonNode j = r.json();
        assertThat(j.path("valid").asBoolean()).isFalse();
        assertThat(j.path("error").path("kind").asText()).isEqualTo("INVALID_PLUGIN");
        String reason = "missing export `plugin_execute` (expected: (func (param i32 i32 i32 i32) (result i32)))";
        assertThat(j.path("error").path("message").asText()).contains(reason);
        assertThat(j.path("abi").path("ok").asBoolean()).isFalse();
        assertThat(j.path("exports").size()).as("still lists what it does export").isPositive();
        assertThat(r.stderr()).contains(reason);

        var text = Llmtb.run("inspect", Llmtb.plugin("incompatible_api_version").toString());
        assertThat(text.exit()).isEqualTo(1);
        assertThat(text.stdout()).contains("Valid:        NO: ", "incompatible api_version 2.0");
    }

    @Test
    void malformedModuleExits1() {
        Path bad = Llmtb.work("inspect").resolve("garbage.wasm");
        try {
            java.nio.file.Files.write(bad, new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0, 1, 5});
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        var r = Llmtb.run("inspect", bad.toString(), "--format", "json");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.json().path("error").path("message").asText()).contains("garbage.wasm", "malformed");
    }

    @Test
    void pluginJarWithSeveralPlugins() {
        Path jar = Llmtb.work("inspect").resolve("two.jar");
        var c = Llmtb.run("compile", Llmtb.plugin("echo").toString(), Llmtb.plugin("threshold-filter").toString(), "-o", jar.toString());
        assertThat(c.exit()).as(c.toString()).isZero();

        var all = Llmtb.run("inspect", jar.toString(), "--format", "json");
        assertThat(all.exit()).as(all.toString()).isZero();
        assertThat(all.json().path("plugins")).hasSize(2);
        List<String> ids = new ArrayList<>();
        all.json().path("plugins").forEach(p -> ids.add(p.path("id").asText()));
        assertThat(ids).containsExactly("echo", "threshold-filter");
        JsonNode filter = all.json().path("plugins").get(1);
        assertThat(filter.path("format").asText()).isEqualTo("jar");
        assertThat(filter.path("metadata").path("plugin_type").asText()).isEqualTo("filter");
        // the jar holds metered code, and its module.wasm is the original module: metering is in the classes
        assertThat(filter.path("compiler").path("metering").asBoolean()).isTrue();
        assertThat(filter.path("size").path("functions").has("metering_functions_not_counted")).isFalse();

        var one = Llmtb.run("inspect", jar.toString(), "--id", "echo", "--format", "json");
        assertThat(one.exit()).as(one.toString()).isZero();
        assertThat(one.json().path("metadata").path("name").asText()).isEqualTo("echo");

        var missing = Llmtb.run("inspect", jar.toString(), "--id", "nope");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.stderr()).contains("no plugin 'nope'");
    }

    @Test
    void functionCountsOfAModuleAndOfItsCompiledJarAgree() {
        Path jar = Llmtb.work("inspect").resolve("threshold-filter.jar");
        var c = Llmtb.run("compile", Llmtb.plugin("threshold-filter").toString(), "-o", jar.toString());
        assertThat(c.exit()).as(c.toString()).isZero();
        var fromWasm = Llmtb.run("inspect", Llmtb.plugin("threshold-filter").toString(), "--format", "json").json();
        var fromJar = Llmtb.run("inspect", jar.toString(), "--format", "json").json();
        assertThat(fromJar.path("size").path("functions").path("defined").asInt())
                .isEqualTo(fromWasm.path("size").path("functions").path("defined").asInt());
        assertThat(fromJar.path("exports")).isEqualTo(fromWasm.path("exports"));
        assertThat(fromJar.path("imports")).isEqualTo(fromWasm.path("imports"));
        assertThat(fromJar.path("compiler").path("stamp")).isEqualTo(fromWasm.path("compiler").path("stamp"));
    }

    private static String signature(JsonNode exports, String name) {
        for (JsonNode e : exports) {
            if (e.path("name").asText().equals(name)) {
                return e.path("signature").asText();
            }
        }
        throw new AssertionError("no export " + name + " in " + exports);
    }

    private static List<String> texts(JsonNode arr) {
        List<String> out = new ArrayList<>();
        arr.forEach(x -> out.add(x.asText()));
        return out;
    }
}
