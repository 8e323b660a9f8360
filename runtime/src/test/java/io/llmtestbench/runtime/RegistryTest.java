package io.llmtestbench.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.compiler.PluginArtifact;
import io.llmtestbench.compiler.WasmCompiler;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery in plugin directories and on the class path, the index, version ranges, loading by name, load-time validation. */
class RegistryTest {
    @TempDir
    Path tmp;

    private Path pluginDir(String... plugins) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("plugins"));
        for (String p : plugins) {
            Files.copy(TestPlugins.wasm(p), dir.resolve(p + ".wasm"));
        }
        return dir;
    }

    private static PluginSystem system(Path... dirs) {
        return PluginSystem.builder().cacheDir(null).pluginDirs(List.of(dirs)).scanClasspath(false).build();
    }

    /** The same module with a custom section appended: same metadata, different SHA-256. */
    static byte[] variant(byte[] wasm, String note) throws Exception {
        byte[] name = "note".getBytes(StandardCharsets.UTF_8);
        byte[] payload = note.getBytes(StandardCharsets.UTF_8);
        var out = new ByteArrayOutputStream();
        out.write(wasm);
        out.write(0); // custom section
        out.write(1 + name.length + payload.length); // size (LEB128, < 128 here)
        out.write(name.length);
        out.write(name);
        out.write(payload);
        return out.toByteArray();
    }

    @Test
    void discoversWasmFilesAndIndexesByNameVersionTypeAndCapability() throws Exception {
        Path dir = pluginDir("echo", "similarity-evaluator", "threshold-filter", "reload_v1", "reload_v2");
        Files.writeString(dir.resolve("README.txt"), "not a plugin, and not looked at");
        try (PluginSystem system = system(dir)) {
            Discovery found = system.discover();
            assertThat(found.problems()).isEmpty();
            assertThat(found.plugins()).extracting(d -> d.name() + "@" + d.version()).containsExactly(
                    "echo@1.0.0", "reload@2.0.0", "reload@1.0.0", "similarity-evaluator@1.0.0", "threshold-filter@1.0.0");
            PluginDescriptor sim = system.findPlugin("similarity-evaluator").orElseThrow();
            assertThat(sim.source()).isEqualTo(dir.resolve("similarity-evaluator.wasm").toString());
            assertThat(sim.artifactId()).isNull();
            assertThat(sim.sha256()).isEqualTo(WasmCompiler.sha256(Files.readAllBytes(dir.resolve("similarity-evaluator.wasm"))));
            assertThat(sim.wasmSha256()).isEqualTo(sim.sha256());
            assertThat(sim.signedBy()).isNull();

            assertThat(system.findPlugin("reload").orElseThrow().version()).isEqualTo("2.0.0");
            assertThat(system.findPlugin("reload", "^1").orElseThrow().version()).isEqualTo("1.0.0");
            assertThat(system.findPlugin("reload", "~2.0.0").orElseThrow().version()).isEqualTo("2.0.0");
            assertThat(system.findPlugin("reload", ">=1.0.0 <2")).map(PluginDescriptor::version).contains("1.0.0");
            assertThat(system.findPlugin("reload", "=1.0.0")).map(PluginDescriptor::version).contains("1.0.0");
            assertThat(system.findPlugin("reload", "^3")).isEmpty();
            assertThat(system.findPlugin("nothing-like-it")).isEmpty();
            assertThatThrownBy(() -> system.findPlugin("reload", "latest")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("bad version range 'latest'");

            assertThat(system.findPlugins(PluginType.EVALUATOR)).extracting(PluginDescriptor::name).containsExactly("similarity-evaluator");
            assertThat(system.findPlugins(PluginType.FILTER)).extracting(PluginDescriptor::name).containsExactly("threshold-filter");
            assertThat(system.findPlugins(PluginType.PROVIDER)).isEmpty();
            assertThat(system.findPluginsWithCapability("similarity")).extracting(PluginDescriptor::name).containsExactly("similarity-evaluator");
            assertThat(system.findPluginsWithCapability("test")).extracting(d -> d.name() + "@" + d.version())
                    .containsExactly("reload@2.0.0", "reload@1.0.0");

            // discovery loads nothing
            assertThat(system.listPlugins()).isEmpty();
        }
    }

    @Test
    void loadsByNameTheNewestCompatibleVersionAndExecutesByName() throws Exception {
        Path dir = pluginDir("reload_v1", "reload_v2", "threshold-filter");
        try (PluginSystem system = system(dir)) {
            // nothing discovered yet: loadPlugin(name) discovers first
            PluginId newest = system.loadPlugin("reload");
            assertThat(newest.version()).isEqualTo("2.0.0");
            assertThat(system.describePlugin(newest).source()).isEqualTo(dir.resolve("reload_v2.wasm"));
            assertThat(system.executePlugin("reload", PluginInput.of("{}")).data().path("version").asText()).isEqualTo("2.0.0");
            system.unloadPlugin(newest);

            PluginId older = system.loadPlugin("reload", "^1.0", LoadOptions.defaults());
            assertThat(older.version()).isEqualTo("1.0.0");
            assertThat(system.executePluginAsync("reload", PluginInput.of("{}")).get().data().path("version").asText()).isEqualTo("1.0.0");

            PluginId filter = system.loadPlugin("threshold-filter", null, LoadOptions.builder()
                    .config(new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"min_score\": 0.7}")).build());
            assertThat(system.executePlugin(filter, PluginInput.of("{\"text\":\"t\",\"scores\":{\"s\":0.5}}")).data().path("keep").asBoolean())
                    .isFalse();

            assertThatThrownBy(() -> system.loadPlugin("reload", "^3", LoadOptions.defaults()))
                    .isInstanceOfSatisfying(PluginLoadException.class, e -> assertThat(e.stage()).isEqualTo(PluginLoadException.Stage.UNREADABLE))
                    .hasMessageContaining("no plugin named 'reload' in version range '^3' was discovered")
                    .hasMessageContaining("versions found: 2.0.0, 1.0.0");
            assertThatThrownBy(() -> system.loadPlugin("absent"))
                    .isInstanceOf(PluginLoadException.class).hasMessageContaining("no plugin named 'absent'").hasMessageContaining(dir.toString());
        }
    }

    @Test
    void reloadByNameTakesTheNewestDiscoveredVersionWithTheCurrentOptions() throws Exception {
        Path dir = pluginDir("reload_v1");
        var limits = ResourceLimits.builder().maxInstructions(12_345_678).build();
        try (PluginSystem system = system(dir)) {
            assertThatThrownBy(() -> system.reloadPlugin("reload")).hasMessageContaining("no version of plugin 'reload' is loaded");
            PluginId v1 = system.loadPlugin("reload", null, LoadOptions.builder().limits(limits).build());
            Files.copy(TestPlugins.wasm("reload_v2"), dir.resolve("reload_v2.wasm"));
            PluginId v2 = system.reloadPlugin("reload");
            assertThat(v2.version()).isEqualTo("2.0.0");
            assertThat(system.describePlugin(v2).limits()).isEqualTo(limits);
            assertThat(system.listPlugins()).containsExactly(v2).doesNotContain(v1);
            assertThat(system.findPlugin("reload").orElseThrow().version()).isEqualTo("2.0.0");
        }
    }

    @Test
    void aFileChangedSinceDiscoveryIsNotLoadedByName() throws Exception {
        Path dir = pluginDir("reload_v1");
        try (PluginSystem system = system(dir)) {
            system.discover();
            Path file = dir.resolve("reload_v1.wasm");
            Files.write(file, variant(Files.readAllBytes(file), "changed"));
            assertThatThrownBy(() -> system.loadPlugin("reload"))
                    .isInstanceOfSatisfying(PluginLoadException.class, e -> assertThat(e.stage()).isEqualTo(PluginLoadException.Stage.UNTRUSTED))
                    .hasMessageContaining("changed since it was discovered").hasMessageContaining("call discover() again");
            system.discover();
            assertThat(system.loadPlugin("reload").version()).isEqualTo("1.0.0");
        }
    }

    @Test
    void twoPluginsClaimingOneNameAndVersionWithDifferentContentAreRefusedNamingBoth() throws Exception {
        Path dir = pluginDir("reload_v1", "reload_v2");
        Path twin = dir.resolve("reload_v1_patched.wasm");
        Files.write(twin, variant(Files.readAllBytes(dir.resolve("reload_v1.wasm")), "patched"));
        Files.copy(dir.resolve("reload_v2.wasm"), dir.resolve("reload_v2_copy.wasm")); // same content twice: fine
        try (PluginSystem system = system(dir)) {
            Discovery found = system.discover();
            assertThat(found.problems()).singleElement().satisfies(e -> {
                assertThat(e.stage()).isEqualTo(PluginLoadException.Stage.CONFLICTING);
                assertThat(e.getMessage()).contains("two plugins claim reload@1.0.0 with different content",
                        dir.resolve("reload_v1.wasm").toString(), twin.toString());
            });
            assertThat(found.plugins()).extracting(d -> d.name() + "@" + d.version()).containsExactly("reload@2.0.0");
            assertThat(system.findPlugin("reload").orElseThrow().source()).isEqualTo(dir.resolve("reload_v2.wasm").toString());
            assertThatThrownBy(() -> system.findPlugin("reload", "^1"))
                    .isInstanceOfSatisfying(PluginLoadException.class, e -> assertThat(e.stage()).isEqualTo(PluginLoadException.Stage.CONFLICTING));
            assertThatThrownBy(() -> system.loadPlugin("reload", "1.0.0", LoadOptions.defaults()))
                    .isInstanceOf(PluginLoadException.class).hasMessageContaining(twin.toString());

            // loading both side by side by path is refused too, naming both
            PluginId first = system.loadPlugin(dir.resolve("reload_v1.wasm"));
            assertThatThrownBy(() -> system.loadPlugin(twin))
                    .isInstanceOfSatisfying(PluginLoadException.class, e -> assertThat(e.stage()).isEqualTo(PluginLoadException.Stage.CONFLICTING))
                    .hasMessageContaining("reload@1.0.0 is already loaded").hasMessageContaining(dir.resolve("reload_v1.wasm").toString())
                    .hasMessageContaining(twin.toString()).hasMessageContaining("reloadPlugin");
            assertThat(system.listPlugins()).containsExactly(first);
            // the same content twice is not a conflict, and a reload replaces
            system.loadPlugin(dir.resolve("reload_v1.wasm"));
            PluginId replaced = system.reloadPlugin(twin, LoadOptions.defaults());
            assertThat(system.listPlugins()).containsExactly(replaced);
        }
    }

    @Test
    void discoversPrecompiledJarsInDirectoriesAndReportsBadCandidatesWithoutFailing() throws Exception {
        Path dir = pluginDir("echo", "missing_export_execute");
        var module = WasmCompiler.compile(Files.readAllBytes(TestPlugins.wasm("threshold-filter")), CompilerOptions.defaults());
        try (OutputStream out = Files.newOutputStream(dir.resolve("filters.jar"))) {
            PluginArtifact.writeJar(out, List.of(PluginArtifact.Entry.of("threshold-filter", "threshold-filter.wasm", module)));
        }
        Files.writeString(dir.resolve("notes.wasm"), "(module)");
        Files.write(dir.resolve("broken.jar"), new byte[] {'P', 'K', 3, 4, 0, 0});
        try (PluginSystem system = system(dir, tmp.resolve("no-such-dir"))) {
            Discovery found = system.discover();
            assertThat(found.plugins()).extracting(PluginDescriptor::name).containsExactly("echo", "threshold-filter");
            PluginDescriptor filter = system.findPlugin("threshold-filter").orElseThrow();
            assertThat(filter.artifactId()).isEqualTo("threshold-filter");
            assertThat(filter.source()).isEqualTo(dir.resolve("filters.jar").toString());
            assertThat(filter.wasmSha256()).isEqualTo(WasmCompiler.sha256(Files.readAllBytes(TestPlugins.wasm("threshold-filter"))));
            assertThat(filter.sha256()).isNotEqualTo(filter.wasmSha256()); // the manifest's digest
            assertThat(system.describePlugin(system.loadPlugin("threshold-filter")).origin()).isEqualTo("jar");

            assertThat(found.problems()).extracting(PluginLoadException::stage).containsExactlyInAnyOrder(
                    PluginLoadException.Stage.UNREADABLE, PluginLoadException.Stage.UNLINKABLE,
                    PluginLoadException.Stage.UNREADABLE, PluginLoadException.Stage.UNREADABLE);
            assertThat(found.problems()).extracting(Throwable::getMessage).anySatisfy(m -> assertThat(m)
                    .contains(dir.resolve("missing_export_execute.wasm").toString(), "missing export `plugin_execute`"));
            assertThat(found.problems()).extracting(Throwable::getMessage).anySatisfy(m -> assertThat(m)
                    .contains("notes.wasm", "WebAssembly text (WAT)", "wat2wasm"));
            assertThat(found.problems()).extracting(Throwable::getMessage).anySatisfy(m -> assertThat(m).contains("broken.jar"));
            assertThat(found.problems()).extracting(Throwable::getMessage).anySatisfy(m -> assertThat(m).contains("no-such-dir"));
        }
    }

    @Test
    void discoversPrecompiledPluginsOnTheClassPath() throws Exception {
        try (PluginSystem system = PluginSystem.builder().cacheDir(null).build()) {
            Discovery found = system.discover();
            // the test-plugins module (a jar, or its target/classes) is on the test class path
            PluginDescriptor sim = system.findPlugin("similarity-evaluator").orElseThrow();
            assertThat(sim.artifactId()).isEqualTo("similarity-evaluator");
            assertThat(sim.source()).contains("test-plugins");
            assertThat(system.findPlugin("reload").orElseThrow().version()).isEqualTo("2.0.0");
            assertThat(found.plugins()).extracting(PluginDescriptor::name).contains("echo", "canned-provider", "text-normalizer");
            // the deliberately broken ones are reported, naming the artifact and the plugin
            assertThat(found.problems()).anySatisfy(e -> {
                assertThat(e.stage()).isEqualTo(PluginLoadException.Stage.UNLINKABLE);
                assertThat(e.getMessage()).contains("(plugin missing_export_execute)", "missing export `plugin_execute`");
            });
            assertThat(found.problems()).anySatisfy(e -> assertThat(e.stage()).isEqualTo(PluginLoadException.Stage.UNINSTANTIABLE));

            PluginId id = system.loadPlugin("similarity-evaluator");
            assertThat(system.describePlugin(id).origin()).isEqualTo("jar");
            assertThat(system.executePlugin("similarity-evaluator", PluginInput.of("{\"text\":\"Paris\",\"expected\":\"Paris\"}"))
                    .data().path("score").asDouble()).isEqualTo(1.0);

            // a second discovery reuses what the first read
            long start = System.nanoTime();
            Discovery again = system.discover();
            assertThat(again.plugins()).isEqualTo(found.plugins());
            assertThat(java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(30_000);
        }
        // and none of it without the class path
        try (PluginSystem system = system()) {
            assertThat(system.discover().plugins()).isEmpty();
        }
    }

    @Test
    void loadRefusalsTellThePluginAuthorWhatToDo() throws Exception {
        Path empty = Files.write(tmp.resolve("empty.wasm"), new byte[0]);
        Path wat = Files.writeString(tmp.resolve("plugin.wasm"), ";; my plugin\n(module)");
        Path elf = Files.write(tmp.resolve("plugin.so"), new byte[] {0x7f, 'E', 'L', 'F', 2, 1});
        try (PluginSystem system = system()) {
            assertThatThrownBy(() -> system.loadPlugin(empty)).hasMessage("Failed to load WASM module: empty.wasm: the file is empty;"
                    + " expected a WebAssembly module (.wasm) or a pre-compiled plugin jar");
            assertThatThrownBy(() -> system.loadPlugin(wat)).hasMessageContaining("this is WebAssembly text (WAT), not a binary module")
                    .hasMessageContaining("wat2wasm plugin.wat -o plugin.wasm");
            assertThatThrownBy(() -> system.loadPlugin(elf)).hasMessageContaining("not a WebAssembly module (no \\0asm header)")
                    .hasMessageContaining("starts with bytes 7f 45 4c 46");
            assertThatThrownBy(() -> system.loadPlugin(tmp.resolve("absent.wasm")))
                    .isInstanceOfSatisfying(PluginLoadException.class, e -> assertThat(e.stage()).isEqualTo(PluginLoadException.Stage.UNREADABLE))
                    .hasMessageContaining("no such file");
            assertThatThrownBy(() -> system.loadPlugin(TestPlugins.wasm("missing_export_execute")))
                    .hasMessageContaining("missing export `plugin_execute` (expected: (func (param i32 i32 i32 i32) (result i32)))");
        }
    }
}
