package io.llmtestbench.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmtestbench.compiler.PluginArtifact;
import java.net.URL;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The test-plugins module's jar, produced by the {@code wasm-compile} goal, loads without compiling anything.
 */
class PrecompiledJarTest {

    /** The test-plugins jar on the test class path (a directory when only {@code mvn test} ran). */
    static Path testPluginsArtifact() throws Exception {
        URL index = PrecompiledJarTest.class.getClassLoader().getResource(PluginArtifact.INDEX);
        assertThat(index).as("test-plugins artifact on the class path").isNotNull();
        String url = index.toString();
        if (url.startsWith("jar:file:")) {
            return Path.of(new java.net.URI(url.substring(4, url.indexOf("!/"))));
        }
        return null;
    }

    @Test
    void theTestPluginsJarLoadsEachPluginWithoutCompiling() throws Exception {
        Path jar = testPluginsArtifact();
        org.junit.jupiter.api.Assumptions.assumeTrue(jar != null, "test-plugins is a directory here; run mvn verify");
        try (PluginSystem system = TestPlugins.system()) {
            PluginId evaluator = system.loadPlugin(jar, "similarity-evaluator", LoadOptions.defaults());
            PluginInfo info = system.describePlugin(evaluator);
            assertThat(info.origin()).isEqualTo("jar");
            assertThat(info.source()).isEqualTo(jar);
            PluginOutput out = system.executePlugin(evaluator, PluginInput.of("{\"text\":\"Paris\",\"expected\":\"Paris\"}"));
            assertThat(out.data().path("score").asDouble()).isEqualTo(1.0);

            PluginId normalizer = system.loadPlugin(jar, "text-normalizer", LoadOptions.defaults());
            assertThat(system.executePlugin(normalizer, PluginInput.of("{\"text\":\"  A  B \"}")).data().path("text").asText())
                    .isEqualTo("a b");
            // a jar of many plugins needs the plugin named
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> system.loadPlugin(jar))
                    .isInstanceOf(PluginLoadException.class).hasMessageContaining("name one");
        }
    }

    @Test
    void describePluginReportsTheCompilationOfWhatWasLoaded(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path wasm = TestPlugins.wasm("similarity-evaluator");
        var compiled = io.llmtestbench.compiler.WasmCompiler.compile(java.nio.file.Files.readAllBytes(wasm),
                io.llmtestbench.compiler.CompilerOptions.defaults());
        Path jar = dir.resolve("evaluator.jar");
        try (var out = java.nio.file.Files.newOutputStream(jar)) {
            io.llmtestbench.compiler.PluginArtifact.writeJar(out,
                    java.util.List.of(io.llmtestbench.compiler.PluginArtifact.Entry.of("evaluator", "similarity-evaluator.wasm", compiled)));
        }
        try (PluginSystem system = TestPlugins.system()) {
            var fromWasm = system.describePlugin(system.loadPlugin(wasm)).compilation();
            assertThat(fromWasm.compileMillis()).as("compiled on load").isNotNegative();
            assertThat(fromWasm.methods()).isEqualTo(compiled.report().methods());
            // its plugin_execute is split: no method over HotSpot's HugeMethodLimit, parts reported with their function
            assertThat(fromWasm.largeMethods()).isEmpty();
            assertThat(fromWasm.methods()).anySatisfy(m -> {
                assertThat(m.method()).contains("$");
                assertThat(m.wasmFunction()).isNotNegative();
            });

            PluginInfo fromJar = system.describePlugin(system.loadPlugin(jar));
            assertThat(fromJar.origin()).isEqualTo("jar");
            assertThat(fromJar.compilation().compileMillis()).as("not compiled here").isEqualTo(-1);
            assertThat(fromJar.compilation().functions()).isEqualTo(compiled.report().functions());
            assertThat(fromJar.compilation().methods()).isEqualTo(compiled.report().methods());
        }
    }
}
