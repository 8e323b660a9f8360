package io.llmtestbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.IntInsnNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TypeInsnNode;

/**
 * A jar made by {@code llmtb compile}, tampered with ASM and a zip tool (manifest re-hashed): {@code run} and
 * {@code eval} print one JSON error object and exit 1, whether the jar is refused at load or its code fails
 * with a JVM {@code Error} at run time; a payload never runs.
 */
class TamperedJarIT {

    private static Path compiled(String name) {
        Path jar = Llmtb.work("tampered").resolve(name + ".jar");
        var r = Llmtb.run("compile", Llmtb.plugin("echo").toString(), "-o", jar.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        return jar;
    }

    /** Rewrites every generated class of the echo jar with {@code edit}, then re-hashes plugin.json. */
    private static void tamper(Path jar, Consumer<ClassNode> edit) throws Exception {
        tamper(jar, (node, module) -> edit.accept(node));
    }

    /** The method name of the function the module exports as {@code name}. */
    private static String exported(byte[] module, String name) {
        var exports = com.dylibso.chicory.wasm.Parser.parse(module).exportSection();
        for (int i = 0; i < exports.exportCount(); i++) {
            if (exports.getExport(i).name().equals(name)) {
                return "func_" + exports.getExport(i).index();
            }
        }
        throw new IllegalStateException("no export " + name);
    }

    private static void tamper(Path jar, java.util.function.BiConsumer<ClassNode, byte[]> edit) throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (var zip = new ZipInputStream(Files.newInputStream(jar))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                files.put(e.getName(), zip.readAllBytes());
            }
        }
        String manifestPath = "META-INF/llmtb/plugins/echo/plugin.json";
        ObjectNode manifest = (ObjectNode) Llmtb.JSON.readTree(files.get(manifestPath));
        ObjectNode classes = (ObjectNode) manifest.path("classes");
        for (var it = classes.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            String path = name.replace('.', '/') + ".class";
            var node = new ClassNode();
            new ClassReader(files.get(path)).accept(node, 0);
            edit.accept(node, files.get("META-INF/llmtb/plugins/echo/module.wasm"));
            var w = new ClassWriter(ClassWriter.COMPUTE_MAXS);
            node.accept(w);
            files.put(path, w.toByteArray());
            classes.put(name, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(files.get(path))));
        }
        files.put(manifestPath, Llmtb.JSON.writeValueAsBytes(manifest));
        try (var zip = new ZipOutputStream(Files.newOutputStream(jar))) {
            for (var f : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(f.getKey()));
                zip.write(f.getValue());
                zip.closeEntry();
            }
        }
    }

    private static void prependToFunctions(ClassNode node, Consumer<InsnList> code) {
        for (MethodNode m : node.methods) {
            if (m.name.matches("func_\\d+")) {
                InsnList c = new InsnList();
                code.accept(c);
                m.instructions.insert(c);
            }
        }
    }

    private static void assertOneError(Llmtb.Result r, String kind) {
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.stdout().strip().lines()).as("exactly one line on stdout: " + r).hasSize(1);
        assertThat(r.json().path("error").path("kind").asText()).as(r.toString()).isEqualTo(kind);
        assertThat(r.stderr()).doesNotContain("\tat ", "internal error");
    }

    @Test
    void aPayloadIsRefusedWithOneErrorObjectAndNeverRuns() throws Exception {
        Path marker = Llmtb.work("tampered").resolve("marker");
        Files.deleteIfExists(marker);
        Path jar = compiled("payload");
        tamper(jar, (ClassNode node) -> prependToFunctions(node, c -> {
            c.add(new TypeInsnNode(Opcodes.NEW, "java/io/FileOutputStream"));
            c.add(new InsnNode(Opcodes.DUP));
            c.add(new LdcInsnNode(marker.toAbsolutePath().toString()));
            c.add(new MethodInsnNode(Opcodes.INVOKESPECIAL, "java/io/FileOutputStream", "<init>", "(Ljava/lang/String;)V", false));
            c.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/io/FileOutputStream", "close", "()V", false));
        }));
        var r = Llmtb.run("run", jar.toString(), "--input", "{}");
        assertOneError(r, "INVALID_PLUGIN");
        assertThat(r.json().path("error").path("message").asText()).contains("java.io.FileOutputStream", "allow-list");
        assertThat(marker).doesNotExist();

        Path dir = Llmtb.work("tampered");
        Path pipeline = dir.resolve("pipeline.json");
        Files.writeString(pipeline, "{\"evaluators\": [{\"plugin\": \"" + jar.getFileName() + "\"}]}");
        Path data = dir.resolve("data.jsonl");
        Files.writeString(data, "{\"id\":1,\"response\":\"a\",\"expected\":\"a\"}\n");
        var e = Llmtb.run("eval", "--pipeline", pipeline.toString(), "--data", data.toString());
        assertOneError(e, "INVALID_PLUGIN");
        assertThat(marker).doesNotExist();
    }

    /** plugin_execute allocates a JVM array bigger than the heap: one MEMORY_LIMIT object, not a stack trace. */
    @Test
    void anOutOfMemoryErrorInPluginCodeIsOneErrorObject() throws Exception {
        Path jar = compiled("oom");
        tamper(jar, (node, module) -> {
            for (MethodNode m : node.methods) {
                if (m.name.equals(exported(module, "plugin_execute"))) {
                    InsnList c = new InsnList();
                    c.add(new LdcInsnNode(Integer.MAX_VALUE - 8));
                    c.add(new IntInsnNode(Opcodes.NEWARRAY, Opcodes.T_LONG));
                    c.add(new InsnNode(Opcodes.POP));
                    m.instructions.insert(c);
                }
            }
        });
        var r = Llmtb.run("run", jar.toString(), "--input", "{}");
        assertOneError(r, "MEMORY_LIMIT");
    }

    /** Adds {@code static void deeper()}: a big frame (256 local slots), then a call to itself. */
    private static void addDeeper(ClassNode node) {
        MethodNode deeper = new MethodNode(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "deeper", "()V", null, null);
        deeper.instructions.add(new InsnNode(Opcodes.LCONST_0));
        deeper.instructions.add(new org.objectweb.asm.tree.VarInsnNode(Opcodes.LSTORE, 254));
        deeper.instructions.add(new MethodInsnNode(Opcodes.INVOKESTATIC, node.name, "deeper", "()V", false));
        deeper.instructions.add(new InsnNode(Opcodes.RETURN));
        node.methods.add(deeper);
    }

    /** plugin_execute recurses without end before any depth check: one TRAP object, then the same again. */
    @Test
    void aStackOverflowErrorInPluginCodeIsOneErrorObject() throws Exception {
        Path jar = compiled("overflow");
        tamper(jar, (node, module) -> {
            for (MethodNode m : node.methods) {
                if (m.name.equals(exported(module, "plugin_execute"))) {
                    m.instructions.insert(new MethodInsnNode(Opcodes.INVOKESTATIC, node.name, "deeper", "()V", false));
                    addDeeper(node);
                    return;
                }
            }
        });
        var r = Llmtb.run("run", jar.toString(), "--input", "{}");
        assertOneError(r, "TRAP");
        assertThat(r.json().path("error").path("message").asText()).contains("call stack exhausted");
    }

    /**
     * A static initializer (here one that would overflow the stack): refused at load before it runs, one
     * INVALID_PLUGIN object that names it.
     */
    @Test
    void aStaticInitializerIsRefusedAtLoadAsOneErrorObject() throws Exception {
        Path jar = compiled("overflow-at-load");
        tamper(jar, (node, module) -> {
            if (node.methods.stream().anyMatch(m -> m.name.equals("<clinit>"))) {
                return;
            }
            addDeeper(node);
            MethodNode clinit = new MethodNode(Opcodes.ACC_STATIC, "<clinit>", "()V", null, null);
            clinit.instructions.add(new MethodInsnNode(Opcodes.INVOKESTATIC, node.name, "deeper", "()V", false));
            clinit.instructions.add(new InsnNode(Opcodes.RETURN));
            node.methods.add(clinit);
        });
        var r = Llmtb.run("run", jar.toString(), "--input", "{}");
        assertOneError(r, "INVALID_PLUGIN");
        assertThat(r.json().path("error").path("message").asText()).contains("has a static initializer", "<clinit>");
    }

    /**
     * plugin_execute exhausts the heap for real (chained 2 MiB arrays; a 64 MiB heap): one MEMORY_LIMIT object.
     * The loop uses nothing off the allow-list (the class's own members, newarray); it needs one stack-map frame.
     */
    @Test
    void exhaustingTheHeapIsOneErrorObject() throws Exception {
        Path jar = compiled("heap");
        tamper(jar, (node, module) -> {
            for (MethodNode m : node.methods) {
                if (m.name.equals(exported(module, "plugin_execute"))) {
                    m.instructions.insert(new MethodInsnNode(Opcodes.INVOKESTATIC, node.name, "exhaust", "()V", false));
                    // a linked list of the class's own instances (its constructor added here), 2 MiB each
                    String self = node.name;
                    node.fields.add(new org.objectweb.asm.tree.FieldNode(Opcodes.ACC_PRIVATE, "exhaust$next", "L" + self + ";", null, null));
                    node.fields.add(new org.objectweb.asm.tree.FieldNode(Opcodes.ACC_PRIVATE, "exhaust$data", "[J", null, null));
                    MethodNode ctor = new MethodNode(Opcodes.ACC_PRIVATE, "<init>", "(JJJ)V", null, null);
                    ctor.instructions.add(new org.objectweb.asm.tree.VarInsnNode(Opcodes.ALOAD, 0));
                    ctor.instructions.add(new MethodInsnNode(Opcodes.INVOKESPECIAL, node.superName, "<init>", "()V", false));
                    ctor.instructions.add(new InsnNode(Opcodes.RETURN));
                    node.methods.add(ctor);
                    MethodNode loop = new MethodNode(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "exhaust", "()V", null, null);
                    var top = new org.objectweb.asm.tree.LabelNode();
                    InsnList c = loop.instructions;
                    c.add(new InsnNode(Opcodes.ACONST_NULL));
                    c.add(new org.objectweb.asm.tree.VarInsnNode(Opcodes.ASTORE, 0));
                    c.add(top);
                    c.add(new org.objectweb.asm.tree.FrameNode(Opcodes.F_FULL, 1, new Object[] {self}, 0, new Object[0]));
                    c.add(new TypeInsnNode(Opcodes.NEW, self));
                    c.add(new InsnNode(Opcodes.DUP));
                    c.add(new InsnNode(Opcodes.LCONST_0));
                    c.add(new InsnNode(Opcodes.LCONST_0));
                    c.add(new InsnNode(Opcodes.LCONST_0));
                    c.add(new MethodInsnNode(Opcodes.INVOKESPECIAL, self, "<init>", "(JJJ)V", false));
                    c.add(new InsnNode(Opcodes.DUP));
                    c.add(new org.objectweb.asm.tree.VarInsnNode(Opcodes.ALOAD, 0));
                    c.add(new org.objectweb.asm.tree.FieldInsnNode(Opcodes.PUTFIELD, self, "exhaust$next", "L" + self + ";"));
                    c.add(new InsnNode(Opcodes.DUP));
                    c.add(new LdcInsnNode(1 << 18));
                    c.add(new IntInsnNode(Opcodes.NEWARRAY, Opcodes.T_LONG));
                    c.add(new org.objectweb.asm.tree.FieldInsnNode(Opcodes.PUTFIELD, self, "exhaust$data", "[J"));
                    c.add(new org.objectweb.asm.tree.VarInsnNode(Opcodes.ASTORE, 0));
                    c.add(new org.objectweb.asm.tree.JumpInsnNode(Opcodes.GOTO, top));
                    node.methods.add(loop);
                    return;
                }
            }
        });
        var r = Llmtb.run(null, Map.of("JAVA_TOOL_OPTIONS", "-Xmx64m"), "run", jar.toString(), "--input", "{}");
        assertOneError(r, "MEMORY_LIMIT");
        assertThat(r.json().path("error").path("message").asText()).contains("heap");
    }

    /** --verify-jar reproduce: an edit within the allow-list loads by default and is refused when reproducing. */
    @Test
    void verifyJarReproduceRefusesWhatTheAllowListLetsThrough() throws Exception {
        Path clean = compiled("reproducible");
        var ok = Llmtb.run("run", clean.toString(), "--input", "{\"a\":1}", "--verify-jar", "reproduce");
        assertThat(ok.exit()).as(ok.toString()).isZero();
        assertThat(ok.json().path("data").path("a").asInt()).isEqualTo(1);
        try (var verdicts = Files.list(Llmtb.work("cache").resolve("reproduced"))) {
            assertThat(verdicts.count()).as("the verdict is kept in the cache directory").isPositive();
        }

        Path edited = compiled("edited");
        tamper(edited, (ClassNode node) -> prependToFunctions(node, c -> c.add(new InsnNode(Opcodes.NOP))));
        var loose = Llmtb.run("run", edited.toString(), "--input", "{\"a\":1}");
        assertThat(loose.exit()).as(loose.toString()).isZero();
        var strict = Llmtb.run("run", edited.toString(), "--input", "{\"a\":1}", "--verify-jar", "reproduce");
        assertOneError(strict, "INVALID_PLUGIN");
        assertThat(strict.json().path("error").path("message").asText()).contains("not what this compiler generates");

        var usage = Llmtb.run("run", clean.toString(), "--input", "{}", "--verify-jar", "trust-me");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.stderr()).contains("allow-list or reproduce");
    }
}
