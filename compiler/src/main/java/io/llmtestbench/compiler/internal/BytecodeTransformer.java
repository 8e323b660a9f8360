package io.llmtestbench.compiler.internal;

import java.util.ArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Post-processes the classes a backend generated: instruments every wasm function with the call-depth limit
 * and, when metered, the fuel ({@link FunctionInstrumenter}), gives the injected metering functions bodies
 * that call the runtime's meter (for the interpreter fallback), and stamps every class.
 */
public final class BytecodeTransformer {
    private static final Pattern FUNC = Pattern.compile("func_(\\d+)");

    private final String stamp;
    private final int fuelFunction;
    private final int bulkFunction;
    private final ClassLoader typeResolver;

    /**
     * @param fuelFunction index of the injected {@code $fuel} function, or -1 when not metered
     * @param bulkFunction index of the injected {@code $bulk} function, or -1 when not metered
     */
    public BytecodeTransformer(String stamp, int fuelFunction, int bulkFunction) {
        this.stamp = stamp;
        this.fuelFunction = fuelFunction;
        this.bulkFunction = bulkFunction;
        this.typeResolver = BytecodeTransformer.class.getClassLoader();
    }

    public byte[] transform(byte[] classBytes) {
        var node = new ClassNode();
        new ClassReader(classBytes).accept(node, 0);
        boolean metered = fuelFunction >= 0;
        String fuelName = metered ? "func_" + fuelFunction : null;
        String bulkName = metered ? "func_" + bulkFunction : null;
        boolean needsFrames = false;
        for (MethodNode method : node.methods) {
            Matcher m = FUNC.matcher(method.name);
            int funcId = m.matches() ? Integer.parseInt(m.group(1)) : -1;
            if (funcId >= 0 && funcId == fuelFunction) {
                replaceBody(method, RuntimeContract.CHARGE, RuntimeContract.CHARGE_DESC, 1);
            } else if (funcId >= 0 && funcId == bulkFunction) {
                replaceBody(method, RuntimeContract.CHARGE_BULK, RuntimeContract.CHARGE_BULK_DESC, 2);
            } else {
                redirectHelperCalls(method);
                if (funcId >= 0 && FunctionInstrumenter.instrument(method, fuelName, bulkName)) {
                    needsFrames = true;
                } else if (metered) {
                    FunctionInstrumenter.dropInterruptionChecks(method);
                }
            }
        }
        node.fields.add(
                new FieldNode(
                        Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC | Opcodes.ACC_FINAL | Opcodes.ACC_SYNTHETIC,
                        RuntimeContract.STAMP_FIELD,
                        "Ljava/lang/String;",
                        null,
                        stamp));
        ClassWriter writer = needsFrames ? new FrameComputingWriter(typeResolver) : new ClassWriter(ClassWriter.COMPUTE_MAXS);
        node.accept(writer);
        return writer.toByteArray();
    }

    /** Gives an injected metering function a body that calls the meter (used by interpreted callers). */
    private static void replaceBody(MethodNode method, String target, String targetDesc, int intArgs) {
        var body = new InsnList();
        for (int i = 0; i < intArgs; i++) {
            body.add(new VarInsnNode(Opcodes.ILOAD, i));
        }
        body.add(new VarInsnNode(Opcodes.ALOAD, intArgs));
        body.add(new VarInsnNode(Opcodes.ALOAD, intArgs + 1));
        body.add(new MethodInsnNode(Opcodes.INVOKESTATIC, RuntimeContract.METER, target, targetDesc, false));
        body.add(new InsnNode(Opcodes.RETURN));
        method.instructions = body;
        method.tryCatchBlocks = new ArrayList<>();
        method.localVariables = null;
        method.maxStack = intArgs + 2;
        method.maxLocals = Math.max(method.maxLocals, intArgs + 2);
    }

    /**
     * Routes {@code System.getProperty(String)} to the runtime's guest support, which answers only backend
     * flags, {@code Thread.currentThread().isInterrupted()} to its {@code interrupted()}, and Chicory's NaN-unsafe
     * float helpers to spec-exact ones.
     */
    private static void redirectHelperCalls(MethodNode method) {
        for (AbstractInsnNode insn = method.instructions.getFirst(); insn != null; insn = insn.getNext()) {
            if (insn.getOpcode() == Opcodes.INVOKESTATIC) {
                var call = (MethodInsnNode) insn;
                AbstractInsnNode next = call.getNext();
                if (call.owner.equals("java/lang/System") && call.name.equals("getProperty")
                        && call.desc.equals(RuntimeContract.PROPERTY_DESC)) {
                    call.owner = RuntimeContract.GUEST;
                    call.name = RuntimeContract.PROPERTY;
                } else if (call.owner.equals("java/lang/Thread") && call.name.equals("currentThread")
                        && next instanceof MethodInsnNode && ((MethodInsnNode) next).owner.equals("java/lang/Thread")
                        && ((MethodInsnNode) next).name.equals("isInterrupted") && ((MethodInsnNode) next).desc.equals("()Z")) {
                    call.owner = RuntimeContract.GUEST;
                    call.name = RuntimeContract.INTERRUPTED;
                    call.desc = RuntimeContract.INTERRUPTED_DESC;
                    method.instructions.remove(next);
                } else if (call.owner.equals(RuntimeContract.CHICORY_OPCODES) && RuntimeContract.FLOAT_HELPERS.contains(call.name)) {
                    call.owner = RuntimeContract.FLOAT;
                }
            }
        }
    }

    /** Frame computation that resolves types through the compiler's own class path. */
    private static final class FrameComputingWriter extends ClassWriter {
        private final ClassLoader loader;

        FrameComputingWriter(ClassLoader loader) {
            super(ClassWriter.COMPUTE_FRAMES);
            this.loader = loader;
        }

        @Override
        protected ClassLoader getClassLoader() {
            return loader;
        }

        @Override
        protected String getCommonSuperClass(String type1, String type2) {
            try {
                return super.getCommonSuperClass(type1, type2);
            } catch (RuntimeException | LinkageError e) {
                return "java/lang/Object";
            }
        }
    }
}
