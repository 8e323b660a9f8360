package io.llmtestbench.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The README's examples: "Quick start" is compiled and run as the README shows it; "Custom configuration" runs here
 * verbatim apart from the plugin paths, and {@link #theReadmeShowsTheseExamples} fails when the README and this file
 * drift apart.
 */
class ReadmeExamplesTest {
    @TempDir
    Path cache;

    /**
     * The README's Quick start is a complete class: it is compiled as it is shown, against this module's class path,
     * and run on the Rust evaluator.
     */
    @Test
    void quickStartIsACompleteClassThatCompilesAndRuns() throws Exception {
        String source = readmeBlock("Quick start", "java");
        assertThat(source).contains("public class QuickStart", "import io.llmtestbench.runtime.PluginSystem;");
        Path src = cache.resolve("src/QuickStart.java");
        Path classes = cache.resolve("classes");
        Files.createDirectories(src.getParent());
        Files.createDirectories(classes);
        Files.writeString(src, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a JDK runs the tests").isNotNull();
        var diagnostics = new java.io.StringWriter();
        boolean compiled = javac.getTask(diagnostics, null, null,
                List.of("-d", classes.toString(), "-classpath", System.getProperty("java.class.path"), "--release", "17"), null,
                javac.getStandardFileManager(null, null, null).getJavaFileObjects(src)).call();
        assertThat(compiled).as("javac: " + diagnostics).isTrue();

        PrintStream stdout = System.out;
        var captured = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            loader.loadClass("QuickStart").getMethod("main", String[].class)
                    .invoke(null, (Object) new String[] {TestPlugins.wasm("similarity-evaluator").toString()});
        } finally {
            System.setOut(stdout);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).matches("(?s)1\\.0 in \\d+ ms, \\d+ fuel\\R");
    }

    @Test
    void quickStartNamesTheSlf4jProviderToAdd() throws IOException {
        String xml = readmeBlock("Quick start", "xml");
        assertThat(xml).contains("<artifactId>llmtb-runtime</artifactId>", "<artifactId>slf4j-simple</artifactId>");
        String pom = Files.readString(Path.of("../pom.xml"));
        String slf4j = pom.substring(pom.indexOf("<slf4j.version>") + 15, pom.indexOf("</slf4j.version>"));
        assertThat(xml).as("the provider's version is the one the project builds with").contains("<version>" + slf4j + "</version>");
    }

    @Test
    void customConfiguration() throws Exception {
        Path pluginDir = TestPlugins.dir();
        Path cacheDir = cache;
        // --- README: Custom configuration ---
        ResourceLimits limits = ResourceLimits.builder()
                .maxMemoryBytes(128L * 1024 * 1024)   // 128 MiB of linear memory
                .maxExecutionTimeMs(60_000)           // wall-clock deadline per execution
                .maxInstructions(5_000_000_000L)      // fuel per execution
                .build();
        try (PluginSystem system = PluginSystem.builder()
                .defaultLimits(limits)                // for every plugin loaded without limits of its own
                .maxInstances(100)                    // live instances, all plugins together
                .cacheDir(cacheDir)                   // compiled .wasm, by SHA-256 and compiler stamp
                .pluginDirs(List.of(pluginDir))       // where discover() looks
                .build()) {
            PluginId id = system.loadPlugin(pluginDir.resolve("threshold-filter.wasm"), LoadOptions.builder()
                    .config(new ObjectMapper().readTree("{\"min_score\": 0.7}"))
                    .limits(limits.toBuilder().maxExecutionTimeMs(5_000).build())
                    .permissions(PluginPermissions.none())
                    .build());
            PluginOutput out = system.executePlugin(id, PluginInput.of("{\"text\": \"...\", \"scores\": {\"similarity\": 0.42}}"));
            System.out.println(out.data()); // {"keep":false,"reason":"..."}
            // --- end ---
            assertThat(out.data().get("keep").asBoolean()).isFalse();
            assertThat(system.describePlugin(id).limits().maxExecutionTimeMs()).isEqualTo(5_000);
            assertThat(system.options().maxInstances()).isEqualTo(100);
            assertThat(system.options().pluginDirs()).containsExactly(pluginDir);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Custom configuration"})
    void theReadmeShowsTheseExamples(String section) throws IOException {
        List<String> shown = lines(readmeBlock(section, "java"));
        String test = Files.readString(Path.of("src/test/java/io/llmtestbench/runtime/ReadmeExamplesTest.java"));
        String marker = "// --- README: " + section + " ---\n";
        int from = test.indexOf(marker) + marker.length();
        List<String> tested = lines(test.substring(from, test.indexOf("// --- end ---", from)));
        // the test keeps the try block open for its assertions; the README closes it
        assertThat(shown.subList(0, Math.min(tested.size(), shown.size()))).isEqualTo(tested);
        assertThat(shown.subList(tested.size(), shown.size())).containsOnly("}");
    }

    /** The first {@code ```lang} block after the README heading that starts with {@code section}. */
    private static String readmeBlock(String section, String lang) throws IOException {
        String readme = Files.readString(Path.of("../README.md"));
        int heading = readme.indexOf("\n## " + section);
        assertThat(heading).as("README section " + section).isPositive();
        String fence = "```" + lang + "\n";
        int start = readme.indexOf(fence, heading);
        assertThat(start).as("a " + lang + " block in README section " + section).isPositive();
        int end = readme.indexOf("```", start + fence.length());
        return readme.substring(start + fence.length(), end);
    }

    private static List<String> lines(String code) {
        return Arrays.stream(code.split("\n")).map(String::strip).filter(l -> !l.isEmpty()).toList();
    }
}
