package io.llmtestbench.runtime.tamper;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmtestbench.compiler.internal.AllowedReferences;
import io.llmtestbench.compiler.internal.AllowedReferences.Ref;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Handle;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * The payload list ({@link Payload}) names the class-definition APIs we know of; this test finds them instead:
 * every method of Chicory's jars and of the project's compiler and runtime that, directly or through the methods
 * it calls, defines a class or loads native code (ClassLoader and SecureClassLoader.defineClass, Lookup's
 * defineClass and defineHiddenClass, Unsafe, Proxy, LambdaMetafactory, System and Runtime load), and every class
 * loader those jars declare. None of them may be a member the allow-list lets generated code use, and no class
 * loader among them may be a class plugin code can even name. (The call graph is the direct one: calls through
 * an interface are followed to the interface's method only; the list's audit covers the implementations.)
 */
class ClassDefinersTest {
    private static final Set<String> PRIMITIVE_OWNERS = Set.of("java/lang/ClassLoader", "java/security/SecureClassLoader",
            "java/lang/invoke/MethodHandles$Lookup", "sun/misc/Unsafe", "jdk/internal/misc/Unsafe", "java/lang/reflect/Proxy",
            "java/lang/System", "java/lang/Runtime");

    /** A call that defines a class or loads native code: on the JDK's APIs, or a define method of a class loader. */
    private static boolean primitive(String owner, String name, Set<String> loaders) {
        if (loaders.contains(owner)) {
            return name.startsWith("define");
        }
        if (!PRIMITIVE_OWNERS.contains(owner)) {
            return false;
        }
        return switch (owner) {
            case "java/lang/System", "java/lang/Runtime" -> name.equals("load") || name.equals("loadLibrary");
            case "java/lang/reflect/Proxy" -> name.equals("newProxyInstance") || name.equals("getProxyClass");
            default -> name.startsWith("define");
        };
    }

    @Test
    void nothingOnTheAllowListDefinesClassesOrLoadsNativeCode() throws Exception {
        Map<String, ClassNode> classes = new HashMap<>();
        for (Class<?> anchor : List.of(com.dylibso.chicory.runtime.Instance.class, com.dylibso.chicory.wasm.Parser.class,
                com.dylibso.chicory.compiler.MachineFactoryCompiler.class, com.dylibso.chicory.wasi.WasiPreview1.class,
                io.llmtestbench.runtime.PluginSystem.class, io.llmtestbench.compiler.WasmCompiler.class)) {
            read(anchor, classes);
        }
        // callers of each method, and the methods that call a primitive directly
        Map<String, Set<String>> callers = new HashMap<>();
        ArrayDeque<String> work = new ArrayDeque<>();
        Set<String> definers = new TreeSet<>();
        Set<String> loaders = new TreeSet<>();
        for (ClassNode c : classes.values()) {
            if (extendsClassLoader(c, classes)) {
                loaders.add(c.name);
            }
        }
        for (ClassNode c : classes.values()) {
            for (MethodNode m : c.methods) {
                String self = c.name + "." + m.name + m.desc;
                for (AbstractInsnNode i = m.instructions.getFirst(); i != null; i = i.getNext()) {
                    String owner = null;
                    String name = null;
                    String desc = null;
                    if (i instanceof MethodInsnNode call) {
                        owner = call.owner;
                        name = call.name;
                        desc = call.desc;
                    } else if (i instanceof InvokeDynamicInsnNode indy) {
                        owner = indy.bsm.getOwner();
                        name = indy.bsm.getName();
                        desc = indy.bsm.getDesc();
                        for (Object a : indy.bsmArgs) {
                            if (a instanceof Handle h) {
                                callers.computeIfAbsent(h.getOwner() + "." + h.getName() + h.getDesc(), k -> new HashSet<>()).add(self);
                            }
                        }
                    } else if (i instanceof LdcInsnNode ldc && ldc.cst instanceof Handle h) {
                        owner = h.getOwner();
                        name = h.getName();
                        desc = h.getDesc();
                    }
                    if (owner == null) {
                        continue;
                    }
                    if (primitive(owner, name, loaders) && definers.add(self)) {
                        work.add(self);
                    }
                    callers.computeIfAbsent(owner + "." + name + desc, k -> new HashSet<>()).add(self);
                }
            }
        }
        while (!work.isEmpty()) {
            for (String caller : callers.getOrDefault(work.poll(), Set.of())) {
                if (definers.add(caller)) {
                    work.add(caller);
                }
            }
        }
        // the scan finds the escape the issue reported, and Chicory's public compiler
        assertThat(definers).anyMatch(d -> d.startsWith("com/dylibso/chicory/compiler/internal/ClassLoadingCollector."));
        assertThat(definers).anyMatch(d -> d.startsWith("com/dylibso/chicory/compiler/MachineFactoryCompiler$Builder.compile("));

        Set<String> onList = new TreeSet<>();
        for (Ref r : AllowedReferences.all()) {
            if (r.kind().isMember() && definers.contains(r.owner() + "." + r.name() + r.desc())) {
                onList.add(r.toString());
            }
        }
        assertThat(onList).as("allowed members that define classes or load native code").isEmpty();
        for (String loader : loaders) {
            assertThat(AllowedReferences.resolvable(loader)).as("class loader " + loader + " is nameable by plugin code").isFalse();
        }
        for (String d : definers) {
            String owner = d.substring(0, d.indexOf('.'));
            // a class whose own code defines classes may be on the list only for other, audited members; a
            // class loader never
            assertThat(loaders.contains(owner) && AllowedReferences.resolvable(owner)).as(d).isFalse();
        }
    }

    private static boolean extendsClassLoader(ClassNode c, Map<String, ClassNode> classes) {
        for (String s = c.superName; s != null; ) {
            if (s.equals("java/lang/ClassLoader")) {
                return true;
            }
            ClassNode parent = classes.get(s);
            if (parent == null) {
                try {
                    Class<?> k = Class.forName(s.replace('/', '.'), false, ClassDefinersTest.class.getClassLoader());
                    return ClassLoader.class.isAssignableFrom(k);
                } catch (Throwable e) {
                    return false;
                }
            }
            s = parent.superName;
        }
        return false;
    }

    private static void read(Class<?> anchor, Map<String, ClassNode> into) throws Exception {
        CodeSource cs = anchor.getProtectionDomain().getCodeSource();
        Path p = Path.of(cs.getLocation().toURI());
        if (Files.isDirectory(p)) {
            try (Stream<Path> files = Files.walk(p)) {
                for (Path f : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                    add(Files.readAllBytes(f), into);
                }
            }
        } else {
            try (ZipFile zip = new ZipFile(p.toFile())) {
                var entries = zip.entries();
                while (entries.hasMoreElements()) {
                    var e = entries.nextElement();
                    if (e.getName().endsWith(".class") && !e.getName().contains("module-info")) {
                        add(zip.getInputStream(e).readAllBytes(), into);
                    }
                }
            }
        }
    }

    private static void add(byte[] bytes, Map<String, ClassNode> into) {
        ClassNode node = new ClassNode();
        new ClassReader(bytes).accept(node, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        into.putIfAbsent(node.name, node);
    }
}
