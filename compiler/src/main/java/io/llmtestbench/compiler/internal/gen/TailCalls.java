package io.llmtestbench.compiler.internal.gen;

import static org.objectweb.asm.Opcodes.*;

import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Type;

/**
 * Tail calls ({@code return_call}, {@code return_call_indirect}): the machine's part of them. Only a module with
 * such calls gets any of this; every other module's classes are as if this class did not exist.
 *
 * <p>How a tail call runs (the call site is {@code FunctionEmitter.tailCall}):
 * <ul>
 *   <li>A tail call of a function to itself (not split, parameters not boxed) assigns the parameters, zeroes the
 *       other locals and jumps back to the start of the body, where the entry's charge and fuel check are.
 *   <li>Any other tail call is an ordinary JVM call while the <em>chain</em> is short: the callee runs at the
 *       caller's wasm call depth (the caller gives its depth back first), and the caller returns the callee's
 *       result as its own. The chain's length lives in {@link #F_DEPTH}: a tail call sets it to its own position
 *       plus one just before the call, and every function a tail call can enter reads it at entry (its position)
 *       and sets it back to 0, so that it is 0 whenever an ordinary call enters a function. A function entered by
 *       an ordinary call is at position 0: it is the chain's <em>base</em>.
 *   <li>At position {@link #LIMIT} the call is not made: its target and arguments go to the machine's fields
 *       ({@link #F_NEXT}, {@link #F_ARGS}, ...) and the function returns a placeholder, which every frame of the chain
 *       returns as it is, down to the base. The base sees the pending call and runs the trampoline
 *       ({@code tail$K}): it calls the pending target at position 1, and again while a call is pending. So a chain
 *       of any length holds at most {@link #LIMIT} JVM frames, and no exception is thrown.
 * </ul>
 * Fuel and call depth are those of the cost model and the depth limit: the charges are the instructions', a fuel
 * check happens where the callee's entry check would (the placeholder return checks nothing), and the tail-called
 * function has its caller's depth.
 */
final class TailCalls {
    private TailCalls() {}

    /** Tail calls made as JVM calls before one goes through the trampoline. */
    static final int LIMIT = 8;

    /** The position the next tail-called function is at (0: entered by an ordinary call). */
    static final String F_DEPTH = "tailDepth";
    /** The pending tail call's target: a function index, or the function count plus a signature; -1: none. */
    static final String F_NEXT = "tailNext";
    /** The pending call's arguments as raw bits (parameters passed one by one). */
    static final String F_ARGS = "tailArgs";
    /** The pending call's boxed arguments (a type with more parameter slots than a method may have). */
    static final String F_BOXED = "tailBoxed";
    /** A pending return_call_indirect's element index, table and type index. */
    static final String F_ELEMENT = "tailElement";
    static final String F_TABLE = "tailTable";
    static final String F_TYPE = "tailType";

    private static final String L_TABLE = "L" + Names.TABLE_INSTANCE + ";";

    /** The pending-call id of a return_call_indirect of canonical signature {@code sig}. */
    static int indirectId(ModuleInfo mod, int sig) {
        return mod.functionCount + sig;
    }

    /** The trampoline's name for functions whose JVM return type is {@code t}. */
    static String trampoline(Type t) {
        return "tail$" + kind(t);
    }

    static String trampolineDescriptor(Type t, String machine) {
        return "(L" + machine + ";)" + t.getDescriptor();
    }

    private static char kind(Type t) {
        switch (t.getSort()) {
            case Type.VOID:
                return 'V';
            case Type.INT:
                return 'I';
            case Type.LONG:
                return 'J';
            case Type.FLOAT:
                return 'F';
            case Type.DOUBLE:
                return 'D';
            default:
                return 'A';
        }
    }

    /** Raw-bit argument slots the trampoline needs: the most parameters of a target passed one by one. */
    private static int argSlots(ModuleInfo mod) {
        int n = 0;
        for (int f = mod.tailDirectTargets.nextSetBit(0); f >= 0; f = mod.tailDirectTargets.nextSetBit(f + 1)) {
            FunctionType t = mod.functionType(f);
            if (!JvmTypes.boxedParams(t)) {
                n = Math.max(n, t.params().size());
            }
        }
        for (int s = mod.tailIndirectSigs.nextSetBit(0); s >= 0; s = mod.tailIndirectSigs.nextSetBit(s + 1)) {
            FunctionType t = mod.canonicalTypes.get(s);
            if (!JvmTypes.boxedParams(t)) {
                n = Math.max(n, t.params().size());
            }
        }
        return n;
    }

    // ---- the machine class ----------------------------------------------------------------------------------

    static void fields(ModuleInfo mod, ClassWriter cw) {
        if (!mod.tailCalls()) {
            return;
        }
        cw.visitField(ACC_PUBLIC, F_DEPTH, "I", null, null).visitEnd();
        cw.visitField(ACC_PUBLIC, F_NEXT, "I", null, null).visitEnd();
        cw.visitField(ACC_PUBLIC, F_ARGS, "[J", null, null).visitEnd();
        cw.visitField(ACC_PUBLIC, F_BOXED, "[J", null, null).visitEnd();
        cw.visitField(ACC_PUBLIC, F_ELEMENT, "I", null, null).visitEnd();
        cw.visitField(ACC_PUBLIC, F_TABLE, L_TABLE, null, null).visitEnd();
        cw.visitField(ACC_PUBLIC, F_TYPE, "I", null, null).visitEnd();
    }

    /** In the constructor (the machine in local 0): no call pending, the argument array. */
    static void construct(ModuleInfo mod, String self, MethodVisitor mv) {
        if (!mod.tailCalls()) {
            return;
        }
        mv.visitVarInsn(ALOAD, 0);
        mv.visitInsn(ICONST_M1);
        mv.visitFieldInsn(PUTFIELD, self, F_NEXT, "I");
        mv.visitVarInsn(ALOAD, 0);
        GenBackend.MachineEmitter.push(mv, argSlots(mod));
        mv.visitIntInsn(NEWARRAY, T_LONG);
        mv.visitFieldInsn(PUTFIELD, self, F_ARGS, "[J");
    }

    /**
     * At {@code Machine.call} (the machine in local 0): an execution, or a host function calling back into the
     * instance, starts at chain position 0 with nothing pending, whatever a trap left behind.
     */
    static void enter(ModuleInfo mod, String self, MethodVisitor mv) {
        if (!mod.tailCalls()) {
            return;
        }
        mv.visitVarInsn(ALOAD, 0);
        mv.visitInsn(ICONST_0);
        mv.visitFieldInsn(PUTFIELD, self, F_DEPTH, "I");
        mv.visitVarInsn(ALOAD, 0);
        mv.visitInsn(ICONST_M1);
        mv.visitFieldInsn(PUTFIELD, self, F_NEXT, "I");
    }

    /** The trampolines, one per JVM return type of functions that make tail calls, with their dispatch chunks. */
    static void trampolines(Layout layout, ClassWriter cw) {
        ModuleInfo mod = layout.mod;
        if (!mod.tailCalls()) {
            return;
        }
        Map<String, List<Integer>> byKind = new TreeMap<>();
        Map<String, Type> types = new TreeMap<>();
        for (int f = mod.tailCallers.nextSetBit(0); f >= 0; f = mod.tailCallers.nextSetBit(f + 1)) {
            Type t = JvmTypes.returnType(mod.functionType(f));
            byKind.computeIfAbsent(t.getDescriptor(), k -> new ArrayList<>());
            types.put(t.getDescriptor(), t);
        }
        for (int f = mod.tailDirectTargets.nextSetBit(0); f >= 0; f = mod.tailDirectTargets.nextSetBit(f + 1)) {
            List<Integer> ids = byKind.get(JvmTypes.returnType(mod.functionType(f)).getDescriptor());
            if (ids != null) {
                ids.add(f);
            }
        }
        for (int s = mod.tailIndirectSigs.nextSetBit(0); s >= 0; s = mod.tailIndirectSigs.nextSetBit(s + 1)) {
            List<Integer> ids = byKind.get(JvmTypes.returnType(mod.canonicalTypes.get(s)).getDescriptor());
            if (ids != null) {
                ids.add(indirectId(mod, s));
            }
        }
        for (var e : byKind.entrySet()) {
            Type t = types.get(e.getKey());
            List<List<Integer>> chunks = GenBackend.MachineEmitter.chunk(e.getValue(), id -> 12 + 14 * params(mod, id).size());
            for (int c = 0; c < chunks.size(); c++) {
                dispatchChunk(layout, cw, t, c, chunks.get(c));
            }
            trampoline(layout, cw, t, chunks);
        }
    }

    private static List<ValType> params(ModuleInfo mod, int id) {
        FunctionType t = id < mod.functionCount ? mod.functionType(id) : mod.canonicalTypes.get(id - mod.functionCount);
        return t.params();
    }

    /**
     * {@code R tail$K(Machine m)}: runs the pending call (at chain position 1) until none is pending, and returns
     * the last one's result, with the position back at 0.
     */
    private static void trampoline(Layout layout, ClassWriter cw, Type t, List<List<Integer>> chunks) {
        String self = layout.machine;
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC | ACC_STATIC | ACC_SYNTHETIC, trampoline(t),
                trampolineDescriptor(t, self), null, null);
        mv.visitCode();
        int id = 1;
        int result = 2;
        Label again = new Label();
        Label got = new Label();
        mv.visitLabel(again);
        mv.visitVarInsn(ALOAD, 0);
        mv.visitFieldInsn(GETFIELD, self, F_NEXT, "I");
        mv.visitVarInsn(ISTORE, id);
        mv.visitVarInsn(ALOAD, 0);
        mv.visitInsn(ICONST_M1);
        mv.visitFieldInsn(PUTFIELD, self, F_NEXT, "I");
        mv.visitVarInsn(ALOAD, 0);
        mv.visitInsn(ICONST_1);
        mv.visitFieldInsn(PUTFIELD, self, F_DEPTH, "I");
        for (int c = 0; c < chunks.size(); c++) {
            List<Integer> chunk = chunks.get(c);
            Label next = new Label();
            if (c < chunks.size() - 1) {
                mv.visitVarInsn(ILOAD, id);
                GenBackend.MachineEmitter.push(mv, chunk.get(chunk.size() - 1));
                mv.visitJumpInsn(IF_ICMPGT, next);
            }
            mv.visitVarInsn(ILOAD, id);
            mv.visitVarInsn(ALOAD, 0);
            mv.visitMethodInsn(INVOKESTATIC, self, trampoline(t) + "$" + c, "(IL" + self + ";)" + t.getDescriptor(), false);
            mv.visitJumpInsn(GOTO, got);
            mv.visitLabel(next);
        }
        mv.visitLabel(got);
        if (t.getSort() != Type.VOID) {
            mv.visitVarInsn(t.getOpcode(ISTORE), result);
        }
        mv.visitVarInsn(ALOAD, 0);
        mv.visitFieldInsn(GETFIELD, self, F_NEXT, "I");
        mv.visitJumpInsn(IFGE, again);
        // A host function or another instance's, reached through an indirect dispatcher, left the position at 1.
        mv.visitVarInsn(ALOAD, 0);
        mv.visitInsn(ICONST_0);
        mv.visitFieldInsn(PUTFIELD, self, F_DEPTH, "I");
        if (t.getSort() != Type.VOID) {
            mv.visitVarInsn(t.getOpcode(ILOAD), result);
        }
        mv.visitInsn(t.getOpcode(IRETURN));
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** {@code R tail$K$c(int id, Machine m)}: calls the pending target {@code id} with the stored arguments. */
    private static void dispatchChunk(Layout layout, ClassWriter cw, Type t, int c, List<Integer> ids) {
        ModuleInfo mod = layout.mod;
        String self = layout.machine;
        MethodVisitor mv = cw.visitMethod(ACC_PRIVATE | ACC_STATIC | ACC_SYNTHETIC, trampoline(t) + "$" + c,
                "(IL" + self + ";)" + t.getDescriptor(), null, null);
        mv.visitCode();
        Label dflt = new Label();
        Label[] labels = GenBackend.MachineEmitter.switchOn(mv, 0, ids, dflt);
        for (int i = 0; i < labels.length; i++) {
            int id = ids.get(i);
            mv.visitLabel(labels[i]);
            boolean direct = id < mod.functionCount;
            FunctionType ft = direct ? mod.functionType(id) : mod.canonicalTypes.get(id - mod.functionCount);
            if (JvmTypes.boxedParams(ft)) {
                mv.visitVarInsn(ALOAD, 1);
                mv.visitFieldInsn(GETFIELD, self, F_BOXED, "[J");
            } else {
                for (int p = 0; p < ft.params().size(); p++) {
                    mv.visitVarInsn(ALOAD, 1);
                    mv.visitFieldInsn(GETFIELD, self, F_ARGS, "[J");
                    GenBackend.MachineEmitter.push(mv, p);
                    mv.visitInsn(LALOAD);
                    GenBackend.MachineEmitter.fromRaw(mv, ft.params().get(p));
                }
            }
            if (direct) {
                mv.visitVarInsn(ALOAD, 1);
                mv.visitMethodInsn(INVOKESTATIC, layout.classOf(id), Names.function(id),
                        JvmTypes.functionDescriptor(ft, self), false);
            } else {
                int sig = id - mod.functionCount;
                mv.visitVarInsn(ALOAD, 1);
                mv.visitFieldInsn(GETFIELD, self, F_ELEMENT, "I");
                mv.visitVarInsn(ALOAD, 1);
                mv.visitFieldInsn(GETFIELD, self, F_TABLE, L_TABLE);
                mv.visitVarInsn(ALOAD, 1);
                mv.visitFieldInsn(GETFIELD, self, F_TYPE, "I");
                mv.visitVarInsn(ALOAD, 1);
                mv.visitMethodInsn(INVOKESTATIC, self, Names.indirect(sig), layout.indirectDescriptor(sig), false);
            }
            mv.visitInsn(t.getOpcode(IRETURN));
        }
        mv.visitLabel(dflt);
        mv.visitVarInsn(ILOAD, 0);
        GenBackend.MachineEmitter.call(mv, io.llmtestbench.compiler.internal.RuntimeContract.TRAP_UNKNOWN_FUNCTION);
        mv.visitInsn(ATHROW);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }
}
