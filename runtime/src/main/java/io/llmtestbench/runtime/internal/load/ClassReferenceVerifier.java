package io.llmtestbench.runtime.internal.load;

import io.llmtestbench.compiler.PluginArtifact;
import io.llmtestbench.compiler.internal.AllowedReferences;
import io.llmtestbench.compiler.internal.AllowedReferences.Kind;
import io.llmtestbench.compiler.internal.AllowedReferences.Ref;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TypeInsnNode;

/**
 * Checks a plugin's classes before any is defined. A pre-compiled jar is JVM bytecode anyone can write; this
 * check makes it a closed world that can reach nothing but what the compiler's generated code reaches:
 *
 * <ul>
 *   <li>every reference outside the plugin's own classes (a member called or accessed, a class instantiated,
 *       cast to, caught, extended or implemented, a type in a stack-map frame or in an own declaration) is on
 *       the compiler's {@link AllowedReferences}, exactly: owner, name, descriptor and the instruction using it;
 *       no {@code invokedynamic}, no method-handle, method-type or dynamic constants;</li>
 *   <li>every reference to the plugin's own classes resolves to a member they declare, with the right kind
 *       and access (so that no {@code LinkageError} can happen later);</li>
 *   <li>the classes are plain final-or-not classes of one package that is not the JDK's, Chicory's or the
 *       runtime's, without native or synchronized methods, monitors, annotations, nest or inner-class
 *       attributes, and without overriding the {@code Object} methods host code may call
 *       ({@code toString}, {@code equals}, {@code hashCode}, {@code finalize}, {@code clone}), and without static
 *       initializers (the compiler generates none; one would run plugin code at class initialisation, outside any
 *       instance, its deadline and its thread);</li>
 *   <li>each implements every abstract method of the interfaces it declares.</li>
 * </ul>
 *
 * What this does not establish: that the code is what the compiler would generate (fuel metering, traps);
 * {@code LoadOptions.JarVerification.REPRODUCE} checks that.
 */
public final class ClassReferenceVerifier {
    private ClassReferenceVerifier() {}

    /** Packages (internal-name prefixes) no plugin class may be in. */
    private static final List<String> RESERVED_PACKAGES = List.of(
            "java/", "javax/", "jdk/", "sun/", "com/sun/", "com/dylibso/", "io/llmtestbench/", "org/objectweb/");

    /** Object's methods that host code may call on any object (logging, collections, the finalizer thread). */
    private static final Set<String> OBJECT_METHODS = Set.of(
            "toString()Ljava/lang/String;", "hashCode()I", "equals(Ljava/lang/Object;)Z", "finalize()V", "clone()Ljava/lang/Object;");

    /** A reason to refuse, or empty when every class is clean. */
    public static Optional<String> firstViolation(Map<String, byte[]> classes, String mainClass) {
        try {
            check(classes, mainClass, null);
            return Optional.empty();
        } catch (Refused r) {
            return Optional.of(r.getMessage());
        }
    }

    /**
     * Every reference the classes make outside themselves, in the list's terms (whether allowed or not). Throws
     * {@link IllegalArgumentException} when the classes are not well-formed enough to tell.
     */
    public static Set<Ref> externalReferences(Map<String, byte[]> classes) {
        Set<Ref> out = new TreeSet<>();
        try {
            check(classes, null, out);
        } catch (Refused r) {
            throw new IllegalArgumentException(r.getMessage());
        }
        return out;
    }

    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Checks (collect == null) or collects every external reference without judging it (collect != null, then
     * only structural problems that make references unreadable are thrown).
     */
    private static void check(Map<String, byte[]> classes, String mainClass, Set<Ref> collect) throws Refused {
        Map<String, ClassNode> own = new HashMap<>();
        Map<String, List<ClassFileCode.MethodCode>> code = new HashMap<>();
        String pkg = null;
        for (var e : classes.entrySet()) {
            String internal = e.getKey().replace('.', '/');
            if (!PluginArtifact.isBinaryName(e.getKey())) {
                throw new Refused("class name '" + e.getKey() + "' is not a Java class name");
            }
            ClassNode node = new ClassNode();
            List<ClassFileCode.MethodCode> methods;
            try {
                // the declarations from ASM, the code from ClassFileCode (one pass, each distinct reference once)
                new ClassReader(e.getValue()).accept(node, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG);
                methods = ClassFileCode.read(e.getValue());
            } catch (RuntimeException ex) {
                throw new Refused("class " + e.getKey() + " cannot be read: " + ex);
            }
            if (!internal.equals(node.name)) {
                throw new Refused("the file of class " + e.getKey() + " holds class " + node.name.replace('/', '.'));
            }
            if (methods.size() != node.methods.size()) {
                throw new Refused("class " + e.getKey() + " cannot be read: its methods do not parse consistently");
            }
            for (int i = 0; i < methods.size(); i++) {
                MethodNode m = node.methods.get(i);
                if (!m.name.equals(methods.get(i).name) || !m.desc.equals(methods.get(i).desc)) {
                    throw new Refused("class " + e.getKey() + " cannot be read: its methods do not parse consistently");
                }
            }
            own.put(internal, node);
            code.put(internal, methods);
        }
        if (collect == null) {
            String main = mainClass == null ? null : mainClass.replace('.', '/');
            if (main == null || !own.containsKey(main)) {
                throw new Refused("main class " + mainClass + " is not among the plugin's classes");
            }
            pkg = packageOf(main);
            for (String reserved : RESERVED_PACKAGES) {
                if ((pkg + "/").startsWith(reserved)) {
                    throw new Refused("class " + mainClass + " is in package " + pkg.replace('/', '.')
                            + ", which is reserved for the JDK, Chicory and the runtime");
                }
            }
        }
        for (ClassNode node : own.values()) {
            new Checker(node, code.get(node.name), own, pkg, collect).check();
        }
    }

    private static String packageOf(String internalName) {
        int slash = internalName.lastIndexOf('/');
        return slash < 0 ? "" : internalName.substring(0, slash);
    }

    private static final class Checker {
        private final ClassNode node;
        private final List<ClassFileCode.MethodCode> code;
        private final Map<String, ClassNode> own;
        private final String pkg;
        private final Set<Ref> collect;
        private final Map<String, Map<String, MethodNode>> methodIndex = new HashMap<>();
        private final Map<String, Map<String, FieldNode>> fieldIndex = new HashMap<>();
        private String where = "";

        Checker(ClassNode node, List<ClassFileCode.MethodCode> code, Map<String, ClassNode> own, String pkg, Set<Ref> collect) {
            this.node = node;
            this.code = code;
            this.own = own;
            this.pkg = pkg;
            this.collect = collect;
        }

        private Refused refused(String what) {
            return new Refused("class " + node.name.replace('/', '.') + where + " " + what);
        }

        /** A structural rule: enforced when checking, skipped when only collecting references. */
        private void rule(boolean holds, String what) throws Refused {
            if (!holds && collect == null) {
                throw refused(what);
            }
        }

        /** {@link #rule(boolean, String)} with a message built only when the rule is broken. */
        private void rule(boolean holds, Supplier<String> what) throws Refused {
            if (!holds && collect == null) {
                throw refused(what.get());
            }
        }

        /** An own class's methods by name and descriptor (the last declared of equal ones, as a scan would find). */
        private Map<String, MethodNode> members(ClassNode c) {
            return methodIndex.computeIfAbsent(c.name, k -> {
                Map<String, MethodNode> byKey = new HashMap<>();
                for (MethodNode x : c.methods) {
                    byKey.put(x.name + x.desc, x);
                }
                return byKey;
            });
        }

        /** An own class's fields by name and descriptor. */
        private Map<String, FieldNode> fields(ClassNode c) {
            return fieldIndex.computeIfAbsent(c.name, k -> {
                Map<String, FieldNode> byKey = new HashMap<>();
                for (FieldNode x : c.fields) {
                    byKey.put(x.name + ":" + x.desc, x);
                }
                return byKey;
            });
        }

        /** {@code shown} describes the use in a refusal; built only then (a plugin makes thousands of allowed ones). */
        private void external(Ref ref, Supplier<String> shown) throws Refused {
            if (collect != null) {
                collect.add(ref);
            } else if (!AllowedReferences.allows(ref)) {
                throw refused(shown.get() + ", which is not on the allow-list of what generated code may use");
            }
        }

        private static String show(Ref r) {
            return r.owner().replace('/', '.') + (r.name() == null ? "" : "." + r.name() + (r.kind().isField() ? ":" : "") + r.desc());
        }

        /** A type named in an own declaration (field, method descriptor): own, or on the list as {@code type}. */
        private void declaredType(String desc) throws Refused {
            for (Type t : AllowedReferences.descriptorTypes(desc)) {
                String n = t.getInternalName();
                if (!own.containsKey(n)) {
                    external(Ref.type(Kind.TYPE, n), () -> "declares a value of type " + n.replace('/', '.'));
                }
            }
        }

        /** A class name the JVM may resolve through the plugin's loader (frames, throws clauses). */
        private void resolvableName(String internalOrDesc, String role) throws Refused {
            if (internalOrDesc == null) {
                return;
            }
            String n = internalOrDesc.startsWith("[") ? Type.getType(internalOrDesc).getElementType().getInternalName() : internalOrDesc;
            if (n.length() == 1 && !n.contains("/") && internalOrDesc.startsWith("[")) {
                return; // primitive array
            }
            if (!own.containsKey(n) && collect == null && !AllowedReferences.resolvable(n)) {
                throw refused(role + " " + n.replace('/', '.') + ", a class plugin code may not use");
            }
        }

        void check() throws Refused {
            int major = node.version & 0xFFFF;
            rule(major <= Runtime.version().feature() + 44 && (node.version >>> 16) != 0xFFFF,
                    "is a class file of version " + major + "." + (node.version >>> 16) + ", which this JVM cannot load");
            rule((node.access & (Opcodes.ACC_INTERFACE | Opcodes.ACC_ABSTRACT | Opcodes.ACC_ANNOTATION | Opcodes.ACC_ENUM
                    | Opcodes.ACC_MODULE | Opcodes.ACC_RECORD)) == 0, "is not a plain class (access flags 0x"
                    + Integer.toHexString(node.access) + ")");
            if (pkg != null) {
                rule(packageOf(node.name).equals(pkg), "is not in the main class's package " + pkg.replace('/', '.'));
            }
            rule(node.nestHostClass == null && node.nestMembers == null && node.innerClasses.isEmpty()
                    && node.outerClass == null && node.permittedSubclasses == null && node.recordComponents == null
                    && node.module == null, "has nest, inner-class, record or module attributes");
            rule(noAnnotations(node.visibleAnnotations, node.invisibleAnnotations, node.visibleTypeAnnotations,
                    node.invisibleTypeAnnotations) && node.attrs == null, "has annotations or unknown attributes");
            rule(!AllowedReferences.resolvable(node.name), "has the name of a class plugin code uses from the runtime");
            if (node.superName == null || !own.containsKey(node.superName)) {
                external(Ref.type(Kind.EXTENDS, String.valueOf(node.superName)), () -> "extends " + String.valueOf(node.superName).replace('/', '.'));
            } else {
                rule(false, "extends another plugin class");
            }
            for (String itf : node.interfaces) {
                external(Ref.type(Kind.IMPLEMENTS, itf), () -> "implements " + itf.replace('/', '.'));
                if (collect == null) {
                    implementsAll(itf);
                }
            }
            for (FieldNode f : node.fields) {
                where = " (field " + f.name + ")";
                rule(noAnnotations(f.visibleAnnotations, f.invisibleAnnotations, f.visibleTypeAnnotations,
                        f.invisibleTypeAnnotations) && f.attrs == null, "has annotations or unknown attributes");
                declaredType(f.desc);
            }
            for (int i = 0; i < node.methods.size(); i++) {
                MethodNode m = node.methods.get(i);
                where = " (method " + m.name + m.desc + ")";
                method(m, code.get(i));
            }
        }

        private static boolean noAnnotations(List<?>... lists) {
            for (List<?> l : lists) {
                if (l != null && !l.isEmpty()) {
                    return false;
                }
            }
            return true;
        }

        /** An interface's abstract methods must be declared here, or calling them would be an AbstractMethodError. */
        private void implementsAll(String itf) throws Refused {
            Class<?> c;
            try {
                c = Class.forName(itf.replace('/', '.'), false, ClassReferenceVerifier.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw refused("implements " + itf.replace('/', '.') + ", which cannot be loaded: " + e);
            }
            for (Method m : c.getMethods()) {
                if (!Modifier.isAbstract(m.getModifiers())) {
                    continue;
                }
                String desc = Type.getMethodDescriptor(m);
                boolean found = node.methods.stream().anyMatch(x -> x.name.equals(m.getName()) && x.desc.equals(desc)
                        && (x.access & Opcodes.ACC_PUBLIC) != 0 && (x.access & Opcodes.ACC_STATIC) == 0);
                rule(found, "implements " + itf.replace('/', '.') + " without a public method " + m.getName() + desc);
            }
        }

        /** {@code c}: the method's code, each reference the class makes once (at its first use). */
        private void method(MethodNode m, ClassFileCode.MethodCode c) throws Refused {
            rule(!m.name.equals("<clinit>"), "has a static initializer, which the compiler never generates: its code would run when the"
                    + " class is first used, before and outside any instance and its limits");
            rule((m.access & (Opcodes.ACC_NATIVE | Opcodes.ACC_ABSTRACT | Opcodes.ACC_SYNCHRONIZED)) == 0,
                    "is native, abstract or synchronized");
            rule(noAnnotations(m.visibleAnnotations, m.invisibleAnnotations, m.visibleTypeAnnotations,
                    m.invisibleTypeAnnotations, m.visibleLocalVariableAnnotations, m.invisibleLocalVariableAnnotations)
                    && m.visibleParameterAnnotations == null && m.invisibleParameterAnnotations == null
                    && m.annotationDefault == null && m.attrs == null, "has annotations or unknown attributes");
            rule((m.access & (Opcodes.ACC_STATIC | Opcodes.ACC_PRIVATE)) != 0 || !OBJECT_METHODS.contains(m.name + m.desc),
                    "overrides java.lang.Object." + m.name + ", which host code may call outside the plugin's limits");
            declaredType(m.desc);
            if (m.exceptions != null) {
                for (String e : m.exceptions) {
                    resolvableName(e, "declares that it throws");
                }
            }
            for (String why : c.forbidden) {
                rule(false, why);
            }
            for (String type : c.catchTypes) {
                external(Ref.type(Kind.CATCH, type), () -> "catches " + type.replace('/', '.'));
            }
            for (String type : c.frameTypes) {
                resolvableName(type, "has a stack-map frame naming");
            }
            for (AbstractInsnNode insn : c.references) {
                instruction(m, insn);
            }
        }

        private void instruction(MethodNode m, AbstractInsnNode insn) throws Refused {
            int op = insn.getOpcode();
            switch (insn.getType()) {
                case AbstractInsnNode.METHOD_INSN:
                    call(m, (MethodInsnNode) insn);
                    break;
                case AbstractInsnNode.FIELD_INSN:
                    field(m, (FieldInsnNode) insn);
                    break;
                case AbstractInsnNode.TYPE_INSN: {
                    String type = ((TypeInsnNode) insn).desc;
                    Kind kind = op == Opcodes.NEW ? Kind.NEW : op == Opcodes.CHECKCAST ? Kind.CHECKCAST
                            : op == Opcodes.INSTANCEOF ? Kind.INSTANCEOF : Kind.ANEWARRAY;
                    if (!own.containsKey(type)) {
                        external(Ref.type(kind, type), () -> "uses " + type.replace('/', '.') + " (" + kind.name().toLowerCase(java.util.Locale.ROOT) + ")");
                    }
                    break;
                }
                case AbstractInsnNode.LDC_INSN:
                    constant(((LdcInsnNode) insn).cst);
                    break;
                default:
                    throw new IllegalStateException("not a reference: opcode " + op); // ClassFileCode makes no other
            }
        }

        /** A class constant (ClassFileCode refuses method-type, method-handle and dynamic constants itself). */
        private void constant(Object cst) throws Refused {
            Type t = (Type) cst;
            if (!own.containsKey(t.getInternalName())) {
                external(Ref.type(Kind.LDC, t.getInternalName()), () -> "loads the class constant " + t.getClassName());
            }
        }

        private static Kind kindOf(int opcode) {
            switch (opcode) {
                case Opcodes.INVOKESTATIC: return Kind.INVOKESTATIC;
                case Opcodes.INVOKEVIRTUAL: return Kind.INVOKEVIRTUAL;
                case Opcodes.INVOKEINTERFACE: return Kind.INVOKEINTERFACE;
                case Opcodes.INVOKESPECIAL: return Kind.INVOKESPECIAL;
                case Opcodes.GETFIELD: return Kind.GETFIELD;
                case Opcodes.PUTFIELD: return Kind.PUTFIELD;
                case Opcodes.GETSTATIC: return Kind.GETSTATIC;
                default: return Kind.PUTSTATIC;
            }
        }

        private void call(MethodNode m, MethodInsnNode call) throws Refused {
            Kind kind = kindOf(call.getOpcode());
            ClassNode target = own.get(call.owner);
            if (target == null) {
                Ref ref = Ref.member(kind, call.owner, call.name, call.desc);
                external(ref, () -> "calls " + show(ref) + " (" + kind.name().toLowerCase(java.util.Locale.ROOT) + ")");
                if (call.itf != (kind == Kind.INVOKEINTERFACE)) {
                    rule(false, "calls " + show(ref) + " as an " + (call.itf ? "interface" : "class") + " method");
                }
                return;
            }
            if (collect != null) {
                return;
            }
            MethodNode declared = members(target).get(call.name + call.desc);
            Supplier<String> shown = () -> call.owner.replace('/', '.') + "." + call.name + call.desc;
            rule(declared != null, () -> "calls " + shown.get() + ", which the plugin's classes do not declare");
            boolean isStatic = (declared.access & Opcodes.ACC_STATIC) != 0;
            boolean isInit = call.name.equals("<init>");
            rule(!call.name.equals("<clinit>"), "calls a static initializer");
            rule(!call.itf, () -> "calls " + shown.get() + " as an interface method");
            switch (kind) {
                case INVOKESTATIC:
                    rule(isStatic, () -> "calls instance method " + shown.get() + " with invokestatic");
                    break;
                case INVOKESPECIAL:
                    rule(!isStatic && (isInit || (declared.access & Opcodes.ACC_PRIVATE) != 0 && call.owner.equals(node.name)),
                            () -> "calls " + shown.get() + " with invokespecial");
                    break;
                case INVOKEVIRTUAL:
                    rule(!isStatic && !isInit, () -> "calls " + shown.get() + " with invokevirtual");
                    break;
                default:
                    rule(false, () -> "calls " + shown.get() + " with invokeinterface");
            }
            rule((declared.access & Opcodes.ACC_PRIVATE) == 0 || call.owner.equals(node.name), () -> "calls private " + shown.get());
        }

        private void field(MethodNode m, FieldInsnNode f) throws Refused {
            Kind kind = kindOf(f.getOpcode());
            ClassNode target = own.get(f.owner);
            if (target == null) {
                Ref ref = Ref.member(kind, f.owner, f.name, f.desc);
                external(ref, () -> "accesses " + show(ref) + " (" + kind.name().toLowerCase(java.util.Locale.ROOT) + ")");
                return;
            }
            if (collect != null) {
                return;
            }
            Supplier<String> shown = () -> f.owner.replace('/', '.') + "." + f.name + ":" + f.desc;
            FieldNode declared = fields(target).get(f.name + ":" + f.desc);
            rule(declared != null, () -> "accesses " + shown.get() + ", which the plugin's classes do not declare");
            boolean isStatic = (declared.access & Opcodes.ACC_STATIC) != 0;
            rule(isStatic == (kind == Kind.GETSTATIC || kind == Kind.PUTSTATIC), () -> "accesses " + shown.get() + " with the wrong instruction");
            rule((declared.access & Opcodes.ACC_PRIVATE) == 0 || f.owner.equals(node.name), () -> "accesses private " + shown.get());
            if ((declared.access & Opcodes.ACC_FINAL) != 0 && (kind == Kind.PUTFIELD || kind == Kind.PUTSTATIC)) {
                rule(f.owner.equals(node.name) && m.name.equals(isStatic ? "<clinit>" : "<init>"),
                        () -> "writes final field " + shown.get() + " outside its class's initializer");
            }
        }
    }
}
