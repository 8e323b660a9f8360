package io.llmtestbench.runtime.tamper;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.FrameNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.TypeInsnNode;

/**
 * One random ASM-level edit of a generated class, as an attacker with ASM would make it. Edits that insert code
 * insert straight-line, stack-neutral code (so the class's stack-map frames stay valid and the JVM's own verifier
 * does not hide what ours does); edits that retarget keep or break the shape at random. {@link #neutral} edits do
 * not change what the plugin computes when they are accepted, so such a mutant must return the original's
 * result (or a typed error).
 */
enum Mutation {
    /** A call's target replaced by any member of a random class (or of the list), with the instruction it needs. */
    RETARGET_CALL(false),
    /** A call's target replaced by a member of the same shape: the JVM would link it, only the list stops it. */
    RETARGET_CALL_SAME_SHAPE(false),
    /** A field access retargeted to a random field (same shape when one is known). */
    RETARGET_FIELD(false),
    /** A call's instruction changed (invokevirtual, invokespecial, invokestatic, invokeinterface) on the same member. */
    FLIP_INVOKE_KIND(false),
    /** A call inserted: any member, default arguments (zero, null), result dropped. */
    INSERT_CALL(false),
    /** A field read inserted (static, or on null), value dropped. */
    INSERT_FIELD_READ(false),
    /** A field of a random type (static or not, maybe final) added to the class. */
    ADD_FIELD(true),
    /** A method whose descriptor names random types added to the class. */
    ADD_METHOD(true),
    /** {@code ldc} of a random class (or array class), dropped. */
    INSERT_LDC_CLASS(true),
    /** {@code new}, {@code checkcast}, {@code instanceof} or {@code anewarray} of a random class, dropped. */
    INSERT_TYPE_USE(true),
    /** {@code ldc} of a method handle, a method type or a dynamic constant; or an {@code invokedynamic}. */
    INSERT_HANDLE_OR_INDY(false),
    /** The class's superclass or interfaces replaced or extended by random classes. */
    CHANGE_HIERARCHY(false),
    /** A try-catch block's type, a stack-map frame's class or a throws clause changed to a random class. */
    RETYPE_CATCH_FRAME_OR_THROWS(false),
    /** A call retargeted to a class of the plugin's own package that the manifest does not list (or no class at all). */
    RETARGET_TO_UNLISTED(false),
    /** One of the {@link Payload}s (each creates a marker file if it runs), called first thing by a random method. */
    INSERT_PAYLOAD(false);

    final boolean neutral;

    Mutation(boolean neutral) {
        this.neutral = neutral;
    }

    /** What an edit needs: the randomness, the pool, the class, a marker path, and a way to add classes. */
    static final class Target {
        final Random random;
        final MemberPool pool;
        final ClassNode node;
        final Path marker;
        final JarKit jar;
        final String pluginId;
        final String stamp;

        Target(Random random, MemberPool pool, ClassNode node, Path marker, JarKit jar, String pluginId, String stamp) {
            this.random = random;
            this.pool = pool;
            this.node = node;
            this.marker = marker;
            this.jar = jar;
            this.pluginId = pluginId;
            this.stamp = stamp;
        }
    }

    /** Applies this edit; returns what it did (for a failure message), or null if the class offers no site for it. */
    String apply(Target t) {
        Random r = t.random;
        ClassNode node = t.node;
        switch (this) {
            case RETARGET_CALL, RETARGET_CALL_SAME_SHAPE, RETARGET_TO_UNLISTED, FLIP_INVOKE_KIND: {
                MethodInsnNode call = pick(r, node, MethodInsnNode.class);
                if (call == null) {
                    return null;
                }
                String before = call.owner + "." + call.name + call.desc;
                if (this == FLIP_INVOKE_KIND) {
                    int[] ops = {Opcodes.INVOKEVIRTUAL, Opcodes.INVOKESPECIAL, Opcodes.INVOKESTATIC, Opcodes.INVOKEINTERFACE};
                    call.setOpcode(ops[r.nextInt(ops.length)]);
                    call.itf = call.getOpcode() == Opcodes.INVOKEINTERFACE || r.nextInt(4) == 0;
                    return "opcode " + call.getOpcode() + " on " + before;
                }
                if (this == RETARGET_TO_UNLISTED) {
                    String pkg = node.name.substring(0, node.name.lastIndexOf('/') + 1);
                    String[] owners = {pkg + "Ghost", pkg + "Unlisted", "com/dylibso/chicory/runtime/Ghost", "java/lang/Ghost"};
                    call.owner = owners[r.nextInt(owners.length)];
                    if (call.owner.endsWith("Unlisted")) {
                        var extra = new ClassNode();
                        extra.visit(Opcodes.V11, Opcodes.ACC_PUBLIC, call.owner, null, "java/lang/Object", null);
                        JarKit.stamp(extra, t.stamp);
                        t.jar.addClass(t.pluginId, call.owner.replace('/', '.'), JarKit.bytes(extra), false);
                    }
                    return before + " -> owner " + call.owner;
                }
                MemberPool.Member like = new MemberPool.Member(call.getOpcode(), call.owner, call.name, call.desc, call.itf);
                MemberPool.Member m = this == RETARGET_CALL_SAME_SHAPE ? t.pool.sameShape(r, like) : t.pool.randomMember(r);
                if (m.isField()) {
                    m = t.pool.sameShape(r, like);
                    if (m.isField()) {
                        return null;
                    }
                }
                call.setOpcode(m.opcode());
                call.owner = m.owner();
                call.name = m.name();
                call.desc = m.desc();
                call.itf = m.itf();
                return before + " -> " + m;
            }
            case RETARGET_FIELD: {
                FieldInsnNode f = pick(r, node, FieldInsnNode.class);
                if (f == null) {
                    return null;
                }
                String before = f.owner + "." + f.name + ":" + f.desc;
                MemberPool.Member like = new MemberPool.Member(f.getOpcode(), f.owner, f.name, f.desc, false);
                MemberPool.Member m = r.nextBoolean() ? t.pool.sameShape(r, like) : t.pool.randomMember(r);
                if (!m.isField()) {
                    return null;
                }
                f.setOpcode(r.nextInt(4) == 0 ? (m.isStatic() ? Opcodes.PUTSTATIC : Opcodes.PUTFIELD) : m.opcode());
                f.owner = m.owner();
                f.name = m.name();
                f.desc = m.desc();
                return before + " -> " + m;
            }
            case INSERT_CALL: {
                MemberPool.Member m = t.pool.randomMember(r);
                InsnList code = new InsnList();
                if (m.isField()) {
                    return null;
                }
                {
                    if (m.name().equals("<init>")) {
                        code.add(new TypeInsnNode(Opcodes.NEW, m.owner()));
                        code.add(new InsnNode(Opcodes.DUP));
                    } else if (m.opcode() != Opcodes.INVOKESTATIC) {
                        code.add(new InsnNode(Opcodes.ACONST_NULL));
                    }
                    for (Type a : Type.getArgumentTypes(m.desc())) {
                        code.add(zero(a));
                    }
                    code.add(new MethodInsnNode(m.opcode(), m.owner(), m.name(), m.desc(), m.itf()));
                    if (m.name().equals("<init>")) {
                        code.add(new InsnNode(Opcodes.POP));
                    } else {
                        code.add(drop(Type.getReturnType(m.desc())));
                    }
                }
                return insert(r, node, code) + m;
            }
            case INSERT_FIELD_READ: {
                MemberPool.Member m = null;
                for (int i = 0; i < 10 && (m == null || !m.isField()); i++) {
                    m = t.pool.randomMember(r);
                }
                if (m == null || !m.isField()) {
                    return null;
                }
                InsnList code = new InsnList();
                boolean st = m.isStatic();
                if (!st) {
                    code.add(new InsnNode(Opcodes.ACONST_NULL));
                }
                code.add(new FieldInsnNode(st ? Opcodes.GETSTATIC : Opcodes.GETFIELD, m.owner(), m.name(), m.desc()));
                code.add(drop(Type.getType(m.desc())));
                return insert(r, node, code) + m;
            }
            case ADD_FIELD: {
                Type type = r.nextInt(5) == 0 ? Type.getObjectType(node.name) : t.pool.randomType(r);
                int access = Opcodes.ACC_PUBLIC | (r.nextBoolean() ? Opcodes.ACC_STATIC : 0) | (r.nextBoolean() ? Opcodes.ACC_FINAL : 0);
                node.fields.add(new FieldNode(access, "fuzz$" + r.nextInt(1000), type.getDescriptor(), null, null));
                return "field of type " + type;
            }
            case ADD_METHOD: {
                List<Type> args = new ArrayList<>();
                for (int i = r.nextInt(3); i > 0; i--) {
                    args.add(t.pool.randomType(r));
                }
                Type ret = r.nextBoolean() ? Type.VOID_TYPE : t.pool.randomType(r);
                String desc = Type.getMethodDescriptor(ret, args.toArray(Type[]::new));
                var m = new MethodNode(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "fuzz$" + r.nextInt(1000), desc, null, null);
                if (ret.getSort() != Type.VOID) {
                    m.instructions.add(zero(ret));
                }
                m.instructions.add(new InsnNode(ret.getOpcode(Opcodes.IRETURN)));
                node.methods.add(m);
                return "method " + m.name + desc;
            }
            case INSERT_LDC_CLASS: {
                Type type = t.pool.randomType(r);
                if (type.getSort() != Type.OBJECT && type.getSort() != Type.ARRAY) {
                    type = Type.getType("[" + type.getDescriptor());
                }
                InsnList code = new InsnList();
                code.add(new LdcInsnNode(type));
                code.add(new InsnNode(Opcodes.POP));
                return insert(r, node, code) + "ldc " + type;
            }
            case INSERT_TYPE_USE: {
                String cls = t.pool.randomClass(r);
                InsnList code = new InsnList();
                String what;
                switch (r.nextInt(4)) {
                    case 0 -> {
                        code.add(new TypeInsnNode(Opcodes.NEW, cls));
                        what = "new";
                    }
                    case 1 -> {
                        code.add(new InsnNode(Opcodes.ACONST_NULL));
                        code.add(new TypeInsnNode(Opcodes.CHECKCAST, cls));
                        what = "checkcast";
                    }
                    case 2 -> {
                        code.add(new InsnNode(Opcodes.ACONST_NULL));
                        code.add(new TypeInsnNode(Opcodes.INSTANCEOF, cls));
                        what = "instanceof";
                    }
                    default -> {
                        code.add(new InsnNode(Opcodes.ICONST_0));
                        code.add(new TypeInsnNode(Opcodes.ANEWARRAY, cls));
                        what = "anewarray";
                    }
                }
                code.add(new InsnNode(Opcodes.POP));
                return insert(r, node, code) + what + " " + cls;
            }
            case INSERT_HANDLE_OR_INDY: {
                MemberPool.Member m = t.pool.randomMember(r);
                InsnList code = new InsnList();
                String what;
                int tag = m.isField() ? Opcodes.H_GETSTATIC : m.opcode() == Opcodes.INVOKESTATIC ? Opcodes.H_INVOKESTATIC
                        : m.opcode() == Opcodes.INVOKESPECIAL ? Opcodes.H_NEWINVOKESPECIAL
                        : m.opcode() == Opcodes.INVOKEINTERFACE ? Opcodes.H_INVOKEINTERFACE : Opcodes.H_INVOKEVIRTUAL;
                if (m.isField() && !m.isStatic()) {
                    tag = Opcodes.H_GETFIELD;
                }
                Handle h = new Handle(tag, m.owner(), m.name(), m.desc(), m.itf());
                switch (r.nextInt(4)) {
                    case 0 -> {
                        code.add(new LdcInsnNode(h));
                        code.add(new InsnNode(Opcodes.POP));
                        what = "ldc handle ";
                    }
                    case 1 -> {
                        code.add(new LdcInsnNode(Type.getMethodType(m.isField() ? "()" + m.desc() : m.desc())));
                        code.add(new InsnNode(Opcodes.POP));
                        what = "ldc method type of ";
                    }
                    case 2 -> {
                        Handle bsm = new Handle(Opcodes.H_INVOKESTATIC, "java/lang/invoke/ConstantBootstraps", "invoke",
                                "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;Ljava/lang/invoke/MethodHandle;[Ljava/lang/Object;)Ljava/lang/Object;",
                                false);
                        code.add(new LdcInsnNode(new ConstantDynamic("fuzz", "Ljava/lang/Object;", bsm, h)));
                        code.add(new InsnNode(Opcodes.POP));
                        what = "ldc dynamic constant invoking ";
                    }
                    default -> {
                        Handle bsm = new Handle(Opcodes.H_INVOKESTATIC, "java/lang/invoke/ConstantBootstraps", "invoke",
                                "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;Ljava/lang/invoke/MethodHandle;[Ljava/lang/Object;)Ljava/lang/Object;",
                                false);
                        code.add(new org.objectweb.asm.tree.InvokeDynamicInsnNode("fuzz", "()Ljava/lang/Object;", bsm, h));
                        code.add(new InsnNode(Opcodes.POP));
                        what = "invokedynamic on ";
                    }
                }
                return insert(r, node, code) + what + m;
            }
            case CHANGE_HIERARCHY: {
                String cls = t.pool.randomClass(r);
                if (r.nextBoolean()) {
                    String before = node.superName;
                    node.superName = cls;
                    for (MethodNode m : node.methods) { // keep the constructors' super calls consistent, as a careful attacker would
                        for (AbstractInsnNode i = m.instructions.getFirst(); i != null; i = i.getNext()) {
                            if (m.name.equals("<init>") && i instanceof MethodInsnNode && ((MethodInsnNode) i).owner.equals(before)
                                    && ((MethodInsnNode) i).name.equals("<init>")) {
                                ((MethodInsnNode) i).owner = cls;
                            }
                        }
                    }
                    return "extends " + cls;
                }
                node.interfaces.add(cls);
                return "implements " + cls;
            }
            case RETYPE_CATCH_FRAME_OR_THROWS: {
                String cls = t.pool.randomClass(r);
                List<MethodNode> withCatch = new ArrayList<>();
                List<FrameNode> frames = new ArrayList<>();
                for (MethodNode m : node.methods) {
                    if (!m.tryCatchBlocks.isEmpty()) {
                        withCatch.add(m);
                    }
                    for (AbstractInsnNode i = m.instructions.getFirst(); i != null; i = i.getNext()) {
                        if (i instanceof FrameNode) {
                            frames.add((FrameNode) i);
                        }
                    }
                }
                int d = r.nextInt(3);
                if (d == 0 && !withCatch.isEmpty()) {
                    MethodNode m = withCatch.get(r.nextInt(withCatch.size()));
                    TryCatchBlockNode tc = m.tryCatchBlocks.get(r.nextInt(m.tryCatchBlocks.size()));
                    tc.type = cls;
                    return "catch " + cls + " in " + m.name;
                }
                if (d == 1 && !frames.isEmpty()) {
                    FrameNode f = frames.get(r.nextInt(frames.size()));
                    List<Object> types = f.local != null && !f.local.isEmpty() ? f.local : f.stack;
                    if (types != null) {
                        for (int i = 0; i < types.size(); i++) {
                            if (types.get(i) instanceof String) {
                                types.set(i, cls);
                                return "frame type " + cls;
                            }
                        }
                    }
                }
                MethodNode m = node.methods.get(r.nextInt(node.methods.size()));
                m.exceptions.add(cls);
                return "throws " + cls + " on " + m.name;
            }
            case INSERT_PAYLOAD: {
                Payload p = Payload.values()[r.nextInt(Payload.values().length)];
                String name = "llmtb$payload";
                if (node.methods.stream().anyMatch(m -> m.name.equals(name))) {
                    return null;
                }
                List<MethodNode> hosts = new ArrayList<>();
                for (MethodNode m : node.methods) {
                    if (m.instructions.size() > 0) {
                        hosts.add(m);
                    }
                }
                p.install(node, t.marker.toString(), (n, extra) -> {
                    JarKit.stamp(extra, t.stamp);
                    t.jar.addClass(t.pluginId, n.replace('/', '.'), JarKit.bytes(extra), r.nextBoolean());
                });
                InsnList code = new InsnList();
                code.add(new MethodInsnNode(Opcodes.INVOKESTATIC, node.name, name, "()V", false));
                MethodNode host = hosts.get(r.nextInt(hosts.size()));
                host.instructions.insert(code);
                return "payload " + p + " called from " + host.name;
            }
            default:
                throw new IllegalStateException(name());
        }
    }

    /** A random instruction of this type in a random method, or null. */
    private static <T extends AbstractInsnNode> T pick(Random r, ClassNode node, Class<T> type) {
        List<T> found = new ArrayList<>();
        for (MethodNode m : node.methods) {
            for (AbstractInsnNode i = m.instructions.getFirst(); i != null; i = i.getNext()) {
                if (type.isInstance(i)) {
                    found.add(type.cast(i));
                }
            }
        }
        return found.isEmpty() ? null : found.get(r.nextInt(found.size()));
    }

    /**
     * Inserts stack-neutral straight-line code into a random method with code: at its start (half the time) or
     * before a random instruction. Returns where, as a prefix of the description.
     */
    private static String insert(Random r, ClassNode node, InsnList code) {
        List<MethodNode> withCode = new ArrayList<>();
        for (MethodNode m : node.methods) {
            if (m.instructions.size() > 0) {
                withCode.add(m);
            }
        }
        MethodNode m = withCode.get(r.nextInt(withCode.size()));
        if (r.nextBoolean()) {
            m.instructions.insert(code);
            return "at the start of " + m.name + ": ";
        }
        AbstractInsnNode at = m.instructions.get(r.nextInt(m.instructions.size()));
        m.instructions.insertBefore(at, code);
        return "inside " + m.name + ": ";
    }

    private static AbstractInsnNode zero(Type t) {
        return switch (t.getSort()) {
            case Type.BOOLEAN, Type.BYTE, Type.CHAR, Type.SHORT, Type.INT -> new InsnNode(Opcodes.ICONST_0);
            case Type.LONG -> new InsnNode(Opcodes.LCONST_0);
            case Type.FLOAT -> new InsnNode(Opcodes.FCONST_0);
            case Type.DOUBLE -> new InsnNode(Opcodes.DCONST_0);
            default -> new InsnNode(Opcodes.ACONST_NULL);
        };
    }

    private static AbstractInsnNode drop(Type t) {
        return switch (t.getSize()) {
            case 0 -> new InsnNode(Opcodes.NOP);
            case 2 -> new InsnNode(Opcodes.POP2);
            default -> new InsnNode(Opcodes.POP);
        };
    }
}
