package io.llmtestbench.runtime.tamper;

import io.llmtestbench.compiler.internal.AllowedReferences;
import io.llmtestbench.compiler.internal.AllowedReferences.Ref;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Members and classes for the mutation fuzzer to reach for, drawn at run time (nothing here is a fixed list of
 * what generated code uses): the compiler's allow-list itself and what the compiled test plugins reference (so
 * that mutants often stay on it or step just off it), every other member of the classes those name, any class of
 * the JDK's modules, of Chicory's jars and of the runtime and compiler, and a handful of classes an attacker
 * wants first (class definition, reflection, processes, files, threads).
 */
final class MemberPool {
    /** A member as an instruction uses it. */
    record Member(int opcode, String owner, String name, String desc, boolean itf) {
        boolean isField() {
            return opcode >= Opcodes.GETSTATIC && opcode <= Opcodes.PUTFIELD;
        }

        boolean isStatic() {
            return opcode == Opcodes.INVOKESTATIC || opcode == Opcodes.GETSTATIC || opcode == Opcodes.PUTSTATIC;
        }

        @Override
        public String toString() {
            return opcode + " " + owner + "." + name + desc;
        }
    }

    private static final List<String> ATTACKER_FAVOURITES = List.of(
            "java/lang/Class", "java/lang/ClassLoader", "java/lang/invoke/MethodHandles$Lookup", "java/lang/invoke/MethodHandles",
            "java/lang/System", "java/lang/Runtime", "java/lang/Thread", "java/lang/ProcessBuilder", "java/nio/file/Files",
            "java/io/FileOutputStream", "java/lang/reflect/Proxy", "java/lang/reflect/Method", "java/util/ServiceLoader",
            "sun/misc/Unsafe", "java/net/URLClassLoader", "java/lang/invoke/LambdaMetafactory", "java/lang/Object",
            "com/dylibso/chicory/compiler/internal/ClassLoadingCollector", "com/dylibso/chicory/compiler/MachineFactoryCompiler",
            "com/dylibso/chicory/runtime/Store", "com/dylibso/chicory/runtime/Instance", "com/dylibso/chicory/wasi/WasiPreview1");

    private final List<Member> allowed = new ArrayList<>();
    private final List<String> allowedTypes = new ArrayList<>();
    private final List<String> neighbourClasses = new ArrayList<>();
    private final List<String> jdkClasses = new ArrayList<>();
    private final List<String> chicoryClasses = new ArrayList<>();
    private final List<String> projectClasses = new ArrayList<>();
    private final Map<String, List<Member>> membersOf = new HashMap<>();
    private final Map<String, List<Member>> byShape = new HashMap<>();

    MemberPool(Set<ClassFileScan.Use> emitted) throws IOException {
        Set<String> neighbours = new LinkedHashSet<>(ATTACKER_FAVOURITES);
        for (Ref r : AllowedReferences.all()) {
            if (r.kind().isMember()) {
                add(allowed, new Member(opcode(r.kind().name()), r.owner(), r.name(), r.desc(), r.kind() == AllowedReferences.Kind.INVOKEINTERFACE));
            } else {
                allowedTypes.add(r.owner());
            }
            neighbours.add(AllowListOracle.element(r.owner()));
        }
        for (ClassFileScan.Use u : emitted) {
            if (u.name() != null && !u.use().startsWith("ldc") && !u.use().equals("invokedynamic")) {
                add(allowed, new Member(opcode(u.use().toUpperCase()), u.owner(), u.name(), u.desc(), u.use().equals("invokeinterface")));
            } else if (u.name() == null) {
                allowedTypes.add(u.owner());
            }
            neighbours.add(AllowListOracle.element(u.owner()));
        }
        neighbours.removeIf(n -> n.length() == 1);
        neighbourClasses.addAll(neighbours);
        try (FileSystem jrt = FileSystems.newFileSystem(URI.create("jrt:/"), Map.of())) {
            for (String module : List.of("java.base", "java.desktop", "java.naming", "java.scripting", "java.compiler",
                    "java.xml", "java.sql", "java.net.http", "java.management", "jdk.unsupported", "java.instrument")) {
                Path root = jrt.getPath("/modules", module);
                if (!Files.isDirectory(root)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(root)) {
                    files.map(p -> root.relativize(p).toString()).filter(MemberPool::isClassFile)
                            .map(s -> s.substring(0, s.length() - 6)).forEach(jdkClasses::add);
                }
            }
        }
        addJarClasses(chicoryClasses, com.dylibso.chicory.runtime.Instance.class, com.dylibso.chicory.wasm.Parser.class,
                com.dylibso.chicory.compiler.MachineFactoryCompiler.class, com.dylibso.chicory.wasi.WasiPreview1.class);
        addJarClasses(projectClasses, io.llmtestbench.runtime.PluginSystem.class, io.llmtestbench.compiler.WasmCompiler.class);
    }

    private static boolean isClassFile(String s) {
        return s.endsWith(".class") && !s.endsWith("module-info.class") && !s.endsWith("package-info.class");
    }

    private static void add(List<Member> to, Member m) {
        if (!to.contains(m)) {
            to.add(m);
        }
    }

    private static int opcode(String kind) {
        return switch (kind) {
            case "INVOKESTATIC" -> Opcodes.INVOKESTATIC;
            case "INVOKEVIRTUAL" -> Opcodes.INVOKEVIRTUAL;
            case "INVOKEINTERFACE" -> Opcodes.INVOKEINTERFACE;
            case "INVOKESPECIAL" -> Opcodes.INVOKESPECIAL;
            case "GETFIELD" -> Opcodes.GETFIELD;
            case "PUTFIELD" -> Opcodes.PUTFIELD;
            case "GETSTATIC" -> Opcodes.GETSTATIC;
            case "PUTSTATIC" -> Opcodes.PUTSTATIC;
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static void addJarClasses(List<String> to, Class<?>... anchors) throws IOException {
        Set<String> seen = new LinkedHashSet<>();
        for (Class<?> anchor : anchors) {
            CodeSource cs = anchor.getProtectionDomain().getCodeSource();
            if (cs == null) {
                continue;
            }
            Path p;
            try {
                p = Path.of(cs.getLocation().toURI());
            } catch (Exception e) {
                continue;
            }
            if (!seen.add(p.toString())) {
                continue;
            }
            if (Files.isDirectory(p)) {
                try (Stream<Path> files = Files.walk(p)) {
                    files.map(f -> p.relativize(f).toString()).filter(MemberPool::isClassFile)
                            .map(s -> s.substring(0, s.length() - 6)).forEach(to::add);
                }
            } else {
                try (ZipFile zip = new ZipFile(p.toFile())) {
                    zip.stream().map(e -> e.getName()).filter(n -> isClassFile(n) && !n.startsWith("META-INF/"))
                            .map(s -> s.substring(0, s.length() - 6)).forEach(to::add);
                }
            }
        }
    }

    int classCount() {
        return jdkClasses.size() + chicoryClasses.size() + projectClasses.size() + neighbourClasses.size();
    }

    /** A class name: one the list or the plugins name, or any class of the JDK, Chicory or the project. */
    String randomClass(Random r) {
        int d = r.nextInt(100);
        if (d < 20 && !allowedTypes.isEmpty()) {
            return AllowListOracle.element(allowedTypes.get(r.nextInt(allowedTypes.size())));
        } else if (d < 45) {
            return neighbourClasses.get(r.nextInt(neighbourClasses.size()));
        } else if (d < 75) {
            return jdkClasses.get(r.nextInt(jdkClasses.size()));
        } else if (d < 90) {
            return chicoryClasses.get(r.nextInt(chicoryClasses.size()));
        }
        return projectClasses.get(r.nextInt(projectClasses.size()));
    }

    /** A type a descriptor may name: a random class, sometimes as an array, sometimes a primitive. */
    Type randomType(Random r) {
        int d = r.nextInt(10);
        if (d == 0) {
            return List.of(Type.INT_TYPE, Type.LONG_TYPE, Type.FLOAT_TYPE, Type.DOUBLE_TYPE).get(r.nextInt(4));
        }
        Type t = Type.getObjectType(randomClass(r));
        return d == 1 ? Type.getType("[" + t.getDescriptor()) : t;
    }

    /** A member: from the list and the plugins' own references (40%), or any member of a random class. */
    Member randomMember(Random r) {
        if (r.nextInt(100) < 40) {
            return allowed.get(r.nextInt(allowed.size()));
        }
        for (int attempt = 0; attempt < 20; attempt++) {
            List<Member> ms = membersOf(randomClass(r));
            if (!ms.isEmpty()) {
                return ms.get(r.nextInt(ms.size()));
            }
        }
        return allowed.get(r.nextInt(allowed.size()));
    }

    /** A member of the same shape (descriptor, static or not, field or method) as {@code like}, if one is known. */
    Member sameShape(Random r, Member like) {
        // grow the index a little each time, from random classes
        for (int i = 0; i < 3; i++) {
            membersOf(randomClass(r));
        }
        List<Member> ms = byShape.get(shape(like));
        if (ms == null || ms.size() < 2) {
            return randomMember(r);
        }
        return ms.get(r.nextInt(ms.size()));
    }

    private static String shape(Member m) {
        return (m.isField() ? "F" : "M") + (m.isStatic() ? "S" : "I") + m.desc();
    }

    /** Every declared member of a class (any access), as the instruction that would use it; empty if unloadable. */
    List<Member> membersOf(String internalName) {
        return membersOf.computeIfAbsent(internalName, n -> {
            List<Member> out = new ArrayList<>();
            Class<?> c;
            try {
                c = Class.forName(n.replace('/', '.'), false, MemberPool.class.getClassLoader());
            } catch (Throwable e) {
                return out;
            }
            try {
                boolean itf = c.isInterface();
                for (Method m : c.getDeclaredMethods()) {
                    boolean st = Modifier.isStatic(m.getModifiers());
                    out.add(new Member(st ? Opcodes.INVOKESTATIC : itf ? Opcodes.INVOKEINTERFACE : Opcodes.INVOKEVIRTUAL,
                            n, m.getName(), Type.getMethodDescriptor(m), itf));
                }
                for (Constructor<?> k : c.getDeclaredConstructors()) {
                    out.add(new Member(Opcodes.INVOKESPECIAL, n, "<init>", Type.getConstructorDescriptor(k), false));
                }
                for (Field f : c.getDeclaredFields()) {
                    boolean st = Modifier.isStatic(f.getModifiers());
                    out.add(new Member(st ? Opcodes.GETSTATIC : Opcodes.GETFIELD, n, f.getName(), Type.getDescriptor(f.getType()), false));
                    if (!Modifier.isFinal(f.getModifiers())) {
                        out.add(new Member(st ? Opcodes.PUTSTATIC : Opcodes.PUTFIELD, n, f.getName(), Type.getDescriptor(f.getType()), false));
                    }
                }
            } catch (Throwable e) {
                // a class whose members name classes that are absent
            }
            for (Member m : out) {
                byShape.computeIfAbsent(shape(m), k -> new ArrayList<>()).add(m);
            }
            return out;
        });
    }

    /** Indexes the allow-list's own members by shape as well (so same-shape swaps can stay on the list). */
    void indexAllowed() {
        for (Member m : allowed) {
            byShape.computeIfAbsent(shape(m), k -> new ArrayList<>()).add(m);
        }
    }
}
