package io.llmtestbench.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbench.compiler.CompiledModule;
import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.compiler.PluginArtifact;
import io.llmtestbench.compiler.WasmCompiler;
import io.llmtestbench.compiler.internal.RuntimeContract;
import io.llmtestbench.runtime.LoadOptions.JarVerification;
import io.llmtestbench.runtime.tamper.JarKit;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * {@link JarVerification#REPRODUCE}: a jar is accepted only if compiling its {@code source.wasm} again gives its
 * classes and module byte for byte; the verdict is remembered by content, so only the first load pays. It rests
 * on the compiler being deterministic, proven here across threads and across JVMs (the test plugins' jar was
 * compiled by Maven's JVM).
 */
class ReproducedJarTest {
    private static final LoadOptions REPRODUCE = LoadOptions.builder().jarVerification(JarVerification.REPRODUCE).build();

    @TempDir
    Path tmp;

    private static void sameOutput(String what, CompiledModule a, CompiledModule b) {
        assertThat(b.mainClass()).as(what).isEqualTo(a.mainClass());
        assertThat(b.classes().keySet()).as(what).containsExactlyElementsOf(a.classes().keySet());
        a.classes().forEach((name, bytes) -> assertThat(b.classes().get(name)).as(what + ": " + name).isEqualTo(bytes));
        assertThat(b.wasm()).as(what).isEqualTo(a.wasm());
    }

    /**
     * Three times at once (on three threads), plugins of every shape compile to the same bytes: a small WAT
     * one, Rust ones with huge methods, one with a function left to the interpreter, one of indirect calls. (Every
     * test plugin is compared across JVMs below.)
     */
    @Test
    void theCompilerIsDeterministicWithinAJvm() throws Exception {
        for (Path p : Stream.of("echo", "similarity-evaluator", "huge_function", "mutual_recursion_call_indirect")
                .map(TestPlugins::wasm).toList()) {
            byte[] wasm = Files.readAllBytes(p);
            for (boolean metering : p.getFileName().toString().equals("echo.wasm") ? new boolean[] {true, false} : new boolean[] {true}) {
                CompilerOptions o = CompilerOptions.defaults().withMetering(metering);
                var a = CompletableFuture.supplyAsync(() -> compile(wasm, o));
                var b = CompletableFuture.supplyAsync(() -> compile(wasm, o));
                CompiledModule first = WasmCompiler.compile(wasm, o);
                sameOutput(p.getFileName() + " concurrently", first, a.join());
                sameOutput(p.getFileName() + " concurrently", first, b.join());
            }
        }
    }

    private static CompiledModule compile(byte[] wasm, CompilerOptions o) {
        try {
            return WasmCompiler.compile(wasm, o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The test-plugins artifact was compiled by the wasm-compile goal in Maven's JVM, before these tests started:
     * compiling each plugin's source here gives the same bytes.
     */
    @Test
    void theCompilerIsDeterministicAcrossJvms() throws Exception {
        ClassLoader cl = ReproducedJarTest.class.getClassLoader();
        List<PluginArtifact.Entry> entries = PluginArtifact.read(name -> {
            try (InputStream in = cl.getResourceAsStream(name)) {
                return in == null ? null : in.readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "the test-plugins artifact");
        assertThat(entries).hasSizeGreaterThan(20);
        for (PluginArtifact.Entry e : entries) {
            CompiledModule again = WasmCompiler.compile(e.source(), new CompilerOptions(e.stamp().metering(), e.mainClass()));
            assertThat(again.classes().keySet()).as(e.id()).containsExactlyElementsOf(e.classes().keySet());
            e.classes().forEach((name, bytes) -> assertThat(again.classes().get(name)).as(e.id() + ": " + name).isEqualTo(bytes));
            assertThat(again.wasm()).as(e.id()).isEqualTo(e.wasm());
        }
    }

    private static PluginSystem system(Path cache) {
        return PluginSystem.builder().cacheDir(cache).build();
    }

    @Test
    void aJarBuiltByTheCompilerIsReproducedOnceThenRemembered() throws Exception {
        Path jar = JarKit.compile("echo").write(tmp.resolve("echo.jar"));
        Path cache = tmp.resolve("cache");
        try (PluginSystem system = system(cache)) {
            PluginId id = system.loadPlugin(jar, REPRODUCE);
            assertThat(system.executePlugin(id, PluginInput.of("{\"a\":1}")).data().path("a").asInt()).isEqualTo(1);
            assertThat(system.reproductions()).isEqualTo(1);
            system.loadPlugin(jar, REPRODUCE); // remembered in memory
            assertThat(system.reproductions()).isEqualTo(1);
        }
        try (Stream<Path> s = Files.list(cache.resolve("reproduced"))) {
            assertThat(s.count()).isEqualTo(1);
        }
        try (PluginSystem system = system(cache)) { // a new system: remembered in the cache directory
            system.loadPlugin(jar, REPRODUCE);
            assertThat(system.reproductions()).isZero();
        }
        try (PluginSystem system = system(null)) { // no cache directory: compiled again
            system.loadPlugin(jar, REPRODUCE);
            assertThat(system.reproductions()).isEqualTo(1);
        }
    }

    /** An edit that stays on the allow-list loads by default, and is refused when the jar must be reproduced. */
    @Test
    void anEditWithinTheAllowListIsRefusedOnlyWhenReproducing() throws Exception {
        JarKit k = JarKit.compile("echo");
        String victim = k.mainClass("echo"); // the class holding the wasm functions' methods
        ClassNode node = k.node(victim);
        for (MethodNode m : node.methods) {
            if (m.name.startsWith("func_")) {
                m.instructions.insert(new InsnNode(Opcodes.NOP));
            }
        }
        k.put(victim, node);
        k.rehash("echo");
        Path jar = k.write(tmp.resolve("nop.jar"));
        try (PluginSystem system = system(tmp.resolve("cache"))) {
            system.loadPlugin(jar);
            assertThatThrownBy(() -> system.loadPlugin(jar, REPRODUCE)).isInstanceOfSatisfying(PluginLoadException.class, e -> {
                assertThat(e.stage()).isEqualTo(PluginLoadException.Stage.INVALID);
                assertThat(e.getMessage()).contains("class " + victim + " differs", "not what this compiler generates");
            });
            assertThatThrownBy(() -> system.loadPlugin(jar, REPRODUCE)).isInstanceOf(PluginLoadException.class); // not remembered
        }
    }

    /**
     * The attack reproduction exists for: unmetered code stamped "metering=on" consistently everywhere passes every
     * other check (its references are all allowed), and would run without fuel; reproducing it refuses it.
     */
    @Test
    void unmeteredCodeClaimingMeteringIsRefusedWhenReproducing() throws Exception {
        JarKit k = JarKit.unmeteredClaimingMetering("loop_forever");
        Path jar = k.write(tmp.resolve("claims-metering.jar"));
        try (PluginSystem system = system(null)) {
            PluginId id = system.loadPlugin(jar); // loads (and would spin without fuel: not executed here)
            assertThat(system.describePlugin(id).stamp().metering()).isTrue();
            assertThatThrownBy(() -> system.loadPlugin(jar, REPRODUCE)).isInstanceOfSatisfying(PluginLoadException.class,
                    e -> assertThat(e.getMessage()).contains("not what this compiler generates"));
        }
    }

    /** Classes of one module over another's source (stamps made consistent): refused when reproducing. */
    @Test
    void anotherSourceIsRefusedWhenReproducing() throws Exception {
        JarKit two = JarKit.compile("echo", "text-normalizer");
        JarKit k = two.copy();
        byte[] other = two.files.get(JarKit.dir("text-normalizer") + PluginArtifact.SOURCE);
        k.files.put(JarKit.dir("echo") + PluginArtifact.SOURCE, other);
        String oldSha = WasmCompiler.sha256(two.files.get(JarKit.dir("echo") + PluginArtifact.SOURCE));
        String newSha = WasmCompiler.sha256(other);
        ObjectNode manifest = k.manifest("echo");
        // only the source's digest: the classes stay bound to the module.wasm beside them (module=, the same digest
        // when the compiler runs the module as it is)
        manifest.put("stamp", manifest.path("stamp").asText().replace("sha256=" + oldSha, "sha256=" + newSha));
        k.manifest("echo", manifest);
        for (String n : k.classNames("echo")) {
            ClassNode node = k.node(n);
            for (FieldNode f : node.fields) {
                if (f.name.equals(RuntimeContract.STAMP_FIELD)) {
                    f.value = ((String) f.value).replace("sha256=" + oldSha, "sha256=" + newSha);
                }
            }
            k.put(n, node);
        }
        k.rehash("echo");
        Path jar = k.write(tmp.resolve("other-source.jar"));
        try (PluginSystem system = system(null)) {
            system.loadPlugin(jar, "echo", LoadOptions.defaults()); // consistent enough for the default checks
            assertThatThrownBy(() -> system.loadPlugin(jar, "echo", REPRODUCE)).isInstanceOf(PluginLoadException.class)
                    .hasMessageContaining("not what this compiler generates");
        }
    }

    @Test
    void aWasmFileIsNotAffected() throws Exception {
        try (PluginSystem system = system(null)) {
            system.loadPlugin(TestPlugins.wasm("echo"), REPRODUCE);
            assertThat(system.reproductions()).isZero();
        }
    }

    @Test
    void theDefaultIsTheAllowList() {
        assertThat(LoadOptions.defaults().jarVerification()).isEqualTo(JarVerification.ALLOW_LIST);
        assertThat(REPRODUCE.toBuilder().build().jarVerification()).isEqualTo(JarVerification.REPRODUCE);
        assertThat(LoadOptions.builder().jarVerification(null).build().jarVerification()).isEqualTo(JarVerification.ALLOW_LIST);
    }
}
