package io.llmtestbench.runtime.startup;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.compiler.PluginArtifact;
import io.llmtestbench.compiler.WasmCompiler;
import io.llmtestbench.runtime.TestPlugins;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #16 point 4: the first result from a pre-compiled jar, in a fresh JVM, does not pay for what it does not
 * need. Databind's {@code ObjectMapper} is never initialised on that path (its first use loads and initialises some
 * 250 classes, with the JDK's calendar and locale data: a third of the start-up before); the trees the path reads
 * and writes go through {@code JsonTrees}. Nor is a record's {@code equals}/{@code hashCode} bound through
 * {@code ObjectMethods} (the class-reference check hashes thousands of the allow-list's references).
 */
class StartupClassesTest {

    @Test
    void theFirstResultFromAJarNeverInitialisesAnObjectMapper(@TempDir Path dir) throws Exception {
        Path wasm = TestPlugins.wasm("similarity-evaluator");
        Path jar = dir.resolve("similarity-evaluator.jar");
        var compiled = WasmCompiler.compile(Files.readAllBytes(wasm), CompilerOptions.defaults());
        try (OutputStream out = Files.newOutputStream(jar)) {
            PluginArtifact.writeJar(out, List.of(PluginArtifact.Entry.of("similarity-evaluator", "similarity-evaluator.wasm", compiled)));
        }
        String out = host(jar);
        List<String> loaded = out.lines().filter(l -> l.contains("com.fasterxml.jackson.databind.ObjectMapper ")).toList();
        assertThat(loaded).as("ObjectMapper loaded on the start-up path").isEmpty();
        // a record's equals/hashCode/toString is bound through invokedynamic by ObjectMethods at first use (~25 ms of
        // a fresh JVM); the records the path hashes (the allow-list's references, PluginId) write theirs out
        List<String> bootstraps = out.lines().filter(l -> l.contains("java.lang.runtime.ObjectMethods ")).toList();
        assertThat(bootstraps).as("a record's methods bound by invokedynamic on the start-up path").isEmpty();
        long classes = out.lines().filter(l -> l.contains("[class,load]")).count();
        System.out.println("[startup] classes loaded by the first result from a jar: " + classes);
    }

    /**
     * With a cache directory holding the class-reference verdict of an earlier load, the load reads the stamps with
     * its own reader and never ASM's: ASM's classes (Java 5 class files) go through the JVM's old verifier and cannot
     * be in an AppCDS archive.
     */
    @Test
    void aJarWithARememberedVerdictLoadsWithoutAsmsClassReader(@TempDir Path dir) throws Exception {
        Path wasm = TestPlugins.wasm("similarity-evaluator");
        Path jar = dir.resolve("similarity-evaluator.jar");
        var compiled = WasmCompiler.compile(Files.readAllBytes(wasm), CompilerOptions.defaults());
        try (OutputStream out = Files.newOutputStream(jar)) {
            PluginArtifact.writeJar(out, List.of(PluginArtifact.Entry.of("similarity-evaluator", "similarity-evaluator.wasm", compiled)));
        }
        Path cache = dir.resolve("cache");
        String first = host(jar, cache.toString());
        assertThat(first.lines().filter(l -> l.contains("] org.objectweb.asm.ClassReader ")).count())
                .as("the first load checks the classes (ASM reads their declarations)").isPositive();
        String again = host(jar, cache.toString());
        assertThat(again.lines().filter(l -> l.contains("] org.objectweb.asm.ClassReader ")).toList())
                .as("ASM's ClassReader loaded by a load whose verdict is remembered").isEmpty();
    }

    /**
     * With the verdict and the module's declarations remembered in the cache directory, the load builds its module
     * from the remembered declarations: Chicory's parser (and the classes only it needs) is never loaded, nor are the
     * declarations validated again (the validator's checks of types, functions, globals, elements and data).
     */
    @Test
    void aJarWithRememberedDeclarationsLoadsWithoutChicorysParser(@TempDir Path dir) throws Exception {
        Path wasm = TestPlugins.wasm("similarity-evaluator");
        Path jar = dir.resolve("similarity-evaluator.jar");
        var compiled = WasmCompiler.compile(Files.readAllBytes(wasm), CompilerOptions.defaults());
        try (OutputStream out = Files.newOutputStream(jar)) {
            PluginArtifact.writeJar(out, List.of(PluginArtifact.Entry.of("similarity-evaluator", "similarity-evaluator.wasm", compiled)));
        }
        Path cache = dir.resolve("cache");
        String first = host(jar, cache.toString());
        assertThat(first.lines().filter(l -> l.contains("] com.dylibso.chicory.wasm.Parser ")).count())
                .as("the first load parses the declarations").isPositive();
        String again = host(jar, cache.toString());
        assertThat(again.lines().filter(l -> l.contains("] com.dylibso.chicory.wasm.Parser")).toList())
                .as("Chicory's parser loaded by a load whose declarations are remembered").isEmpty();
        assertThat(again.lines().filter(l -> l.contains("] com.dylibso.chicory.wasm.types.AnnotatedInstruction")).toList())
                .as("the parser's instruction type").isEmpty();
        assertThat(again.lines().filter(l -> l.contains("] com.dylibso.chicory.wasm.Validator$CtrlFrame ")).toList())
                .as("the validator's function checks").isEmpty();
        // nor the stream pipelines the manifest's class-name check and the compilation report used to build
        assertThat(again.lines().filter(l -> l.contains("] java.util.stream.SliceOps ") || l.contains("] java.util.stream.LongPipeline "))
                .toList()).as("stream pipelines of the name check and the report").isEmpty();
    }

    /**
     * SHA-256 runs in the bytecode interpreter in a fresh JVM (a few MB/s until the JIT has compiled it), so the load
     * path hashes each file of the jar once: the reader checks {@code module.wasm} and each class against the
     * manifest, and those digests are what the stamps and the class-reference verdict are checked with; {@code
     * source.wasm}, the same bytes as {@code module.wasm} here, is compared, not hashed again; counting the imported
     * functions for the compilation report does not digest the module.
     */
    @Test
    void aLoadWithARememberedVerdictHashesEachFileOfTheJarOnce(@TempDir Path dir) throws Exception {
        Path wasm = TestPlugins.wasm("similarity-evaluator");
        Path jar = dir.resolve("similarity-evaluator.jar");
        var compiled = WasmCompiler.compile(Files.readAllBytes(wasm), CompilerOptions.defaults());
        var entry = PluginArtifact.Entry.of("similarity-evaluator", "similarity-evaluator.wasm", compiled);
        try (OutputStream out = Files.newOutputStream(jar)) {
            PluginArtifact.writeJar(out, List.of(entry));
        }
        assertThat(entry.source()).as("the compiler keeps this module as it is").isEqualTo(entry.wasm());
        long files = entry.wasm().length + entry.classes().values().stream().mapToLong(c -> c.length).sum();
        Path cache = dir.resolve("cache");
        host(jar, cache.toString());
        String again = host(jar, cache.toString());
        long hashed = again.lines().filter(l -> l.startsWith("sha256-bytes=")).mapToLong(l -> Long.parseLong(l.substring(13)))
                .findFirst().orElseThrow();
        // besides the files: the index, the manifest, the verdict's digest of digests (a few KB)
        assertThat(hashed).as("bytes hashed by a load of a jar whose files are " + files + " bytes")
                .isBetween(files, files + 16 * 1024);
    }

    /**
     * The load path's SHA-256 goes through {@code Sha256}, never through the JDK's provider lookup: a fresh JVM's first
     * {@code MessageDigest.getInstance} initialises the security framework (the provider list, the SUN provider's
     * service table, {@code KnownOIDs}, a {@code NativePRNG}: ~55 classes outside the CDS archive), and the JDK's
     * SHA-256 reads each word through a {@code VarHandle}, slow in the bytecode interpreter. With the verdict
     * remembered, and without a cache directory (the class-reference check runs).
     */
    @Test
    void theFirstResultFromAJarInitialisesNoSecurityProvider(@TempDir Path dir) throws Exception {
        Path wasm = TestPlugins.wasm("similarity-evaluator");
        Path jar = dir.resolve("similarity-evaluator.jar");
        var compiled = WasmCompiler.compile(Files.readAllBytes(wasm), CompilerOptions.defaults());
        try (OutputStream out = Files.newOutputStream(jar)) {
            PluginArtifact.writeJar(out, List.of(PluginArtifact.Entry.of("similarity-evaluator", "similarity-evaluator.wasm", compiled)));
        }
        Path cache = dir.resolve("cache");
        host(jar, cache.toString());
        for (String out : List.of(host(jar, cache.toString()), host(jar))) {
            assertThat(out.lines().filter(l -> l.contains("] sun.security.jca.Providers ") || l.contains("] sun.security.provider.")
                    || l.contains("] java.security.Provider ")).toList())
                    .as("the JDK's security providers on the start-up path").isEmpty();
        }
    }

    /** Runs StartupHost in a JVM of its own with the class-load log on stdout; its output. */
    private static String host(Path jar, String... more) throws Exception {
        return host(List.of(), jar, more);
    }

    private static String host(List<String> jvmOptions, Path jar, String... more) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new java.util.ArrayList<>(List.of(java.toString(), "-Xlog:class+load=info:stdout",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), StartupHost.class.getName(), jar.toString()));
        command.addAll(List.of(more));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(tail(out)).isZero();
        assertThat(out).as(tail(out)).contains("result=ok");
        return out;
    }

    private static String tail(String s) {
        return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    }
}
