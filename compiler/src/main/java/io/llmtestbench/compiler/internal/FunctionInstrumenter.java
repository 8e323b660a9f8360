package io.llmtestbench.compiler.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.FrameNode;
import org.objectweb.asm.tree.IincInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.IntInsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Adds the CPU limits to the JVM method of one wasm function: call depth always, fuel when metered.
 *
 * <p>The method finds its instance's {@code Budget} once, at entry, and keeps it in a local. Metered, it also
 * copies the budget's fuel into a local {@code int} and works on that copy:
 * <ul>
 *   <li>each straight-line segment's charge ({@code i32.const cost; call $fuel}, injected by
 *       {@link FuelInjector}) becomes one {@code iinc fuel, -cost}: no call, no memory access;</li>
 *   <li>the local is checked ({@link #check}) at function entry, at every loop back-edge (where the backend
 *       placed its thread-interruption check, which metering replaces) and before every return; as in
 *       wasmtime, a charge is noticed at the next check, never later than the end of the loop iteration or
 *       the function it belongs to;</li>
 *   <li>the local is written back to the budget before, and read again after, every call that may run wasm
 *       or host code or look at the budget (wasm functions, indirect calls, host functions, bulk charges),
 *       before every {@code athrow} of the backend's and at every return;</li>
 *   <li>a catch-all handler writes the local back when a trap leaves the method, so fuel used stays exact on
 *       traps too. Its ranges leave out the write-back calls: what a callee throws, it has already accounted
 *       for, and this method's charges were stored before the call.</li>
 * </ul>
 * Between two write-backs nothing else changes the budget's fuel (host code runs only inside the calls), so
 * the local is always the whole truth. Deterministic by construction: which charges are applied before a
 * check is a property of the bytecode, not of the JIT.
 */
public final class FunctionInstrumenter {
    /** Owners whose methods never run guest code nor touch the budget: no write-back around their calls. */
    private static final Set<String> PURE_OWNERS = Set.of(
            RuntimeContract.CHICORY_OPCODES, RuntimeContract.FLOAT, RuntimeContract.GUEST,
            "com/dylibso/chicory/runtime/Memory");

    /**
     * Name prefixes of the methods of the module's copy of Chicory's {@code Shaded} helpers that only touch
     * memory, tables, globals and GC objects or throw traps. Any other helper ({@code callHostFunction},
     * {@code callIndirect}, or one a later Chicory adds) is treated as able to run guest or host code.
     */
    private static final List<String> PURE_SHADED_PREFIXES = List.of(
            "memory", "readGlobal", "writeGlobal", "table", "array", "struct", "ref", "i31", "isRefNull", "cast",
            "heapTypeMatch", "exceptionMatches", "createWasmException", "throw", "getAddr", "dataDrop", "i32_ge_u");

    private static final String CHECK_INTERRUPTION = "checkInterruption";

    private final MethodNode method;
    private final boolean metered;
    private final String fuelFunction;
    private final String bulkFunction;
    private final int memorySlot;
    private final int instanceSlot;
    private final int budget;
    private final int fuel;
    private final int savedDepth;
    /** The write-back calls, left out of the catch-all handler's ranges. */
    private final List<MethodInsnNode> syncedCalls = new ArrayList<>();

    /**
     * @param fuelFunction name of the injected {@code $fuel} function's method, null when not metered
     * @param bulkFunction name of the injected {@code $bulk} function's method, null when not metered
     */
    private FunctionInstrumenter(MethodNode method, int memorySlot, String fuelFunction, String bulkFunction) {
        this.method = method;
        this.metered = fuelFunction != null;
        this.fuelFunction = fuelFunction;
        this.bulkFunction = bulkFunction;
        this.memorySlot = memorySlot;
        this.instanceSlot = memorySlot + 1;
        this.budget = method.maxLocals;
        this.fuel = budget + 1;
        this.savedDepth = budget + 2;
        method.maxLocals = budget + 3;
    }

    /**
     * Instruments a wasm function's method ({@code func_N(params..., Memory, Instance)}). Returns false, and
     * changes nothing, for a method of another shape.
     */
    static boolean instrument(MethodNode method, String fuelFunction, String bulkFunction) {
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
        new FunctionInstrumenter(method, memorySlot, fuelFunction, bulkFunction).run();
        return true;
    }

    /** Outside wasm function bodies (dispatch, indirect-call bridges) metering makes the interruption checks redundant. */
    static void dropInterruptionChecks(MethodNode method) {
        for (AbstractInsnNode insn : method.instructions.toArray()) {
            if (isInterruptionCheck(insn)) {
                method.instructions.remove(insn);
            }
        }
    }

    private void run() {
        InsnList code = method.instructions;
        List<LabelNode> handlers = new ArrayList<>();
        for (TryCatchBlockNode tcb : method.tryCatchBlocks) {
            if (!handlers.contains(tcb.handler)) {
                handlers.add(tcb.handler);
            }
        }
        for (AbstractInsnNode insn : code.toArray()) {
            int op = insn.getOpcode();
            if (op >= Opcodes.IRETURN && op <= Opcodes.RETURN) {
                code.insertBefore(insn, beforeReturn());
            } else if (op == Opcodes.ATHROW && metered) {
                code.insertBefore(insn, storeFuel());
            } else if (insn instanceof MethodInsnNode && metered) {
                rewriteCall((MethodInsnNode) insn);
            }
        }
        for (LabelNode handler : handlers) {
            AbstractInsnNode at = handler;
            while (at.getNext() != null && at.getNext().getOpcode() < 0) {
                at = at.getNext();
            }
            code.insert(at, inHandler());
        }
        var start = new LabelNode();
        code.insert(prologue(!handlers.isEmpty(), start));
        if (metered) {
            addWriteBackHandler(start);
        }
    }

    /** One catch-all handler over the whole body after the fuel is loaded, except the write-back calls. */
    private void addWriteBackHandler(LabelNode start) {
        InsnList code = method.instructions;
        var handler = new LabelNode();
        LabelNode from = start;
        for (MethodInsnNode call : syncedCalls) {
            var before = new LabelNode();
            var after = new LabelNode();
            code.insertBefore(call, before);
            code.insert(call, after);
            method.tryCatchBlocks.add(new TryCatchBlockNode(from, before, handler, null));
            from = after;
        }
        var end = new LabelNode();
        code.add(end);
        method.tryCatchBlocks.add(new TryCatchBlockNode(from, end, handler, null));
        code.add(handler);
        code.add(storeFuel());
        code.add(new InsnNode(Opcodes.ATHROW));
    }

    private void rewriteCall(MethodInsnNode call) {
        InsnList code = method.instructions;
        if (isInterruptionCheck(call)) {
            if (precedesWasmCall(call)) {
                code.remove(call); // the callee checks at entry, and the call writes the fuel back
            } else {
                code.insert(call, check());
                code.remove(call);
            }
        } else if (call.getOpcode() == Opcodes.INVOKESTATIC && call.name.equals(fuelFunction)
                && call.desc.equals(RuntimeContract.CHARGE_DESC)) {
            if (!inlineCharge(call)) {
                call.owner = RuntimeContract.METER;
                call.name = RuntimeContract.CHARGE;
                syncAround(call);
            }
        } else if (call.getOpcode() == Opcodes.INVOKESTATIC && call.name.equals(bulkFunction)
                && call.desc.equals(RuntimeContract.CHARGE_BULK_DESC)) {
            call.owner = RuntimeContract.METER;
            call.name = RuntimeContract.CHARGE_BULK;
            syncAround(call);
        } else if (mayRunGuestCode(call)) {
            syncAround(call);
        }
    }

    /**
     * Replaces {@code <const cost>; aload memory; aload instance; invokestatic $fuel} by {@code iinc}. Returns
     * false, leaving the call, if the instructions before it are not exactly that.
     */
    private boolean inlineCharge(MethodInsnNode call) {
        AbstractInsnNode inst = previous(call);
        AbstractInsnNode mem = previous(inst);
        AbstractInsnNode cost = previous(mem);
        if (!isLoad(inst, instanceSlot) || !isLoad(mem, memorySlot)) {
            return false;
        }
        Integer value = intConstant(cost);
        if (value == null) {
            return false;
        }
        InsnList code = method.instructions;
        var charge = new InsnList();
        if (value >= Short.MIN_VALUE + 1 && value <= Short.MAX_VALUE) {
            charge.add(new IincInsnNode(fuel, -value));
        } else {
            charge.add(new VarInsnNode(Opcodes.ILOAD, fuel));
            charge.add(new LdcInsnNode(value));
            charge.add(new InsnNode(Opcodes.ISUB));
            charge.add(new VarInsnNode(Opcodes.ISTORE, fuel));
        }
        code.insert(call, charge);
        code.remove(call);
        code.remove(inst);
        code.remove(mem);
        code.remove(cost);
        return true;
    }

    /** {@code checkInterruption} right before {@code aload memory; aload instance; invokestatic func_*}. */
    private boolean precedesWasmCall(AbstractInsnNode check) {
        AbstractInsnNode mem = next(check);
        AbstractInsnNode inst = next(mem);
        AbstractInsnNode call = next(inst);
        return isLoad(mem, memorySlot) && isLoad(inst, instanceSlot)
                && call instanceof MethodInsnNode && call.getOpcode() == Opcodes.INVOKESTATIC
                && ((MethodInsnNode) call).name.startsWith("func_");
    }

    private static boolean mayRunGuestCode(MethodInsnNode call) {
        if (call.owner.startsWith("java/") || call.name.equals("<init>") || PURE_OWNERS.contains(call.owner)) {
            return false;
        }
        if (call.owner.endsWith("Shaded")) {
            return PURE_SHADED_PREFIXES.stream().noneMatch(call.name::startsWith);
        }
        return true;
    }

    private static boolean isInterruptionCheck(AbstractInsnNode insn) {
        return insn instanceof MethodInsnNode && insn.getOpcode() == Opcodes.INVOKESTATIC
                && ((MethodInsnNode) insn).name.equals(CHECK_INTERRUPTION)
                && ((MethodInsnNode) insn).desc.equals("()V");
    }

    // ---- the code pieces ---------------------------------------------------------------------------------

    /**
     * Finds the budget, loads and checks the fuel, and counts the call depth. The write-back handler starts
     * at {@code start}, right after the fuel is loaded.
     */
    private InsnList prologue(boolean keepDepth, LabelNode start) {
        var c = new InsnList();
        c.add(new VarInsnNode(Opcodes.ALOAD, memorySlot));
        c.add(new VarInsnNode(Opcodes.ALOAD, instanceSlot));
        c.add(new MethodInsnNode(Opcodes.INVOKESTATIC, RuntimeContract.METER, RuntimeContract.BUDGET_OF,
                RuntimeContract.BUDGET_OF_DESC, false));
        c.add(new VarInsnNode(Opcodes.ASTORE, budget));
        if (metered) {
            c.add(loadFuel());
            c.add(start);
            c.add(check());
        }
        // depth = ++budget.depth; if (depth > budget.maxDepth) budget.tooDeep();
        c.add(stepDepth(Opcodes.IADD, true));
        if (keepDepth) {
            c.add(new InsnNode(Opcodes.DUP));
            c.add(new VarInsnNode(Opcodes.ISTORE, savedDepth));
        }
        c.add(new VarInsnNode(Opcodes.ALOAD, budget));
        c.add(field(Opcodes.GETFIELD, RuntimeContract.BUDGET_MAX_DEPTH));
        var ok = new LabelNode();
        c.add(new JumpInsnNode(Opcodes.IF_ICMPLE, ok));
        c.add(new VarInsnNode(Opcodes.ALOAD, budget));
        c.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, RuntimeContract.BUDGET, RuntimeContract.TOO_DEEP,
                RuntimeContract.TOO_DEEP_DESC, false));
        c.add(ok);
        return c;
    }

    /**
     * The fuel check: nothing while the fuel is not negative; else, in the function itself, read the stop flag
     * and take the next slice; call the meter only to stop, or (when more than a slice was overdrawn) to
     * settle. No path that calls the meter and comes back is ever taken in a normal run, so C2 compiles
     * none into a hot loop.
     * <pre>
     *   if (fuel &lt; 0) {
     *       if (budget.stop || --budget.slices &lt; 0) throw Meter.stop(budget, fuel);
     *       fuel += SLICE;
     *       if (fuel &lt; 0) fuel = Meter.refill(budget, fuel);
     *   }
     * </pre>
     */
    private InsnList check() {
        var c = new InsnList();
        var ok = new LabelNode();
        var stop = new LabelNode();
        c.add(new VarInsnNode(Opcodes.ILOAD, fuel));
        c.add(new JumpInsnNode(Opcodes.IFGE, ok));
        c.add(new VarInsnNode(Opcodes.ALOAD, budget));
        c.add(new FieldInsnNode(Opcodes.GETFIELD, RuntimeContract.BUDGET, RuntimeContract.BUDGET_STOP, "Z"));
        c.add(new JumpInsnNode(Opcodes.IFNE, stop));
        c.add(new VarInsnNode(Opcodes.ALOAD, budget));
        c.add(new InsnNode(Opcodes.DUP));
        c.add(new FieldInsnNode(Opcodes.GETFIELD, RuntimeContract.BUDGET, RuntimeContract.BUDGET_SLICES, "J"));
        c.add(new InsnNode(Opcodes.LCONST_1));
        c.add(new InsnNode(Opcodes.LSUB));
        c.add(new InsnNode(Opcodes.DUP2_X1));
        c.add(new FieldInsnNode(Opcodes.PUTFIELD, RuntimeContract.BUDGET, RuntimeContract.BUDGET_SLICES, "J"));
        c.add(new InsnNode(Opcodes.LCONST_0));
        c.add(new InsnNode(Opcodes.LCMP));
        c.add(new JumpInsnNode(Opcodes.IFLT, stop));
        c.add(new IincInsnNode(fuel, RuntimeContract.SLICE));
        c.add(new VarInsnNode(Opcodes.ILOAD, fuel));
        c.add(new JumpInsnNode(Opcodes.IFGE, ok));
        c.add(new VarInsnNode(Opcodes.ALOAD, budget));
        c.add(new VarInsnNode(Opcodes.ILOAD, fuel));
        c.add(new MethodInsnNode(Opcodes.INVOKESTATIC, RuntimeContract.METER, RuntimeContract.REFILL,
                RuntimeContract.REFILL_DESC, false));
        c.add(new VarInsnNode(Opcodes.ISTORE, fuel));
        c.add(new JumpInsnNode(Opcodes.GOTO, ok));
        c.add(stop);
        c.add(new VarInsnNode(Opcodes.ALOAD, budget));
        c.add(new VarInsnNode(Opcodes.ILOAD, fuel));
        c.add(new MethodInsnNode(Opcodes.INVOKESTATIC, RuntimeContract.METER, RuntimeContract.STOP,
                RuntimeContract.STOP_DESC, false));
        c.add(new InsnNode(Opcodes.ATHROW));
        c.add(ok);
        return c;
    }

    /** {@code fuel = budget.fuel;} */
    private InsnList loadFuel() {
        var c = new InsnList();
        c.add(new VarInsnNode(Opcodes.ALOAD, budget));
        c.add(field(Opcodes.GETFIELD, RuntimeContract.BUDGET_FUEL));
        c.add(new VarInsnNode(Opcodes.ISTORE, fuel));
        return c;
    }

    /** {@code budget.fuel = fuel;} */
    private InsnList storeFuel() {
        var c = new InsnList();
        c.add(new VarInsnNode(Opcodes.ALOAD, budget));
        c.add(new VarInsnNode(Opcodes.ILOAD, fuel));
        c.add(field(Opcodes.PUTFIELD, RuntimeContract.BUDGET_FUEL));
        return c;
    }

    private void syncAround(MethodInsnNode call) {
        method.instructions.insertBefore(call, storeFuel());
        method.instructions.insert(call, loadFuel());
        syncedCalls.add(call);
    }

    /** Checks and stores the fuel, and leaves the call depth (the return value stays on the stack). */
    private InsnList beforeReturn() {
        var c = new InsnList();
        if (metered) {
            c.add(check());
            c.add(storeFuel());
        }
        c.add(stepDepth(Opcodes.ISUB, false));
        return c;
    }

    /** {@code budget.depth += 1} or {@code -= 1} ({@code IADD}/{@code ISUB}), optionally leaving the new depth on the stack. */
    private InsnList stepDepth(int opcode, boolean leaveDepth) {
        var c = new InsnList();
        c.add(new VarInsnNode(Opcodes.ALOAD, budget));
        c.add(new InsnNode(Opcodes.DUP));
        c.add(field(Opcodes.GETFIELD, RuntimeContract.BUDGET_DEPTH));
        c.add(new InsnNode(Opcodes.ICONST_1));
        c.add(new InsnNode(opcode));
        if (leaveDepth) {
            c.add(new InsnNode(Opcodes.DUP_X1));
        }
        c.add(field(Opcodes.PUTFIELD, RuntimeContract.BUDGET_DEPTH));
        return c;
    }

    /**
     * At the start of a handler the backend generated (a wasm exception caught in this function): whoever
     * threw stored the fuel (a callee, or this method before its {@code athrow}), and the frames above
     * unwound without leaving, so reload the fuel and restore the depth saved at entry.
     */
    private InsnList inHandler() {
        var c = new InsnList();
        if (metered) {
            c.add(loadFuel());
        }
        c.add(new VarInsnNode(Opcodes.ALOAD, budget));
        c.add(new VarInsnNode(Opcodes.ILOAD, savedDepth));
        c.add(field(Opcodes.PUTFIELD, RuntimeContract.BUDGET_DEPTH));
        return c;
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private static FieldInsnNode field(int opcode, String name) {
        return new FieldInsnNode(opcode, RuntimeContract.BUDGET, name, "I");
    }

    /** The previous instruction, skipping line numbers and frames but not labels (a jump target breaks a pattern). */
    private static AbstractInsnNode previous(AbstractInsnNode insn) {
        AbstractInsnNode p = insn == null ? null : insn.getPrevious();
        while (p instanceof LineNumberNode || p instanceof FrameNode) {
            p = p.getPrevious();
        }
        return p;
    }

    private static AbstractInsnNode next(AbstractInsnNode insn) {
        AbstractInsnNode n = insn == null ? null : insn.getNext();
        while (n instanceof LineNumberNode || n instanceof FrameNode) {
            n = n.getNext();
        }
        return n;
    }

    private static boolean isLoad(AbstractInsnNode insn, int slot) {
        return insn instanceof VarInsnNode && insn.getOpcode() == Opcodes.ALOAD && ((VarInsnNode) insn).var == slot;
    }

    private static Integer intConstant(AbstractInsnNode insn) {
        if (insn == null) {
            return null;
        }
        int op = insn.getOpcode();
        if (op >= Opcodes.ICONST_M1 && op <= Opcodes.ICONST_5) {
            return op - Opcodes.ICONST_0;
        }
        if (op == Opcodes.BIPUSH || op == Opcodes.SIPUSH) {
            return ((IntInsnNode) insn).operand;
        }
        if (op == Opcodes.LDC && ((LdcInsnNode) insn).cst instanceof Integer) {
            return (Integer) ((LdcInsnNode) insn).cst;
        }
        return null;
    }
}
