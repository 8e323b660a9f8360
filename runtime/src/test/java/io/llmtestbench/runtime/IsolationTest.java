package io.llmtestbench.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmtestbench.compiler.CompiledModule;
import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.compiler.CompilerStamp;
import io.llmtestbench.compiler.PluginArtifact;
import io.llmtestbench.compiler.WasmCompiler;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/** Pre-compiled jars are JVM bytecode: they are checked before anything is defined. */
class IsolationTest {
    @TempDir
    Path tmp;

    private PluginArtifact.Entry compiledEcho() throws Exception {
        CompiledModule m = WasmCompiler.compile(Files.readAllBytes(TestPlugins.wasm("echo")), CompilerOptions.defaults());
        return PluginArtifact.Entry.of("echo", "echo.wasm", m);
    }

    private Path jar(PluginArtifact.Entry entry) throws Exception {
        Path jar = Files.createTempFile(tmp, "plugin", ".jar");
        try (OutputStream out = Files.newOutputStream(jar)) {
            PluginArtifact.writeJar(out, List.of(entry));
        }
        return jar;
    }

    /** The entry with one method added to its main class, its body written by {@code body}. */
    private PluginArtifact.Entry withExtraMethod(PluginArtifact.Entry e, Consumer<InsnList> body) {
        var node = new ClassNode();
        new ClassReader(e.classes().get(e.mainClass())).accept(node, 0);
        var method = new MethodNode(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "sneaky", "()V", null, null);
        body.accept(method.instructions);
        method.instructions.add(new InsnNode(Opcodes.RETURN));
        node.methods.add(method);
        var writer = new ClassWriter(ClassWriter.COMPUTE_MAXS | ClassWriter.COMPUTE_FRAMES);
        node.accept(writer);
        Map<String, byte[]> classes = new LinkedHashMap<>(e.classes());
        classes.put(e.mainClass(), writer.toByteArray());
        return e.withClasses(classes);
    }

    @Test
    void aCleanPrecompiledJarLoadsWithoutCompiling() throws Exception {
        try (PluginSystem system = TestPlugins.system()) {
            PluginId id = system.loadPlugin(jar(compiledEcho()));
            assertThat(system.describePlugin(id).origin()).isEqualTo("jar");
            assertThat(system.executePlugin(id, PluginInput.of("{\"a\":1}")).data().path("a").asInt()).isEqualTo(1);
        }
    }

    @Test
    void aJarWhoseClassCallsRuntimeExecIsRefusedNamingTheReference() throws Exception {
        var evil = withExtraMethod(compiledEcho(), code -> {
            code.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/lang/Runtime", "getRuntime", "()Ljava/lang/Runtime;", false));
            code.add(new LdcInsnNode("touch /tmp/pwned"));
            code.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/lang/Runtime", "exec", "(Ljava/lang/String;)Ljava/lang/Process;", false));
            code.add(new InsnNode(Opcodes.POP));
        });
        try (PluginSystem system = TestPlugins.system()) {
            Path jar = jar(evil);
            assertThatThrownBy(() -> system.loadPlugin(jar))
                    .isInstanceOfSatisfying(PluginLoadException.class, e -> assertThat(e.stage()).isEqualTo(PluginLoadException.Stage.INVALID))
                    .hasMessageContaining("sneaky")
                    .hasMessageContaining("java.lang.Runtime");
        }
    }

    @Test
    void aJarWhoseClassReadsASystemPropertyIsRefused() throws Exception {
        var evil = withExtraMethod(compiledEcho(), code -> {
            code.add(new LdcInsnNode("user.home"));
            code.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/lang/System", "getProperty", "(Ljava/lang/String;)Ljava/lang/String;", false));
            code.add(new InsnNode(Opcodes.POP));
        });
        try (PluginSystem system = TestPlugins.system()) {
            Path jar = jar(evil);
            assertThatThrownBy(() -> system.loadPlugin(jar))
                    .isInstanceOfSatisfying(PluginLoadException.class, e -> assertThat(e.stage()).isEqualTo(PluginLoadException.Stage.INVALID))
                    .hasMessageContaining("java.lang.System");
        }
    }

    @Test
    void aJarFromAnotherCompilerVersionIsRefusedNamingTheMismatch() throws Exception {
        var e = compiledEcho();
        CompilerStamp s = e.stamp();
        var old = new PluginArtifact.Entry(e.id(), e.sourceName(),
                new CompilerStamp("0.0.1", s.backendVersion(), s.abiVersion(), s.metering(), s.costModel(), s.wasmSha256()),
                e.mainClass(), e.classes(), e.wasm(), e.interpretedFunctions(), e.largeMethods(), e.source());
        try (PluginSystem system = TestPlugins.system()) {
            Path jar = jar(old);
            assertThatThrownBy(() -> system.loadPlugin(jar))
                    .isInstanceOfSatisfying(PluginLoadException.class, ex -> assertThat(ex.stage()).isEqualTo(PluginLoadException.Stage.INVALID))
                    .hasMessageContaining("compiler version is 0.0.1, expected " + WasmCompiler.VERSION);
        }
    }

    @Test
    void anUnmeteredJarIsRefusedUnlessAllowed() throws Exception {
        CompiledModule m = WasmCompiler.compile(Files.readAllBytes(TestPlugins.wasm("echo")), CompilerOptions.defaults().withMetering(false));
        Path jar = jar(PluginArtifact.Entry.of("echo", "echo.wasm", m));
        try (PluginSystem system = TestPlugins.system()) {
            assertThatThrownBy(() -> system.loadPlugin(jar)).hasMessageContaining("without fuel metering");
            PluginId id = system.loadPlugin(jar, LoadOptions.builder().requireMetering(false).build());
            assertThat(system.describePlugin(id).stamp().metering()).isFalse();
        }
    }

    @Test
    void aTamperedClassIsRefused() throws Exception {
        Path jar = jar(compiledEcho());
        // rewrite the jar with one class's bytes changed but the manifest untouched
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (var zip = new java.util.zip.ZipInputStream(Files.newInputStream(jar))) {
            java.util.zip.ZipEntry z;
            while ((z = zip.getNextEntry()) != null) {
                files.put(z.getName(), zip.readAllBytes());
            }
        }
        String victim = files.keySet().stream().filter(n -> n.endsWith(".class")).findFirst().orElseThrow();
        files.get(victim)[files.get(victim).length - 1] ^= 1;
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(jar))) {
            for (var f : files.entrySet()) {
                out.putNextEntry(new java.util.zip.ZipEntry(f.getKey()));
                out.write(f.getValue());
                out.closeEntry();
            }
        }
        try (PluginSystem system = TestPlugins.system()) {
            assertThatThrownBy(() -> system.loadPlugin(jar)).isInstanceOf(PluginLoadException.class)
                    .hasMessageContaining("does not match its SHA-256");
        }
    }

    @Test
    void pluginClassesCannotSeeHostClasses() throws Exception {
        var loader = new io.llmtestbench.runtime.internal.load.PluginClassLoader("t", Map.of());
        assertThatThrownBy(() -> loader.loadClass(IsolationTest.class.getName())).isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> loader.loadClass("java.lang.Runtime")).isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> loader.loadClass(PluginSystem.class.getName())).isInstanceOf(ClassNotFoundException.class);
        assertThat(loader.loadClass("com.dylibso.chicory.runtime.Instance")).isNotNull();
    }

    @Test
    void theSecondLoadOfAWasmIsServedFromTheCache() throws Exception {
        var config = PluginSystem.builder().cacheDir(tmp.resolve("cache"));
        try (PluginSystem a = config.build()) {
            assertThat(a.describePlugin(a.loadPlugin(TestPlugins.wasm("echo"))).origin()).isEqualTo("compiled");
        }
        try (PluginSystem b = config.build()) {
            PluginId id = b.loadPlugin(TestPlugins.wasm("echo"));
            assertThat(b.describePlugin(id).origin()).isEqualTo("cache");
            assertThat(b.executePlugin(id, PluginInput.of("[1,2]")).data().size()).isEqualTo(2);
        }
        assertThat(Files.list(tmp.resolve("cache")).filter(p -> p.toString().endsWith(".jar")).count()).isEqualTo(1);
    }
}
