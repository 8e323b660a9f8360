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
    CapturingLog log;

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
        log = new CapturingLog();
    }

    WasmCompileTask.Result run() throws Exception {
        log = new CapturingLog();
        var settings = new WasmCompileTask.Settings(project, wasmDir, includes, excludes, mappings, metering, failOnWarning,
                force, classes, project.resolve("target/llmtb-wasm-compile"));
        return new WasmCompileTask(settings, log).run();
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
        write("alpha.wasm", TestWasm.small(1));
        write("nested/Beta Plugin.wasm", TestWasm.small(2));
        write("nested/mapped.wasm", TestWasm.small(3));
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
        String sha = WasmCompiler.sha256(TestWasm.small(1));
        assertThat(entries.get(0).mainClass()).isEqualTo("llmtb.gen.m" + sha.substring(0, 16) + ".Module");
        assertThat(classes.resolve("META-INF/llmtb/plugins/alpha/plugin.json")).isRegularFile();
        assertThat(classes.resolve("META-INF/llmtb/plugins/alpha/module.wasm")).isRegularFile();
        assertThat(entries.get(0).stamp().wasmSha256()).isEqualTo(sha);
    }

    @Test
    void meteringCanBeTurnedOff() throws Exception {
        write("a.wasm", TestWasm.small(1));
        metering = false;
        run();
        var entry = readBack().get(0);
        assertThat(entry.stamp().metering()).isFalse();
        assertThat(entry.wasm()).isEqualTo(TestWasm.small(1)); // nothing injected
    }

    @Test
    void secondRunIsUpToDateAndRewritesNothing() throws Exception {
        write("a.wasm", TestWasm.small(1));
        write("b.wasm", TestWasm.small(2));
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
        write("a.wasm", TestWasm.small(1));
        write("b.wasm", TestWasm.small(2));
        run();
        String oldMain = readBack().get(0).mainClass();
        ageOutputs();
        Path bClass = classes.resolve(readBack().get(1).mainClass().replace('.', '/') + ".class");
        FileTime bTime = Files.getLastModifiedTime(bClass);

        write("a.wasm", TestWasm.small(7));
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
        write("a.wasm", TestWasm.small(1));
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
        write("a.wasm", TestWasm.small(1));
        write("b.wasm", TestWasm.small(2));
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
        write("a.wasm", TestWasm.small(1));
        run();
        String main = readBack().get(0).mainClass();
        Files.delete(classes.resolve(main.replace('.', '/') + ".class"));
        var result = run();
        assertThat(result.upToDate()).containsExactly("a");
        assertThat(result.filesWritten()).isEqualTo(1);
        assertThat(readBack()).hasSize(1);
    }

    @Test
    void noWasmDirectoryIsNotAnError() throws Exception {
        var result = run();
        assertThat(result.compiled()).isEmpty();
        assertThat(log.all()).contains("no such directory");
        assertThat(classes.resolve(PluginArtifact.INDEX)).doesNotExist();
    }

    @Test
    void includesAndExcludes() throws Exception {
        write("a.wasm", TestWasm.small(1));
        write("sub/b.wasm", TestWasm.small(2));
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
        write("good.wasm", TestWasm.small(1));
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
        assertThatThrownBy(this::run).hasMessageContaining("2 wasm modules do not compile")
                .hasMessageContaining("bad1.wasm").hasMessageContaining("bad2.wasm");
    }

    @Test
    void twoFilesWithTheSameIdFailNamingBoth() throws Exception {
        write("Foo.wasm", TestWasm.small(1));
        write("sub/foo.wasm", TestWasm.small(2));
        assertThatThrownBy(this::run)
                .isInstanceOf(WasmCompileTask.Failure.class)
                .hasMessageContaining("plugin id 'foo' is used by both src/main/wasm/Foo.wasm and src/main/wasm/sub/foo.wasm");
    }

    @Test
    void mappedIdClashingWithADefaultIdFails() throws Exception {
        write("a.wasm", TestWasm.small(1));
        write("b.wasm", TestWasm.small(2));
        mappings.add(new PluginMapping("b.wasm", "a", null));
        assertThatThrownBy(this::run).hasMessageContaining("plugin id 'a' is used by both")
                .hasMessageContaining("a.wasm").hasMessageContaining("b.wasm");
    }

    @Test
    void badMappingsFail() throws Exception {
        write("a.wasm", TestWasm.small(1));
        write("x/same.wasm", TestWasm.small(2));
        write("y/same.wasm", TestWasm.small(3));
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
    void hugeMethodsAreWarnedAbout() throws Exception {
        write("big.wasm", TestWasm.withBigFunction(2_500));
        var result = run();
        assertThat(result.warnings()).hasSize(1);
        assertThat(log.at("WARNING")).singleElement().asString()
                .contains("src/main/wasm/big.wasm", "function 1 \"big\"", "bytes of bytecode", "HugeMethodLimit (8000 bytes)")
                .containsPattern("with \\d{5} bytes of bytecode");
        // Warned again when up to date.
        var again = run();
        assertThat(again.upToDate()).containsExactly("big");
        assertThat(log.at("WARNING")).hasSize(1);

        failOnWarning = true;
        assertThatThrownBy(this::run).isInstanceOf(WasmCompileTask.Failure.class)
                .hasMessageContaining("failOnWarning").hasMessageContaining("big.wasm");
    }

    @Test
    void interpreterFallbackIsWarnedAbout() throws Exception {
        write("huge.wasm", TestWasm.withBigFunction(17_000));
        var result = run();
        assertThat(result.warnings()).singleElement().asString()
                .contains("src/main/wasm/huge.wasm", "function 1 \"big\" (wasm body of", "interpreter");
    }

    @Test
    void damagedStateOrCacheOnlyCostsARecompile() throws Exception {
        write("a.wasm", TestWasm.small(1));
        run();
        Path state = project.resolve("target/llmtb-wasm-compile");
        Files.write(state.resolve("cache/a.jar"), new byte[] {1, 2, 3});
        assertThat(run().compiled()).containsExactly("a");
        Files.write(state.resolve("state.json"), "{not json".getBytes());
        assertThat(run().compiled()).containsExactly("a");
        assertThat(run().upToDate()).containsExactly("a");
    }
}
