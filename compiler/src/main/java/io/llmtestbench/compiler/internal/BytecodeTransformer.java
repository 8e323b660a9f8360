package io.llmtestbench.compiler.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Post-processes the classes a backend generated: links the metering calls to the runtime's meter, adds
 * the deterministic call-depth accounting to every wasm function, and stamps every class.
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
                linkMeterCalls(method);
                if (funcId >= 0) {
                    needsFrames |= addDepthAccounting(method);
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
     * flags, and Chicory's NaN-unsafe float helpers to spec-exact ones.
     */
    private static void redirectHelperCalls(MethodNode method) {
        for (AbstractInsnNode insn = method.instructions.getFirst(); insn != null; insn = insn.getNext()) {
            if (insn.getOpcode() == Opcodes.INVOKESTATIC) {
                var call = (MethodInsnNode) insn;
                if (call.owner.equals("java/lang/System") && call.name.equals("getProperty")
                        && call.desc.equals(RuntimeContract.PROPERTY_DESC)) {
                    call.owner = RuntimeContract.GUEST;
                    call.name = RuntimeContract.PROPERTY;
                } else if (call.owner.equals(RuntimeContract.CHICORY_OPCODES) && RuntimeContract.FLOAT_HELPERS.contains(call.name)) {
                    call.owner = RuntimeContract.FLOAT;
                }
            }
        }
    }

    /** Turns calls to the injected functions into direct meter calls, dropping the interruption check before them. */
    private void linkMeterCalls(MethodNode method) {
        if (fuelFunction < 0) {
            return;
        }
        String fuelName = "func_" + fuelFunction;
        String bulkName = "func_" + bulkFunction;
        for (AbstractInsnNode insn = method.instructions.getFirst(); insn != null; insn = insn.getNext()) {
            if (insn.getOpcode() != Opcodes.INVOKESTATIC) {
                continue;
            }
            var call = (MethodInsnNode) insn;
            boolean fuel = call.name.equals(fuelName) && call.desc.equals(RuntimeContract.CHARGE_DESC);
            boolean bulk = call.name.equals(bulkName) && call.desc.equals(RuntimeContract.CHARGE_BULK_DESC);
            if (!fuel && !bulk) {
                continue;
            }
            call.owner = RuntimeContract.METER;
            call.name = fuel ? RuntimeContract.CHARGE : RuntimeContract.CHARGE_BULK;
            // The backend checks for thread interruption before every call; the meter checks the deadline
            // itself, so the check in front of a meter call is redundant work on the hottest path.
            AbstractInsnNode candidate = previousReal(previousReal(previousReal(call)));
            if (candidate instanceof MethodInsnNode
                    && candidate.getOpcode() == Opcodes.INVOKESTATIC
                    && ((MethodInsnNode) candidate).name.equals("checkInterruption")
                    && ((MethodInsnNode) candidate).desc.equals("()V")) {
                method.instructions.remove(candidate);
            }
        }
    }

    private static AbstractInsnNode previousReal(AbstractInsnNode insn) {
        if (insn == null) {
            return null;
        }
        AbstractInsnNode p = insn.getPrevious();
        while (p != null && p.getOpcode() < 0) {
            p = p.getPrevious();
        }
        return p;
    }

    /**
     * Counts call depth: enter at the start, exit before every return, and restore the depth saved at entry
     * in every exception handler (a wasm exception caught here unwound the frames above without exits).
     * Returns whether the method now needs its stack map frames recomputed.
     */
    private static boolean addDepthAccounting(MethodNode method) {
        Type[] args = Type.getArgumentTypes(method.desc);
        if (args.length < 2
                || !args[args.length - 2].getDescriptor().equals(RuntimeContract.MEMORY)
                || !args[args.length - 1].getDescriptor().equals(RuntimeContract.INSTANCE)) {
            return false;
        }
        int memorySlot = 0;
        for (int i = 0; i < args.length - 2; i++) {
            memorySlot += args[i].getSize();
        }
        int instanceSlot = memorySlot + 1;
        boolean handlers = !method.tryCatchBlocks.isEmpty();
        int savedSlot = method.maxLocals;

        var entry = new InsnList();
        entry.add(new VarInsnNode(Opcodes.ALOAD, memorySlot));
        entry.add(new VarInsnNode(Opcodes.ALOAD, instanceSlot));
        entry.add(new MethodInsnNode(Opcodes.INVOKESTATIC, RuntimeContract.METER, RuntimeContract.ENTER, RuntimeContract.ENTER_DESC, false));
        if (handlers) {
            entry.add(new VarInsnNode(Opcodes.ISTORE, savedSlot));
            method.maxLocals = savedSlot + 1;
        } else {
            entry.add(new InsnNode(Opcodes.POP));
        }
        List<AbstractInsnNode> returns = new ArrayList<>();
        for (AbstractInsnNode insn = method.instructions.getFirst(); insn != null; insn = insn.getNext()) {
            int op = insn.getOpcode();
            if (op >= Opcodes.IRETURN && op <= Opcodes.RETURN) {
                returns.add(insn);
            }
        }
        for (AbstractInsnNode ret : returns) {
            var exit = new InsnList();
            exit.add(new VarInsnNode(Opcodes.ALOAD, memorySlot));
            exit.add(new VarInsnNode(Opcodes.ALOAD, instanceSlot));
            exit.add(new MethodInsnNode(Opcodes.INVOKESTATIC, RuntimeContract.METER, RuntimeContract.EXIT, RuntimeContract.EXIT_DESC, false));
            method.instructions.insertBefore(ret, exit);
        }
        if (handlers) {
            List<LabelNode> seen = new ArrayList<>();
            for (TryCatchBlockNode tcb : method.tryCatchBlocks) {
                if (seen.contains(tcb.handler)) {
                    continue;
                }
                seen.add(tcb.handler);
                var restore = new InsnList();
                restore.add(new VarInsnNode(Opcodes.ILOAD, savedSlot));
                restore.add(new VarInsnNode(Opcodes.ALOAD, memorySlot));
                restore.add(new VarInsnNode(Opcodes.ALOAD, instanceSlot));
                restore.add(new MethodInsnNode(Opcodes.INVOKESTATIC, RuntimeContract.METER, RuntimeContract.RESTORE_DEPTH, RuntimeContract.RESTORE_DEPTH_DESC, false));
                AbstractInsnNode after = tcb.handler;
                while (after.getNext() != null && after.getNext().getOpcode() < 0) {
                    after = after.getNext();
                }
                method.instructions.insert(after, restore);
            }
        }
        method.instructions.insert(entry);
        return handlers;
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
