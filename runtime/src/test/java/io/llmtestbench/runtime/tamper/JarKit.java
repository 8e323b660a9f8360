package io.llmtestbench.runtime.tamper;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbench.compiler.CompiledModule;
import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.compiler.PluginArtifact;
import io.llmtestbench.compiler.WasmCompiler;
import io.llmtestbench.compiler.internal.RuntimeContract;
import io.llmtestbench.runtime.TestPlugins;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * What an attacker does to a pre-compiled plugin jar with nothing but ASM and a zip tool: the jar as a map of
 * files, its manifests as JSON, its classes as ASM trees, and a re-hash of a manifest after an edit (anyone can
 * recompute the SHA-256s of an unsigned jar).
 */
public final class JarKit {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The jar's files, by path, in order. */
    public final Map<String, byte[]> files;

    private JarKit(Map<String, byte[]> files) {
        this.files = files;
    }

    /** A real jar of these test plugins, compiled by this compiler and written as {@code llmtb compile} does. */
    public static JarKit compile(String... plugins) throws Exception {
        List<PluginArtifact.Entry> entries = new ArrayList<>();
        for (String p : plugins) {
            CompiledModule m = WasmCompiler.compile(Files.readAllBytes(TestPlugins.wasm(p)), CompilerOptions.defaults());
            entries.add(PluginArtifact.Entry.of(p, p + ".wasm", m));
        }
        return new JarKit(new LinkedHashMap<>(PluginArtifact.files(entries)));
    }

    /**
     * A jar of one test plugin compiled WITHOUT metering, its deadline checks edited out (each
     * {@code Budget.checkStop()} call, which unmetered loops make when the stop flag is up, replaced by a {@code pop}),
     * whose manifest and classes all claim {@code metering=on}: consistent everywhere and made only of allowed
     * references, so the allow-list accepts it, but its code never charges fuel and never stops at the deadline. What
     * an attacker makes of an unsigned jar by editing out the checks.
     */
    public static JarKit unmeteredClaimingMetering(String plugin) throws Exception {
        CompiledModule m = WasmCompiler.compile(Files.readAllBytes(TestPlugins.wasm(plugin)),
                CompilerOptions.defaults().withMetering(false));
        JarKit k = of(PluginArtifact.files(List.of(PluginArtifact.Entry.of(plugin, plugin + ".wasm", m))));
        ObjectNode manifest = k.manifest(plugin);
        manifest.put("stamp", manifest.path("stamp").asText().replace("metering=off", "metering=on"));
        k.manifest(plugin, manifest);
        for (String n : k.classNames(plugin)) {
            ClassNode node = k.node(n);
            for (FieldNode f : node.fields) {
                if (f.name.equals(RuntimeContract.STAMP_FIELD)) {
                    f.value = ((String) f.value).replace("metering=off", "metering=on");
                }
            }
            for (MethodNode mn : node.methods) {
                for (org.objectweb.asm.tree.AbstractInsnNode insn : mn.instructions.toArray()) {
                    if (insn instanceof org.objectweb.asm.tree.MethodInsnNode call
                            && call.name.equals(RuntimeContract.CHECK_STOP.name()) && call.owner.equals(RuntimeContract.CHECK_STOP.owner())) {
                        mn.instructions.set(insn, new org.objectweb.asm.tree.InsnNode(Opcodes.POP));
                    }
                }
            }
            k.put(n, node);
        }
        k.rehash(plugin);
        return k;
    }

    /** A jar of these files (for example {@link PluginArtifact#files}). */
    public static JarKit of(Map<String, byte[]> files) {
        return new JarKit(new LinkedHashMap<>(files));
    }

    public static JarKit read(Path jar) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (var zip = new ZipInputStream(Files.newInputStream(jar))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                if (!e.isDirectory()) {
                    files.put(e.getName(), zip.readAllBytes());
                }
            }
        }
        return new JarKit(files);
    }

    public JarKit copy() {
        Map<String, byte[]> c = new LinkedHashMap<>();
        files.forEach((k, v) -> c.put(k, v.clone()));
        return new JarKit(c);
    }

    public Path write(Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); var zip = new ZipOutputStream(out)) {
            for (var f : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(f.getKey()));
                zip.write(f.getValue());
                zip.closeEntry();
            }
        }
        return jar;
    }

    public static String dir(String id) {
        return PluginArtifact.PLUGINS_DIR + id + "/";
    }

    public ObjectNode manifest(String id) {
        try {
            return (ObjectNode) JSON.readTree(files.get(dir(id) + "plugin.json"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public void manifest(String id, ObjectNode m) {
        try {
            files.put(dir(id) + "plugin.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String mainClass(String id) {
        return manifest(id).path("mainClass").asText();
    }

    public List<String> classNames(String id) {
        List<String> names = new ArrayList<>();
        manifest(id).path("classes").fieldNames().forEachRemaining(names::add);
        return names;
    }

    public static String path(String className) {
        return className.replace('.', '/') + ".class";
    }

    public ClassNode node(String className) {
        var node = new ClassNode();
        new ClassReader(files.get(path(className))).accept(node, 0);
        return node;
    }

    /** Writes a class back (its stack-map frames kept as they are: edits must keep them valid or add none). */
    public void put(String className, ClassNode node) {
        files.put(path(className), bytes(node));
    }

    public static byte[] bytes(ClassNode node) {
        var w = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        node.accept(w);
        return w.toByteArray();
    }

    /** The stamp constant every class of this plugin carries (an attacker copies it onto classes it adds). */
    public String classStamp(String id) {
        for (FieldNode f : node(mainClass(id)).fields) {
            if (f.name.equals(RuntimeContract.STAMP_FIELD)) {
                return (String) f.value;
            }
        }
        throw new IllegalStateException("no stamp");
    }

    /** Gives a class the plugin's stamp field, as the runtime expects of every class. */
    public static void stamp(ClassNode node, String stamp) {
        node.fields.removeIf(f -> f.name.equals(RuntimeContract.STAMP_FIELD));
        node.fields.add(new FieldNode(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC | Opcodes.ACC_FINAL | Opcodes.ACC_SYNTHETIC,
                RuntimeContract.STAMP_FIELD, "Ljava/lang/String;", null, stamp));
    }

    /** Adds a class file and (when {@code listed}) its name to the manifest. */
    public void addClass(String id, String className, byte[] bytes, boolean listed) {
        files.put(path(className), bytes);
        if (listed) {
            ObjectNode m = manifest(id);
            ((ObjectNode) m.path("classes")).put(className, WasmCompiler.sha256(bytes));
            manifest(id, m);
        }
    }

    /**
     * Recomputes every digest the manifest lists from the files as they are now: classes and module.wasm. (The
     * source module's digest is part of the stamp and stays.)
     */
    public void rehash(String id) {
        ObjectNode m = manifest(id);
        ObjectNode classes = (ObjectNode) m.path("classes");
        List<String> names = new ArrayList<>();
        classes.fieldNames().forEachRemaining(names::add);
        for (String n : names) {
            byte[] b = files.get(path(n));
            if (b != null) {
                classes.put(n, WasmCompiler.sha256(b));
            }
        }
        m.put("wasmSha256", WasmCompiler.sha256(files.get(dir(id) + PluginArtifact.MODULE)));
        manifest(id, m);
    }

    /**
     * Adds {@code static void name()} to a class: a loop that chains 2 MiB {@code long} arrays until the JVM's heap
     * is exhausted (it never returns). Only what the allow-list lets any generated class use: its own class (two
     * fields and a constructor added here), {@code newarray}, {@code Object.<init>} and a backward jump, with the
     * one stack-map frame the loop needs.
     */
    public static MethodNode heapExhausting(ClassNode node, String name) {
        // Only the class's own members and primitive arrays, which the allow-list leaves to any generated class: a
        // linked list of the class's own instances (made by a constructor added for it), each holding 2 MiB.
        String self = node.name;
        String next = name + "$next";
        String data = name + "$data";
        node.fields.add(new org.objectweb.asm.tree.FieldNode(Opcodes.ACC_PRIVATE, next, "L" + self + ";", null, null));
        node.fields.add(new org.objectweb.asm.tree.FieldNode(Opcodes.ACC_PRIVATE, data, "[J", null, null));
        String ctorDesc = "(JJJ)V"; // a constructor of its own, whatever others the class has
        var ctor = new MethodNode(Opcodes.ACC_PRIVATE, "<init>", ctorDesc, null, null);
        ctor.instructions.add(new org.objectweb.asm.tree.VarInsnNode(Opcodes.ALOAD, 0));
        ctor.instructions.add(new org.objectweb.asm.tree.MethodInsnNode(Opcodes.INVOKESPECIAL, node.superName, "<init>", "()V", false));
        ctor.instructions.add(new org.objectweb.asm.tree.InsnNode(Opcodes.RETURN));
        node.methods.add(ctor);
        var m = new MethodNode(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, name, "()V", null, null);
        var loop = new org.objectweb.asm.tree.LabelNode();
        var c = m.instructions;
        c.add(new org.objectweb.asm.tree.InsnNode(Opcodes.ACONST_NULL));
        c.add(new org.objectweb.asm.tree.VarInsnNode(Opcodes.ASTORE, 0));
        c.add(loop);
        c.add(new org.objectweb.asm.tree.FrameNode(Opcodes.F_FULL, 1, new Object[] {self}, 0, new Object[0]));
        c.add(new org.objectweb.asm.tree.TypeInsnNode(Opcodes.NEW, self));
        c.add(new org.objectweb.asm.tree.InsnNode(Opcodes.DUP));
        c.add(new org.objectweb.asm.tree.InsnNode(Opcodes.LCONST_0));
        c.add(new org.objectweb.asm.tree.InsnNode(Opcodes.LCONST_0));
        c.add(new org.objectweb.asm.tree.InsnNode(Opcodes.LCONST_0));
        c.add(new org.objectweb.asm.tree.MethodInsnNode(Opcodes.INVOKESPECIAL, self, "<init>", ctorDesc, false));
        c.add(new org.objectweb.asm.tree.InsnNode(Opcodes.DUP));
        c.add(new org.objectweb.asm.tree.VarInsnNode(Opcodes.ALOAD, 0));
        c.add(new org.objectweb.asm.tree.FieldInsnNode(Opcodes.PUTFIELD, self, next, "L" + self + ";"));
        c.add(new org.objectweb.asm.tree.InsnNode(Opcodes.DUP));
        c.add(new org.objectweb.asm.tree.LdcInsnNode(1 << 18));
        c.add(new org.objectweb.asm.tree.IntInsnNode(Opcodes.NEWARRAY, Opcodes.T_LONG));
        c.add(new org.objectweb.asm.tree.FieldInsnNode(Opcodes.PUTFIELD, self, data, "[J"));
        c.add(new org.objectweb.asm.tree.VarInsnNode(Opcodes.ASTORE, 0));
        c.add(new org.objectweb.asm.tree.JumpInsnNode(Opcodes.GOTO, loop));
        node.methods.add(m);
        return m;
    }

    /** Adds {@code static void name()}, which calls itself before anything else: a stack overflow, unmetered. */
    public static MethodNode selfRecursive(ClassNode node, String name) {
        var m = new MethodNode(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, name, "()V", null, null);
        m.instructions.add(new org.objectweb.asm.tree.MethodInsnNode(Opcodes.INVOKESTATIC, node.name, name, "()V", false));
        m.instructions.add(new org.objectweb.asm.tree.InsnNode(Opcodes.RETURN));
        node.methods.add(m);
        return m;
    }

    /**
     * Makes every constructor of a class call the static method {@code owner.name()V} first: plugin code that runs
     * when an instance is made (at load, on the instance's thread).
     */
    public static void callFromConstructor(ClassNode node, String owner, String name) {
        boolean any = false;
        for (MethodNode m : node.methods) {
            if (m.name.equals("<init>")) {
                m.instructions.insert(new org.objectweb.asm.tree.MethodInsnNode(Opcodes.INVOKESTATIC, owner, name, "()V", false));
                any = true;
            }
        }
        if (!any) {
            throw new IllegalArgumentException(node.name + " has no constructor");
        }
    }

    /** The generated class and method of the function plugin {@code id} exports as {@code export}. */
    public String[] exportMethod(String id, String export) {
        var module = com.dylibso.chicory.wasm.Parser.parse(files.get(dir(id) + PluginArtifact.MODULE));
        int index = -1;
        for (int i = 0; i < module.exportSection().exportCount(); i++) {
            var e = module.exportSection().getExport(i);
            if (e.name().equals(export) && e.exportType() == com.dylibso.chicory.wasm.types.ExternalType.FUNCTION) {
                index = (int) e.index();
            }
        }
        for (String n : classNames(id)) {
            for (MethodNode m : node(n).methods) {
                if (m.name.equals("func_" + index)) {
                    return new String[] {n, m.name};
                }
            }
        }
        throw new IllegalStateException("no method for " + export);
    }

    /** A new public static method {@code name()V} on a class, with a body that ends in {@code return}. */
    public static MethodNode staticMethod(ClassNode node, String name) {
        var m = new MethodNode(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, name, "()V", null, null);
        node.methods.add(m);
        return m;
    }
}
