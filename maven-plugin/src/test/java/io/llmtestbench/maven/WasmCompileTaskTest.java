package io.llmtestbench.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmtestbench.compiler.PluginArtifact;
import io.llmtestbench.compiler.WasmCompiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WasmCompileTaskTest {
    @TempDir
    Path project;

    Path wasmDir;
    Path classes;
    Path generated;
    CapturingLog log;
    boolean failOnMissingSources = false;
    String pluginVersion = "1.0-test";
    BuildFiles files = BuildFiles.plain();
    MetadataProbe probe = MetadataProbe.defaults();

    List<String> includes = List.of();
    List<String> excludes = List.of();
    List<PluginMapping> mappings = new ArrayList<>();
    boolean metering = true;
    boolean failOnWarning = false;
    boolean force = false;

    @BeforeEach
    void setUp() {
        wasmDir = project.resolve("src/main/wasm");
        classes = project.resolve("target/classes");
        generated = project.resolve("target/generated-resources/llmtb");
        log = new CapturingLog();
    }

    WasmCompileTask.Result run() throws Exception {
        log = new CapturingLog();
        var settings = new WasmCompileTask.Settings(project, wasmDir, failOnMissingSources, includes, excludes, mappings, metering,
                failOnWarning, force, generated, classes, project.resolve("target/llmtb-wasm-compile"), pluginVersion);
        return new WasmCompileTask(settings, log, files, probe).run();
    }

    void write(String rel, byte[] bytes) throws IOException {
        Path p = wasmDir.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.write(p, bytes);
    }

    List<String> index() throws IOException {
        var node = new ObjectMapper().readTree(classes.resolve(PluginArtifact.INDEX).toFile());
        List<String> ids = new ArrayList<>();
        node.path("plugins").forEach(n -> ids.add(n.asText()));
        return ids;
    }

    List<PluginArtifact.Entry> readBack() throws IOException {
        return PluginArtifact.read(path -> {
            try {
                Path p = classes.resolve(path);
                return Files.isRegularFile(p) ? Files.readAllBytes(p) : null;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, classes.toString());
    }

    /** Every regular file under target/classes with its last-modified time. */
    Map<String, FileTime> outputTimes() throws IOException {
        Map<String, FileTime> times = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(classes)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                times.put(classes.relativize(p).toString(), Files.getLastModifiedTime(p));
            }
        }
        return times;
    }

    void ageOutputs() throws IOException {
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        try (Stream<Path> walk = Files.walk(classes)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(p, old);
            }
        }
    }

    @Test
    void compilesEveryModuleIntoOneArtifact() throws Exception {
        write("alpha.wasm", TestWasm.plugin(1));
        write("nested/Beta Plugin.wasm", TestWasm.plugin(2));
        write("nested/mapped.wasm", TestWasm.plugin(3));
        mappings.add(new PluginMapping("mapped.wasm", "my-id", "com.acme.MyPlugin"));

        var result = run();

        assertThat(result.compiled()).containsExactly("alpha", "beta-plugin", "my-id");
        assertThat(index()).containsExactly("alpha", "beta-plugin", "my-id");
        var entries = readBack(); // checks each class and module.wasm against its SHA-256
        assertThat(entries).extracting(PluginArtifact.Entry::id).containsExactly("alpha", "beta-plugin", "my-id");
        var mapped = entries.get(2);
        assertThat(mapped.mainClass()).isEqualTo("com.acme.MyPlugin");
        assertThat(mapped.sourceName()).isEqualTo("nested/mapped.wasm");
        assertThat(mapped.stamp().metering()).isTrue();
        assertThat(classes.resolve("com/acme/MyPlugin.class")).isRegularFile();
        // Default class name: derived from the module's SHA-256.
        String sha = WasmCompiler.sha256(TestWasm.plugin(1));
        assertThat(entries.get(0).mainClass()).isEqualTo("llmtb.gen.m" + sha.substring(0, 16) + ".Module");
        assertThat(classes.resolve("META-INF/llmtb/plugins/alpha/plugin.json")).isRegularFile();
        assertThat(classes.resolve("META-INF/llmtb/plugins/alpha/module.wasm")).isRegularFile();
        assertThat(classes.resolve("META-INF/llmtb/plugins/alpha/source.wasm")).isRegularFile();
        assertThat(entries.get(0).stamp().wasmSha256()).isEqualTo(sha);
    }

    @Test
    void meteringCanBeTurnedOff() throws Exception {
        write("a.wasm", TestWasm.plugin(1));
        metering = false;
        run();
        var entry = readBack().get(0);
        assertThat(entry.stamp().metering()).isFalse();
        assertThat(entry.wasm()).isEqualTo(TestWasm.plugin(1)); // nothing injected
    }

    @Test
    void secondRunIsUpToDateAndRewritesNothing() throws Exception {
        write("a.wasm", TestWasm.plugin(1));
        write("b.wasm", TestWasm.plugin(2));
        var first = run();
        assertThat(first.compiled()).containsExactly("a", "b");
        assertThat(first.filesWritten()).isGreaterThan(4);
        ageOutputs();
        var before = outputTimes();

        var second = run();

        assertThat(second.compiled()).isEmpty();
        assertThat(second.upToDate()).containsExactly("a", "b");
        assertThat(second.filesWritten()).isZero();
        assertThat(outputTimes()).isEqualTo(before);
        assertThat(log.at("INFO")).contains("2 module(s) up to date, not recompiled: a.wasm, b.wasm");
    }

    @Test
    void onlyTheChangedModuleIsRecompiledAndItsOldClassesGo() throws Exception {
        write("a.wasm", TestWasm.plugin(1));
        write("b.wasm", TestWasm.plugin(2));
        run();
        String oldMain = readBack().get(0).mainClass();
        ageOutputs();
        Path bClass = classes.resolve(readBack().get(1).mainClass().replace('.', '/') + ".class");
        FileTime bTime = Files.getLastModifiedTime(bClass);

        write("a.wasm", TestWasm.plugin(7));
        var result = run();

        assertThat(result.compiled()).containsExactly("a");
        assertThat(result.upToDate()).containsExactly("b");
        assertThat(result.filesDeleted()).isGreaterThan(0);
        assertThat(classes.resolve(oldMain.replace('.', '/') + ".class")).doesNotExist();
        assertThat(classes.resolve(oldMain.replace('.', '/')).getParent()).doesNotExist(); // emptied package dir pruned
        assertThat(Files.getLastModifiedTime(bClass)).isEqualTo(bTime);
        assertThat(readBack()).extracting(PluginArtifact.Entry::id).containsExactly("a", "b");
    }

    @Test
    void changedOptionsOrMappingRecompile() throws Exception {
        write("a.wasm", TestWasm.plugin(1));
        run();
        metering = false;
        assertThat(run().compiled()).containsExactly("a");
        mappings.add(new PluginMapping("a.wasm", "renamed", null));
        assertThat(run().compiled()).containsExactly("renamed");
        assertThat(index()).containsExactly("renamed");
        assertThat(classes.resolve("META-INF/llmtb/plugins/a")).doesNotExist();
        force = true;
        assertThat(run().compiled()).containsExactly("renamed");
    }

    @Test
    void removedModuleLeavesNoOutputs() throws Exception {
        write("a.wasm", TestWasm.plugin(1));
        write("b.wasm", TestWasm.plugin(2));
        run();
        Files.delete(wasmDir.resolve("b.wasm"));
        var result = run();
        assertThat(result.upToDate()).containsExactly("a");
        assertThat(index()).containsExactly("a");
        assertThat(classes.resolve("META-INF/llmtb/plugins/b")).doesNotExist();

        Files.delete(wasmDir.resolve("a.wasm"));
        run();
        assertThat(classes.resolve(PluginArtifact.INDEX)).doesNotExist();
        assertThat(outputTimes()).isEmpty();
    }

    @Test
    void missingOutputsAreRestoredFromTheCache() throws Exception {
        write("a.wasm", TestWasm.plugin(1));
        run();
        String main = readBack().get(0).mainClass();
        Files.delete(classes.resolve(main.replace('.', '/') + ".class"));
        var result = run();
        assertThat(result.upToDate()).containsExactly("a");
        assertThat(result.filesWritten()).isEqualTo(1);
        assertThat(readBack()).hasSize(1);
    }

    @Test
    void noWasmDirectoryIsNotAnErrorByDefault() throws Exception {
        var result = run();
        assertThat(result.compiled()).isEmpty();
        assertThat(log.at("INFO")).contains("No wasm modules to compile: src/main/wasm does not exist");
        assertThat(classes.resolve(PluginArtifact.INDEX)).doesNotExist();
    }

    @Test
    void failOnMissingSourcesFailsWhenTheDirectoryIsMissingOrMatchesNothing() throws Exception {
        failOnMissingSources = true;
        wasmDir = project.resolve("src/main/wsam");
        assertThatThrownBy(this::run).isInstanceOf(WasmCompileTask.Failure.class)
                .hasMessageStartingWith("No wasm modules to compile: src/main/wsam does not exist (failOnMissingSources");
        write("notes.txt", new byte[] {1});
        assertThatThrownBy(this::run).isInstanceOf(WasmCompileTask.Failure.class)
                .hasMessageStartingWith("No wasm modules to compile: no file in src/main/wsam matches [**/*.wasm]");
        write("a.wasm", TestWasm.plugin(1));
        assertThat(run().compiled()).containsExactly("a");
    }

    @Test
    void includesAndExcludes() throws Exception {
        write("a.wasm", TestWasm.plugin(1));
        write("sub/b.wasm", TestWasm.plugin(2));
        write("sub/broken-c.wasm", TestWasm.garbage());
        write("notes.txt", new byte[] {1});
        excludes = List.of("**/broken-*.wasm");
        assertThat(run().compiled()).containsExactly("a", "b");
        includes = List.of("*.wasm");
        excludes = List.of();
        assertThat(run().upToDate()).containsExactly("a");
        assertThat(index()).containsExactly("a");
    }

    @Test
    void malformedModuleFailsNamingTheFileAndTheReason() throws Exception {
        write("good.wasm", TestWasm.plugin(1));
        write("bad.wasm", TestWasm.garbage());
        assertThatThrownBy(this::run)
                .isInstanceOf(WasmCompileTask.Failure.class)
                .hasMessageContaining("src/main/wasm/bad.wasm")
                .hasMessageContaining("MALFORMED")
                .hasMessageContaining("malformed module");
        assertThat(classes.resolve(PluginArtifact.INDEX)).doesNotExist();
        // The good module was compiled and cached: fixing the bad one does not recompile it.
        Files.delete(wasmDir.resolve("bad.wasm"));
        assertThat(run().upToDate()).containsExactly("good");
    }

    @Test
    void invalidModuleFailsNamingTheFunction() throws Exception {
        write("bad.wasm", TestWasm.invalid());
        assertThatThrownBy(this::run)
                .hasMessageContaining("bad.wasm")
                .hasMessageContaining("INVALID")
                .hasMessageContaining("function 0");
    }

    @Test
    void everyFailingModuleIsReported() throws Exception {
        write("bad1.wasm", TestWasm.garbage());
        write("bad2.wasm", TestWasm.invalid());
        assertThatThrownBy(this::run).hasMessageContaining("2 wasm modules cannot be built into plugins")
                .hasMessageContaining("bad1.wasm").hasMessageContaining("bad2.wasm");
    }

    @Test
    void twoFilesWithTheSameIdFailNamingBoth() throws Exception {
        write("Foo.wasm", TestWasm.plugin(1));
        write("sub/foo.wasm", TestWasm.plugin(2));
        assertThatThrownBy(this::run)
                .isInstanceOf(WasmCompileTask.Failure.class)
                .hasMessageContaining("plugin id 'foo' is used by both src/main/wasm/Foo.wasm and src/main/wasm/sub/foo.wasm");
    }

    @Test
    void mappedIdClashingWithADefaultIdFails() throws Exception {
        write("a.wasm", TestWasm.plugin(1));
        write("b.wasm", TestWasm.plugin(2));
        mappings.add(new PluginMapping("b.wasm", "a", null));
        assertThatThrownBy(this::run).hasMessageContaining("plugin id 'a' is used by both")
                .hasMessageContaining("a.wasm").hasMessageContaining("b.wasm");
    }

    @Test
    void badMappingsFail() throws Exception {
        write("a.wasm", TestWasm.plugin(1));
        write("x/same.wasm", TestWasm.plugin(2));
        write("y/same.wasm", TestWasm.plugin(3));
        mappings.add(new PluginMapping("typo.wasm", "t", null));
        mappings.add(new PluginMapping("same.wasm", "s", null));
        mappings.add(new PluginMapping("a.wasm", "Not An Id", "1com.acme"));
        mappings.add(new PluginMapping("x/same.wasm", "s1", "com.acme.P"));
        mappings.add(new PluginMapping("y/same.wasm", "s2", "com.acme.P"));
        assertThatThrownBy(this::run)
                .hasMessageContaining("<plugin><file>typo.wasm</file> matches no input")
                .hasMessageContaining("<plugin><file>same.wasm</file> matches [x/same.wasm, y/same.wasm]")
                .hasMessageContaining("plugin id 'Not An Id' is not valid")
                .hasMessageContaining("className '1com.acme' is not a Java class name")
                .hasMessageContaining("className com.acme.P is configured for both");
    }

    @Test
    void functionsTooLargeForOneJitCompiledMethodAreSplitWithoutWarnings() throws Exception {
        // Over HotSpot's 8,000-byte HugeMethodLimit as one method, and over the JVM's 64 KiB limit: the compiler
        // splits both into parts, so nothing is left uncompiled by the JIT and there is nothing to warn about.
        failOnWarning = true;
        for (int repeats : new int[] {2_500, 17_000}) {
            write("big.wasm", TestWasm.withBigFunction(repeats));
            var result = run();
            assertThat(result.compiled()).as("%d statements", repeats).containsExactly("big");
            assertThat(result.warnings()).isEmpty();
            assertThat(log.at("WARNING")).isEmpty();
        }
    }

    @Test
    void damagedStateOrCacheOnlyCostsARecompile() throws Exception {
        write("a.wasm", TestWasm.plugin(1));
        run();
        Path state = project.resolve("target/llmtb-wasm-compile");
        try (Stream<Path> cached = Files.list(state.resolve("cache/a"))) {
            for (Path jar : cached.toList()) {
                Files.write(jar, new byte[] {1, 2, 3});
            }
        }
        assertThat(run().compiled()).containsExactly("a");
        Files.write(state.resolve("state.json"), "{not json".getBytes());
        assertThat(run().compiled()).containsExactly("a");
        assertThat(run().upToDate()).containsExactly("a");
    }

    // ---- 1. modules that are not plugins fail the build, naming the file and the export or import

    @Test
    void modulesThatAreNotPluginsFailNamingTheFileAndTheExportOrImport() throws Exception {
        write("good.wasm", TestWasm.plugin(1));
        write("no-execute.wasm", new TestWasm.Plugin().renameExport("plugin_execute", null).build());
        write("mistyped.wasm", new TestWasm.Plugin().mistypedFree().build());
        write("missiles.wasm", new TestWasm.Plugin().importFunction("env", "host_launch_missiles", "i:i").build());
        write("future.wasm", new TestWasm.Plugin().metadata(TestWasm.metadata("future", "2.0")).build());
        assertThatThrownBy(this::run).isInstanceOf(WasmCompileTask.Failure.class)
                .hasMessageStartingWith("4 wasm modules cannot be built into plugins:")
                .hasMessageContaining("src/main/wasm/no-execute.wasm: missing export `plugin_execute`"
                        + " (expected: (func (param i32 i32 i32 i32) (result i32)))")
                .hasMessageContaining("src/main/wasm/mistyped.wasm: export `plugin_free` has signature (func (param i32))"
                        + " (expected: (func (param i32 i32)))")
                .hasMessageContaining("src/main/wasm/missiles.wasm: unknown import `env.host_launch_missiles`; the host provides host_log,")
                .hasMessageContaining("src/main/wasm/future.wasm: metadata incompatible api_version 2.0: this host implements plugin ABI 1.2")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("good.wasm"));
        assertThat(log.at("ERROR")).hasSize(4);
        assertThat(classes.resolve(PluginArtifact.INDEX)).doesNotExist();
        assertThat(generated.resolve(PluginArtifact.INDEX)).doesNotExist();
    }

    @Test
    void apiVersionMustBeDeclaredAndCoverTheImports() throws Exception {
        write("none.wasm", new TestWasm.Plugin().metadata("{\"name\":\"none\",\"version\":\"1.0.0\",\"plugin_type\":\"filter\"}").build());
        write("http.wasm", new TestWasm.Plugin().metadata(TestWasm.metadata("http", "1.0"))
                .importFunction("env", "host_http_request", "iiii:i").build());
        write("garbled.wasm", new TestWasm.Plugin().metadata("not json").build());
        write("v1.wasm", new TestWasm.Plugin().metadata(TestWasm.metadata("v1", "v1")).build());
        assertThatThrownBy(this::run)
                .hasMessageContaining("none.wasm: metadata api_version is missing (this host implements plugin ABI 1.2)")
                .hasMessageContaining("http.wasm: metadata api_version 1.0 is too old for the import `env.host_http_request`, which needs plugin ABI 1.1")
                .hasMessageContaining("garbled.wasm: plugin_metadata returns invalid JSON")
                .hasMessageContaining("v1.wasm: metadata api_version \"v1\" is not a version");
        // the same import with api_version 1.1 is fine
        Files.delete(wasmDir.resolve("none.wasm"));
        Files.delete(wasmDir.resolve("garbled.wasm"));
        Files.delete(wasmDir.resolve("v1.wasm"));
        write("http.wasm", new TestWasm.Plugin().metadata(TestWasm.metadata("http", "1.1"))
                .importFunction("env", "host_http_request", "iiii:i").build());
        assertThat(run().compiled()).containsExactly("http");
    }

    @Test
    void whatTheBuildCannotRunIsANoteNotAFailure() throws Exception {
        probe = new MetadataProbe(1024, java.time.Duration.ofMillis(300));
        write("loops.wasm", new TestWasm.Plugin().metadataLoopsForever().build());
        write("clock.wasm", new TestWasm.Plugin().importFunction("env", "host_current_time_ms", ":I").metadataCallsImport(0).build());
        var result = run();
        assertThat(result.compiled()).containsExactly("clock", "loops");
        assertThat(result.warnings()).isEmpty();
        assertThat(log.at("INFO")).contains(
                "src/main/wasm/clock.wasm: api_version not checked at build time: plugin_metadata calls the import"
                        + " `env.host_current_time_ms`, which the build does not provide",
                "src/main/wasm/loops.wasm: api_version not checked at build time: did not finish within 300 ms in Chicory's"
                        + " interpreter at build time");
    }

    @Test
    void aMetadataFunctionThatFailsAtEveryLoadFailsTheBuild() throws Exception {
        write("error.wasm", new TestWasm.Plugin().metadataReturns(-1).build());
        write("trap.wasm", new TestWasm.Plugin().metadataTraps().build());
        assertThatThrownBy(this::run)
                .hasMessageContaining("src/main/wasm/error.wasm: plugin_metadata failed with code: -1 (RESULT_ERROR) when the module"
                        + " starts, so the runtime refuses it at every load")
                .hasMessageContaining("src/main/wasm/trap.wasm: plugin_metadata traps: ");
    }

    @Test
    void metadataLargerThanTheFirstBufferIsReadWithTheRetry() throws Exception {
        String description = "d".repeat(70_000);
        write("long.wasm", new TestWasm.Plugin().metadata("{\"name\":\"long\",\"version\":\"1.0.0\",\"plugin_type\":\"filter\","
                + "\"description\":\"" + description + "\",\"api_version\":\"3.0\"}").build());
        // read in full (after RESULT_BUFFER_TOO_SMALL and the retry), so its api_version is seen
        assertThatThrownBy(this::run).hasMessageContaining("long.wasm: metadata incompatible api_version 3.0");
    }

    @Test
    void checkAbiFalseBuildsAModuleTheRuntimeWillRefuseWithANote() throws Exception {
        write("unknown_import.wasm", new TestWasm.Plugin().importFunction("env", "host_launch_missiles", "i:i").build());
        mappings.add(new PluginMapping("unknown_import.wasm", null, null));
        mappings.get(0).setCheckAbi(false);
        assertThat(run().compiled()).containsExactly("unknown_import");
        assertThat(log.at("INFO")).anySatisfy(l -> assertThat(l).startsWith(
                "src/main/wasm/unknown_import.wasm: ABI check off (checkAbi=false); the runtime will refuse this module:"
                        + " unknown import `env.host_launch_missiles`"));
        assertThat(log.at("WARNING")).isEmpty();
        // Turning the check on again checks again (the cache is per setting).
        mappings.get(0).setCheckAbi(true);
        assertThatThrownBy(this::run).hasMessageContaining("unknown import `env.host_launch_missiles`");
    }

    // ---- 3. warnings only when they are news

    @Test
    void startExportIsAWarningWhenCompiledOnly() throws Exception {
        write("command.wasm", new TestWasm.Plugin().exportStart().build());
        var first = run();
        assertThat(first.warnings()).singleElement().asString().startsWith("src/main/wasm/command.wasm: exports `_start`");
        assertThat(log.at("WARNING")).hasSize(1);
        var second = run();
        assertThat(second.upToDate()).containsExactly("command");
        assertThat(log.at("WARNING")).isEmpty();
        failOnWarning = true;
        assertThatThrownBy(this::run).hasMessageStartingWith("1 warning(s) and failOnWarning is set:")
                .hasMessageContaining("command.wasm: exports `_start`");
        force = true;
        failOnWarning = false;
        run();
        assertThat(log.at("WARNING")).hasSize(1); // compiled again: news again
    }

    // ---- 5. what is counted, what is cached

    @Test
    void compilingCountsOnlyWhatIsCompiled() throws Exception {
        write("a.wasm", TestWasm.plugin(1));
        write("b.wasm", TestWasm.plugin(2));
        write("c.wasm", TestWasm.plugin(3));
        run();
        assertThat(log.at("INFO")).anySatisfy(l -> assertThat(l).startsWith("Compiling 3 wasm module(s) from src/main/wasm"));
        write("b.wasm", TestWasm.plugin(7));
        run();
        assertThat(log.at("INFO")).anySatisfy(l -> assertThat(l).startsWith("Compiling 1 wasm module(s) from src/main/wasm"));
        assertThat(log.at("INFO")).contains("2 module(s) up to date, not recompiled: a.wasm, c.wasm");
        run();
        assertThat(log.at("INFO")).noneSatisfy(l -> assertThat(l).startsWith("Compiling"));
    }

    @Test
    void togglingMeteringReusesTheEntryOfEachSetting() throws Exception {
        write("a.wasm", TestWasm.plugin(1));
        assertThat(run().compiled()).containsExactly("a");
        metering = false;
        assertThat(run().compiled()).containsExactly("a");
        assertThat(readBack().get(0).stamp().metering()).isFalse();
        metering = true;
        assertThat(run().upToDate()).containsExactly("a");
        assertThat(readBack().get(0).stamp().metering()).isTrue();
        metering = false;
        assertThat(run().upToDate()).containsExactly("a");
        // a changed module replaces its entry (one per id and setting), and a removed one drops them all
        write("a.wasm", TestWasm.plugin(2));
        assertThat(run().compiled()).containsExactly("a");
        try (Stream<Path> cached = Files.list(project.resolve("target/llmtb-wasm-compile/cache/a"))) {
            assertThat(cached.filter(p -> p.toString().endsWith(".jar")).count()).isEqualTo(2);
        }
        Files.delete(wasmDir.resolve("a.wasm"));
        write("b.wasm", TestWasm.plugin(3));
        run();
        assertThat(project.resolve("target/llmtb-wasm-compile/cache/a")).doesNotExist();
    }

    @Test
    void anotherPluginVersionRecompilesAndStillRemovesWhatTheOldOneWrote() throws Exception {
        write("a.wasm", TestWasm.plugin(1));
        write("b.wasm", TestWasm.plugin(2));
        run();
        pluginVersion = "2.0-test";
        Files.delete(wasmDir.resolve("b.wasm"));
        var result = run();
        assertThat(result.compiled()).containsExactly("a");
        assertThat(classes.resolve("META-INF/llmtb/plugins/b")).doesNotExist();
        assertThat(generated.resolve("META-INF/llmtb/plugins/b")).doesNotExist();
        assertThat(run().upToDate()).containsExactly("a");
    }

    // ---- 2. both output roots, and the IDE's BuildContext

    @Test
    void theArtifactIsWrittenIntoTheGeneratedDirectoryAndTheClassesAndKeptInSync() throws Exception {
        write("a.wasm", TestWasm.plugin(1));
        write("b.wasm", TestWasm.plugin(2));
        run();
        for (Path root : List.of(generated, classes)) {
            assertThat(root.resolve(PluginArtifact.INDEX)).content().contains("\"a\"", "\"b\"");
        }
        Files.delete(wasmDir.resolve("b.wasm"));
        run();
        for (Path root : List.of(generated, classes)) {
            assertThat(root.resolve("META-INF/llmtb/plugins/b")).doesNotExist();
            assertThat(root.resolve(PluginArtifact.INDEX)).content().doesNotContain("\"b\"");
        }
    }

    @Test
    void inAnIdeErrorsAndWarningsAreMarkersAndWritesAreRefreshed() throws Exception {
        var ide = new RecordingBuildContext();
        files = new BuildFiles(ide);
        write("command.wasm", new TestWasm.Plugin().exportStart().build());
        write("broken.wasm", new TestWasm.Plugin().renameExport("plugin_init", "init").build());
        assertThatThrownBy(this::run).hasMessageContaining("missing export `plugin_init`");
        assertThat(ide.messages).containsExactlyInAnyOrder(
                "ERROR " + wasmDir.resolve("broken.wasm") + ": missing export `plugin_init` (expected: (func (param i32 i32) (result i32)))",
                "WARNING " + wasmDir.resolve("command.wasm") + ": " + log.at("WARNING").get(0).substring(
                        "src/main/wasm/command.wasm: ".length()));
        Files.delete(wasmDir.resolve("broken.wasm"));
        ide.messages.clear();
        run();
        assertThat(ide.cleared).contains(wasmDir.resolve("broken.wasm").toFile(), wasmDir.resolve("command.wasm").toFile());
        assertThat(ide.written).contains(classes.resolve(PluginArtifact.INDEX).toFile(), generated.resolve(PluginArtifact.INDEX).toFile());
    }
}
