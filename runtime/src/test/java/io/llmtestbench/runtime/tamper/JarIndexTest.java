package io.llmtestbench.runtime.tamper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbench.compiler.PluginArtifact;
import io.llmtestbench.runtime.Discovery;
import io.llmtestbench.runtime.PluginLoadException;
import io.llmtestbench.runtime.PluginSystem;
import io.llmtestbench.runtime.TestPlugins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A jar's index ({@code META-INF/llmtb/index.json}) is attacker text like the rest of an unsigned jar: a 2 MB jar
 * whose index listed a million ids, one of them real, kept discovery busy for over ten minutes (each id looked up in
 * the jar) and made a 17 MB error message. An index lists at most {@link PluginArtifact#MAX_PLUGINS} plugins, each
 * once; messages name at most ten of a jar's ids.
 */
class JarIndexTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static JarKit withIndex(JarKit k, List<String> ids) throws Exception {
        ObjectNode index = JSON.createObjectNode().put("format", PluginArtifact.FORMAT);
        ArrayNode plugins = index.putArray("plugins");
        ids.forEach(plugins::add);
        k.files.put(PluginArtifact.INDEX, JSON.writeValueAsBytes(index));
        return k;
    }

    private static List<String> manyIds(String real, int n) {
        List<String> ids = new java.util.ArrayList<>(List.of(real));
        for (int i = 0; i < n; i++) {
            ids.add("p" + i);
        }
        return ids;
    }

    @Test
    void anIndexListingAMillionPluginsIsRefusedAtOnceAndDiscoveryGoesOn() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("plugins"));
        Path jar = withIndex(JarKit.compile("echo"), manyIds("echo", 1_000_000)).write(dir.resolve("index-bomb.jar"));
        Files.copy(TestPlugins.wasm("text-normalizer"), dir.resolve("text-normalizer.wasm"));
        try (PluginSystem system = PluginSystem.builder().cacheDir(null).pluginDirs(List.of(dir)).scanClasspath(false).build()) {
            long t0 = System.nanoTime();
            Discovery found = system.discover();
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).isLessThan(30);
            assertThat(found.problems()).singleElement().satisfies(p -> assertThat(p.getMessage())
                    .contains("index-bomb.jar", "its index lists 1000001 plugins, more than the 1000 a jar may hold")
                    .hasSizeLessThan(1_000));
            assertThat(found.plugins()).extracting(d -> d.metadata().name()).containsExactly("text-normalizer");
            assertThatThrownBy(() -> system.loadPlugin(jar)).isInstanceOfSatisfying(PluginLoadException.class, e -> {
                assertThat(e.stage()).isEqualTo(PluginLoadException.Stage.UNREADABLE);
                assertThat(e.getMessage()).contains("more than the 1000 a jar may hold").hasSizeLessThan(1_000);
            });
        }
    }

    @Test
    void noJarOfMoreThanTheLimitIsWritten() throws Exception {
        var m = io.llmtestbench.compiler.WasmCompiler.compile(Files.readAllBytes(TestPlugins.wasm("echo")),
                io.llmtestbench.compiler.CompilerOptions.defaults());
        List<PluginArtifact.Entry> entries = new java.util.ArrayList<>();
        for (int i = 0; i < PluginArtifact.MAX_PLUGINS; i++) {
            entries.add(PluginArtifact.Entry.of("e" + i, "echo.wasm", m));
        }
        assertThat(PluginArtifact.files(entries)).containsKey(PluginArtifact.INDEX); // the limit itself is fine
        entries.add(PluginArtifact.Entry.of("one-more", "echo.wasm", m));
        assertThatThrownBy(() -> PluginArtifact.files(entries)).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("1001 plugins in one jar, more than the 1000 a jar may hold");
    }

    @Test
    void anIndexListingAPluginTwiceIsRefused() throws Exception {
        Path jar = withIndex(JarKit.compile("echo"), List.of("echo", "echo")).write(tmp.resolve("twice.jar"));
        try (PluginSystem system = PluginSystem.builder().cacheDir(null).build()) {
            assertThatThrownBy(() -> system.loadPlugin(jar)).isInstanceOf(PluginLoadException.class)
                    .hasMessageContaining("its index lists plugin 'echo' twice");
        }
    }

    @Test
    void aMessageNamesAtMostTenOfAJarsPlugins() throws Exception {
        Path jar = JarKit.compile("echo", "text-normalizer", "state-counter", "threshold-filter", "returns_error_code",
                "trap_unreachable", "loop_forever", "deep_recursion", "grow_memory_bomb", "invalid_json_output",
                "recursion_unbounded", "guide-example").write(tmp.resolve("twelve.jar"));
        try (PluginSystem system = PluginSystem.builder().cacheDir(null).build()) {
            assertThatThrownBy(() -> system.loadPlugin(jar)).isInstanceOf(PluginLoadException.class)
                    .hasMessageContaining("the jar holds 12 plugins [echo, text-normalizer,")
                    .hasMessageContaining(", ... and 2 more]; name one with loadPlugin(path, id, options)")
                    .hasMessageNotContaining("guide-example");
            assertThatThrownBy(() -> system.loadPlugin(jar, "absent", io.llmtestbench.runtime.LoadOptions.defaults()))
                    .isInstanceOf(PluginLoadException.class)
                    .hasMessageContaining("no plugin 'absent' in this jar; it holds [echo,")
                    .hasMessageContaining("... and 2 more]");
        }
    }
}
