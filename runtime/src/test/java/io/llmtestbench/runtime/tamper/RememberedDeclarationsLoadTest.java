package io.llmtestbench.runtime.tamper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmtestbench.runtime.PluginId;
import io.llmtestbench.runtime.PluginInput;
import io.llmtestbench.runtime.PluginLoadException;
import io.llmtestbench.runtime.PluginSystem;
import io.llmtestbench.runtime.PluginSystemProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * A load whose class-reference verdict is remembered builds its module from the declarations remembered next to it
 * (issue #16 point 4), and only then: a damaged declarations file is parsed again (and the load is what it was); a
 * tampered jar is refused as before, though the declarations of its module are remembered.
 */
class RememberedDeclarationsLoadTest {
    private static final String ID = "echo";

    @Test
    void aLoadWithARememberedVerdictBuildsItsModuleFromTheRememberedDeclarations(@TempDir Path tmp) throws Exception {
        Path cache = tmp.resolve("cache");
        Path jar = JarKit.compile(ID).write(tmp.resolve("echo.jar"));
        try (PluginSystem system = PluginSystem.builder().cacheDir(cache).build()) {
            run(system, jar);
            assertThat(PluginSystemProbe.recalledDeclarations(system)).as("the first load parses").isZero();
        }
        List<Path> files = files(cache.resolve("declarations"));
        assertThat(files).as("one declarations file").hasSize(1);
        try (PluginSystem system = PluginSystem.builder().cacheDir(cache).build()) {
            run(system, jar);
            assertThat(PluginSystemProbe.referenceChecks(system)).isZero();
            assertThat(PluginSystemProbe.recalledDeclarations(system)).as("the second load parses nothing").isEqualTo(1);
        }
        try (PluginSystem system = PluginSystem.builder().cacheDir(null).build()) {
            run(system, jar);
            assertThat(PluginSystemProbe.recalledDeclarations(system)).as("no cache directory, nothing recalled").isZero();
        }
    }

    @Test
    void damagedDeclarationsAreParsedAgainAndTheLoadIsWhatItWas(@TempDir Path tmp) throws Exception {
        Path cache = tmp.resolve("cache");
        Path jar = JarKit.compile(ID).write(tmp.resolve("echo.jar"));
        try (PluginSystem system = PluginSystem.builder().cacheDir(cache).build()) {
            run(system, jar);
        }
        Path file = files(cache.resolve("declarations")).get(0);
        byte[] good = Files.readAllBytes(file);
        for (int at : new int[] {0, 20, good.length / 2, good.length - 9, good.length - 1}) {
            byte[] damaged = good.clone();
            damaged[at] ^= 0x10;
            Files.write(file, damaged);
            try (PluginSystem system = PluginSystem.builder().cacheDir(cache).build()) {
                run(system, jar);
                assertThat(PluginSystemProbe.recalledDeclarations(system)).as("byte " + at + " damaged: parsed again").isZero();
            }
            assertThat(Files.readAllBytes(file)).as("written again").isEqualTo(good);
        }
        Files.write(file, new byte[] {'x'});
        try (PluginSystem system = PluginSystem.builder().cacheDir(cache).build()) {
            run(system, jar);
            assertThat(PluginSystemProbe.recalledDeclarations(system)).isZero();
        }
        try (PluginSystem system = PluginSystem.builder().cacheDir(cache).build()) {
            run(system, jar);
            assertThat(PluginSystemProbe.recalledDeclarations(system)).as("and used once it is whole").isEqualTo(1);
        }
    }

    @Test
    void aTamperedJarIsRefusedThoughItsModulesDeclarationsAreRemembered(@TempDir Path tmp) throws Exception {
        Path cache = tmp.resolve("cache");
        JarKit honest = JarKit.compile(ID);
        try (PluginSystem system = PluginSystem.builder().cacheDir(cache).build()) {
            run(system, honest.write(tmp.resolve("echo.jar")));
        }
        // the same module.wasm, a forbidden call added to the main class: no verdict vouches for these classes
        JarKit tampered = honest.copy();
        String main = tampered.mainClass(ID);
        ClassNode node = tampered.node(main);
        MethodNode m = new MethodNode(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "exit", "()V", null, null);
        m.instructions.add(new InsnNode(Opcodes.ICONST_0));
        m.instructions.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/lang/System", "exit", "(I)V", false));
        m.instructions.add(new InsnNode(Opcodes.RETURN));
        node.methods.add(m);
        tampered.put(main, node);
        tampered.rehash(ID);
        Path bad = tampered.write(tmp.resolve("tampered.jar"));
        try (PluginSystem system = PluginSystem.builder().cacheDir(cache).build()) {
            assertThatThrownBy(() -> system.loadPlugin(bad))
                    .isInstanceOfSatisfying(PluginLoadException.class, e -> {
                        assertThat(e.stage()).isEqualTo(PluginLoadException.Stage.INVALID);
                        assertThat(e.getMessage()).contains("java.lang.System.exit");
                    });
            assertThat(PluginSystemProbe.referenceChecks(system)).isEqualTo(1);
            assertThat(PluginSystemProbe.recalledDeclarations(system)).isZero();
        }
    }

    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    private static void run(PluginSystem system, Path jar) {
        PluginId id = system.loadPlugin(jar);
        assertThat(system.executePlugin(id, PluginInput.of("{\"a\":1}")).data().toString()).isEqualTo("{\"a\":1}");
    }
}
