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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * The class-reference check's verdict is remembered in the cache directory by the content's digest: a second load of
 * the same jar, in another plugin system, does not check again; a jar whose classes differ in any byte (a harmless
 * edit, or a forbidden reference) has no verdict and is checked again — the tampered one is refused as always.
 */
class ReferenceVerdictsTest {
    private static final String ID = "echo";

    @Test
    void aRememberedVerdictIsReusedOnlyForTheSameClasses(@TempDir Path tmp) throws Exception {
        Path cache = tmp.resolve("cache");
        JarKit honest = JarKit.compile(ID);
        Path jar = honest.write(tmp.resolve("echo.jar"));

        try (PluginSystem system = PluginSystem.builder().cacheDir(cache).build()) {
            run(system, jar);
            assertThat(PluginSystemProbe.referenceChecks(system)).isEqualTo(1);
        }
        try (Stream<Path> verdicts = Files.list(cache.resolve("checked"))) {
            assertThat(verdicts.count()).as("one verdict file").isEqualTo(1);
        }
        try (PluginSystem system = PluginSystem.builder().cacheDir(cache).build()) {
            run(system, jar);
            assertThat(PluginSystemProbe.referenceChecks(system)).as("the verdict of the first system is reused").isZero();

            // the same plugin with one harmless method added to its main class: other bytes, checked again, accepted
            JarKit edited = honest.copy();
            String main = edited.mainClass(ID);
            ClassNode node = edited.node(main);
            MethodNode m = new MethodNode(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "harmless", "()V", null, null);
            m.instructions.add(new InsnNode(Opcodes.RETURN));
            node.methods.add(m);
            edited.put(main, node);
            edited.rehash(ID);
            run(system, edited.write(tmp.resolve("edited.jar")));
            assertThat(PluginSystemProbe.referenceChecks(system)).isEqualTo(1);

            // a forbidden call added to the same class: no verdict vouches for it; refused
            JarKit tampered = honest.copy();
            node = tampered.node(main);
            m = new MethodNode(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "exit", "()V", null, null);
            m.instructions.add(new InsnNode(Opcodes.ICONST_0));
            m.instructions.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/lang/System", "exit", "(I)V", false));
            m.instructions.add(new InsnNode(Opcodes.RETURN));
            node.methods.add(m);
            tampered.put(main, node);
            tampered.rehash(ID);
            Path bad = tampered.write(tmp.resolve("tampered.jar"));
            assertThatThrownBy(() -> system.loadPlugin(bad))
                    .isInstanceOfSatisfying(PluginLoadException.class, e -> {
                        assertThat(e.stage()).isEqualTo(PluginLoadException.Stage.INVALID);
                        assertThat(e.getMessage()).contains("java.lang.System.exit");
                    });
            assertThat(PluginSystemProbe.referenceChecks(system)).isEqualTo(2);
        }
    }

    private static void run(PluginSystem system, Path jar) {
        PluginId id = system.loadPlugin(jar);
        assertThat(system.executePlugin(id, PluginInput.of("{\"a\":1}")).data().toString()).isEqualTo("{\"a\":1}");
    }
}
