package io.llmtestbench.compiler.internal.gen;

import static org.objectweb.asm.Opcodes.*;

import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.ValType;
import io.llmtestbench.compiler.internal.CostModel;
import io.llmtestbench.compiler.internal.RuntimeContract;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.objectweb.asm.Label;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TryCatchBlockNode;

/**
 * Emits the JVM method of one wasm function, or of one part of it ({@link Part}), from the validated
 * instruction list.
 *
 * <p>The wasm operand stack is the JVM operand stack and wasm locals are JVM locals. Structured control
 * becomes labels and jumps; a branch that leaves values below its results first stores the results in
 * temporaries, pops the rest, and reloads them. Code after an unconditional branch is not emitted. The
 * method's other locals: the machine (last parameter), the budget, the fuel (metered), and one local per
 * memory used holding its {@code byte[]}, reloaded after {@code memory.grow} and after calls that can grow
 * memory.
 *
 * <p>Metering (docs/metering.md): the fuel lives in an {@code int} local; each straight-line segment of
 * {@link CostModel#plan} is one {@code iinc}; the fuel is checked at function entry, at every loop header and
 * at every return, stored to the budget around every call that may run other code or charge the budget, and
 * stored by a catch-all handler when a trap leaves the method (its ranges exclude those calls, whose callee
 * accounts for itself).
 */
final class FunctionEmitter {
    private static final String L_MEMORY = "L" + RuntimeContract.PLUGIN_MEMORY + ";";
    private static final String L_BUDGET = "L" + RuntimeContract.BUDGET + ";";
    private static final String L_INSTANCE = "L" + Names.INSTANCE + ";";
    private static final String L_TABLE = "L" + Names.TABLE_INSTANCE + ";";

    private final ModuleInfo mod;
    private final Layout layout;
    private final int function;
    private final FunctionType type;
    private final List<AnnotatedInstruction> code;
    private final ValType[] localTypes;
    private final boolean metered;
    private final CostModel.Plan meterPlan;
    private final String owner;
    private final String machine;
    private final String machineDesc;

    final MethodNode method;

    // ---- splitting ----------------------------------------------------------------------------------------
    /** The parts of the function (null: one method), and the part this method is (null: the function's own). */
    private final Splitter.Plan split;
    private final Splitter.Region region;
    /** The loops this method runs in chunks (see {@link CountedLoops}), by the index of their {@code loop}. */
    private final java.util.Map<Integer, CountedLoops.Loop> counted;
    /** Filled while emitting the whole function as one method, for the splitter; else null. */
    private final Splitter.Measure measure;
    private final LabelNode[] marks;
    private int lowWater;
    private final int from;
    private final int to;
    private final int frameSlot;
    /** Locals this method's own code (not its parts) uses, and writes. */
    private final java.util.BitSet ownUsed;
    private final java.util.BitSet ownWritten;
    /** Where exits of a part leave: with the exit code on the stack. */
    private final Label commonExit = new Label();
    /** A slice of a dispatch nest's entry parameter, or -1. */
    private final int entrySlot;

    // ---- JVM locals ---------------------------------------------------------------------------------------
    private final int[] localSlot;
    private final int machineSlot;
    private final int budgetSlot;
    private final int fuelSlot;
    /** Tail calls: this function's position in a chain of tail calls (read at entry; see TailCalls), or -1: 0. */
    private final int chainSlot;
    /** Tail calls: where a tail call of the function to itself jumps (after the prologue), or null. */
    private final Label selfTailStart;
    /** The byte[] of each memory this method touches, or -1. */
    private final int[] memorySlot;
    private int nextSlot;
    /** Free temporaries by sort (0 int, 1 long, 2 float, 3 double, 4 reference). */
    private final List<List<Integer>> freeTemps = new ArrayList<>();

    // ---- wasm state ---------------------------------------------------------------------------------------
    private final List<ValType> stack = new ArrayList<>();
    private final List<Frame> frames = new ArrayList<>();
    private boolean reachable = true;
    /** How many constructs deep we are inside dead code (their instructions are skipped). */
    private int deadDepth;
    /**
     * A comparison whose result goes straight to the next {@code br_if} or {@code if}: the JVM jump that is
     * taken when it is true, its operands left on the JVM stack (the model holds its i32 result). -1: none.
     */
    private int pendingJump = -1;
    /** The index of the instruction being emitted. */
    private int current;
    /** A fuel check is due right after the next charge (function entry, loop header). */
    private boolean checkDue;
    /**
     * The function's method enters through {@code Meter.enter}, which counts the depth and makes the first charge,
     * and returns through {@code Meter.leave} (metered, no loop, no self tail call: see {@link #prologue}); the
     * instruction whose charge that is, or -1.
     */
    private final int enteredAt;
    /**
     * The function has no loop and does not tail-call itself: its entry and return checks take the short form
     * (see {@link #checkFuel}).
     */
    private final boolean loopFree;
    /**
     * The function is a leaf ({@code ModuleInfo.leaves}: small, no loop, calls nothing): it enters through
     * {@code Meter.enterLeaf} (the depth compared, not counted), checks no fuel, and returns by storing the fuel.
     */
    private final boolean leaf;
    /**
     * Metered calls of leaves in this method's own code (not in its parts), by instruction index; empty unless
     * metered. A leaf keeps its charges in {@code Budget.leafFuel}, not {@code Budget.fuel}, so a leaf call is a
     * plain call: no fuel stored before it or loaded after it. This method folds the leaves' charges into its fuel
     * local at its checks ({@link #foldLeafFuel}) and adds them when it stores its fuel ({@link #storeFuel}).
     */
    private final java.util.BitSet leafCalls;
    /** A fuel check is due and leaves may have charged since the last fold: fold them in first. */
    private boolean foldDue;
    private int[] loopEnds;

    private int[] loopEnds() {
        if (loopEnds == null) {
            loopEnds = CountedLoops.matchEnds(code);
        }
        return loopEnds;
    }
    /** Where the catch-all fuel handler must not apply: calls whose callee accounts for itself. */
    private final List<LabelNode[]> syncedCalls = new ArrayList<>();
    private LabelNode handlerStart;

    private static final int BLOCK = 0;
    private static final int LOOP = 1;
    private static final int IF = 2;
    private static final int FUNCTION = 3;
    /** A construct outside the part this method is: a branch to it returns its exit code. */
    private static final int EXIT = 4;

    /** A construct being emitted. */
    private static final class Frame {
        final int kind;
        final List<ValType> params;
        final List<ValType> results;
        /** Stack height under the construct's parameters when it was entered. */
        final int height;
        /** Where branches to it go: the start of a loop, else the end. */
        final Label label = new Label();
        /** Where an {@code if} goes when its condition is false (its else branch, or its end). */
        Label elseLabel;
        boolean branchedTo;
        boolean reachableAtEntry;
        boolean sawElse;

        Frame(int kind, List<ValType> params, List<ValType> results, int height) {
            this.kind = kind;
            this.params = params;
            this.results = results;
            this.height = height;
        }

        /** For {@link #EXIT} frames: the code the part returns for a branch to it. */
        int exitCode;
        /** A loop run in chunks: what it is, where its inner loop starts, the local holding its trip limit. */
        CountedLoops.Loop counted;
        Label inner;
        int limitSlot = -1;

        List<ValType> branchTypes() {
            return kind == LOOP ? params : results;
        }
    }

    /**
     * @param split the function's parts, or null to emit it as one method
     * @param region the part to emit, or null for the function's own method
     * @param measure where to record what the splitter needs (whole function, one method only), or null
     */
    FunctionEmitter(ModuleInfo mod, Layout layout, int function, boolean metered, Splitter.Plan split,
            Splitter.Region region, Splitter.Measure measure) {
        this.mod = mod;
        this.layout = layout;
        this.function = function;
        this.type = mod.functionType(function);
        this.code = mod.body(function);
        var body = mod.module.codeSection().getFunctionBody(function - mod.importedFunctions);
        List<ValType> locals = new ArrayList<>(type.params());
        locals.addAll(body.localTypes());
        this.localTypes = locals.toArray(new ValType[0]);
        this.metered = metered;
        this.meterPlan = metered ? CostModel.plan(code) : null;
        this.owner = layout.classOf(function);
        this.machine = layout.machine;
        this.machineDesc = "L" + machine + ";";
        this.split = split;
        this.region = region;
        this.measure = measure;
        this.marks = measure != null ? new LabelNode[code.size() + 1] : null;
        this.from = region == null ? 0 : region.start;
        this.to = region == null ? code.size() : region.end;
        if (region == null) {
            this.method = new MethodNode(ACC_PUBLIC | ACC_STATIC, Names.function(function),
                    JvmTypes.functionDescriptor(type, machine), null, null);
        } else {
            this.method = new MethodNode(ACC_PRIVATE | ACC_STATIC | ACC_SYNTHETIC, Names.part(function, region.id),
                    partDescriptor(region), null, null);
        }
        for (int i = 0; i < 5; i++) {
            freeTemps.add(new ArrayList<>());
        }

        // Slots. The function's method: its parameters (or the boxed array), the machine, the wasm locals.
        // A part: its operand parameters, the frame, the machine, the wasm locals it caches.
        this.localSlot = new int[localTypes.length];
        int slot;
        if (region == null) {
            boolean boxed = JvmTypes.boxedParams(type);
            slot = boxed ? 1 : JvmTypes.slots(type.params());
            this.machineSlot = slot++;
            int paramSlot = 0;
            for (int i = 0; i < localTypes.length; i++) {
                if (i < type.params().size() && !boxed) {
                    localSlot[i] = paramSlot;
                    paramSlot += JvmTypes.size(localTypes[i]);
                } else {
                    localSlot[i] = slot;
                    slot += JvmTypes.size(localTypes[i]);
                }
            }
            this.frameSlot = split != null ? slot++ : -1;
            this.entrySlot = -1;
        } else {
            slot = JvmTypes.slots(region.params);
            this.entrySlot = region.entries > 0 ? slot++ : -1;
            this.frameSlot = slot++;
            this.machineSlot = slot++;
            for (int i = 0; i < localTypes.length; i++) {
                localSlot[i] = slot;
                slot += JvmTypes.size(localTypes[i]);
            }
        }
        this.budgetSlot = slot++;
        this.fuelSlot = metered ? slot++ : -1;
        this.chainSlot = region == null && mod.tailCallers.get(function) && mod.tailEntered.get(function) ? slot++ : -1;
        this.selfTailStart = region == null && split == null && selfTailCalls() ? new Label() : null;
        this.loopFree = !selfTailCalls() && code.stream().noneMatch(ins -> ins.opcode() == OpCode.LOOP);
        this.leaf = region == null && split == null && mod.leaves.get(function);
        this.leafCalls = new java.util.BitSet();
        if (metered && !leaf) {
            for (int i = from; i < to; i++) {
                Splitter.Region part = split != null ? split.childAt(region, i) : null;
                if (part != null) {
                    i = part.end - 1; // a part settles its own leaf calls before it returns
                    continue;
                }
                AnnotatedInstruction ins = code.get(i);
                if (ins.opcode() == OpCode.CALL && mod.leaves.get((int) ins.operand(0))) {
                    leafCalls.set(i);
                }
            }
        }
        int first = -1;
        if (metered && region == null && loopFree) {
            for (int i = 0; i < code.size() && first < 0; i++) {
                if (code.get(i).address() >= 0) {
                    first = i;
                }
            }
        }
        this.enteredAt = first;
        this.counted = countedLoops();
        this.memorySlot = new int[mod.memoryCount];
        Arrays.fill(memorySlot, -1);
        for (int i = from; i < to; i++) {
            int m = memoryUsed(code.get(i));
            if (m >= 0 && memorySlot[m] < 0) {
                memorySlot[m] = slot; // the bytes, then the size (int) in the next slot
                slot += 2;
            }
        }
        this.nextSlot = slot;
        if (region != null) {
            this.ownUsed = region.used;
            this.ownWritten = region.written;
        } else {
            this.ownUsed = new java.util.BitSet();
            this.ownWritten = new java.util.BitSet();
            if (split != null) {
                for (int i = 0; i < code.size(); i++) {
                    Splitter.Region part = split.childAt(null, i);
                    if (part != null) {
                        i = part.end - 1;
                        continue;
                    }
                    AnnotatedInstruction ins = code.get(i);
                    if (ins.opcode() == OpCode.LOCAL_SET || ins.opcode() == OpCode.LOCAL_TEE) {
                        ownWritten.set((int) ins.operand(0));
                    }
                    if (ins.opcode() == OpCode.LOCAL_SET || ins.opcode() == OpCode.LOCAL_TEE
                            || ins.opcode() == OpCode.LOCAL_GET) {
                        ownUsed.set((int) ins.operand(0));
                    }
                }
            }
        }
    }

    /**
     * A part's descriptor: {@code (operand parameters..., long[] frame, Machine m)int}; a slice of a dispatch nest
     * takes its entry before the frame.
     */
    private String partDescriptor(Splitter.Region r) {
        StringBuilder d = new StringBuilder("(");
        for (ValType p : r.params) {
            d.append(JvmTypes.of(p).getDescriptor());
        }
        if (r.entries > 0) {
            d.append('I');
        }
        return d.append("[J").append(machineDesc).append(")I").toString();
    }

    // ---- driver -------------------------------------------------------------------------------------------

    MethodNode emit() {
        if (region == null) {
            prologue();
            if (selfTailStart != null) {
                method.visitLabel(selfTailStart);
            }
            frames.add(new Frame(FUNCTION, List.of(), type.returns(), 0));
            frames.get(0).reachableAtEntry = true;
            checkDue = metered && !leaf;
            foldDue = selfTailStart != null && !leafCalls.isEmpty(); // a self tail call jumps back to this check
        } else {
            partPrologue();
        }
        for (int i = from; i < to; i++) {
            AnnotatedInstruction ins = code.get(i);
            if (marks != null) {
                marks[i] = new LabelNode();
                method.instructions.add(marks[i]);
            }
            if (ins.address() < 0) {
                continue;
            }
            Splitter.Region slice = split != null && deadDepth == 0 ? split.childAt(region, i) : null;
            if (slice != null && slice.entries > 0) {
                // Reached by falling into its first block's end or by a branch to one of its blocks.
                if (reachable) {
                    meter(i);
                }
                callSlice(slice);
                i = slice.end - 1;
                continue;
            }
            if (!reachable) {
                skipDead(ins);
                continue;
            }
            if (measure != null) {
                measure.stackAt.set(i, List.copyOf(stack));
                List<List<ValType>> exits = new ArrayList<>(frames.size());
                for (int f = frames.size() - 1; f >= 0; f--) {
                    exits.add(frames.get(f).branchTypes());
                }
                measure.exitsAt.set(i, exits);
                lowWater = stack.size();
            }
            Splitter.Region part = split != null ? split.childAt(region, i) : null;
            if (region == null || i != from) {
                meter(i); // a part's first charge is made by its caller, before the call
            }
            if (part != null) {
                callPart(part);
                i = part.end - 1;
                continue;
            }
            current = i;
            emit(ins, i);
            if (measure != null) {
                // an instruction that works on the top of the stack in place (i32.add pops its second operand and
                // leaves the first's slot as its result; i32.eqz, loads and local.tee pop nothing) consumed one more
                // value than pop() saw: the value under its result. Counted, a part that begins with it takes that
                // value as a parameter (a part cut from a 4,000-term sum took none and popped an empty stack).
                measure.lowWater[i] = stack.isEmpty() ? lowWater : Math.min(lowWater, stack.size() - 1);
            }
        }
        if (marks != null) {
            marks[code.size()] = new LabelNode();
            method.instructions.add(marks[code.size()]);
        }
        if (region != null) {
            partEpilogue();
        }
        if (metered) {
            addFuelHandler();
        }
        method.maxLocals = nextSlot;
        return method;
    }

    /** The bytecode offset of every instruction's start, once the method has been written by a MethodWriter. */
    void recordOffsets() {
        for (int i = 0; i <= code.size(); i++) {
            measure.offset[i] = marks[i].getLabel().getOffset();
        }
    }

    /** Inside dead code only the nesting matters: find where control can arrive again. */
    private void skipDead(AnnotatedInstruction ins) {
        switch (ins.opcode()) {
            case BLOCK:
            case LOOP:
            case IF:
                deadDepth++;
                return;
            case ELSE:
                if (deadDepth == 0) {
                    elseOf(top());
                }
                return;
            case END:
                if (deadDepth > 0) {
                    deadDepth--;
                } else {
                    end();
                }
                return;
            default:
                return;
        }
    }

    /** The charge a chunked loop's header made for the instruction after its {@code loop}, or -1. */
    private int chargedAt = -1;

    private void charge(int cost) {
        if (cost > 0) {
            if (cost <= Short.MAX_VALUE) {
                method.visitIincInsn(fuelSlot, -cost);
            } else {
                method.visitVarInsn(ILOAD, fuelSlot);
                ldc(cost);
                method.visitInsn(ISUB);
                method.visitVarInsn(ISTORE, fuelSlot);
            }
        }
    }

    /** The charges planned before instruction {@code i}, and the fuel check due after them. */
    private void meter(int i) {
        if (!metered) {
            return;
        }
        int cost = meterPlan.charge()[i];
        if (i == enteredAt || i == chargedAt) {
            cost = 0; // Meter.enter made this charge (the entry check follows), or a chunked loop's header did
        }
        charge(cost);
        if (checkDue) {
            checkDue = false;
            if (foldDue) {
                foldDue = false;
                foldLeafFuel();
            }
            checkFuel(loopFree);
        }
    }

    // ---- prologue, epilogue, metering ---------------------------------------------------------------------

    private void prologue() {
        var mv = method;
        if (JvmTypes.boxedParams(type)) {
            for (int i = 0; i < type.params().size(); i++) {
                mv.visitVarInsn(ALOAD, 0);
                ldc(i);
                mv.visitInsn(LALOAD);
                fromRawLong(localTypes[i]);
                mv.visitVarInsn(JvmTypes.store(JvmTypes.of(localTypes[i])), localSlot[i]);
            }
        }
        for (int i = type.params().size(); i < localTypes.length; i++) {
            pushZero(localTypes[i]);
            mv.visitVarInsn(JvmTypes.store(JvmTypes.of(localTypes[i])), localSlot[i]);
        }
        mv.visitVarInsn(ALOAD, machineSlot);
        mv.visitFieldInsn(GETFIELD, machine, Names.F_BUDGET, L_BUDGET);
        mv.visitVarInsn(ASTORE, budgetSlot);
        tailPrologue();
        if (leaf) {
            // fuel = Meter.enterLeaf(budget, first charge): no entry check, no depth counted (Meter.enterLeaf).
            mv.visitVarInsn(ALOAD, budgetSlot);
            ldc(enteredAt >= 0 ? meterPlan.charge()[enteredAt] : 0); // enteredAt: metered only
            invoke(RuntimeContract.ENTER_LEAF);
            if (metered) {
                mv.visitVarInsn(ISTORE, fuelSlot);
                startFuelHandler();
            } else {
                mv.visitInsn(POP);
            }
        } else if (enteredAt >= 0) {
            // fuel = Meter.enter(budget, first charge): the depth and the charge in one call (the entry check stays
            // here, see Meter.enter). When it throws the budget's fuel is untouched: the fuel handler starts after.
            // Only in functions without loops: they run hot only through many calls, so C2 finds the helpers hot
            // and inlines them, and their bytes decide whether they are inlined themselves (FreqInlineSize). A
            // function with a loop may be called a few times and run long: when C2 compiled utf8's kernel function
            // (called once per run) with the helpers as calls (executed fewer than MinInliningThreshold times), its
            // loops ran 5-7% slower; such a function keeps the inline sequence.
            mv.visitVarInsn(ALOAD, budgetSlot);
            ldc(meterPlan.charge()[enteredAt]);
            invoke(RuntimeContract.ENTER);
            mv.visitVarInsn(ISTORE, fuelSlot);
            startFuelHandler();
        } else {
            if (metered) {
                loadFuel();
                startFuelHandler();
            }
            enterDepth();
        }
        for (int m = 0; m < memorySlot.length; m++) {
            if (memorySlot[m] >= 0) {
                reloadMemory(m);
            }
        }
        if (split != null) {
            // The frame: wasm locals its parts use, then the values parts pass back.
            ldc(split.frameSize + (chainSlot >= 0 ? 1 : 0)); // + the chain position (tail calls)
            mv.visitIntInsn(NEWARRAY, T_LONG);
            mv.visitVarInsn(ASTORE, frameSlot);
            java.util.BitSet initial = new java.util.BitSet();
            for (int l = split.shared.nextSetBit(0); l >= 0; l = split.shared.nextSetBit(l + 1)) {
                if (l < type.params().size() || JvmTypes.isReference(localTypes[l])) {
                    initial.set(l);
                }
            }
            storeShared(initial);
            tailFrame();
        }
    }

    /**
     * depth = ++budget.depth; if (depth &gt; budget.maxDepth) budget.tooDeep(); inline, where the function does not
     * enter through {@code Meter.enter} (unmetered code, functions with loops, functions that tail-call themselves).
     */
    private void enterDepth() {
        var mv = method;
        mv.visitVarInsn(ALOAD, budgetSlot);
        mv.visitInsn(DUP);
        invoke(RuntimeContract.BUDGET_DEPTH);
        mv.visitInsn(ICONST_1);
        mv.visitInsn(IADD);
        mv.visitInsn(DUP_X1);
        put(RuntimeContract.BUDGET_DEPTH);
        mv.visitVarInsn(ALOAD, budgetSlot);
        invoke(RuntimeContract.BUDGET_MAX_DEPTH);
        Label ok = new Label();
        mv.visitJumpInsn(IF_ICMPLE, ok);
        mv.visitVarInsn(ALOAD, budgetSlot);
        invoke(RuntimeContract.TOO_DEEP);
        mv.visitLabel(ok);
    }

    /** The function returns: its results are on the stack. */
    private void epilogue() {
        var mv = method;
        if (metered && !leaf) {
            foldLeafFuel(); // the return check sees the leaves' charges; the fuel stored below is settled
            checkFuel(loopFree);
        }
        if (leaf) {
            if (metered) {
                storeFuel(); // no return check: the caller's checks cover a leaf
            }
        } else if (enteredAt >= 0) {
            // Meter.leave(budget, fuel): the fuel stored, the depth given back.
            mv.visitVarInsn(ALOAD, budgetSlot);
            mv.visitVarInsn(ILOAD, fuelSlot);
            invoke(RuntimeContract.LEAVE);
        } else {
            if (metered) {
                storeFolded();
            }
            mv.visitVarInsn(ALOAD, budgetSlot);
            mv.visitInsn(DUP);
            invoke(RuntimeContract.BUDGET_DEPTH);
            mv.visitInsn(ICONST_1);
            mv.visitInsn(ISUB);
            put(RuntimeContract.BUDGET_DEPTH);
        }
        List<ValType> results = type.returns();
        if (results.isEmpty()) {
            mv.visitInsn(RETURN);
        } else if (results.size() == 1) {
            mv.visitInsn(JvmTypes.of(results.get(0)).getOpcode(IRETURN));
        } else {
            boxValues(results);
            mv.visitInsn(ARETURN);
        }
    }

    /** A part starts: budget, fuel, memories, the wasm locals it uses (from the frame), its operand values. */
    private void partPrologue() {
        var mv = method;
        mv.visitVarInsn(ALOAD, machineSlot);
        mv.visitFieldInsn(GETFIELD, machine, Names.F_BUDGET, L_BUDGET);
        mv.visitVarInsn(ASTORE, budgetSlot);
        if (metered) {
            loadFuel();
            startFuelHandler();
        }
        for (int m = 0; m < memorySlot.length; m++) {
            if (memorySlot[m] >= 0) {
                reloadMemory(m);
            }
        }
        loadShared(ownUsed);
        int slot = 0;
        for (ValType p : region.params) {
            Type t = JvmTypes.of(p);
            mv.visitVarInsn(JvmTypes.load(t), slot);
            slot += t.getSize();
            push(p);
        }
        // The constructs around the part, outermost first: a branch to one of them is an exit, except to the blocks
        // that end inside a slice of a dispatch nest (its entries), which are blocks of this method.
        for (int d = region.exits.size() - 1; d >= 0; d--) {
            List<ValType> types = region.exits.get(d);
            Frame f = new Frame(d < region.entries ? BLOCK : EXIT, types, types, 0);
            f.exitCode = d + 1;
            f.reachableAtEntry = true;
            frames.add(f);
        }
        if (region.entries > 0) {
            // Entry j: the end of the j-th of those blocks, innermost first (the slice's first instruction is the
            // end of the innermost).
            Label[] entries = new Label[region.entries];
            for (int j = 0; j < entries.length; j++) {
                Frame f = frames.get(frames.size() - 1 - j);
                f.branchedTo = true;
                entries[j] = f.label;
            }
            mv.visitVarInsn(ILOAD, entrySlot);
            mv.visitTableSwitchInsn(0, entries.length - 1, entries[0], entries);
            reachable = false;
        }
    }

    /**
     * Calls a slice of a dispatch nest in place of its instructions ({@code Splitter.Planner#slices}): the blocks
     * that end inside it (the innermost on top of the frames) are reached here by falling into the first one's end
     * or by branches to any of them, each arrival passing its entry; then re-issues the branch the slice exited by,
     * as for any part, and leaves those blocks.
     */
    private void callSlice(Splitter.Region r) {
        var mv = method;
        Label call = new Label();
        boolean arrives = false;
        if (reachable) {
            ldc(0);
            mv.visitJumpInsn(GOTO, call);
            arrives = true;
        }
        for (int j = 0; j < r.entries; j++) {
            Frame f = frames.get(frames.size() - 1 - j);
            if (f.branchedTo) {
                mv.visitLabel(f.label);
                ldc(j);
                mv.visitJumpInsn(GOTO, call);
                arrives = true;
            }
        }
        int height = frames.get(frames.size() - 1).height;
        stack.subList(Math.min(height, stack.size()), stack.size()).clear();
        reachable = arrives;
        if (arrives) {
            mv.visitLabel(call);
            var out = (java.util.BitSet) ownWritten.clone();
            out.and(r.usedAll);
            storeShared(out);
            mv.visitVarInsn(ALOAD, frameSlot);
            mv.visitVarInsn(ALOAD, machineSlot);
            syncedCall(INVOKESTATIC, owner, Names.part(function, r.id), partDescriptor(r));
            tailExit(r);
            var in = (java.util.BitSet) ownUsed.clone();
            in.and(r.writtenAll);
            loadShared(in);
            if (r.mayGrow) {
                reloadMemories();
            }
            if (r.exitsUsed.isEmpty()) {
                mv.visitInsn(POP);
            } else {
                exitSwitch(r);
            }
        }
        for (int j = 0; j < r.entries; j++) {
            frames.remove(frames.size() - 1);
        }
        if (arrives && r.fallsThrough) {
            loadResults(r.results);
        } else if (arrives) {
            trap(RuntimeContract.TRAP_UNREACHABLE);
            reachable = false;
        }
    }

    /**
     * A part ends: falling out of it returns 0 with its results in the frame; a branch out of it returns the
     * branch's exit code with the branch's values in the frame. Either way the locals it wrote go back to the
     * frame and the fuel to the budget.
     */
    private void partEpilogue() {
        var mv = method;
        if (reachable) {
            storeResults(region.results);
            mv.visitInsn(ICONST_0);
            mv.visitJumpInsn(GOTO, commonExit);
        }
        for (Frame f : frames) {
            if (f.kind == EXIT && f.branchedTo) {
                mv.visitLabel(f.label);
                stack.clear();
                stack.addAll(f.branchTypes());
                storeResults(f.branchTypes());
                ldc(f.exitCode);
                mv.visitJumpInsn(GOTO, commonExit);
            }
        }
        mv.visitLabel(commonExit);
        storeShared(ownWritten);
        if (metered) {
            storeFuel();
        }
        mv.visitInsn(IRETURN);
        reachable = false;
    }

    /** Pops values of these types (top last) into the frame's result slots. */
    private void storeResults(List<ValType> types) {
        for (int j = types.size() - 1; j >= 0; j--) {
            ValType t = types.get(j);
            toRawLong(t);
            int raw = temp(Type.LONG_TYPE);
            method.visitVarInsn(LSTORE, raw);
            method.visitVarInsn(ALOAD, frameSlot);
            ldc(split.resultBase + j);
            method.visitVarInsn(LLOAD, raw);
            method.visitInsn(LASTORE);
            release(Type.LONG_TYPE, raw);
            pop();
        }
    }

    /** Pushes values of these types from the frame's result slots. */
    private void loadResults(List<ValType> types) {
        for (int j = 0; j < types.size(); j++) {
            method.visitVarInsn(ALOAD, frameSlot);
            ldc(split.resultBase + j);
            method.visitInsn(LALOAD);
            fromRawLong(types.get(j));
            push(types.get(j));
        }
    }

    /** Copies these wasm locals from this method's JVM locals to the frame. */
    private void storeShared(java.util.BitSet locals) {
        for (int l = locals.nextSetBit(0); l >= 0; l = locals.nextSetBit(l + 1)) {
            method.visitVarInsn(ALOAD, frameSlot);
            ldc(split.frameIndex[l]);
            method.visitVarInsn(JvmTypes.load(JvmTypes.of(localTypes[l])), localSlot[l]);
            toRawLong(localTypes[l]);
            method.visitInsn(LASTORE);
        }
    }

    /** Copies these wasm locals from the frame to this method's JVM locals. */
    private void loadShared(java.util.BitSet locals) {
        for (int l = locals.nextSetBit(0); l >= 0; l = locals.nextSetBit(l + 1)) {
            method.visitVarInsn(ALOAD, frameSlot);
            ldc(split.frameIndex[l]);
            method.visitInsn(LALOAD);
            fromRawLong(localTypes[l]);
            method.visitVarInsn(JvmTypes.store(JvmTypes.of(localTypes[l])), localSlot[l]);
        }
    }

    /**
     * Calls part {@code r} in place of its instructions: its operand parameters are on the stack. Then
     * re-issues the branch it exited by, or pushes its results.
     */
    private void callPart(Splitter.Region r) {
        var mv = method;
        for (int i = 0; i < r.params.size(); i++) {
            pop();
        }
        var out = (java.util.BitSet) ownWritten.clone();
        out.and(r.usedAll);
        storeShared(out);
        mv.visitVarInsn(ALOAD, frameSlot);
        mv.visitVarInsn(ALOAD, machineSlot);
        syncedCall(INVOKESTATIC, owner, Names.part(function, r.id), partDescriptor(r));
        tailExit(r);
        var in = (java.util.BitSet) ownUsed.clone();
        in.and(r.writtenAll);
        loadShared(in);
        if (r.mayGrow) {
            reloadMemories();
        }
        if (r.exitsUsed.isEmpty()) {
            mv.visitInsn(POP);
        } else {
            exitSwitch(r);
        }
        if (r.fallsThrough) {
            loadResults(r.results);
        } else {
            trap(RuntimeContract.TRAP_UNREACHABLE);
            reachable = false;
        }
    }

    /**
     * Re-issues the branch a part exited by (its exit code on the stack; 0: it fell through). An exit that
     * carries no values to a construct whose label can be jumped to directly is a switch entry to that label;
     * the others go through a trampoline that loads the values and branches. A {@code tableswitch} (4 bytes an
     * entry) when the codes are dense enough, as they are for a part holding the dispatch of an interpreter
     * loop's switch (a hundred and more exits), else a {@code lookupswitch} (8 bytes an entry).
     */
    private void exitSwitch(Splitter.Region r) {
        var mv = method;
        int n = r.exitsUsed.cardinality();
        int[] keys = new int[n];
        Label[] labels = new Label[n];
        List<Integer> trampolines = new ArrayList<>();
        int k = 0;
        for (int d = r.exitsUsed.nextSetBit(0); d >= 0; d = r.exitsUsed.nextSetBit(d + 1)) {
            keys[k] = d + 1;
            if (r.exits.get(d).isEmpty() && direct(d)) {
                Frame f = frames.get(frames.size() - 1 - d);
                f.branchedTo = true;
                labels[k] = f.label;
            } else {
                labels[k] = new Label();
                trampolines.add(k);
            }
            k++;
        }
        Label cont = new Label();
        int low = keys[0];
        int high = keys[n - 1];
        if ((long) high - low + 1 <= 2L * n + 2) {
            Label[] table = new Label[high - low + 1];
            Arrays.fill(table, cont);
            for (int j = 0; j < n; j++) {
                table[keys[j] - low] = labels[j];
            }
            mv.visitTableSwitchInsn(low, high, cont, table);
        } else {
            mv.visitLookupSwitchInsn(cont, keys, labels);
        }
        for (int j : trampolines) {
            mv.visitLabel(labels[j]);
            int d = keys[j] - 1;
            List<ValType> saved = new ArrayList<>(stack);
            loadResults(r.exits.get(d));
            branch(d);
            stack.clear();
            stack.addAll(saved);
        }
        mv.visitLabel(cont);
    }

    private void loadFuel() {
        method.visitVarInsn(ALOAD, budgetSlot);
        invoke(RuntimeContract.BUDGET_FUEL);
        method.visitVarInsn(ISTORE, fuelSlot);
    }

    /**
     * The fuel local to the budget, for code that reads it (callees, the runtime after a trap or a return). A leaf
     * writes {@code Budget.leafFuel}, where its callers find it; a method that calls leaves stores its local plus
     * their charges not folded in yet, and clears them:
     * {@code budget.fuel = fuel + budget.leafFuel; budget.leafFuel = 0}.
     */
    private void storeFuel() {
        if (leafCalls.isEmpty()) {
            storeFolded();
            return;
        }
        var mv = method;
        mv.visitVarInsn(ALOAD, budgetSlot);
        mv.visitInsn(DUP);
        mv.visitInsn(DUP);
        invoke(RuntimeContract.BUDGET_LEAF_FUEL);
        mv.visitVarInsn(ILOAD, fuelSlot);
        mv.visitInsn(IADD);
        put(RuntimeContract.BUDGET_FUEL);
        mv.visitInsn(ICONST_0);
        put(RuntimeContract.BUDGET_LEAF_FUEL);
    }

    /** The fuel local to the budget where no leaf charge is pending (right after {@link #foldLeafFuel}). */
    private void storeFolded() {
        method.visitVarInsn(ALOAD, budgetSlot);
        method.visitVarInsn(ILOAD, fuelSlot);
        put(leaf ? RuntimeContract.BUDGET_LEAF_FUEL : RuntimeContract.BUDGET_FUEL);
    }

    /**
     * Before a check in a method that calls leaves: their charges since the last fold into the fuel local,
     * {@code fuel += budget.leafFuel; budget.leafFuel = 0} (15 bytes). Nothing in a method without leaf calls.
     */
    private void foldLeafFuel() {
        if (leafCalls.isEmpty()) {
            return;
        }
        var mv = method;
        mv.visitVarInsn(ALOAD, budgetSlot);
        mv.visitInsn(DUP);
        invoke(RuntimeContract.BUDGET_LEAF_FUEL);
        mv.visitVarInsn(ILOAD, fuelSlot);
        mv.visitInsn(IADD);
        mv.visitVarInsn(ISTORE, fuelSlot);
        mv.visitInsn(ICONST_0);
        put(RuntimeContract.BUDGET_LEAF_FUEL);
    }

    /**
     * The fuel check, stack-neutral. Taking the next slice is a few field operations here, not a call (a
     * call on any path of a hot loop costs C2 the loop's registers); the meter is called only to stop, or
     * when more than a slice was overdrawn, which a normal run never does.
     * <pre>
     *   if (fuel &lt; 0) {
     *       if (budget.stop || --budget.slices &lt; 0 || (fuel += SLICE) &lt; 0) fuel = Meter.refill(budget, fuel);
     *   }
     * </pre>
     * One call serves the three rare outcomes (about 50 bytes): Meter.refill settles the fuel
     * against the slices, so it throws when the stop flag is up or no slice is left, and returns the new fuel
     * after an overdraft of more than a slice. An earlier form called Meter.stop on a path of its own and jumped
     * over it: 11 bytes more per check. Every byte counts toward HotSpot's 8,000-byte limit: the evaluator's words
     * iterator, 6,266 bytes unmetered, was 8,217 metered and had to be split (benchmarks/RESULTS.md, "Smaller
     * metering code").
     * <p>
     * {@code outOfLoop}: the check is at the entry or a return of a function without loops (a self tail call
     * is a loop); it takes the short form, the long form's call alone:
     * {@code if (fuel < 0) fuel = Meter.refill(budget, fuel)}, 14 bytes instead of about 50. Such a function's bytes
     * count against C2's inlining limits (its callers' loops run it): with the long form a small function's
     * metered body was about 150 bytes larger than its unmetered one, which put small hot functions past
     * FreqInlineSize (325 bytes) when metered only. Meter.refill settles the overdraft against the slices with the
     * long form's outcome: the stop flag first, then the remaining fuel (docs/metering.md, section 3). Functions
     * with loops keep the long form at entry and returns too: there the call cost their loops a few percent (utf8
     * +5-9%).
     */
    private void checkFuel(boolean outOfLoop) {
        var mv = method;
        Label ok = new Label();
        Label slow = new Label();
        mv.visitVarInsn(ILOAD, fuelSlot);
        mv.visitJumpInsn(IFGE, ok);
        if (!outOfLoop) {
            mv.visitVarInsn(ALOAD, budgetSlot);
            invoke(RuntimeContract.BUDGET_STOP);
            mv.visitJumpInsn(IFNE, slow);
            mv.visitVarInsn(ALOAD, budgetSlot);
            mv.visitInsn(DUP);
            invoke(RuntimeContract.BUDGET_SLICES);
            mv.visitInsn(LCONST_1);
            mv.visitInsn(LSUB);
            mv.visitInsn(DUP2_X1);
            put(RuntimeContract.BUDGET_SLICES);
            mv.visitInsn(LCONST_0);
            mv.visitInsn(LCMP);
            mv.visitJumpInsn(IFLT, slow);
            mv.visitIincInsn(fuelSlot, RuntimeContract.SLICE);
            mv.visitVarInsn(ILOAD, fuelSlot);
            mv.visitJumpInsn(IFGE, ok);
            mv.visitLabel(slow);
        }
        mv.visitVarInsn(ALOAD, budgetSlot);
        mv.visitVarInsn(ILOAD, fuelSlot);
        invoke(RuntimeContract.REFILL);
        mv.visitVarInsn(ISTORE, fuelSlot);
        mv.visitLabel(ok);
    }

    // ---- loops run in chunks (CountedLoops) ---------------------------------------------------------------

    /** Trips an unmetered chunk runs between two reads of the stop flag, for a body of one instruction. */
    private static final int UNMETERED_CHUNK_WORK = 1 << 20;

    /**
     * The counted loops this method can chunk: each must lie in this method whole, with no part of the splitter
     * inside it.
     */
    private java.util.Map<Integer, CountedLoops.Loop> countedLoops() {
        var found = CountedLoops.find(code, localTypes, metered ? meterPlan.charge() : null);
        found.values().removeIf(l -> {
            if (l.start() < from || l.end() >= to) {
                return true;
            }
            if (split != null) {
                for (int j = l.start(); j <= l.end(); j++) {
                    if (split.childAt(region, j) != null) {
                        return true;
                    }
                }
            }
            return false;
        });
        return found;
    }

    /**
     * A chunked loop's header, at its label (where the wasm's branches back arrive when the inner loop stops):
     * <pre>
     *   header: fuel -= first charge; check          (unmetered: the stop flag)
     *           limit = the inner loop's bound (chunkLimit); goto body
     *   inner:  fuel -= first charge                 (the trips that skip the check)
     *   body:   ...
     * </pre>
     */
    private void chunkHeader(Frame f, CountedLoops.Loop l) {
        var mv = method;
        f.counted = l;
        f.inner = new Label();
        f.limitSlot = temp(Type.INT_TYPE);
        Label body = new Label();
        int first = 0;
        if (metered) {
            first = meterPlan.charge()[l.start() + 1];
            chargedAt = l.start() + 1;
            charge(first);
            checkFuel(false);
        } else {
            pollStop();
        }
        chunkLimit(l, f.limitSlot);
        if (first > 0) {
            mv.visitJumpInsn(GOTO, body);
            mv.visitLabel(f.inner);
            charge(first);
        } else {
            mv.visitLabel(f.inner);
        }
        mv.visitLabel(body);
    }

    /**
     * limit = the bound of the inner loop's test {@code iv < limit} (counting up; {@code iv > limit} counting down),
     * computed in {@code long}: at most {@code k} trips from here, k = fuel / maxTripCost (so every check skipped
     * would have passed; unmetered a fixed number), never past the wasm's bound (so the test implies the wasm's
     * condition), and short of the int range's end by a step (so iv does not wrap inside the inner loop); and when
     * that leaves no trip, the int range's far end, so that an iv that wraps on the first trip cannot pass the
     * test either. An unsigned condition holds like a signed one only for a non-negative iv: from a negative one
     * the inner loop runs no trip.
     */
    private void chunkLimit(CountedLoops.Loop l, int limitSlot) {
        var mv = method;
        boolean up = l.up();
        Label done = new Label();
        if (l.unsigned()) {
            Label nonNegative = new Label();
            mv.visitVarInsn(ILOAD, localSlot[l.iv()]);
            mv.visitJumpInsn(IFGE, nonNegative);
            ldc(up ? Integer.MIN_VALUE : Integer.MAX_VALUE);
            mv.visitVarInsn(ISTORE, limitSlot);
            mv.visitJumpInsn(GOTO, done);
            mv.visitLabel(nonNegative);
        }
        // iv + k * step
        mv.visitVarInsn(ILOAD, localSlot[l.iv()]);
        mv.visitInsn(I2L);
        if (metered) {
            mv.visitVarInsn(ILOAD, fuelSlot);
            ldc(l.maxTripCost());
            mv.visitInsn(IDIV);
            mv.visitInsn(I2L);
            ldc((long) l.step());
            mv.visitInsn(LMUL);
        } else {
            ldc((long) Math.max(1, Math.min(1 << 16, UNMETERED_CHUNK_WORK / (l.end() - l.start()))) * l.step());
        }
        mv.visitInsn(LADD);
        // the wasm's bound (a constant folds with the int range's edge)
        long edge = up ? (long) Integer.MAX_VALUE - l.step() + 1 : (long) Integer.MIN_VALUE - l.step() - 1;
        if (l.unsigned() && !up) {
            edge = -1; // iv stays >= 0
        }
        if (l.always()) {
            ldc(edge); // no wasm bound: the loop leaves by a branch out of its body
            longMinMax(up);
        } else if (l.boundLocal() < 0) {
            long bound = (l.unsigned() ? l.boundConst() & 0xFFFF_FFFFL : l.boundConst()) + l.boundAdjust();
            ldc(up ? Math.min(bound, edge) : Math.max(bound, edge));
            longMinMax(up);
        } else {
            mv.visitVarInsn(ILOAD, localSlot[l.boundLocal()]);
            mv.visitInsn(I2L);
            if (l.unsigned()) {
                ldc(0xFFFF_FFFFL);
                mv.visitInsn(LAND);
            }
            if (l.boundAdjust() != 0) {
                ldc((long) l.boundAdjust());
                mv.visitInsn(LADD);
            }
            longMinMax(up);
            ldc(edge);
            longMinMax(up);
        }
        if (l.unsigned() && !up) {
            ldc((long) Integer.MAX_VALUE); // an unsigned bound past it: no trip
            longMinMax(true);
        }
        // A limit not past iv allows no trip: none would pass it without wrapping. Then no trip may pass it after
        // wrapping either (iv within a step of the int range's end: the first trip's iv wraps to the other end).
        Label keep = new Label();
        mv.visitInsn(DUP2);
        mv.visitVarInsn(ILOAD, localSlot[l.iv()]);
        mv.visitInsn(I2L);
        mv.visitInsn(LCMP);
        mv.visitJumpInsn(up ? IFGT : IFLT, keep);
        mv.visitInsn(POP2);
        ldc((long) (up ? Integer.MIN_VALUE : Integer.MAX_VALUE));
        mv.visitLabel(keep);
        mv.visitInsn(L2I);
        mv.visitVarInsn(ISTORE, limitSlot);
        mv.visitLabel(done);
    }

    /** [a, b] longs -> the smaller ({@code min}) or the larger. */
    private void longMinMax(boolean min) {
        var mv = method;
        int b = temp(Type.LONG_TYPE);
        mv.visitVarInsn(LSTORE, b);
        int a = temp(Type.LONG_TYPE);
        mv.visitVarInsn(LSTORE, a);
        Label takeA = new Label();
        Label done = new Label();
        mv.visitVarInsn(LLOAD, a);
        mv.visitVarInsn(LLOAD, b);
        mv.visitInsn(LCMP);
        mv.visitJumpInsn(min ? IFLE : IFGE, takeA);
        mv.visitVarInsn(LLOAD, b);
        mv.visitJumpInsn(GOTO, done);
        mv.visitLabel(takeA);
        mv.visitVarInsn(LLOAD, a);
        mv.visitLabel(done);
        release(Type.LONG_TYPE, a);
        release(Type.LONG_TYPE, b);
    }

    /**
     * A chunked loop's latch, {@code br_if 0} with its condition on the stack: the condition is dropped (its operands
     * are a local and a local or constant, read again below), then
     * <pre>
     *   if (iv &lt; limit) goto inner     (counting down: iv &gt; limit): implies the wasm's condition
     *   if (wasm's condition) goto header
     * </pre>
     * and out of the loop otherwise.
     */
    private void chunkLatch(Frame f) {
        var mv = method;
        CountedLoops.Loop l = f.counted;
        if (pendingJump >= 0) {
            mv.visitInsn(pendingJump >= IF_ICMPEQ && pendingJump <= IF_ACMPNE ? POP2 : POP);
            pendingJump = -1;
        } else {
            mv.visitInsn(POP);
        }
        mv.visitVarInsn(ILOAD, localSlot[l.iv()]);
        mv.visitVarInsn(ILOAD, f.limitSlot);
        mv.visitJumpInsn(l.up() ? IF_ICMPLT : IF_ICMPGT, f.inner);
        f.branchedTo = true;
        mv.visitVarInsn(ILOAD, localSlot[l.iv()]);
        if (l.boundLocal() < 0 && l.boundConst() == 0 && l.compare() == OpCode.I32_NE) {
            mv.visitJumpInsn(IFNE, f.label);
            return;
        }
        if (l.unsigned()) {
            ldc(Integer.MIN_VALUE);
            mv.visitInsn(IXOR);
        }
        if (l.boundLocal() >= 0) {
            mv.visitVarInsn(ILOAD, localSlot[l.boundLocal()]);
            if (l.unsigned()) {
                ldc(Integer.MIN_VALUE);
                mv.visitInsn(IXOR);
            }
        } else {
            ldc(l.unsigned() ? l.boundConst() ^ Integer.MIN_VALUE : l.boundConst());
        }
        mv.visitJumpInsn(icmp(l.compare()), f.label);
    }

    /**
     * A chunked loop's unconditional latch ({@code br 0}, {@link CountedLoops.Loop#always}):
     * {@code if (iv < limit) goto inner; goto header} (counting down: {@code iv > limit}).
     */
    private void chunkBack(Frame f) {
        var mv = method;
        CountedLoops.Loop l = f.counted;
        mv.visitVarInsn(ILOAD, localSlot[l.iv()]);
        mv.visitVarInsn(ILOAD, f.limitSlot);
        mv.visitJumpInsn(l.up() ? IF_ICMPLT : IF_ICMPGT, f.inner);
        f.branchedTo = true;
        mv.visitJumpInsn(GOTO, f.label);
    }

    /**
     * Unmetered code (trusted) still stops at its deadline: every loop iteration reads the budget's volatile
     * stop flag, which the watchdog raises.
     */
    private void pollStop() {
        Label go = new Label();
        method.visitVarInsn(ALOAD, budgetSlot);
        invoke(RuntimeContract.BUDGET_STOP);
        method.visitJumpInsn(IFEQ, go);
        method.visitVarInsn(ALOAD, budgetSlot);
        invoke(RuntimeContract.CHECK_STOP);
        method.visitLabel(go);
    }

    /**
     * Emits a call that may run other wasm or host code or charge the budget: the fuel is stored before and
     * loaded after it, and the call is left out of the fuel handler's ranges.
     */
    private void syncedCall(RuntimeContract.Member m) {
        syncedCall(INVOKESTATIC, m.owner(), m.name(), m.descriptor());
    }

    private void syncedCall(int opcode, String owner, String name, String desc) {
        syncedCall(opcode, owner, name, desc, false);
    }

    /**
     * {@code thenTrap}: the call is followed by an {@code unreachable} it charged already ({@link #trapsNext}: a panic
     * or exit function and the trap the compiler put after it); the trap is thrown right after the call, and neither
     * the fuel nor the memories are loaded back for code that cannot run.
     */
    private void syncedCall(int opcode, String owner, String name, String desc, boolean thenTrap) {
        if (leaf) {
            throw new IllegalStateException("function " + function + " is a leaf but calls " + owner + "." + name);
        }
        if (!metered) {
            method.visitMethodInsn(opcode, owner, name, desc, false);
            if (thenTrap) {
                trap(RuntimeContract.TRAP_UNREACHABLE);
            }
            return;
        }
        storeFuel();
        var before = new LabelNode();
        var after = new LabelNode();
        method.instructions.add(before);
        method.visitMethodInsn(opcode, owner, name, desc, false);
        if (thenTrap) {
            // The budget holds the fuel (the callee stored it): the trap stays inside the range the fuel handler
            // leaves out, and the fuel is not loaded back.
            trap(RuntimeContract.TRAP_UNREACHABLE);
        }
        method.instructions.add(after);
        syncedCalls.add(new LabelNode[] {before, after});
        if (!thenTrap) {
            loadFuel();
        }
    }

    /**
     * Whether the instruction after {@code i} is an {@code unreachable} in this method that control reaches only by
     * falling out of {@code i}, with no charge of its own.
     */
    private boolean trapsNext(int i) {
        int j = i + 1;
        while (j < to && code.get(j).address() < 0) {
            j++;
        }
        return j < to
                && code.get(j).opcode() == OpCode.UNREACHABLE
                && (!metered || meterPlan.charge()[j] == 0)
                && (split == null || split.childAt(region, j) == null);
    }

    /** Where the fuel handler's ranges begin: right after the fuel local is set (see {@link #addFuelHandler}). */
    private void startFuelHandler() {
        handlerStart = new LabelNode();
        method.instructions.add(handlerStart);
    }

    /** One catch-all handler from the fuel load to the end, minus the synced calls: store the fuel, rethrow. */
    private void addFuelHandler() {
        var handler = new LabelNode();
        var end = new LabelNode();
        method.instructions.add(end);
        LabelNode from = handlerStart;
        for (LabelNode[] call : syncedCalls) {
            addHandlerRange(from, call[0], handler);
            from = call[1];
        }
        addHandlerRange(from, end, handler);
        method.instructions.add(handler);
        storeFuel();
        method.visitInsn(ATHROW);
    }

    /** A range of the fuel handler, unless it holds no instruction (a trap right after a call, then another call). */
    private void addHandlerRange(LabelNode from, LabelNode to, LabelNode handler) {
        for (var insn = from.getNext(); insn != null && insn != to; insn = insn.getNext()) {
            if (insn.getOpcode() >= 0) {
                method.tryCatchBlocks.add(new TryCatchBlockNode(from, to, handler, null));
                return;
            }
        }
    }

    /** Memory m's bytes and size into its two locals. */
    private void reloadMemory(int m) {
        method.visitVarInsn(ALOAD, machineSlot);
        method.visitFieldInsn(GETFIELD, machine, Names.memory(m), L_MEMORY);
        method.visitInsn(DUP);
        invoke(RuntimeContract.MEMORY_BYTES);
        method.visitVarInsn(ASTORE, memorySlot[m]);
        invoke(RuntimeContract.MEMORY_SIZE);
        method.visitVarInsn(ISTORE, memorySlot[m] + 1);
    }

    /** After a call that may have grown memory: every byte[] and size this method holds may be stale. */
    private void reloadMemories() {
        for (int m = 0; m < memorySlot.length; m++) {
            if (memorySlot[m] >= 0) {
                reloadMemory(m);
            }
        }
    }

    // ---- stack and temporaries ----------------------------------------------------------------------------

    private Frame top() {
        return frames.get(frames.size() - 1);
    }

    private ValType pop() {
        ValType t = stack.remove(stack.size() - 1);
        if (stack.size() < lowWater) {
            lowWater = stack.size();
        }
        return t;
    }

    private void push(ValType t) {
        stack.add(t);
    }

    private ValType peek() {
        return stack.get(stack.size() - 1);
    }

    private static int sort(Type t) {
        switch (t.getSort()) {
            case Type.LONG:
                return 1;
            case Type.FLOAT:
                return 2;
            case Type.DOUBLE:
                return 3;
            case Type.OBJECT:
            case Type.ARRAY:
                return 4;
            default:
                return 0;
        }
    }

    private int temp(Type t) {
        List<Integer> free = freeTemps.get(sort(t));
        if (!free.isEmpty()) {
            return free.remove(free.size() - 1);
        }
        int slot = nextSlot;
        nextSlot += t.getSize();
        return slot;
    }

    private void release(Type t, int slot) {
        freeTemps.get(sort(t)).add(slot);
    }

    private void ldc(int v) {
        if (v >= -1 && v <= 5) {
            method.visitInsn(ICONST_0 + v);
        } else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            method.visitIntInsn(BIPUSH, v);
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            method.visitIntInsn(SIPUSH, v);
        } else {
            method.visitLdcInsn(v);
        }
    }

    private void ldc(long v) {
        if (v == 0 || v == 1) {
            method.visitInsn((int) (LCONST_0 + v));
        } else {
            method.visitLdcInsn(v);
        }
    }

    private void pushZero(ValType t) {
        switch (JvmTypes.of(t).getSort()) {
            case Type.LONG:
                method.visitInsn(LCONST_0);
                break;
            case Type.FLOAT:
                method.visitInsn(FCONST_0);
                break;
            case Type.DOUBLE:
                method.visitInsn(DCONST_0);
                break;
            default:
                method.visitInsn(JvmTypes.isReference(t) ? ICONST_M1 : ICONST_0);
        }
    }

    private void popValue(ValType t) {
        method.visitInsn(JvmTypes.size(t) == 2 ? POP2 : POP);
    }

    /** The value on top of the JVM stack, as raw bits in a long. */
    private void toRawLong(ValType t) {
        switch (JvmTypes.of(t).getSort()) {
            case Type.LONG:
                return;
            case Type.FLOAT:
                method.visitMethodInsn(INVOKESTATIC, "java/lang/Float", "floatToRawIntBits", "(F)I", false);
                method.visitInsn(I2L);
                return;
            case Type.DOUBLE:
                method.visitMethodInsn(INVOKESTATIC, "java/lang/Double", "doubleToRawLongBits", "(D)J", false);
                return;
            default:
                method.visitInsn(I2L);
        }
    }

    /** Raw bits in a long on top of the JVM stack, as a value of type t. */
    private void fromRawLong(ValType t) {
        switch (JvmTypes.of(t).getSort()) {
            case Type.LONG:
                return;
            case Type.FLOAT:
                method.visitInsn(L2I);
                method.visitMethodInsn(INVOKESTATIC, "java/lang/Float", "intBitsToFloat", "(I)F", false);
                return;
            case Type.DOUBLE:
                method.visitMethodInsn(INVOKESTATIC, "java/lang/Double", "longBitsToDouble", "(J)D", false);
                return;
            default:
                method.visitInsn(L2I);
        }
    }

    /** Pops values of these types (top last) from the JVM stack into a new long[] of raw bits. */
    private void boxValues(List<ValType> types) {
        int n = types.size();
        int[] slots = new int[n];
        for (int i = n - 1; i >= 0; i--) {
            Type t = JvmTypes.of(types.get(i));
            slots[i] = temp(t);
            method.visitVarInsn(JvmTypes.store(t), slots[i]);
        }
        ldc(n);
        method.visitIntInsn(NEWARRAY, T_LONG);
        for (int i = 0; i < n; i++) {
            Type t = JvmTypes.of(types.get(i));
            method.visitInsn(DUP);
            ldc(i);
            method.visitVarInsn(JvmTypes.load(t), slots[i]);
            toRawLong(types.get(i));
            method.visitInsn(LASTORE);
            release(t, slots[i]);
        }
    }

    /** Replaces the long[] on top of the JVM stack by its values, as these types. */
    private void unboxValues(List<ValType> types) {
        if (types.isEmpty()) {
            method.visitInsn(POP);
            return;
        }
        int array = temp(Type.getType(long[].class));
        method.visitVarInsn(ASTORE, array);
        for (int i = 0; i < types.size(); i++) {
            method.visitVarInsn(ALOAD, array);
            ldc(i);
            method.visitInsn(LALOAD);
            fromRawLong(types.get(i));
        }
        release(Type.getType(long[].class), array);
    }

    /**
     * Leaves only the top {@code keep} values above {@code height}: stores them, pops what is between, and
     * loads them back. The wasm stack model is updated too.
     */
    private void unwindTo(int height, int keep) {
        int extra = stack.size() - keep - height;
        if (extra <= 0) {
            return;
        }
        int[] slots = new int[keep];
        List<ValType> kept = new ArrayList<>(stack.subList(stack.size() - keep, stack.size()));
        for (int i = keep - 1; i >= 0; i--) {
            Type t = JvmTypes.of(kept.get(i));
            slots[i] = temp(t);
            method.visitVarInsn(JvmTypes.store(t), slots[i]);
            pop();
        }
        for (int i = 0; i < extra; i++) {
            popValue(pop());
        }
        for (int i = 0; i < keep; i++) {
            Type t = JvmTypes.of(kept.get(i));
            method.visitVarInsn(JvmTypes.load(t), slots[i]);
            release(t, slots[i]);
            push(kept.get(i));
        }
    }

    // ---- control ------------------------------------------------------------------------------------------

    private List<ValType> blockParams(AnnotatedInstruction ins) {
        long t = ins.operand(0);
        if (t == 0x40 || ValType.isValid(t)) {
            return List.of();
        }
        return mod.type((int) t).params();
    }

    private List<ValType> blockResults(AnnotatedInstruction ins) {
        long t = ins.operand(0);
        if (t == 0x40) {
            return List.of();
        }
        if (ValType.isValid(t)) {
            return List.of(ValType.builder().fromId(t).build());
        }
        return mod.type((int) t).returns();
    }

    private Frame enter(int kind, AnnotatedInstruction ins) {
        List<ValType> params = blockParams(ins);
        var f = new Frame(kind, params, blockResults(ins), stack.size() - params.size());
        f.reachableAtEntry = true;
        frames.add(f);
        return f;
    }

    /** A branch to the frame {@code depth} levels out, with its values on top of the stack. */
    private void branch(int depth) {
        Frame target = frames.get(frames.size() - 1 - depth);
        target.branchedTo = true;
        int arity = target.branchTypes().size();
        List<ValType> saved = new ArrayList<>(stack);
        unwindTo(target.height, arity);
        method.visitJumpInsn(GOTO, target.label);
        stack.clear();
        stack.addAll(saved);
    }

    /** Whether a branch to this frame can jump straight to its label (nothing to pop first). */
    private boolean direct(int depth) {
        Frame target = frames.get(frames.size() - 1 - depth);
        return stack.size() - target.branchTypes().size() == target.height;
    }

    private void elseOf(Frame f) {
        // Reached from the then branch (if it falls through: jump to the end) or by the false condition.
        if (reachable) {
            f.branchedTo = true;
            method.visitJumpInsn(GOTO, f.label);
        }
        method.visitLabel(f.elseLabel);
        f.sawElse = true;
        stack.subList(f.height, stack.size()).clear();
        stack.addAll(f.params);
        reachable = f.reachableAtEntry;
    }

    private void end() {
        Frame f = frames.remove(frames.size() - 1);
        if (f.limitSlot >= 0) {
            release(Type.INT_TYPE, f.limitSlot);
        }
        boolean fallsThrough = reachable;
        switch (f.kind) {
            case LOOP:
                break;
            case IF:
                if (!f.sawElse) {
                    method.visitLabel(f.elseLabel);
                    fallsThrough = true;
                }
                if (f.branchedTo) {
                    method.visitLabel(f.label);
                }
                break;
            default:
                if (f.branchedTo) {
                    method.visitLabel(f.label);
                }
                break;
        }
        reachable = fallsThrough || (f.kind != LOOP && f.branchedTo);
        stack.subList(Math.min(f.height, stack.size()), stack.size()).clear();
        stack.addAll(f.results);
        if (f.kind == FUNCTION && reachable) {
            epilogue();
            reachable = false;
        }
    }

    private void trap(RuntimeContract.Member factory) {
        invoke(factory);
        method.visitInsn(ATHROW);
    }

    // ---- instructions -------------------------------------------------------------------------------------

    private void emit(AnnotatedInstruction ins, int index) {
        OpCode op = ins.opcode();
        var mv = method;
        switch (op) {
            case NOP:
                return;
            case UNREACHABLE:
                trap(RuntimeContract.TRAP_UNREACHABLE);
                reachable = false;
                return;
            case BLOCK:
                enter(BLOCK, ins);
                return;
            case LOOP: {
                Frame f = enter(LOOP, ins);
                if (!leafCalls.isEmpty()) {
                    // The leaves' charges reach the checks of loops that call leaves at every header; a loop
                    // that calls none gets those charged before it once, on entry.
                    int end = loopEnds()[index];
                    int next = leafCalls.nextSetBit(index);
                    if (end >= 0 && next >= 0 && next < end) {
                        foldDue = true;
                    } else if (leafCalls.previousSetBit(index) >= 0) {
                        foldLeafFuel();
                    }
                }
                mv.visitLabel(f.label);
                CountedLoops.Loop l = counted.get(index);
                if (l != null) {
                    chunkHeader(f, l);
                    return;
                }
                if (metered) {
                    checkDue = true;
                } else {
                    pollStop();
                }
                return;
            }
            case IF: {
                pop();
                Frame f = enter(IF, ins);
                f.elseLabel = new Label();
                jump(false, f.elseLabel);
                return;
            }
            case ELSE:
                elseOf(top());
                return;
            case END:
                end();
                return;
            case BR:
                if (ins.operand(0) == 0 && top().counted != null && top().counted.latch() == index && direct(0)) {
                    chunkBack(top());
                } else {
                    branch((int) ins.operand(0));
                }
                reachable = false;
                return;
            case BR_IF: {
                pop();
                int depth = (int) ins.operand(0);
                if (depth == 0 && top().counted != null && top().counted.latch() == index && direct(0)) {
                    chunkLatch(top());
                    return;
                }
                if (direct(depth)) {
                    frames.get(frames.size() - 1 - depth).branchedTo = true;
                    jump(true, frames.get(frames.size() - 1 - depth).label);
                } else {
                    Label skip = new Label();
                    jump(false, skip);
                    branch(depth);
                    mv.visitLabel(skip);
                }
                return;
            }
            case BR_TABLE:
                brTable(ins);
                reachable = false;
                return;
            case RETURN:
                branch(frames.size() - 1);
                reachable = false;
                return;
            case CALL:
                call((int) ins.operand(0));
                return;
            case RETURN_CALL:
                tailCall((int) ins.operand(0));
                reachable = false;
                return;
            case CALL_INDIRECT:
                callIndirect((int) ins.operand(0), (int) ins.operand(1));
                return;
            case RETURN_CALL_INDIRECT:
                tailCallIndirect((int) ins.operand(0), (int) ins.operand(1));
                reachable = false;
                return;
            case DROP:
                popValue(pop());
                return;
            case SELECT:
            case SELECT_T:
                select();
                return;
            case LOCAL_GET: {
                int l = (int) ins.operand(0);
                mv.visitVarInsn(JvmTypes.load(JvmTypes.of(localTypes[l])), localSlot[l]);
                push(localTypes[l]);
                return;
            }
            case LOCAL_SET: {
                int l = (int) ins.operand(0);
                mv.visitVarInsn(JvmTypes.store(JvmTypes.of(localTypes[l])), localSlot[l]);
                pop();
                return;
            }
            case LOCAL_TEE: {
                int l = (int) ins.operand(0);
                mv.visitInsn(JvmTypes.size(localTypes[l]) == 2 ? DUP2 : DUP);
                mv.visitVarInsn(JvmTypes.store(JvmTypes.of(localTypes[l])), localSlot[l]);
                return;
            }
            case GLOBAL_GET:
                globalGet((int) ins.operand(0));
                return;
            case GLOBAL_SET:
                globalSet((int) ins.operand(0));
                return;
            case I32_CONST:
                ldc((int) ins.operand(0));
                push(ValType.I32);
                return;
            case I64_CONST:
                ldc(ins.operand(0));
                push(ValType.I64);
                return;
            case F32_CONST: {
                int bits = (int) ins.operand(0);
                if (bits == 0) {
                    mv.visitInsn(FCONST_0);
                } else {
                    mv.visitLdcInsn(Float.intBitsToFloat(bits));
                }
                push(ValType.F32);
                return;
            }
            case F64_CONST: {
                long bits = ins.operand(0);
                if (bits == 0) {
                    mv.visitInsn(DCONST_0);
                } else {
                    mv.visitLdcInsn(Double.longBitsToDouble(bits));
                }
                push(ValType.F64);
                return;
            }
            case REF_NULL:
                mv.visitInsn(ICONST_M1);
                push(ValType.FuncRef);
                return;
            case REF_IS_NULL:
                pop();
                mv.visitInsn(ICONST_M1);
                booleanFromJump(IF_ICMPEQ);
                return;
            case REF_FUNC:
                ldc((int) ins.operand(0));
                push(ValType.FuncRef);
                return;
            default:
                break;
        }
        if (memory(ins, index)) {
            return;
        }
        if (table(ins)) {
            return;
        }
        if (numeric(ins, index)) {
            return;
        }
        throw new IllegalStateException("unsupported instruction " + op);
    }

    private void select() {
        var mv = method;
        pop(); // condition
        ValType t = pop();
        Label second = new Label();
        Label done = new Label();
        mv.visitJumpInsn(IFEQ, second);
        if (JvmTypes.size(t) == 2) {
            mv.visitInsn(POP2);
            mv.visitJumpInsn(GOTO, done);
            mv.visitLabel(second);
            mv.visitInsn(DUP2_X2);
            mv.visitInsn(POP2);
            mv.visitInsn(POP2);
        } else {
            mv.visitInsn(POP);
            mv.visitJumpInsn(GOTO, done);
            mv.visitLabel(second);
            mv.visitInsn(SWAP);
            mv.visitInsn(POP);
        }
        mv.visitLabel(done);
    }

    private void brTable(AnnotatedInstruction ins) {
        pop();
        long[] ops = ins.operands();
        int n = ops.length - 1;
        int defaultDepth = (int) ops[n];
        if (n == 0) {
            method.visitInsn(POP);
            branch(defaultDepth);
            return;
        }
        // One label per distinct depth: the target's own when no values need popping, else a trampoline.
        java.util.Map<Integer, Label> labels = new java.util.LinkedHashMap<>();
        List<Integer> trampolines = new ArrayList<>();
        for (long d : ops) {
            int depth = (int) d;
            if (!labels.containsKey(depth)) {
                if (direct(depth)) {
                    Frame f = frames.get(frames.size() - 1 - depth);
                    f.branchedTo = true;
                    labels.put(depth, f.label);
                } else {
                    labels.put(depth, new Label());
                    trampolines.add(depth);
                }
            }
        }
        if (n <= LARGE_BR_TABLE) {
            Label[] table = new Label[n];
            for (int i = 0; i < n; i++) {
                table[i] = labels.get((int) ops[i]);
            }
            method.visitTableSwitchInsn(0, n - 1, labels.get(defaultDepth), table);
        } else {
            largeBrTable(ops, labels, defaultDepth);
        }
        for (int depth : trampolines) {
            method.visitLabel(labels.get(depth));
            branch(depth);
        }
    }

    /** Above this many entries a br_table is a lookup in a string constant (a tableswitch takes 4 bytes an entry). */
    private static final int LARGE_BR_TABLE = 256;
    /** Entries per string constant (each char takes at most 3 bytes of the 65,535 a constant may have). */
    private static final int BR_TABLE_CHUNK = 16384;

    /**
     * A br_table too large for a tableswitch in a method HotSpot compiles: its targets are few (they are
     * enclosing constructs), so each entry's target number is a char of a string constant, and a small
     * tableswitch over the distinct targets jumps. The index (on the stack) is unsigned: out of range, or
     * negative as an int, takes the default.
     */
    private void largeBrTable(long[] ops, java.util.Map<Integer, Label> labels, int defaultDepth) {
        var mv = method;
        int n = ops.length - 1;
        List<Integer> targets = new ArrayList<>(labels.keySet());
        Label dflt = labels.get(defaultDepth);
        int index = temp(Type.INT_TYPE);
        mv.visitVarInsn(ISTORE, index);
        mv.visitVarInsn(ILOAD, index);
        mv.visitJumpInsn(IFLT, dflt);
        mv.visitVarInsn(ILOAD, index);
        ldc(n);
        mv.visitJumpInsn(IF_ICMPGE, dflt);
        int chunks = (n + BR_TABLE_CHUNK - 1) / BR_TABLE_CHUNK;
        Label lookup = new Label();
        Label[] chunkLabels = new Label[chunks];
        if (chunks > 1) {
            mv.visitVarInsn(ILOAD, index);
            ldc(BR_TABLE_CHUNK);
            mv.visitInsn(IDIV);
            for (int c = 0; c < chunks; c++) {
                chunkLabels[c] = new Label();
            }
            mv.visitTableSwitchInsn(0, chunks - 1, dflt, chunkLabels);
        }
        for (int c = 0; c < chunks; c++) {
            if (chunks > 1) {
                mv.visitLabel(chunkLabels[c]);
            }
            StringBuilder table = new StringBuilder();
            for (int i = c * BR_TABLE_CHUNK; i < Math.min(n, (c + 1) * BR_TABLE_CHUNK); i++) {
                table.append((char) targets.indexOf((int) ops[i]));
            }
            mv.visitLdcInsn(table.toString());
            mv.visitVarInsn(ILOAD, index);
            if (c > 0) {
                ldc(c * BR_TABLE_CHUNK);
                mv.visitInsn(ISUB);
            }
            mv.visitMethodInsn(INVOKEVIRTUAL, "java/lang/String", "charAt", "(I)C", false);
            if (chunks > 1) {
                mv.visitJumpInsn(GOTO, lookup);
            }
        }
        release(Type.INT_TYPE, index);
        if (chunks > 1) {
            mv.visitLabel(lookup);
        }
        Label[] byTarget = new Label[targets.size()];
        for (int t = 0; t < byTarget.length; t++) {
            byTarget[t] = labels.get(targets.get(t));
        }
        mv.visitTableSwitchInsn(0, byTarget.length - 1, dflt, byTarget);
    }

    // ---- calls --------------------------------------------------------------------------------------------

    private void call(int callee) {
        FunctionType ct = mod.functionType(callee);
        List<ValType> params = ct.params();
        for (int i = 0; i < params.size(); i++) {
            pop();
        }
        boolean thenTrap = trapsNext(current);
        if (mod.isImport(callee)) {
            boxValues(params);
            int args = temp(Type.getType(long[].class));
            method.visitVarInsn(ASTORE, args);
            method.visitVarInsn(ALOAD, machineSlot);
            method.visitFieldInsn(GETFIELD, machine, Names.F_HOSTS, "[L" + Names.FUNCTION_HANDLE + ";");
            ldc(callee);
            method.visitInsn(AALOAD);
            method.visitVarInsn(ALOAD, machineSlot);
            method.visitFieldInsn(GETFIELD, machine, Names.F_INSTANCE, L_INSTANCE);
            method.visitVarInsn(ALOAD, args);
            release(Type.getType(long[].class), args);
            RuntimeContract.Member host = RuntimeContract.CALL_HOST;
            syncedCall(INVOKESTATIC, host.owner(), host.name(), host.descriptor(), thenTrap);
            if (!thenTrap) { // after the trap there is nothing to unbox
                if (ct.returns().isEmpty()) {
                    method.visitInsn(POP);
                } else {
                    unboxValues(ct.returns());
                }
            }
        } else {
            if (JvmTypes.boxedParams(ct)) {
                boxValues(params);
            }
            method.visitVarInsn(ALOAD, machineSlot);
            if (leafCalls.get(current)) {
                // A leaf charges Budget.leafFuel, which this method folds in at its next check or fuel store: no
                // store before the call, no load after it (14 bytes a call site), and the call stays inside the
                // fuel handler's ranges, so a trap in the leaf settles both its charges and this method's.
                method.visitMethodInsn(INVOKESTATIC, layout.classOf(callee), Names.function(callee),
                        JvmTypes.functionDescriptor(ct, machine), false);
                if (thenTrap) {
                    trap(RuntimeContract.TRAP_UNREACHABLE);
                }
            } else {
                syncedCall(INVOKESTATIC, layout.classOf(callee), Names.function(callee),
                        JvmTypes.functionDescriptor(ct, machine), thenTrap);
            }
            if (!thenTrap && ct.returns().size() > 1) {
                unboxValues(ct.returns());
            }
            if (!thenTrap && leafCalls.get(current) && mod.checksAfterLeafCalls.get(function)) {
                foldLeafFuel();
                checkFuel(loopFree); // so many leaf calls that their charges could leave the counter's range
            }
        }
        if (thenTrap) {
            reachable = false; // the rest, up to where control can arrive again, is dead code
        } else if (mod.mayGrowMemory.get(callee)) {
            reloadMemories();
        }
        stack.addAll(ct.returns());
    }

    /**
     * The operands of a per-signature indirect dispatcher on top of the arguments and the element index: the
     * arguments boxed under the index where the signature passes them boxed, then the table, the type index and the
     * machine. For {@code call_indirect} and {@code return_call_indirect} alike.
     */
    private void indirectOperands(FunctionType ct, int typeIndex, int tableIndex) {
        if (JvmTypes.boxedParams(ct)) {
            // The element index is on top of the arguments; box the arguments under it.
            int index = temp(Type.INT_TYPE);
            method.visitVarInsn(ISTORE, index);
            boxValues(ct.params());
            method.visitVarInsn(ILOAD, index);
            release(Type.INT_TYPE, index);
        }
        method.visitVarInsn(ALOAD, machineSlot);
        method.visitFieldInsn(GETFIELD, machine, Names.table(tableIndex), L_TABLE);
        ldc(typeIndex);
        method.visitVarInsn(ALOAD, machineSlot);
    }

    private void callIndirect(int typeIndex, int tableIndex) {
        FunctionType ct = mod.type(typeIndex);
        int sig = mod.canonicalType[typeIndex];
        pop(); // the element index
        for (int i = 0; i < ct.params().size(); i++) {
            pop();
        }
        indirectOperands(ct, typeIndex, tableIndex);
        syncedCall(INVOKESTATIC, machine, Names.indirect(sig), layout.indirectDescriptor(sig));
        if (ct.returns().size() > 1) {
            unboxValues(ct.returns());
        }
        reloadMemories();
        stack.addAll(ct.returns());
    }

    // ---- tail calls (see TailCalls for the scheme) -----------------------------------------------------------

    /** Whether the function makes a tail call to itself that can be a jump (parameters passed one by one). */
    private boolean selfTailCalls() {
        if (!mod.tailCallers.get(function) || JvmTypes.boxedParams(type)) {
            return false;
        }
        for (AnnotatedInstruction ins : code) {
            if (ins.opcode() == OpCode.RETURN_CALL && (int) ins.operand(0) == function) {
                return true;
            }
        }
        return false;
    }

    /**
     * At the entry of a function a tail call can enter: its position in the chain (when it makes tail calls
     * itself), and position 0 for whatever it calls.
     */
    private void tailPrologue() {
        if (!mod.tailEntered.get(function)) {
            return;
        }
        if (chainSlot >= 0) {
            method.visitVarInsn(ALOAD, machineSlot);
            method.visitFieldInsn(GETFIELD, machine, TailCalls.F_DEPTH, "I");
            method.visitVarInsn(ISTORE, chainSlot);
        }
        method.visitVarInsn(ALOAD, machineSlot);
        method.visitInsn(ICONST_0);
        method.visitFieldInsn(PUTFIELD, machine, TailCalls.F_DEPTH, "I");
    }

    /** {@code return_call}: its arguments are on the stack. */
    private void tailCall(int callee) {
        if (mod.isImport(callee)) {
            // A host function cannot tail-call back into the chain: an ordinary call, then return.
            call(callee);
            branch(frames.size() - 1);
            return;
        }
        if (!metered) {
            pollStop(); // an endless chain of tail calls has no loop header: unmetered code polls here
        }
        if (callee == function && selfTailStart != null) {
            selfTailJump();
            return;
        }
        FunctionType ct = mod.functionType(callee);
        for (int i = 0; i < ct.params().size(); i++) {
            pop();
        }
        Label pending = chainDynamic() ? new Label() : null;
        List<ValType> atCall = new ArrayList<>(stack);
        enterChain(pending);
        if (JvmTypes.boxedParams(ct)) {
            boxValues(ct.params());
        }
        method.visitVarInsn(ALOAD, machineSlot);
        tailInvoke(layout.classOf(callee), Names.function(callee), JvmTypes.functionDescriptor(ct, machine), ct, false);
        if (pending != null) {
            method.visitLabel(pending);
            stack.clear();
            stack.addAll(atCall);
            storeTailArgs(ct);
            returnPending(callee);
        }
    }

    /** {@code return_call_indirect}: its arguments and the element index are on the stack. */
    private void tailCallIndirect(int typeIndex, int tableIndex) {
        FunctionType ct = mod.type(typeIndex);
        int sig = mod.canonicalType[typeIndex];
        if (!metered) {
            pollStop();
        }
        pop(); // the element index
        for (int i = 0; i < ct.params().size(); i++) {
            pop();
        }
        Label pending = chainDynamic() ? new Label() : null;
        List<ValType> atCall = new ArrayList<>(stack);
        enterChain(pending);
        indirectOperands(ct, typeIndex, tableIndex);
        // A host function or another instance's, reached through the dispatcher, does not reset the position.
        tailInvoke(machine, Names.indirect(sig), layout.indirectDescriptor(sig), ct, true);
        if (pending != null) {
            method.visitLabel(pending);
            stack.clear();
            stack.addAll(atCall);
            int element = temp(Type.INT_TYPE);
            method.visitVarInsn(ISTORE, element);
            storeTailArgs(ct);
            method.visitVarInsn(ALOAD, machineSlot);
            method.visitVarInsn(ILOAD, element);
            method.visitFieldInsn(PUTFIELD, machine, TailCalls.F_ELEMENT, "I");
            release(Type.INT_TYPE, element);
            method.visitVarInsn(ALOAD, machineSlot);
            method.visitInsn(DUP);
            method.visitFieldInsn(GETFIELD, machine, Names.table(tableIndex), L_TABLE);
            method.visitFieldInsn(PUTFIELD, machine, TailCalls.F_TABLE, L_TABLE);
            method.visitVarInsn(ALOAD, machineSlot);
            ldc(typeIndex);
            method.visitFieldInsn(PUTFIELD, machine, TailCalls.F_TYPE, "I");
            returnPending(TailCalls.indirectId(mod, sig));
        }
    }

    /**
     * Before a tail call made as a JVM call: at the chain's limit, jump to {@code pending} (the call is left to
     * the base); else the callee's position is this one's plus one, and this function's depth is given back.
     */
    private void enterChain(Label pending) {
        var mv = method;
        if (pending != null) {
            loadChain();
            ldc(TailCalls.LIMIT);
            mv.visitJumpInsn(IF_ICMPGE, pending);
        }
        mv.visitVarInsn(ALOAD, machineSlot);
        if (chainDynamic()) {
            loadChain();
            mv.visitInsn(ICONST_1);
            mv.visitInsn(IADD);
        } else {
            mv.visitInsn(ICONST_1); // only ever entered by ordinary calls: a base
        }
        mv.visitFieldInsn(PUTFIELD, machine, TailCalls.F_DEPTH, "I");
        addDepth(-1);
    }

    private void addDepth(int delta) {
        method.visitVarInsn(ALOAD, budgetSlot);
        method.visitInsn(DUP);
        invoke(RuntimeContract.BUDGET_DEPTH);
        ldc(delta);
        method.visitInsn(IADD);
        put(RuntimeContract.BUDGET_DEPTH);
    }

    /**
     * The tail call as a JVM call (its arguments and the machine on the stack), with the fuel stored around it;
     * a base then runs what the chain left pending. The function returns the result: at once (its depth was
     * given back and the callee stored the fuel), or from a part through the function's return.
     */
    private void tailInvoke(String owner, String name, String desc, FunctionType ct, boolean resetPosition) {
        var mv = method;
        LabelNode before = null;
        if (metered) {
            storeFuel();
            before = new LabelNode();
            mv.instructions.add(before);
        }
        mv.visitMethodInsn(INVOKESTATIC, owner, name, desc, false);
        if (resetPosition) {
            mv.visitVarInsn(ALOAD, machineSlot);
            mv.visitInsn(ICONST_0);
            mv.visitFieldInsn(PUTFIELD, machine, TailCalls.F_DEPTH, "I");
        }
        Type rt = JvmTypes.returnType(ct);
        Label done = new Label();
        if (chainDynamic() && region == null) {
            loadChain();
            mv.visitJumpInsn(IFNE, done); // not the base: return whatever came back, the base runs what is pending
        } else if (chainDynamic()) {
            // a part of a function that is not the base: a pending call goes down the chain from here too
            Label base = new Label();
            loadChain();
            mv.visitJumpInsn(IFEQ, base);
            mv.visitVarInsn(ALOAD, machineSlot);
            mv.visitFieldInsn(GETFIELD, machine, TailCalls.F_NEXT, "I");
            mv.visitJumpInsn(IFLT, done);
            if (rt.getSort() != Type.VOID) {
                mv.visitInsn(rt.getSize() == 2 ? POP2 : POP);
            }
            if (metered) {
                loadFuel();
            }
            exitPending();
            mv.visitLabel(base);
        }
        mv.visitVarInsn(ALOAD, machineSlot);
        mv.visitFieldInsn(GETFIELD, machine, TailCalls.F_NEXT, "I");
        mv.visitJumpInsn(IFLT, done);
        if (rt.getSort() != Type.VOID) {
            mv.visitInsn(rt.getSize() == 2 ? POP2 : POP);
        }
        mv.visitVarInsn(ALOAD, machineSlot);
        mv.visitMethodInsn(INVOKESTATIC, machine, TailCalls.trampoline(rt), TailCalls.trampolineDescriptor(rt, machine), false);
        mv.visitLabel(done);
        if (metered) {
            var after = new LabelNode();
            mv.instructions.add(after);
            syncedCalls.add(new LabelNode[] {before, after});
        }
        if (region == null) {
            mv.visitInsn(rt.getOpcode(IRETURN));
            return;
        }
        if (metered) {
            loadFuel();
        }
        addDepth(1); // the function's own return gives it back
        if (ct.returns().size() > 1) {
            unboxValues(ct.returns());
        }
        stack.addAll(ct.returns());
        branch(frames.size() - 1);
    }

    /** The arguments on the stack (popped from the model already) to the machine's pending-call fields. */
    private void storeTailArgs(FunctionType ct) {
        var mv = method;
        List<ValType> params = ct.params();
        if (JvmTypes.boxedParams(ct)) {
            boxValues(params);
            mv.visitVarInsn(ALOAD, machineSlot);
            mv.visitInsn(SWAP);
            mv.visitFieldInsn(PUTFIELD, machine, TailCalls.F_BOXED, "[J");
            return;
        }
        int raw = temp(Type.LONG_TYPE);
        for (int i = params.size() - 1; i >= 0; i--) {
            toRawLong(params.get(i));
            mv.visitVarInsn(LSTORE, raw);
            mv.visitVarInsn(ALOAD, machineSlot);
            mv.visitFieldInsn(GETFIELD, machine, TailCalls.F_ARGS, "[J");
            ldc(i);
            mv.visitVarInsn(LLOAD, raw);
            mv.visitInsn(LASTORE);
        }
        release(Type.LONG_TYPE, raw);
    }

    /**
     * The chain is at its limit: the call {@code id} is left pending for the base and the function returns a
     * placeholder, with its depth given back and the fuel stored (no check: the callee's entry checks).
     */
    private void returnPending(int id) {
        var mv = method;
        mv.visitVarInsn(ALOAD, machineSlot);
        ldc(id);
        mv.visitFieldInsn(PUTFIELD, machine, TailCalls.F_NEXT, "I");
        addDepth(-1);
        if (region != null) {
            exitPending(); // the part's exit stores the fuel
            return;
        }
        if (metered) {
            storeFuel();
        }
        returnPlaceholder();
    }

    /** Returns a placeholder result of the function (a pending call replaces it). */
    private void returnPlaceholder() {
        var mv = method;
        Type rt = JvmTypes.returnType(type);
        switch (rt.getSort()) {
            case Type.VOID:
                mv.visitInsn(RETURN);
                return;
            case Type.LONG:
                mv.visitInsn(LCONST_0);
                break;
            case Type.FLOAT:
                mv.visitInsn(FCONST_0);
                break;
            case Type.DOUBLE:
                mv.visitInsn(DCONST_0);
                break;
            case Type.INT:
                mv.visitInsn(ICONST_0);
                break;
            default:
                mv.visitInsn(ACONST_NULL);
        }
        mv.visitInsn(rt.getOpcode(IRETURN));
    }

    /** Whether the function's position in a chain is known only when it runs (it makes tail calls and is tail-called). */
    private boolean chainDynamic() {
        return mod.tailCallers.get(function) && mod.tailEntered.get(function);
    }

    /** Pushes the function's chain position: from its local, or in a part from the frame. */
    private void loadChain() {
        if (region == null) {
            method.visitVarInsn(ILOAD, chainSlot);
        } else {
            method.visitVarInsn(ALOAD, frameSlot);
            ldc(split.frameSize);
            method.visitInsn(LALOAD);
            method.visitInsn(L2I);
        }
    }

    /** In a split function's prologue: the chain position goes to the frame, after the locals, for its parts. */
    private void tailFrame() {
        if (chainSlot >= 0) {
            method.visitVarInsn(ALOAD, frameSlot);
            ldc(split.frameSize);
            method.visitVarInsn(ILOAD, chainSlot);
            method.visitInsn(I2L);
            method.visitInsn(LASTORE);
        }
    }

    /** The exit code of a part whose function must return a placeholder at once (a pending tail call). */
    private static final int TAIL_PENDING_EXIT = -1;

    /** Whether part {@code r} can exit with {@link #TAIL_PENDING_EXIT}. */
    private boolean mayExitPending(Splitter.Region r) {
        if (!chainDynamic()) {
            return false;
        }
        for (int i = r.start; i < r.end; i++) {
            AnnotatedInstruction ins = code.get(i);
            if (ins.opcode() == OpCode.RETURN_CALL_INDIRECT
                    || ins.opcode() == OpCode.RETURN_CALL && !mod.isImport((int) ins.operand(0))) {
                return true;
            }
        }
        return false;
    }

    /** In a part: leaves with {@link #TAIL_PENDING_EXIT} (the values on the stack dropped). */
    private void exitPending() {
        for (int i = stack.size() - 1; i >= 0; i--) {
            popValue(stack.get(i));
        }
        ldc(TAIL_PENDING_EXIT);
        method.visitJumpInsn(GOTO, commonExit);
    }

    /**
     * After part {@code r} returned its exit code (on the stack): {@link #TAIL_PENDING_EXIT} goes on out of this
     * part, or the function returns a placeholder (its depth was given back, its fuel is in the budget).
     */
    private void tailExit(Splitter.Region r) {
        if (!mayExitPending(r)) {
            return;
        }
        var mv = method;
        Label other = new Label();
        mv.visitInsn(DUP);
        ldc(TAIL_PENDING_EXIT);
        mv.visitJumpInsn(IF_ICMPNE, other);
        mv.visitInsn(POP);
        if (region != null) {
            exitPending();
        } else {
            returnPlaceholder();
        }
        mv.visitLabel(other);
    }

    /**
     * A tail call of the function to itself: the arguments become the parameters, the other locals are zeroed,
     * and control goes back to the start of the body (its charge and fuel check run again; the depth stays).
     */
    private void selfTailJump() {
        var mv = method;
        List<ValType> params = type.params();
        int[] temps = new int[params.size()];
        for (int i = params.size() - 1; i >= 0; i--) {
            Type t = JvmTypes.of(params.get(i));
            temps[i] = temp(t);
            mv.visitVarInsn(JvmTypes.store(t), temps[i]);
            pop();
        }
        while (!stack.isEmpty()) {
            popValue(pop());
        }
        for (int i = 0; i < params.size(); i++) {
            Type t = JvmTypes.of(params.get(i));
            mv.visitVarInsn(JvmTypes.load(t), temps[i]);
            mv.visitVarInsn(JvmTypes.store(t), localSlot[i]);
            release(t, temps[i]);
        }
        for (int i = params.size(); i < localTypes.length; i++) {
            pushZero(localTypes[i]);
            mv.visitVarInsn(JvmTypes.store(JvmTypes.of(localTypes[i])), localSlot[i]);
        }
        mv.visitJumpInsn(GOTO, selfTailStart);
    }

    // ---- globals ------------------------------------------------------------------------------------------

    private void globalGet(int g) {
        ValType t = mod.globalTypes[g];
        method.visitVarInsn(ALOAD, machineSlot);
        if (mod.globalShared[g]) {
            method.visitFieldInsn(GETFIELD, machine, Names.global(g), "L" + Names.GLOBAL_INSTANCE + ";");
            method.visitMethodInsn(INVOKEVIRTUAL, Names.GLOBAL_INSTANCE, "getValue", "()J", false);
            fromRawLong(t);
        } else {
            method.visitFieldInsn(GETFIELD, machine, Names.global(g), JvmTypes.of(t).getDescriptor());
        }
        push(t);
    }

    private void globalSet(int g) {
        ValType t = pop();
        var mv = method;
        if (mod.globalShared[g]) {
            toRawLong(t);
            mv.visitVarInsn(ALOAD, machineSlot);
            mv.visitFieldInsn(GETFIELD, machine, Names.global(g), "L" + Names.GLOBAL_INSTANCE + ";");
            mv.visitInsn(DUP_X2);
            mv.visitInsn(POP);
            mv.visitMethodInsn(INVOKEVIRTUAL, Names.GLOBAL_INSTANCE, "setValue", "(J)V", false);
        } else {
            mv.visitVarInsn(ALOAD, machineSlot);
            if (JvmTypes.size(t) == 2) {
                mv.visitInsn(DUP_X2);
                mv.visitInsn(POP);
            } else {
                mv.visitInsn(SWAP);
            }
            mv.visitFieldInsn(PUTFIELD, machine, Names.global(g), JvmTypes.of(t).getDescriptor());
        }
    }

    // ---- memory -------------------------------------------------------------------------------------------

    /** The memory index an instruction uses, or -1. */
    private static int memoryUsed(AnnotatedInstruction ins) {
        OpCode op = ins.opcode();
        String name = op.name();
        switch (op) {
            case MEMORY_SIZE:
            case MEMORY_GROW:
            case MEMORY_FILL:
                return (int) ins.operand(0);
            case MEMORY_COPY:
                return (int) ins.operand(0);
            case MEMORY_INIT:
                return (int) ins.operand(1);
            default:
                break;
        }
        if (isLoadOrStore(op) || name.contains("ATOMIC")) {
            return op == OpCode.ATOMIC_FENCE ? -1 : (int) ins.operand(2);
        }
        return -1;
    }

    private static boolean isLoadOrStore(OpCode op) {
        int code = op.opcode();
        return code >= 0x28 && code <= 0x3e;
    }

    /**
     * Pushes memory m's byte[] and size on the JVM stack, after the address already there: the accessors take (address,
     * bytes, size...), so no stack shuffle per access (each byte of a method's bytecode counts against C2's inlining
     * budget for it).
     */
    private void loadBytes(int m) {
        method.visitVarInsn(ALOAD, memorySlot[m]);
        method.visitVarInsn(ILOAD, memorySlot[m] + 1);
    }

    private void loadMemoryObject(int m) {
        method.visitVarInsn(ALOAD, machineSlot);
        method.visitFieldInsn(GETFIELD, machine, Names.memory(m), L_MEMORY);
    }

    /**
     * The access at a static offset: [address, bytes, size] -> the accessor that takes the offset, which checks the whole
     * access once with the raw address as the index ({@code PluginMemory.i32Offset}...). Checking
     * {@code checkIndex(address, length) + offset} here and the access's end again in the accessor cost two range
     * checks per access (RATIONALE.md, "Why do the memory accessors take the static offset?").
     */
    private void accessAtOffset(long offset, RuntimeContract.Member accessor) {
        ldc((int) offset);
        invoke(accessor);
    }

    /** Offsets at or past this can never be in bounds: the access always traps. */
    private static final long MAX_OFFSET = 32767L * 65536;

    private boolean memory(AnnotatedInstruction ins, int index) {
        OpCode op = ins.opcode();
        var mv = method;
        switch (op) {
            case MEMORY_SIZE: {
                int m = (int) ins.operand(0);
                mv.visitVarInsn(ILOAD, memorySlot[m] + 1);
                ldc(16);
                mv.visitInsn(IUSHR);
                push(ValType.I32);
                return true;
            }
            case MEMORY_GROW: {
                int m = (int) ins.operand(0);
                pop();
                int delta = temp(Type.INT_TYPE);
                mv.visitVarInsn(ISTORE, delta);
                loadMemoryObject(m);
                mv.visitVarInsn(ILOAD, delta);
                release(Type.INT_TYPE, delta);
                budgetOrNull();
                syncedCall(RuntimeContract.MEMORY_GROW);
                reloadMemories();
                push(ValType.I32);
                return true;
            }
            case MEMORY_FILL: {
                int m = (int) ins.operand(0);
                bulkCall(3, () -> loadMemoryObject(m), RuntimeContract.MEMORY_FILL);
                return true;
            }
            case MEMORY_COPY: {
                int to = (int) ins.operand(0);
                int from = (int) ins.operand(1);
                bulkCall(3, () -> {
                    loadMemoryObject(to);
                    loadMemoryObject(from);
                }, RuntimeContract.MEMORY_COPY);
                return true;
            }
            case MEMORY_INIT: {
                int segment = (int) ins.operand(0);
                int m = (int) ins.operand(1);
                bulkCall(3, () -> {
                    loadMemoryObject(m);
                    method.visitVarInsn(ALOAD, machineSlot);
                    method.visitFieldInsn(GETFIELD, machine, Names.F_INSTANCE, L_INSTANCE);
                    ldc(segment);
                }, RuntimeContract.MEMORY_INIT);
                return true;
            }
            case DATA_DROP:
                mv.visitVarInsn(ALOAD, machineSlot);
                mv.visitFieldInsn(GETFIELD, machine, Names.F_INSTANCE, L_INSTANCE);
                ldc((int) ins.operand(0));
                mv.visitMethodInsn(INVOKEVIRTUAL, Names.INSTANCE, "dropDataSegment", "(I)V", false);
                return true;
            case ATOMIC_FENCE:
                // nothing to order: a plugin's memory is its own instance's (defined, never imported or shared with
                // another instance) and one thread at a time runs an instance, so no other thread can observe its
                // accesses; the fence still costs its fuel like any instruction. (A call to VarHandle.fullFence was
                // emitted before: off the allow-list, so every module with an atomic.fence was refused at load.)
                return true;
            default:
                break;
        }
        if (op.name().contains("ATOMIC")) {
            atomic(ins);
            return true;
        }
        if (!isLoadOrStore(op)) {
            return false;
        }
        int m = (int) ins.operand(2);
        long offset = ins.operand(1);
        boolean store = op.name().contains("STORE");
        if (offset + accessSize(op) > MAX_OFFSET) {
            // Never in bounds: the operands go, the trap stays.
            if (store) {
                popValue(pop());
            }
            pop();
            mv.visitInsn(POP);
            trap(RuntimeContract.TRAP_OUT_OF_BOUNDS);
            reachable = false;
            return true;
        }
        if (store) {
            store(op, m, offset);
        } else {
            load(op, m, offset);
        }
        return true;
    }

    private static int accessSize(OpCode op) {
        String n = op.name();
        if (n.contains("8")) {
            return 1;
        }
        if (n.contains("16")) {
            return 2;
        }
        if (n.contains("32") && !n.startsWith("I32") && !n.startsWith("F32")) {
            return 4;
        }
        return n.startsWith("I64") || n.startsWith("F64") ? 8 : 4;
    }

    private void load(OpCode op, int m, long offset) {
        var mv = method;
        pop();
        switch (op) {
            case I32_LOAD8_S:
            case I32_LOAD8_U:
            case I64_LOAD8_S:
            case I64_LOAD8_U:
                loadBytes(m);
                if (offset == 0) {
                    invoke(RuntimeContract.LOAD_I8);
                } else {
                    accessAtOffset(offset, RuntimeContract.LOAD_I8_OFFSET);
                }
                if (op == OpCode.I32_LOAD8_U || op == OpCode.I64_LOAD8_U) {
                    ldc(0xFF);
                    mv.visitInsn(IAND);
                }
                if (op == OpCode.I64_LOAD8_S || op == OpCode.I64_LOAD8_U) {
                    mv.visitInsn(I2L);
                    push(ValType.I64);
                } else {
                    push(ValType.I32);
                }
                return;
            default:
                break;
        }
        RuntimeContract.Member handle;
        switch (op) {
            case I32_LOAD16_S:
            case I32_LOAD16_U:
            case I64_LOAD16_S:
            case I64_LOAD16_U:
                handle = offset == 0 ? RuntimeContract.LOAD_I16 : RuntimeContract.LOAD_I16_OFFSET;
                break;
            case I32_LOAD:
            case I64_LOAD32_S:
            case I64_LOAD32_U:
                handle = offset == 0 ? RuntimeContract.LOAD_I32 : RuntimeContract.LOAD_I32_OFFSET;
                break;
            case I64_LOAD:
                handle = offset == 0 ? RuntimeContract.LOAD_I64 : RuntimeContract.LOAD_I64_OFFSET;
                break;
            case F32_LOAD:
                handle = offset == 0 ? RuntimeContract.LOAD_F32 : RuntimeContract.LOAD_F32_OFFSET;
                break;
            default:
                handle = offset == 0 ? RuntimeContract.LOAD_F64 : RuntimeContract.LOAD_F64_OFFSET;
                break;
        }
        // [addr] -> [addr, bytes, size(, offset)]
        loadBytes(m);
        if (offset == 0) {
            invoke(handle);
        } else {
            accessAtOffset(offset, handle);
        }
        switch (op) {
            case I32_LOAD16_U:
                ldc(0xFFFF);
                mv.visitInsn(IAND);
                push(ValType.I32);
                return;
            case I64_LOAD16_S:
            case I64_LOAD32_S:
                mv.visitInsn(I2L);
                push(ValType.I64);
                return;
            case I64_LOAD16_U:
                ldc(0xFFFF);
                mv.visitInsn(IAND);
                mv.visitInsn(I2L);
                push(ValType.I64);
                return;
            case I64_LOAD32_U:
                mv.visitInsn(I2L);
                ldc(0xFFFF_FFFFL);
                mv.visitInsn(LAND);
                push(ValType.I64);
                return;
            case I32_LOAD16_S:
            case I32_LOAD:
                push(ValType.I32);
                return;
            case I64_LOAD:
                push(ValType.I64);
                return;
            case F32_LOAD:
                push(ValType.F32);
                return;
            default:
                push(ValType.F64);
        }
    }

    private void store(OpCode op, int m, long offset) {
        var mv = method;
        ValType valueType = pop();
        pop();
        Type vt = JvmTypes.of(valueType);
        // Narrow the value first: every store below then stores an int, long, float or double.
        RuntimeContract.Member handle;
        switch (op) {
            case I64_STORE8:
            case I64_STORE16:
            case I64_STORE32:
                mv.visitInsn(L2I);
                vt = Type.INT_TYPE;
                break;
            default:
                break;
        }
        switch (op) {
            case I32_STORE8:
            case I64_STORE8:
                mv.visitInsn(I2B);
                handle = offset == 0 ? RuntimeContract.STORE_I8 : RuntimeContract.STORE_I8_OFFSET;
                break;
            case I32_STORE16:
            case I64_STORE16:
                mv.visitInsn(I2S);
                handle = offset == 0 ? RuntimeContract.STORE_I16 : RuntimeContract.STORE_I16_OFFSET;
                break;
            case I32_STORE:
            case I64_STORE32:
                handle = offset == 0 ? RuntimeContract.STORE_I32 : RuntimeContract.STORE_I32_OFFSET;
                break;
            case I64_STORE:
                handle = offset == 0 ? RuntimeContract.STORE_I64 : RuntimeContract.STORE_I64_OFFSET;
                break;
            case F32_STORE:
                handle = offset == 0 ? RuntimeContract.STORE_F32 : RuntimeContract.STORE_F32_OFFSET;
                break;
            default:
                handle = offset == 0 ? RuntimeContract.STORE_F64 : RuntimeContract.STORE_F64_OFFSET;
                break;
        }
        int value = temp(vt);
        mv.visitVarInsn(JvmTypes.store(vt), value);
        // [addr] -> [addr, bytes, size(, offset), value]
        loadBytes(m);
        if (offset != 0) {
            ldc((int) offset);
        }
        mv.visitVarInsn(JvmTypes.load(vt), value);
        invoke(handle);
        release(vt, value);
    }

    private void budgetOrNull() {
        if (metered) {
            method.visitVarInsn(ALOAD, budgetSlot);
        } else {
            method.visitInsn(ACONST_NULL);
        }
    }

    /**
     * A bulk instruction with {@code ints} int operands on the stack: calls {@code GuestOps.name} with the
     * objects {@code receivers} pushes, the operands, and the budget (null when unmetered).
     */
    private void bulkCall(int ints, Runnable receivers, RuntimeContract.Member helper) {
        int[] slots = new int[ints];
        for (int i = ints - 1; i >= 0; i--) {
            slots[i] = temp(Type.INT_TYPE);
            method.visitVarInsn(ISTORE, slots[i]);
            pop();
        }
        receivers.run();
        for (int i = 0; i < ints; i++) {
            method.visitVarInsn(ILOAD, slots[i]);
            release(Type.INT_TYPE, slots[i]);
        }
        budgetOrNull();
        syncedCall(helper);
    }

    /** Threads-proposal atomics: through {@code GuestOps}, which checks bounds and alignment. */
    private void atomic(AnnotatedInstruction ins) {
        OpCode op = ins.opcode();
        String n = op.name();
        var mv = method;
        int m = (int) ins.operand(2);
        int offset = (int) ins.operand(1);
        boolean i64 = n.startsWith("I64");
        int size = atomicSize(n);
        if (op == OpCode.MEM_ATOMIC_NOTIFY) {
            pop();
            pop();
            int count = temp(Type.INT_TYPE);
            mv.visitVarInsn(ISTORE, count);
            loadMemoryObject(m);
            mv.visitInsn(SWAP);
            ldc(offset);
            mv.visitVarInsn(ILOAD, count);
            release(Type.INT_TYPE, count);
            invoke(RuntimeContract.ATOMIC_NOTIFY);
            push(ValType.I32);
            return;
        }
        if (op == OpCode.MEM_ATOMIC_WAIT32 || op == OpCode.MEM_ATOMIC_WAIT64) {
            pop();
            pop();
            pop();
            int timeout = temp(Type.LONG_TYPE);
            mv.visitVarInsn(LSTORE, timeout);
            Type et = op == OpCode.MEM_ATOMIC_WAIT64 ? Type.LONG_TYPE : Type.INT_TYPE;
            int expected = temp(et);
            mv.visitVarInsn(JvmTypes.store(et), expected);
            loadMemoryObject(m);
            mv.visitInsn(SWAP);
            ldc(offset);
            mv.visitVarInsn(JvmTypes.load(et), expected);
            if (et == Type.INT_TYPE) {
                mv.visitInsn(I2L);
            }
            mv.visitVarInsn(LLOAD, timeout);
            ldc(op == OpCode.MEM_ATOMIC_WAIT64 ? 8 : 4);
            release(Type.LONG_TYPE, timeout);
            release(et, expected);
            syncedCall(RuntimeContract.ATOMIC_WAIT);
            push(ValType.I32);
            return;
        }
        ValType wt = i64 ? ValType.I64 : ValType.I32;
        if (n.contains("_LOAD")) {
            pop();
            loadMemoryObject(m);
            mv.visitInsn(SWAP);
            ldc(offset);
            ldc(size);
            invoke(RuntimeContract.ATOMIC_LOAD);
            if (!i64) {
                mv.visitInsn(L2I);
            }
            push(wt);
            return;
        }
        if (n.contains("_STORE")) {
            pop();
            pop();
            if (!i64) {
                mv.visitInsn(I2L);
            }
            int value = temp(Type.LONG_TYPE);
            mv.visitVarInsn(LSTORE, value);
            loadMemoryObject(m);
            mv.visitInsn(SWAP);
            ldc(offset);
            ldc(size);
            mv.visitVarInsn(LLOAD, value);
            release(Type.LONG_TYPE, value);
            invoke(RuntimeContract.ATOMIC_STORE);
            return;
        }
        if (n.contains("CMPXCHG")) {
            pop();
            pop();
            pop();
            if (!i64) {
                mv.visitInsn(I2L);
            }
            int replacement = temp(Type.LONG_TYPE);
            mv.visitVarInsn(LSTORE, replacement);
            if (!i64) {
                mv.visitInsn(I2L);
            }
            int expected = temp(Type.LONG_TYPE);
            mv.visitVarInsn(LSTORE, expected);
            loadMemoryObject(m);
            mv.visitInsn(SWAP);
            ldc(offset);
            ldc(size);
            mv.visitVarInsn(LLOAD, expected);
            mv.visitVarInsn(LLOAD, replacement);
            release(Type.LONG_TYPE, expected);
            release(Type.LONG_TYPE, replacement);
            invoke(RuntimeContract.ATOMIC_CMPXCHG);
            if (!i64) {
                mv.visitInsn(L2I);
            }
            push(wt);
            return;
        }
        // read-modify-write
        pop();
        pop();
        if (!i64) {
            mv.visitInsn(I2L);
        }
        int value = temp(Type.LONG_TYPE);
        mv.visitVarInsn(LSTORE, value);
        loadMemoryObject(m);
        mv.visitInsn(SWAP);
        ldc(offset);
        ldc(size);
        ldc(rmwOperator(n));
        mv.visitVarInsn(LLOAD, value);
        release(Type.LONG_TYPE, value);
        invoke(RuntimeContract.ATOMIC_RMW);
        if (!i64) {
            mv.visitInsn(L2I);
        }
        push(wt);
    }

    private static int atomicSize(String n) {
        if (n.contains("8")) {
            return 1;
        }
        if (n.contains("16")) {
            return 2;
        }
        if (n.startsWith("I64") && n.contains("32")) {
            return 4;
        }
        return n.startsWith("I64") ? 8 : 4;
    }

    /** The operator number {@code GuestOps.atomicRmw} takes: the order of {@code PluginMemory.Rmw}. */
    private static int rmwOperator(String n) {
        if (n.contains("_ADD")) {
            return 0;
        }
        if (n.contains("_SUB")) {
            return 1;
        }
        if (n.contains("_AND")) {
            return 2;
        }
        if (n.contains("_OR")) {
            return 3;
        }
        if (n.contains("_XOR")) {
            return 4;
        }
        return 5; // XCHG
    }

    // ---- tables -------------------------------------------------------------------------------------------

    private void loadTable(int t) {
        method.visitVarInsn(ALOAD, machineSlot);
        method.visitFieldInsn(GETFIELD, machine, Names.table(t), L_TABLE);
    }

    private void loadInstance() {
        method.visitVarInsn(ALOAD, machineSlot);
        method.visitFieldInsn(GETFIELD, machine, Names.F_INSTANCE, L_INSTANCE);
    }

    private boolean table(AnnotatedInstruction ins) {
        var mv = method;
        switch (ins.opcode()) {
            case TABLE_GET: {
                pop();
                loadTable((int) ins.operand(0));
                mv.visitInsn(SWAP);
                invoke(RuntimeContract.TABLE_GET);
                push(ValType.FuncRef);
                return true;
            }
            case TABLE_SET: {
                pop();
                pop();
                int value = temp(Type.INT_TYPE);
                mv.visitVarInsn(ISTORE, value);
                loadTable((int) ins.operand(0));
                mv.visitInsn(SWAP);
                mv.visitVarInsn(ILOAD, value);
                release(Type.INT_TYPE, value);
                loadInstance();
                invoke(RuntimeContract.TABLE_SET);
                return true;
            }
            case TABLE_SIZE:
                loadTable((int) ins.operand(0));
                mv.visitMethodInsn(INVOKEVIRTUAL, Names.TABLE_INSTANCE, "size", "()I", false);
                push(ValType.I32);
                return true;
            case TABLE_GROW: {
                int t = (int) ins.operand(0);
                // [value, delta]
                int[] slots = storeInts(2);
                loadTable(t);
                loadInts(slots);
                loadInstance();
                budgetOrNull();
                syncedCall(RuntimeContract.TABLE_GROW);
                push(ValType.I32);
                return true;
            }
            case TABLE_FILL: {
                int t = (int) ins.operand(0);
                int[] slots = storeInts(3);
                loadTable(t);
                loadInts(slots);
                loadInstance();
                budgetOrNull();
                syncedCall(RuntimeContract.TABLE_FILL);
                return true;
            }
            case TABLE_COPY: {
                int to = (int) ins.operand(0);
                int from = (int) ins.operand(1);
                int[] slots = storeInts(3);
                loadTable(to);
                loadTable(from);
                loadInts(slots);
                budgetOrNull();
                syncedCall(RuntimeContract.TABLE_COPY);
                return true;
            }
            case TABLE_INIT: {
                int segment = (int) ins.operand(0);
                int t = (int) ins.operand(1);
                int[] slots = storeInts(3);
                loadTable(t);
                loadInstance();
                ldc(segment);
                loadInts(slots);
                budgetOrNull();
                syncedCall(RuntimeContract.TABLE_INIT);
                return true;
            }
            case ELEM_DROP:
                loadInstance();
                ldc((int) ins.operand(0));
                invoke(RuntimeContract.ELEM_DROP);
                return true;
            default:
                return false;
        }
    }

    private int[] storeInts(int n) {
        int[] slots = new int[n];
        for (int i = n - 1; i >= 0; i--) {
            slots[i] = temp(Type.INT_TYPE);
            method.visitVarInsn(ISTORE, slots[i]);
            pop();
        }
        return slots;
    }

    private void loadInts(int[] slots) {
        for (int s : slots) {
            method.visitVarInsn(ILOAD, s);
            release(Type.INT_TYPE, s);
        }
    }

    // ---- numeric ------------------------------------------------------------------------------------------

    /**
     * Jumps to {@code target} when the i32 condition on top of the stack is {@code when} (true: non-zero): with
     * the comparison that produced it when that was left pending, else with the value.
     */
    private void jump(boolean when, Label target) {
        if (pendingJump >= 0) {
            method.visitJumpInsn(when ? pendingJump : negate(pendingJump), target);
            pendingJump = -1;
        } else {
            method.visitJumpInsn(when ? IFNE : IFEQ, target);
        }
    }

    private static int negate(int jump) {
        switch (jump) {
            case IFEQ: return IFNE;
            case IFNE: return IFEQ;
            case IFLT: return IFGE;
            case IFGE: return IFLT;
            case IFGT: return IFLE;
            case IFLE: return IFGT;
            case IF_ICMPEQ: return IF_ICMPNE;
            case IF_ICMPNE: return IF_ICMPEQ;
            case IF_ICMPLT: return IF_ICMPGE;
            case IF_ICMPGE: return IF_ICMPLT;
            case IF_ICMPGT: return IF_ICMPLE;
            case IF_ICMPLE: return IF_ICMPGT;
            default: throw new IllegalArgumentException("not a conditional jump: " + jump);
        }
    }

    /**
     * A comparison's result, whose JVM jump when true is {@code jumpIfTrue}: left pending when the next
     * instruction is a {@code br_if} or {@code if} that takes it (no part starts there), else 1 or 0.
     */
    private void booleanFromJump(int jumpIfTrue) {
        int next = current + 1;
        if (next < to && reachable) {
            OpCode op = code.get(next).opcode();
            if ((op == OpCode.BR_IF || op == OpCode.IF) && (split == null || split.childAt(region, next) == null)) {
                pendingJump = jumpIfTrue;
                push(ValType.I32);
                return;
            }
        }
        materialize(jumpIfTrue);
    }

    /** Replaces an int condition on the stack (compared with the given jump) by 1 or 0. */
    private void materialize(int jumpIfTrue) {
        Label yes = new Label();
        Label done = new Label();
        method.visitJumpInsn(jumpIfTrue, yes);
        method.visitInsn(ICONST_0);
        method.visitJumpInsn(GOTO, done);
        method.visitLabel(yes);
        method.visitInsn(ICONST_1);
        method.visitLabel(done);
        push(ValType.I32);
    }

    /** [a, b] ints -> flips both sign bits so that a signed compare is the unsigned one. */
    private void flipSigns() {
        ldc(Integer.MIN_VALUE);
        method.visitInsn(IXOR);
        method.visitInsn(SWAP);
        ldc(Integer.MIN_VALUE);
        method.visitInsn(IXOR);
        method.visitInsn(SWAP);
    }

    /** [a, b] longs -> lcmp of them as unsigned numbers. */
    private void unsignedLcmp() {
        int b = temp(Type.LONG_TYPE);
        method.visitVarInsn(LSTORE, b);
        ldc(Long.MIN_VALUE);
        method.visitInsn(LXOR);
        method.visitVarInsn(LLOAD, b);
        ldc(Long.MIN_VALUE);
        method.visitInsn(LXOR);
        release(Type.LONG_TYPE, b);
        method.visitInsn(LCMP);
    }

    private void invoke(String owner, String name, String desc) {
        method.visitMethodInsn(INVOKESTATIC, owner, name, desc, false);
    }

    /** A runtime member of {@link RuntimeContract}: a call (static or virtual) or a field access (get). */
    private void invoke(RuntimeContract.Member m) {
        switch (m.kind()) {
            case STATIC_METHOD:
                method.visitMethodInsn(INVOKESTATIC, m.owner(), m.name(), m.descriptor(), false);
                break;
            case METHOD:
                method.visitMethodInsn(INVOKEVIRTUAL, m.owner(), m.name(), m.descriptor(), false);
                break;
            case STATIC_FIELD:
                method.visitFieldInsn(GETSTATIC, m.owner(), m.name(), m.descriptor());
                break;
            default:
                method.visitFieldInsn(GETFIELD, m.owner(), m.name(), m.descriptor());
        }
    }

    private void put(RuntimeContract.Member field) {
        method.visitFieldInsn(PUTFIELD, field.owner(), field.name(), field.descriptor());
    }

    private boolean numeric(AnnotatedInstruction ins, int index) {
        var mv = method;
        OpCode op = ins.opcode();
        switch (op) {
            // i32 comparisons
            case I32_EQZ:
                pop();
                booleanFromJump(IFEQ);
                return true;
            case I32_EQ:
            case I32_NE:
            case I32_LT_S:
            case I32_GT_S:
            case I32_LE_S:
            case I32_GE_S:
                pop();
                pop();
                booleanFromJump(icmp(op));
                return true;
            case I32_LT_U:
            case I32_GT_U:
            case I32_LE_U:
            case I32_GE_U:
                pop();
                pop();
                flipSigns();
                booleanFromJump(icmp(op));
                return true;
            case I64_EQZ:
                pop();
                mv.visitInsn(LCONST_0);
                mv.visitInsn(LCMP);
                booleanFromJump(IFEQ);
                return true;
            case I64_EQ:
            case I64_NE:
            case I64_LT_S:
            case I64_GT_S:
            case I64_LE_S:
            case I64_GE_S:
                pop();
                pop();
                mv.visitInsn(LCMP);
                booleanFromJump(icmp(op) - IF_ICMPEQ + IFEQ);
                return true;
            case I64_LT_U:
            case I64_GT_U:
            case I64_LE_U:
            case I64_GE_U:
                pop();
                pop();
                unsignedLcmp();
                booleanFromJump(icmp(op) - IF_ICMPEQ + IFEQ);
                return true;
            case F32_EQ:
            case F32_NE:
            case F32_LT:
            case F32_GT:
            case F32_LE:
            case F32_GE:
                pop();
                pop();
                floatCompare(op, FCMPL, FCMPG);
                return true;
            case F64_EQ:
            case F64_NE:
            case F64_LT:
            case F64_GT:
            case F64_LE:
            case F64_GE:
                pop();
                pop();
                floatCompare(op, DCMPL, DCMPG);
                return true;
            // i32 arithmetic
            case I32_CLZ:
                invoke("java/lang/Integer", "numberOfLeadingZeros", "(I)I");
                return true;
            case I32_CTZ:
                invoke("java/lang/Integer", "numberOfTrailingZeros", "(I)I");
                return true;
            case I32_POPCNT:
                invoke("java/lang/Integer", "bitCount", "(I)I");
                return true;
            case I32_ADD:
                binary(IADD);
                return true;
            case I32_SUB:
                binary(ISUB);
                return true;
            case I32_MUL:
                binary(IMUL);
                return true;
            case I32_DIV_S:
                pop();
                if (!constantDivisor(index, false)) {
                    // MIN / -1 overflows; the JVM returns MIN, wasm traps. [a, b]
                    Label ok = new Label();
                    Label restore = new Label();
                    mv.visitInsn(DUP);
                    mv.visitInsn(ICONST_M1);
                    mv.visitJumpInsn(IF_ICMPNE, ok);
                    mv.visitInsn(SWAP);
                    mv.visitInsn(DUP);
                    ldc(Integer.MIN_VALUE);
                    mv.visitJumpInsn(IF_ICMPNE, restore);
                    trap(RuntimeContract.TRAP_INTEGER_OVERFLOW);
                    mv.visitLabel(restore);
                    mv.visitInsn(SWAP);
                    mv.visitLabel(ok);
                }
                mv.visitInsn(IDIV);
                return true;
            case I32_DIV_U:
                if (!unsignedByConstant(index, false, false)) {
                    binaryCall("java/lang/Integer", "divideUnsigned", "(II)I");
                }
                return true;
            case I32_REM_S:
                binary(IREM);
                return true;
            case I32_REM_U:
                if (!unsignedByConstant(index, false, true)) {
                    binaryCall("java/lang/Integer", "remainderUnsigned", "(II)I");
                }
                return true;
            case I32_AND:
                binary(IAND);
                return true;
            case I32_OR:
                binary(IOR);
                return true;
            case I32_XOR:
                binary(IXOR);
                return true;
            case I32_SHL:
                binary(ISHL);
                return true;
            case I32_SHR_S:
                binary(ISHR);
                return true;
            case I32_SHR_U:
                binary(IUSHR);
                return true;
            case I32_ROTL:
                binaryCall("java/lang/Integer", "rotateLeft", "(II)I");
                return true;
            case I32_ROTR:
                binaryCall("java/lang/Integer", "rotateRight", "(II)I");
                return true;
            // i64 arithmetic
            case I64_CLZ:
                invoke("java/lang/Long", "numberOfLeadingZeros", "(J)I");
                mv.visitInsn(I2L);
                return true;
            case I64_CTZ:
                invoke("java/lang/Long", "numberOfTrailingZeros", "(J)I");
                mv.visitInsn(I2L);
                return true;
            case I64_POPCNT:
                invoke("java/lang/Long", "bitCount", "(J)I");
                mv.visitInsn(I2L);
                return true;
            case I64_ADD:
                binary(LADD);
                return true;
            case I64_SUB:
                binary(LSUB);
                return true;
            case I64_MUL:
                binary(LMUL);
                return true;
            case I64_DIV_S:
                pop();
                if (!constantDivisor(index, true)) {
                    // [a, b]: b == -1 && a == MIN traps
                    Label ok = new Label();
                    int b = temp(Type.LONG_TYPE);
                    mv.visitInsn(DUP2);
                    mv.visitVarInsn(LSTORE, b);
                    ldc(-1L);
                    mv.visitInsn(LCMP);
                    mv.visitJumpInsn(IFNE, ok);
                    mv.visitInsn(DUP2);
                    ldc(Long.MIN_VALUE);
                    mv.visitInsn(LCMP);
                    mv.visitJumpInsn(IFNE, ok);
                    trap(RuntimeContract.TRAP_INTEGER_OVERFLOW);
                    mv.visitLabel(ok);
                    mv.visitVarInsn(LLOAD, b);
                    release(Type.LONG_TYPE, b);
                }
                mv.visitInsn(LDIV);
                return true;
            case I64_DIV_U:
                if (!unsignedByConstant(index, true, false)) {
                    binaryCall(RuntimeContract.I64_DIV_U);
                }
                return true;
            case I64_REM_S:
                binary(LREM);
                return true;
            case I64_REM_U:
                if (!unsignedByConstant(index, true, true)) {
                    binaryCall(RuntimeContract.I64_REM_U);
                }
                return true;
            case I64_AND:
                binary(LAND);
                return true;
            case I64_OR:
                binary(LOR);
                return true;
            case I64_XOR:
                binary(LXOR);
                return true;
            case I64_SHL:
                shift(LSHL);
                return true;
            case I64_SHR_S:
                shift(LSHR);
                return true;
            case I64_SHR_U:
                shift(LUSHR);
                return true;
            case I64_ROTL:
                pop();
                mv.visitInsn(L2I);
                invoke("java/lang/Long", "rotateLeft", "(JI)J");
                return true;
            case I64_ROTR:
                pop();
                mv.visitInsn(L2I);
                invoke("java/lang/Long", "rotateRight", "(JI)J");
                return true;
            // floats
            case F32_ABS:
                invoke(RuntimeContract.F32_ABS);
                return true;
            case F64_ABS:
                invoke(RuntimeContract.F64_ABS);
                return true;
            case F32_NEG:
                invoke("java/lang/Float", "floatToRawIntBits", "(F)I");
                ldc(Integer.MIN_VALUE);
                mv.visitInsn(IXOR);
                invoke("java/lang/Float", "intBitsToFloat", "(I)F");
                return true;
            case F64_NEG:
                invoke("java/lang/Double", "doubleToRawLongBits", "(D)J");
                ldc(Long.MIN_VALUE);
                mv.visitInsn(LXOR);
                invoke("java/lang/Double", "longBitsToDouble", "(J)D");
                return true;
            case F32_CEIL:
                invoke(RuntimeContract.F32_CEIL);
                return true;
            case F32_FLOOR:
                invoke(RuntimeContract.F32_FLOOR);
                return true;
            case F32_TRUNC:
                invoke(RuntimeContract.F32_TRUNC);
                return true;
            case F32_NEAREST:
                invoke(RuntimeContract.F32_NEAREST);
                return true;
            case F32_SQRT:
                invoke(RuntimeContract.F32_SQRT);
                return true;
            case F64_CEIL:
                invoke(RuntimeContract.F64_CEIL);
                return true;
            case F64_FLOOR:
                invoke(RuntimeContract.F64_FLOOR);
                return true;
            case F64_TRUNC:
                invoke(RuntimeContract.F64_TRUNC);
                return true;
            case F64_NEAREST:
                invoke(RuntimeContract.F64_NEAREST);
                return true;
            case F64_SQRT:
                invoke(RuntimeContract.F64_SQRT);
                return true;
            case F32_ADD:
                binary(FADD);
                return true;
            case F32_SUB:
                binary(FSUB);
                return true;
            case F32_MUL:
                binary(FMUL);
                return true;
            case F32_DIV:
                binary(FDIV);
                return true;
            case F32_MIN:
                binaryCall(RuntimeContract.F32_MIN);
                return true;
            case F32_MAX:
                binaryCall(RuntimeContract.F32_MAX);
                return true;
            case F32_COPYSIGN:
                binaryCall("java/lang/Math", "copySign", "(FF)F");
                return true;
            case F64_ADD:
                binary(DADD);
                return true;
            case F64_SUB:
                binary(DSUB);
                return true;
            case F64_MUL:
                binary(DMUL);
                return true;
            case F64_DIV:
                binary(DDIV);
                return true;
            case F64_MIN:
                binaryCall(RuntimeContract.F64_MIN);
                return true;
            case F64_MAX:
                binaryCall(RuntimeContract.F64_MAX);
                return true;
            case F64_COPYSIGN:
                binaryCall("java/lang/Math", "copySign", "(DD)D");
                return true;
            // conversions
            case I32_WRAP_I64:
                convert(L2I, ValType.I32);
                return true;
            case I32_TRUNC_F32_S:
                pop();
                truncF32ToI32();
                push(ValType.I32);
                return true;
            case I32_TRUNC_F64_S:
                pop();
                truncF64ToI32();
                push(ValType.I32);
                return true;
            case I32_TRUNC_F32_U:
                convertCall(RuntimeContract.I32_TRUNC_F32_U, ValType.I32);
                return true;
            case I32_TRUNC_F64_U:
                convertCall(RuntimeContract.I32_TRUNC_F64_U, ValType.I32);
                return true;
            case I64_EXTEND_I32_S:
                convert(I2L, ValType.I64);
                return true;
            case I64_EXTEND_I32_U:
                pop();
                mv.visitInsn(I2L);
                ldc(0xFFFF_FFFFL);
                mv.visitInsn(LAND);
                push(ValType.I64);
                return true;
            case I64_TRUNC_F32_S:
                convertCall(RuntimeContract.I64_TRUNC_F32_S, ValType.I64);
                return true;
            case I64_TRUNC_F32_U:
                convertCall(RuntimeContract.I64_TRUNC_F32_U, ValType.I64);
                return true;
            case I64_TRUNC_F64_S:
                convertCall(RuntimeContract.I64_TRUNC_F64_S, ValType.I64);
                return true;
            case I64_TRUNC_F64_U:
                convertCall(RuntimeContract.I64_TRUNC_F64_U, ValType.I64);
                return true;
            case F32_CONVERT_I32_S:
                convert(I2F, ValType.F32);
                return true;
            case F32_CONVERT_I32_U:
                pop();
                mv.visitInsn(I2L);
                ldc(0xFFFF_FFFFL);
                mv.visitInsn(LAND);
                mv.visitInsn(L2F);
                push(ValType.F32);
                return true;
            case F32_CONVERT_I64_S:
                convert(L2F, ValType.F32);
                return true;
            case F32_CONVERT_I64_U:
                convertCall(RuntimeContract.F32_CONVERT_I64_U, ValType.F32);
                return true;
            case F32_DEMOTE_F64:
                convert(D2F, ValType.F32);
                return true;
            case F64_CONVERT_I32_S:
                convert(I2D, ValType.F64);
                return true;
            case F64_CONVERT_I32_U:
                pop();
                mv.visitInsn(I2L);
                ldc(0xFFFF_FFFFL);
                mv.visitInsn(LAND);
                mv.visitInsn(L2D);
                push(ValType.F64);
                return true;
            case F64_CONVERT_I64_S:
                convert(L2D, ValType.F64);
                return true;
            case F64_CONVERT_I64_U:
                convertCall(RuntimeContract.F64_CONVERT_I64_U, ValType.F64);
                return true;
            case F64_PROMOTE_F32:
                convert(F2D, ValType.F64);
                return true;
            case I32_REINTERPRET_F32:
                convertCall("java/lang/Float", "floatToRawIntBits", "(F)I", ValType.I32);
                return true;
            case I64_REINTERPRET_F64:
                convertCall("java/lang/Double", "doubleToRawLongBits", "(D)J", ValType.I64);
                return true;
            case F32_REINTERPRET_I32:
                convertCall("java/lang/Float", "intBitsToFloat", "(I)F", ValType.F32);
                return true;
            case F64_REINTERPRET_I64:
                convertCall("java/lang/Double", "longBitsToDouble", "(J)D", ValType.F64);
                return true;
            case I32_EXTEND_8_S:
                mv.visitInsn(I2B);
                return true;
            case I32_EXTEND_16_S:
                mv.visitInsn(I2S);
                return true;
            case I64_EXTEND_8_S:
                mv.visitInsn(L2I);
                mv.visitInsn(I2B);
                mv.visitInsn(I2L);
                return true;
            case I64_EXTEND_16_S:
                mv.visitInsn(L2I);
                mv.visitInsn(I2S);
                mv.visitInsn(I2L);
                return true;
            case I64_EXTEND_32_S:
                mv.visitInsn(L2I);
                mv.visitInsn(I2L);
                return true;
            case I32_TRUNC_SAT_F32_S:
                convert(F2I, ValType.I32);
                return true;
            case I32_TRUNC_SAT_F64_S:
                convert(D2I, ValType.I32);
                return true;
            case I64_TRUNC_SAT_F32_S:
                convert(F2L, ValType.I64);
                return true;
            case I64_TRUNC_SAT_F64_S:
                convert(D2L, ValType.I64);
                return true;
            case I32_TRUNC_SAT_F32_U:
                convertCall(RuntimeContract.I32_TRUNC_SAT_F32_U, ValType.I32);
                return true;
            case I32_TRUNC_SAT_F64_U:
                convertCall(RuntimeContract.I32_TRUNC_SAT_F64_U, ValType.I32);
                return true;
            case I64_TRUNC_SAT_F32_U:
                convertCall(RuntimeContract.I64_TRUNC_SAT_F32_U, ValType.I64);
                return true;
            case I64_TRUNC_SAT_F64_U:
                convertCall(RuntimeContract.I64_TRUNC_SAT_F64_U, ValType.I64);
                return true;
            default:
                return false;
        }
    }

    /** Whether the divisor just pushed is a constant other than 0 and -1 (no check needed). */
    private boolean constantDivisor(int index, boolean i64) {
        Long v = constantBefore(index, i64);
        return v != null && v != 0 && v != -1;
    }

    /** The value of the {@code i32.const} (sign-extended) or {@code i64.const} right before {@code index}, or null. */
    private Long constantBefore(int index, boolean i64) {
        if (index == 0 || code.get(index - 1).opcode() != (i64 ? OpCode.I64_CONST : OpCode.I32_CONST)) {
            return null;
        }
        long v = code.get(index - 1).operand(0);
        return i64 ? v : (long) (int) v;
    }

    /**
     * {@code div_u}/{@code rem_u} by a constant other than zero, [a, c] on the stack (c pushed by the instruction
     * before): a shift or a mask for a power of two; otherwise a division C2 sees with a constant divisor, which it
     * turns into a multiplication (i32: in {@code long}, where every unsigned int is non-negative; i64: when
     * {@code a} is non-negative, else {@code WasmOps}). A divisor at or above 2^63 stays with {@code WasmOps}.
     * Returns false, having emitted nothing, when the divisor is not such a constant.
     */
    private boolean unsignedByConstant(int index, boolean i64, boolean rem) {
        Long v = constantBefore(index, i64);
        if (v == null) {
            return false;
        }
        long c = i64 ? v : v & 0xFFFF_FFFFL;
        if (c == 0 || (i64 && c < 0 && c != Long.MIN_VALUE)) {
            return false;
        }
        var mv = method;
        pop();
        mv.visitInsn(i64 ? POP2 : POP);
        if (Long.bitCount(c) == 1) {
            if (rem) {
                if (i64) {
                    ldc(c - 1);
                    mv.visitInsn(LAND);
                } else {
                    ldc((int) (c - 1));
                    mv.visitInsn(IAND);
                }
            } else {
                ldc(Long.numberOfTrailingZeros(c));
                mv.visitInsn(i64 ? LUSHR : IUSHR);
            }
            return true;
        }
        if (!i64) {
            mv.visitInsn(I2L);
            ldc(0xFFFF_FFFFL);
            mv.visitInsn(LAND);
            ldc(c);
            mv.visitInsn(rem ? LREM : LDIV);
            mv.visitInsn(L2I);
            return true;
        }
        Label slow = new Label();
        Label done = new Label();
        mv.visitInsn(DUP2);
        mv.visitInsn(LCONST_0);
        mv.visitInsn(LCMP);
        mv.visitJumpInsn(IFLT, slow);
        ldc(c);
        mv.visitInsn(rem ? LREM : LDIV);
        mv.visitJumpInsn(GOTO, done);
        mv.visitLabel(slow);
        ldc(c);
        invoke(rem ? RuntimeContract.I64_REM_U : RuntimeContract.I64_DIV_U);
        mv.visitLabel(done);
        return true;
    }

    private static int icmp(OpCode op) {
        switch (op) {
            case I32_EQ:
            case I64_EQ:
                return IF_ICMPEQ;
            case I32_NE:
            case I64_NE:
                return IF_ICMPNE;
            case I32_LT_S:
            case I32_LT_U:
            case I64_LT_S:
            case I64_LT_U:
                return IF_ICMPLT;
            case I32_GT_S:
            case I32_GT_U:
            case I64_GT_S:
            case I64_GT_U:
                return IF_ICMPGT;
            case I32_LE_S:
            case I32_LE_U:
            case I64_LE_S:
            case I64_LE_U:
                return IF_ICMPLE;
            default:
                return IF_ICMPGE;
        }
    }

    /** Float comparisons: false whenever an operand is NaN (except ne, true). */
    private void floatCompare(OpCode op, int cmpl, int cmpg) {
        String n = op.name();
        if (n.endsWith("_EQ")) {
            method.visitInsn(cmpl);
            booleanFromJump(IFEQ);
        } else if (n.endsWith("_NE")) {
            method.visitInsn(cmpl);
            booleanFromJump(IFNE);
        } else if (n.endsWith("_LT")) {
            method.visitInsn(cmpg); // NaN -> 1: not less
            booleanFromJump(IFLT);
        } else if (n.endsWith("_LE")) {
            method.visitInsn(cmpg);
            booleanFromJump(IFLE);
        } else if (n.endsWith("_GT")) {
            method.visitInsn(cmpl); // NaN -> -1: not greater
            booleanFromJump(IFGT);
        } else {
            method.visitInsn(cmpl);
            booleanFromJump(IFGE);
        }
    }

    private void binary(int opcode) {
        pop();
        method.visitInsn(opcode);
    }

    private void binaryCall(String owner, String name, String desc) {
        pop();
        invoke(owner, name, desc);
    }

    private void binaryCall(RuntimeContract.Member m) {
        pop();
        invoke(m);
    }

    /** i64 shifts: the JVM takes the amount as an int (and masks it to 6 bits, as wasm does). */
    private void shift(int opcode) {
        pop();
        method.visitInsn(L2I);
        method.visitInsn(opcode);
    }

    private void convert(int opcode, ValType to) {
        pop();
        method.visitInsn(opcode);
        push(to);
    }

    private void convertCall(String owner, String name, String desc, ValType to) {
        pop();
        invoke(owner, name, desc);
        push(to);
    }

    private void convertCall(RuntimeContract.Member m, ValType to) {
        pop();
        invoke(m);
        push(to);
    }

    /**
     * i32.trunc_f32_s inline: in range, {@code f2i}; else the trap (NaN: invalid conversion, out of range:
     * overflow). [x] -> [int]
     */
    private void truncF32ToI32() {
        var mv = method;
        Label bad = new Label();
        Label done = new Label();
        mv.visitInsn(DUP);
        mv.visitLdcInsn(-2147483648.0f);
        mv.visitInsn(FCMPL); // NaN -> -1
        mv.visitJumpInsn(IFLT, bad);
        mv.visitInsn(DUP);
        mv.visitLdcInsn(2147483648.0f);
        mv.visitInsn(FCMPL);
        mv.visitJumpInsn(IFGE, bad);
        mv.visitInsn(F2I);
        mv.visitJumpInsn(GOTO, done);
        mv.visitLabel(bad);
        mv.visitInsn(F2D);
        invoke(RuntimeContract.CONVERSION_TRAP);
        mv.visitInsn(ATHROW);
        mv.visitLabel(done);
    }

    /** i32.trunc_f64_s inline. [x] -> [int] */
    private void truncF64ToI32() {
        var mv = method;
        Label bad = new Label();
        Label done = new Label();
        mv.visitInsn(DUP2);
        mv.visitLdcInsn(-2147483649.0);
        mv.visitInsn(DCMPL); // NaN -> -1
        mv.visitJumpInsn(IFLE, bad);
        mv.visitInsn(DUP2);
        mv.visitLdcInsn(2147483648.0);
        mv.visitInsn(DCMPL);
        mv.visitJumpInsn(IFGE, bad);
        mv.visitInsn(D2I);
        mv.visitJumpInsn(GOTO, done);
        mv.visitLabel(bad);
        invoke(RuntimeContract.CONVERSION_TRAP);
        mv.visitInsn(ATHROW);
        mv.visitLabel(done);
    }
}
