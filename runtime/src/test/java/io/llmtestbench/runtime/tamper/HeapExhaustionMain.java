package io.llmtestbench.runtime.tamper;

import io.llmtestbench.runtime.PluginException;
import io.llmtestbench.runtime.PluginId;
import io.llmtestbench.runtime.PluginInput;
import io.llmtestbench.runtime.PluginSystem;
import io.llmtestbench.runtime.TestPlugins;
import java.nio.file.Files;
import java.nio.file.Path;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Run by {@code TamperedJarTest} in a JVM with a small heap: plugin code that exhausts the heap for real, at run
 * time and in the main class's constructor (at load), and then a clean plugin in the same system. Prints one line per step (the
 * failure's kind, or "ok"); exits non-zero if any step escapes as something other than a {@link PluginException}.
 */
public final class HeapExhaustionMain {
    private HeapExhaustionMain() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("llmtb-heap");
        JarKit echo = JarKit.compile("echo");
        String main = echo.mainClass("echo");
        try (PluginSystem system = TestPlugins.system()) {
            // plugin_execute calls the exhausting loop first
            JarKit run = echo.copy();
            String[] target = run.exportMethod("echo", "plugin_execute");
            ClassNode group = run.node(target[0]);
            for (MethodNode m : group.methods) {
                if (m.name.equals(target[1])) {
                    m.instructions.insert(new MethodInsnNode(org.objectweb.asm.Opcodes.INVOKESTATIC, group.name, "exhaust", "()V", false));
                }
            }
            JarKit.heapExhausting(group, "exhaust");
            run.put(target[0], group);
            run.rehash("echo");
            step(system, run.write(dir.resolve("run.jar")), "run", true);

            JarKit load = echo.copy();
            ClassNode node = load.node(main);
            JarKit.heapExhausting(node, "exhaust");
            JarKit.callFromConstructor(node, node.name, "exhaust");
            load.put(main, node);
            load.rehash("echo");
            step(system, load.write(dir.resolve("load.jar")), "load", false);

            PluginId id = system.loadPlugin(echo.write(dir.resolve("clean.jar")));
            String out = system.executePlugin(id, PluginInput.of("{\"still\":\"fine\"}")).data().path("still").asText();
            System.out.println("host: " + (out.equals("fine") ? "ok" : "wrong output " + out));
        }
    }

    private static void step(PluginSystem system, Path jar, String label, boolean twice) {
        PluginId id;
        try {
            id = system.loadPlugin(jar);
        } catch (PluginException e) {
            System.out.println(label + ": " + e.kind() + " " + e.getMessage());
            if (twice) { // the load itself ran the exhausting code: report it as the run would be, and once more
                System.out.println(label + " again: " + retryLoad(system, jar));
            }
            return;
        }
        for (String attempt : twice ? new String[] {label, label + " again"} : new String[] {label}) {
            try {
                system.executePlugin(id, PluginInput.of("{}"));
                System.out.println(attempt + ": no failure");
            } catch (PluginException e) {
                System.out.println(attempt + ": " + e.kind() + " " + e.getMessage());
            }
        }
        system.unloadPlugin(id);
    }

    private static String retryLoad(PluginSystem system, Path jar) {
        try {
            system.unloadPlugin(system.loadPlugin(jar));
            return "loaded";
        } catch (PluginException e) {
            return e.kind() + " " + e.getMessage();
        }
    }
}
