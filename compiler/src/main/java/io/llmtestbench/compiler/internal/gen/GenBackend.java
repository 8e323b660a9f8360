package io.llmtestbench.compiler.internal.gen;

import static org.objectweb.asm.Opcodes.*;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.ValType;
import io.llmtestbench.compiler.CompilationReport;
import io.llmtestbench.compiler.internal.RuntimeContract;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.objectweb.asm.ClassTooLargeException;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.MethodNode;

/**
 * Our own WebAssembly to JVM bytecode generator: one static method per wasm function (split into parts
 * when it would be too large for the JIT), a main class implementing Chicory's {@code Machine} that holds the
 * instance's memories, tables, globals and budget, and dispatchers for {@code Machine.call} and
 * {@code call_indirect}. Chicory keeps parsing, validating and instantiating; see RATIONALE.md for why the
 * project generates the code itself.
 */
public final class GenBackend implements io.llmtestbench.compiler.internal.Backend {
    /** Functions per generated class (halved when a class's constant pool overflows). */
    private static final int FUNCTIONS_PER_CLASS = 1024;
    /** Estimated bytecode per dispatcher method before it is split (HotSpot compiles up to 8,000). */
    private static final int DISPATCH_BUDGET = 6000;

    private final String stamp;

    /** @param stamp the value of every generated class's stamp field */
    public GenBackend(String stamp) {
        this.stamp = stamp;
    }

    @Override
    public String name() {
        return "llmtb";
    }

    @Override
    public Map<String, byte[]> translate(WasmModule module, String className, boolean metered) {
        ModuleInfo mod = new ModuleInfo(module, className);
        int perClass = FUNCTIONS_PER_CLASS;
        while (true) {
            try {
                return generateSized(new Layout(mod, perClass), metered);
            } catch (ClassTooLargeException e) {
                if (perClass == 1) {
                    throw e;
                }
                perClass = Math.max(1, perClass / 2);
            }
        }
    }

    /** @param wideLdc the functions whose methods are sized with every {@code ldc} at 3 bytes */
    private Map<String, byte[]> generate(Layout layout, boolean metered, Set<Integer> wideLdc) {
        ModuleInfo mod = layout.mod;
        Map<String, byte[]> classes = new LinkedHashMap<>();
        List<ClassWriter> writers = new ArrayList<>();
        for (int g = 0; g < layout.groups() || g == 0; g++) {
            ClassWriter cw = new Writer();
            String name = layout.groupClass(g);
            if (g == 0) {
                cw.visit(V11, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, name, null, "java/lang/Object", new String[] {Names.MACHINE});
            } else {
                cw.visit(V11, ACC_PUBLIC | ACC_FINAL | ACC_SUPER | ACC_SYNTHETIC, name, null, "java/lang/Object", null);
            }
            cw.visitField(ACC_PUBLIC | ACC_STATIC | ACC_FINAL | ACC_SYNTHETIC, RuntimeContract.STAMP_FIELD,
                    "Ljava/lang/String;", null, stamp).visitEnd();
            writers.add(cw);
        }
        for (int f = mod.importedFunctions; f < mod.functionCount; f++) {
            for (MethodNode m : methods(layout, f, metered, wideLdc.contains(f))) {
                m.accept(writers.get(layout.groupOf(f)));
            }
        }
        new MachineEmitter(layout, writers.get(0)).emit();
        for (int g = 0; g < writers.size(); g++) {
            writers.get(g).visitEnd();
            classes.put(layout.groupClass(g).replace('/', '.'), writers.get(g).toByteArray());
        }
        return classes;
    }

    /**
     * The classes, with every function's methods sized as if each {@code ldc} were the 2-byte form; then the
     * methods' real lengths are read from the classes, and any function with a method over the limit (an
     * {@code ldc} that became the 3-byte {@code ldc_w} in the real class's constant pool) is planned again with
     * every {@code ldc} counted at 3 bytes, which no constant pool can exceed. Counting 3 bytes from the start
     * split functions that fit: the Rust evaluator's words iterator, 7,930 bytes metered with 171 {@code ldc}s (all
     * of them 2 bytes in its class), was counted at 8,101 and cut into a method and a dispatch slice, whose every
     * call moves the locals through a frame array (benchmarks/RESULTS.md, "Smaller metering code"). The second
     * plan writes every class again, so it costs a second compilation of the module, only when it is needed.
     */
    private Map<String, byte[]> generateSized(Layout layout, boolean metered) {
        Map<String, byte[]> classes = generate(layout, metered, Set.of());
        Set<Integer> over = new HashSet<>();
        for (CompilationReport.Method m : CompilationReport.methodsOf(classes)) {
            if (m.bytecodeBytes() > Splitter.HUGE_METHOD_LIMIT && m.wasmFunction() >= 0) {
                over.add(m.wasmFunction());
            }
        }
        return over.isEmpty() ? classes : generate(layout, metered, over);
    }

    /** First target size of the parts of a function split because it is too large (see {@link Splitter}). */
    private static final int SPLIT_TARGET = Integer.getInteger("llmtb.gen.splitTarget", 7000);

    /**
     * A function over this many bytes of bytecode is split into its loop nests even when it would fit in one method,
     * into two parts or more that each hold a loop nest and lie inside no loop ({@link #eachPartIsAPhase}). RATIONALE.md, "Why
     * do we own the code generator?", on functions under the limit that are a program's main.
     */
    static final int PHASE_SPLIT = 4000;

    /** The JVM's limit on a method's code (JVMS §4.7.3: {@code code_length} less than 65,536). */
    private static final int MAX_CODE_LENGTH = 65_535;

    /** The methods of one wasm function ({@link #split}). */
    private static List<MethodNode> methods(Layout layout, int f, boolean metered, boolean wideLdc) {
        return split(layout, f, metered, wideLdc).methods();
    }

    /** A function's methods and the plan they follow (null: the function is one method). */
    record Split(List<MethodNode> methods, Splitter.Plan plan) {}

    /**
     * The methods of one wasm function. A metered function whose unmetered code is split gets the unmetered code's
     * plan (its phases or its parts) when every metered method of that plan fits HotSpot's limit; it is planned on
     * its metered code ({@link #planned}) when one does not, or when its unmetered code is one method (metered, it
     * may be over the phase size or the limit). Metering adds bytes to every case and loop, and a plan made on them
     * keeps less in each method than the unmetered one, by a choice that moves with every byte: prog_emu's dispatch
     * kept 113 of its 256 cases in its method metered against 129 unmetered, a bubble sort's jump among those sent
     * to slices (RATIONALE.md, "Why is a metered function split as its unmetered code is?").
     */
    static Split split(Layout layout, int f, boolean metered, boolean wideLdc) {
        MethodNode whole = new FunctionEmitter(layout.mod, layout, f, metered, null, null, null).emit();
        if (!metered) {
            return planned(layout, f, false, wideLdc, whole);
        }
        var code = layout.mod.body(f);
        if (oneMethod(whole, nested(code, loopDepths(code)))) { // metering only adds code: one method unmetered too
            return new Split(List.of(whole), null);
        }
        Split plain = planned(layout, f, false, wideLdc, new FunctionEmitter(layout.mod, layout, f, false, null, null, null).emit());
        if (plain.plan() != null) {
            List<MethodNode> methods = emit(layout, f, true, plain.plan());
            if (largest(methods, wideLdc) <= Splitter.HUGE_METHOD_LIMIT) {
                return new Split(methods, plain.plan());
            }
        }
        return planned(layout, f, true, wideLdc, whole);
    }

    /** Whether a function stays one method without being measured: under the phase size, or the limit without a loop nest. */
    private static boolean oneMethod(MethodNode whole, boolean nested) {
        return estimate(whole) <= (nested ? PHASE_SPLIT : Splitter.HUGE_METHOD_LIMIT);
    }

    /** Whether a loop lies inside a loop: without one no phase part can be made. */
    private static boolean nested(List<AnnotatedInstruction> code, int[] loopDepth) {
        for (int i = 0; i < code.size(); i++) {
            if (code.get(i).opcode() == OpCode.LOOP && loopDepth[i] > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * The methods of one wasm function, planned on the code as emitted: one, or when that one would pass HotSpot's
     * 8,000-byte limit, the function's method and its parts, planned with a smaller target until every method fits.
     *
     * @param whole the function emitted as one method, metered or not as {@code metered} says
     */
    private static Split planned(Layout layout, int f, boolean metered, boolean wideLdc, MethodNode whole) {
        ModuleInfo mod = layout.mod;
        var code = mod.body(f);
        int[] loopDepth = loopDepths(code);
        boolean nested = nested(code, loopDepth);
        if (oneMethod(whole, nested)) {
            return new Split(List.of(whole), null);
        }
        var measure = new Splitter.Measure(code.size());
        var measuring = new FunctionEmitter(mod, layout, f, metered, null, null, measure);
        MethodNode measured = measuring.emit();
        int size = codeSize(measured, wideLdc);
        measuring.recordOffsets();
        if (size <= PHASE_SPLIT) {
            return new Split(List.of(measured), null);
        }
        int locals = mod.functionType(f).params().size()
                + mod.module.codeSection().getFunctionBody(f - mod.importedFunctions).localTypes().size();
        if (nested) {
            Splitter.Plan plan = Splitter.plan(code, measure, PHASE_SPLIT * 7 / 8, mod, locals);
            if (plan.regions.size() >= 2 && eachPartIsAPhase(code, loopDepth, plan)) {
                List<MethodNode> phases = emit(layout, f, metered, plan);
                if (largest(phases, wideLdc) <= Splitter.HUGE_METHOD_LIMIT) {
                    return new Split(phases, plan);
                }
            }
        }
        if (size <= Splitter.HUGE_METHOD_LIMIT) {
            return new Split(List.of(measured), null);
        }
        int largest = size;
        // A part's bytecode overshoots its target by what the planner estimates only roughly (the caller's switch
        // on a part's exit code, the locals moved through the frame, the part's own exits): the next target is
        // smaller in proportion to the overshoot, by 5% to a third. A target just small enough keeps the parts few and shallow: each level of
        // parts a hot loop crosses costs it a call, the frame traffic and a switch on every iteration.
        for (int target = SPLIT_TARGET; target >= 500; target = nextTarget(target, largest)) {
            Splitter.Plan plan = Splitter.plan(code, measure, target, mod, locals);
            List<MethodNode> methods = emit(layout, f, metered, plan);
            largest = largest(methods, wideLdc);
            if (largest <= Splitter.HUGE_METHOD_LIMIT) {
                return new Split(methods, plan);
            }
        }
        if (size <= MAX_CODE_LENGTH) {
            // No plan fits HotSpot's limit: the function is one long expression, whose operands stay on the stack
            // where no part can begin (a call of 1,000 arguments, or of 1,000 results, is valid and V8 runs it). One
            // method runs as well, in the JVM's interpreter (it is over the size HotSpot compiles): slower, not wrong.
            // It was refused before as an INTERNAL "code generation failed" error.
            return new Split(List.of(measured), null);
        }
        throw new IllegalStateException("function " + f + " cannot be split into methods of at most "
                + Splitter.HUGE_METHOD_LIMIT + " bytes of bytecode (largest part: " + largest + " bytes)");
    }

    /** The function's method and the methods of the plan's parts. */
    private static List<MethodNode> emit(Layout layout, int f, boolean metered, Splitter.Plan plan) {
        List<MethodNode> methods = new ArrayList<>();
        methods.add(new FunctionEmitter(layout.mod, layout, f, metered, plan, null, null).emit());
        for (Splitter.Region r : plan.regions) {
            methods.add(new FunctionEmitter(layout.mod, layout, f, metered, plan, r, null).emit());
        }
        return methods;
    }

    private static int largest(List<MethodNode> methods, boolean wideLdc) {
        int largest = 0;
        for (MethodNode m : methods) {
            largest = Math.max(largest, codeSize(m, wideLdc));
        }
        return largest;
    }

    /**
     * Whether every part of the plan is a program's phase: it holds a loop nest (a loop inside a loop) and lies inside
     * no loop. Such parts (a program's loop nests one after the other) are each compiled, profiled and deoptimised
     * on their own, and a call to one is paid once per run of a loop nest, not once per trip of a loop or per call
     * of a function that is mostly straight-line code.
     */
    static boolean eachPartIsAPhase(List<AnnotatedInstruction> code, int[] loopDepth, Splitter.Plan plan) {
        for (Splitter.Region r : plan.regions) {
            if (loopDepth[r.start] > 0) {
                return false;
            }
            boolean nest = false;
            for (int i = r.start; i < r.end && !nest; i++) {
                nest = code.get(i).opcode() == OpCode.LOOP && loopDepth[i] > 0;
            }
            if (!nest) {
                return false;
            }
        }
        return true;
    }

    /** For each instruction, the number of loops around it. */
    static int[] loopDepths(List<AnnotatedInstruction> code) {
        int[] endOf = CountedLoops.matchEnds(code);
        int[] depth = new int[code.size() + 1];
        for (int i = 0; i < code.size(); i++) {
            if (code.get(i).opcode() == OpCode.LOOP && endOf[i] > i) {
                depth[i + 1]++;
                depth[endOf[i]]--;
            }
        }
        for (int i = 1; i < depth.length; i++) {
            depth[i] += depth[i - 1];
        }
        return depth;
    }

    /** The next, smaller split target after a plan for {@code target} gave a method of {@code largest} bytes. */
    static int nextTarget(int target, int largest) {
        long proportional = (long) target * Splitter.HUGE_METHOD_LIMIT / Math.max(largest, 1);
        return (int) Math.max(target * 2L / 3, Math.min(proportional, target * 19L / 20));
    }

    /** An upper bound of a method's bytecode length, without writing it. */
    private static int estimate(MethodNode m) {
        int size = 0;
        for (var insn : m.instructions) {
            switch (insn.getType()) {
                case org.objectweb.asm.tree.AbstractInsnNode.INSN:
                    size += 1;
                    break;
                case org.objectweb.asm.tree.AbstractInsnNode.INT_INSN:
                    size += insn.getOpcode() == SIPUSH ? 3 : 2;
                    break;
                case org.objectweb.asm.tree.AbstractInsnNode.VAR_INSN: {
                    int v = ((org.objectweb.asm.tree.VarInsnNode) insn).var;
                    size += v <= 3 ? 1 : v <= 255 ? 2 : 4;
                    break;
                }
                case org.objectweb.asm.tree.AbstractInsnNode.IINC_INSN:
                    size += 6;
                    break;
                case org.objectweb.asm.tree.AbstractInsnNode.TABLESWITCH_INSN:
                    size += 16 + 4 * ((org.objectweb.asm.tree.TableSwitchInsnNode) insn).labels.size();
                    break;
                case org.objectweb.asm.tree.AbstractInsnNode.LOOKUPSWITCH_INSN:
                    size += 12 + 8 * ((org.objectweb.asm.tree.LookupSwitchInsnNode) insn).labels.size();
                    break;
                case org.objectweb.asm.tree.AbstractInsnNode.LABEL:
                case org.objectweb.asm.tree.AbstractInsnNode.LINE:
                case org.objectweb.asm.tree.AbstractInsnNode.FRAME:
                    break;
                default:
                    size += insn.getOpcode() == INVOKEINTERFACE ? 5 : 3;
            }
        }
        return size;
    }

    /**
     * The bytecode length of a method, written once to a throw-away class; with {@code wideLdc}, plus one byte per
     * {@code ldc} of an int, float or string: in the real class, whose constant pool is shared by many methods, it
     * may need the 3-byte {@code ldc_w} ({@link #generateSized}).
     */
    private static int codeSize(MethodNode m, boolean wideLdc) {
        var end = new org.objectweb.asm.tree.LabelNode();
        m.instructions.add(end);
        var cw = new ClassWriter(0);
        cw.visit(V11, ACC_PUBLIC, "Probe", null, "java/lang/Object", null);
        m.accept(cw);
        int wide = 0;
        for (var insn : m.instructions) {
            if (wideLdc && insn instanceof org.objectweb.asm.tree.LdcInsnNode
                    && !(((org.objectweb.asm.tree.LdcInsnNode) insn).cst instanceof Long)
                    && !(((org.objectweb.asm.tree.LdcInsnNode) insn).cst instanceof Double)) {
                wide++;
            }
        }
        m.instructions.remove(end);
        return end.getLabel().getOffset() + wide;
    }

    /** Frames computed by ASM; every type merge in generated code is between equal types. */
    private static final class Writer extends ClassWriter {
        Writer() {
            super(ClassWriter.COMPUTE_FRAMES);
        }

        @Override
        protected String getCommonSuperClass(String type1, String type2) {
            return "java/lang/Object";
        }
    }

    /** The main class: state, linking, {@code Machine.call} and the indirect-call dispatchers. */
    static final class MachineEmitter {
        private final Layout layout;
        private final ModuleInfo mod;
        private final ClassWriter cw;
        private final String self;
        private static final String L_INSTANCE = "L" + Names.INSTANCE + ";";
        private static final String L_TABLE = "L" + Names.TABLE_INSTANCE + ";";
        private static final String L_MEMORY = "L" + RuntimeContract.PLUGIN_MEMORY + ";";
        private static final String L_BUDGET = "L" + RuntimeContract.BUDGET + ";";
        private static final String L_GLOBAL = "L" + Names.GLOBAL_INSTANCE + ";";

        MachineEmitter(Layout layout, ClassWriter cw) {
            this.layout = layout;
            this.mod = layout.mod;
            this.cw = cw;
            this.self = layout.machine;
        }

        void emit() {
            fields();
            constructor();
            link();
            call();
            indirectDispatchers();
            TailCalls.trampolines(layout, cw);
        }

        private void fields() {
            cw.visitField(ACC_PUBLIC | ACC_FINAL, Names.F_INSTANCE, L_INSTANCE, null, null).visitEnd();
            cw.visitField(ACC_PUBLIC, Names.F_BUDGET, L_BUDGET, null, null).visitEnd();
            cw.visitField(ACC_PUBLIC, Names.F_HOSTS, "[L" + Names.FUNCTION_HANDLE + ";", null, null).visitEnd();
            cw.visitField(ACC_PRIVATE, "linked", "Z", null, null).visitEnd();
            for (int m = 0; m < mod.memoryCount; m++) {
                cw.visitField(ACC_PUBLIC, Names.memory(m), L_MEMORY, null, null).visitEnd();
            }
            for (int t = 0; t < mod.tableCount; t++) {
                cw.visitField(ACC_PUBLIC, Names.table(t), L_TABLE, null, null).visitEnd();
            }
            for (int g = 0; g < mod.globalTypes.length; g++) {
                String desc = mod.globalShared[g] ? L_GLOBAL : JvmTypes.of(mod.globalTypes[g]).getDescriptor();
                cw.visitField(ACC_PUBLIC, Names.global(g), desc, null, null).visitEnd();
            }
            TailCalls.fields(mod, cw);
        }

        private void constructor() {
            MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, "<init>", "(" + L_INSTANCE + ")V", null, null);
            mv.visitCode();
            mv.visitVarInsn(ALOAD, 0);
            mv.visitMethodInsn(INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
            mv.visitVarInsn(ALOAD, 0);
            mv.visitVarInsn(ALOAD, 1);
            mv.visitFieldInsn(PUTFIELD, self, Names.F_INSTANCE, L_INSTANCE);
            TailCalls.construct(mod, self, mv);
            mv.visitInsn(RETURN);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        }

        /**
         * Reads what the instance was given (imports) or built (memories, tables, globals, the budget) into
         * fields, at the first call: Chicory creates the machine before the tables and globals exist.
         */
        private void link() {
            // One step per field, each under 30 bytes; the steps go to methods of at most LINK_STEPS each.
            List<java.util.function.Consumer<MethodVisitor>> steps = new ArrayList<>();
            steps.add(mv -> {
                mv.visitVarInsn(ALOAD, 0);
                loadInstance(mv);
                call(mv, RuntimeContract.LINK_BUDGET);
                mv.visitFieldInsn(PUTFIELD, self, Names.F_BUDGET, L_BUDGET);
                mv.visitVarInsn(ALOAD, 0);
                push(mv, mod.importedFunctions);
                mv.visitTypeInsn(ANEWARRAY, Names.FUNCTION_HANDLE);
                mv.visitFieldInsn(PUTFIELD, self, Names.F_HOSTS, "[L" + Names.FUNCTION_HANDLE + ";");
            });
            for (int i = 0; i < mod.memoryCount; i++) {
                int m = i;
                steps.add(mv -> {
                    mv.visitVarInsn(ALOAD, 0);
                    loadInstance(mv);
                    push(mv, m);
                    call(mv, RuntimeContract.LINK_MEMORY);
                    mv.visitFieldInsn(PUTFIELD, self, Names.memory(m), L_MEMORY);
                });
            }
            for (int i = 0; i < mod.tableCount; i++) {
                int t = i;
                steps.add(mv -> {
                    mv.visitVarInsn(ALOAD, 0);
                    loadInstance(mv);
                    push(mv, t);
                    mv.visitMethodInsn(INVOKEVIRTUAL, Names.INSTANCE, "table", "(I)" + L_TABLE, false);
                    mv.visitFieldInsn(PUTFIELD, self, Names.table(t), L_TABLE);
                });
            }
            for (int i = 0; i < mod.globalTypes.length; i++) {
                int g = i;
                steps.add(mv -> {
                    mv.visitVarInsn(ALOAD, 0);
                    loadInstance(mv);
                    push(mv, g);
                    mv.visitMethodInsn(INVOKEVIRTUAL, Names.INSTANCE, "global", "(I)" + L_GLOBAL, false);
                    if (mod.globalShared[g]) {
                        mv.visitFieldInsn(PUTFIELD, self, Names.global(g), L_GLOBAL);
                    } else {
                        mv.visitMethodInsn(INVOKEVIRTUAL, Names.GLOBAL_INSTANCE, "getValue", "()J", false);
                        fromRaw(mv, mod.globalTypes[g]);
                        mv.visitFieldInsn(PUTFIELD, self, Names.global(g), JvmTypes.of(mod.globalTypes[g]).getDescriptor());
                    }
                });
            }
            for (int h = 0; h < mod.importedFunctions; h++) {
                int i = h;
                steps.add(mv -> {
                    mv.visitVarInsn(ALOAD, 0);
                    mv.visitFieldInsn(GETFIELD, self, Names.F_HOSTS, "[L" + Names.FUNCTION_HANDLE + ";");
                    push(mv, i);
                    loadInstance(mv);
                    mv.visitMethodInsn(INVOKEVIRTUAL, Names.INSTANCE, "imports", "()L" + Names.IMPORT_VALUES + ";", false);
                    push(mv, i);
                    mv.visitMethodInsn(INVOKEVIRTUAL, Names.IMPORT_VALUES, "function", "(I)L" + Names.IMPORT_FUNCTION + ";", false);
                    mv.visitMethodInsn(INVOKEVIRTUAL, Names.IMPORT_FUNCTION, "handle", "()L" + Names.FUNCTION_HANDLE + ";", false);
                    mv.visitInsn(AASTORE);
                });
            }
            int parts = (steps.size() + LINK_STEPS - 1) / LINK_STEPS;
            for (int p = 0; p < parts; p++) {
                MethodVisitor mv = cw.visitMethod(ACC_PRIVATE, "link$" + p, "()V", null, null);
                mv.visitCode();
                for (int k = p * LINK_STEPS; k < Math.min(steps.size(), (p + 1) * LINK_STEPS); k++) {
                    steps.get(k).accept(mv);
                }
                mv.visitInsn(RETURN);
                mv.visitMaxs(0, 0);
                mv.visitEnd();
            }
            MethodVisitor mv = cw.visitMethod(ACC_PRIVATE, "link", "()V", null, null);
            mv.visitCode();
            for (int p = 0; p < parts; p++) {
                mv.visitVarInsn(ALOAD, 0);
                mv.visitMethodInsn(INVOKEVIRTUAL, self, "link$" + p, "()V", false);
            }
            mv.visitVarInsn(ALOAD, 0);
            mv.visitInsn(ICONST_1);
            mv.visitFieldInsn(PUTFIELD, self, "linked", "Z");
            mv.visitInsn(RETURN);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        }

        /** Link steps per method: each is under 30 bytes of bytecode. */
        private static final int LINK_STEPS = 200;

        private void loadInstance(MethodVisitor mv) {
            mv.visitVarInsn(ALOAD, 0);
            mv.visitFieldInsn(GETFIELD, self, Names.F_INSTANCE, L_INSTANCE);
        }

        /**
         * {@code long[] call(int funcId, long[] args)}: links on first use, dispatches to the function (in
         * chunks, each a method of its own), and turns JVM failures into wasm traps.
         */
        private void call() {
            List<Integer> callable = new ArrayList<>();
            BitSet ext = mod.externallyCallable;
            for (int f = ext.nextSetBit(0); f >= 0; f = ext.nextSetBit(f + 1)) {
                callable.add(f);
            }
            List<List<Integer>> chunks = chunk(callable, f -> 30 + 8 * mod.functionType(f).params().size()
                    + 10 * mod.functionType(f).returns().size());
            for (int c = 0; c < chunks.size(); c++) {
                callChunk(c, chunks.get(c));
            }

            MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, "call", "(I[J)[J", null, null);
            mv.visitCode();
            Label start = new Label();
            Label end = new Label();
            Label handler = new Label();
            mv.visitTryCatchBlock(start, end, handler, "java/lang/Throwable");
            mv.visitLabel(start);
            mv.visitVarInsn(ALOAD, 0);
            mv.visitFieldInsn(GETFIELD, self, "linked", "Z");
            Label linked = new Label();
            mv.visitJumpInsn(IFNE, linked);
            mv.visitVarInsn(ALOAD, 0);
            mv.visitMethodInsn(INVOKEVIRTUAL, self, "link", "()V", false);
            mv.visitLabel(linked);
            TailCalls.enter(mod, self, mv);
            for (int c = 0; c < chunks.size(); c++) {
                List<Integer> chunk = chunks.get(c);
                Label next = new Label();
                mv.visitVarInsn(ILOAD, 1);
                push(mv, chunk.get(chunk.size() - 1));
                mv.visitJumpInsn(IF_ICMPGT, next);
                mv.visitVarInsn(ALOAD, 0);
                mv.visitVarInsn(ILOAD, 1);
                mv.visitVarInsn(ALOAD, 2);
                mv.visitMethodInsn(INVOKEVIRTUAL, self, "call$" + c, "(I[J)[J", false);
                mv.visitInsn(ARETURN);
                mv.visitLabel(next);
            }
            mv.visitVarInsn(ILOAD, 1);
            call(mv, RuntimeContract.TRAP_UNKNOWN_FUNCTION);
            mv.visitInsn(ATHROW);
            mv.visitLabel(end);
            mv.visitLabel(handler);
            call(mv, RuntimeContract.TRAP_TRANSLATE);
            mv.visitInsn(ATHROW);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        }

        private void callChunk(int c, List<Integer> functions) {
            MethodVisitor mv = cw.visitMethod(ACC_PRIVATE, "call$" + c, "(I[J)[J", null, null);
            mv.visitCode();
            Label dflt = new Label();
            Label[] labels = switchOn(mv, 1, functions, dflt);
            for (int i = 0; i < labels.length; i++) {
                int f = functions.get(i);
                FunctionType t = mod.functionType(f);
                mv.visitLabel(labels[i]);
                if (mod.isImport(f)) {
                    hostHandle(mv, f);
                    loadInstance(mv);
                    mv.visitVarInsn(ALOAD, 2);
                    call(mv, RuntimeContract.CALL_HOST);
                    mv.visitInsn(ARETURN);
                    continue;
                }
                if (JvmTypes.boxedParams(t)) {
                    mv.visitVarInsn(ALOAD, 2);
                } else {
                    for (int p = 0; p < t.params().size(); p++) {
                        mv.visitVarInsn(ALOAD, 2);
                        push(mv, p);
                        mv.visitInsn(LALOAD);
                        fromRaw(mv, t.params().get(p));
                    }
                }
                mv.visitVarInsn(ALOAD, 0);
                mv.visitMethodInsn(INVOKESTATIC, layout.classOf(f), Names.function(f),
                        JvmTypes.functionDescriptor(t, self), false);
                boxResult(mv, t);
                mv.visitInsn(ARETURN);
            }
            mv.visitLabel(dflt);
            mv.visitVarInsn(ILOAD, 1);
            call(mv, RuntimeContract.TRAP_UNKNOWN_FUNCTION);
            mv.visitInsn(ATHROW);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        }

        private void hostHandle(MethodVisitor mv, int f) {
            mv.visitVarInsn(ALOAD, 0);
            mv.visitFieldInsn(GETFIELD, self, Names.F_HOSTS, "[L" + Names.FUNCTION_HANDLE + ";");
            push(mv, f);
            mv.visitInsn(AALOAD);
        }

        /** The function's JVM result on the stack becomes what {@code Machine.call} returns. */
        private static void boxResult(MethodVisitor mv, FunctionType t) {
            List<ValType> r = t.returns();
            if (r.isEmpty()) {
                mv.visitInsn(ACONST_NULL);
            } else if (r.size() == 1) {
                toRaw(mv, r.get(0));
                // [raw] -> new long[] {raw}
                mv.visitInsn(ICONST_1);
                mv.visitIntInsn(NEWARRAY, T_LONG);
                mv.visitInsn(DUP_X2);
                mv.visitInsn(DUP_X2);
                mv.visitInsn(POP);
                mv.visitInsn(ICONST_0);
                mv.visitInsn(DUP_X2);
                mv.visitInsn(POP);
                mv.visitInsn(LASTORE);
            }
            // several results: the function already returns a long[]
        }

        /**
         * One dispatcher per canonical signature that {@code call_indirect} uses:
         * {@code R call_indirect_S(args..., int element, TableInstance table, int typeIndex, Machine m)}
         * looks the entry up (bounds, null), switches over the module's functions of that signature (anything
         * else is a signature mismatch) and calls into another instance for its entries.
         */
        private void indirectDispatchers() {
            BitSet used = new BitSet();
            for (int f = mod.importedFunctions; f < mod.functionCount; f++) {
                for (var ins : mod.body(f)) {
                    switch (ins.opcode()) {
                        case CALL_INDIRECT:
                        case RETURN_CALL_INDIRECT:
                            used.set(mod.canonicalType[(int) ins.operand(0)]);
                            break;
                        default:
                            break;
                    }
                }
            }
            for (int sig = used.nextSetBit(0); sig >= 0; sig = used.nextSetBit(sig + 1)) {
                List<Integer> targets = new ArrayList<>();
                BitSet ext = mod.externallyCallable;
                for (int f = ext.nextSetBit(0); f >= 0; f = ext.nextSetBit(f + 1)) {
                    if (mod.canonicalTypeOfFunction(f) == sig) {
                        targets.add(f);
                    }
                }
                FunctionType t = mod.canonicalTypes.get(sig);
                int argSlots = JvmTypes.boxedParams(t) ? 1 : JvmTypes.slots(t.params());
                List<List<Integer>> chunks = chunk(targets, f -> 8 + 2 * t.params().size());
                for (int c = 0; c < chunks.size(); c++) {
                    indirectChunk(sig, c, chunks.get(c), t, argSlots);
                }
                indirectDispatcher(sig, chunks, t, argSlots);
            }
        }

        private void indirectDispatcher(int sig, List<List<Integer>> chunks, FunctionType t, int argSlots) {
            String desc = layout.indirectDescriptor(sig);
            MethodVisitor mv = cw.visitMethod(ACC_PUBLIC | ACC_STATIC, Names.indirect(sig), desc, null, null);
            mv.visitCode();
            int element = argSlots;
            int table = argSlots + 1;
            int typeIndex = argSlots + 2;
            int machine = argSlots + 3;
            int ref = argSlots + 4;
            mv.visitVarInsn(ALOAD, table);
            mv.visitVarInsn(ILOAD, element);
            mv.visitVarInsn(ALOAD, machine);
            mv.visitFieldInsn(GETFIELD, self, Names.F_INSTANCE, L_INSTANCE);
            call(mv, RuntimeContract.INDIRECT_TARGET);
            mv.visitVarInsn(ISTORE, ref);
            // Another instance's function: box, call through its machine, unbox.
            Label local = new Label();
            mv.visitVarInsn(ILOAD, ref);
            push(mv, RuntimeContract.FOREIGN);
            mv.visitJumpInsn(IF_ICMPNE, local);
            mv.visitVarInsn(ALOAD, table);
            mv.visitVarInsn(ILOAD, element);
            mv.visitVarInsn(ALOAD, machine);
            mv.visitFieldInsn(GETFIELD, self, Names.F_INSTANCE, L_INSTANCE);
            mv.visitVarInsn(ILOAD, typeIndex);
            mv.visitMethodInsn(INVOKEVIRTUAL, Names.INSTANCE, "type", "(I)L" + Names.FUNCTION_TYPE + ";", false);
            boxArgs(mv, t);
            call(mv, RuntimeContract.CALL_FOREIGN);
            returnFromRaw(mv, t);
            mv.visitLabel(local);
            for (int c = 0; c < chunks.size(); c++) {
                List<Integer> chunk = chunks.get(c);
                Label next = new Label();
                if (c < chunks.size() - 1) {
                    mv.visitVarInsn(ILOAD, ref);
                    push(mv, chunk.get(chunk.size() - 1));
                    mv.visitJumpInsn(IF_ICMPGT, next);
                }
                loadArgs(mv, t);
                mv.visitVarInsn(ILOAD, ref);
                mv.visitVarInsn(ALOAD, machine);
                mv.visitMethodInsn(INVOKESTATIC, self, Names.indirect(sig) + "$" + c, chunkDescriptor(t), false);
                mv.visitInsn(JvmTypes.returnType(t).getOpcode(IRETURN));
                mv.visitLabel(next);
            }
            if (chunks.isEmpty()) {
                call(mv, RuntimeContract.TRAP_TYPE_MISMATCH);
                mv.visitInsn(ATHROW);
            }
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        }

        private String chunkDescriptor(FunctionType t) {
            StringBuilder d = new StringBuilder("(");
            if (JvmTypes.boxedParams(t)) {
                d.append("[J");
            } else {
                for (ValType p : t.params()) {
                    d.append(JvmTypes.of(p).getDescriptor());
                }
            }
            d.append("IL").append(self).append(";)");
            return d.append(JvmTypes.returnType(t).getDescriptor()).toString();
        }

        private void indirectChunk(int sig, int c, List<Integer> functions, FunctionType t, int argSlots) {
            MethodVisitor mv = cw.visitMethod(ACC_PRIVATE | ACC_STATIC, Names.indirect(sig) + "$" + c, chunkDescriptor(t), null, null);
            mv.visitCode();
            int ref = argSlots;
            int machine = argSlots + 1;
            Label mismatch = new Label();
            Label[] labels = switchOn(mv, ref, functions, mismatch);
            for (int i = 0; i < labels.length; i++) {
                int f = functions.get(i);
                mv.visitLabel(labels[i]);
                if (mod.isImport(f)) {
                    mv.visitVarInsn(ALOAD, machine);
                    mv.visitFieldInsn(GETFIELD, self, Names.F_HOSTS, "[L" + Names.FUNCTION_HANDLE + ";");
                    push(mv, f);
                    mv.visitInsn(AALOAD);
                    mv.visitVarInsn(ALOAD, machine);
                    mv.visitFieldInsn(GETFIELD, self, Names.F_INSTANCE, L_INSTANCE);
                    boxArgs(mv, t);
                    call(mv, RuntimeContract.CALL_HOST);
                    returnFromRaw(mv, t);
                    continue;
                }
                loadArgs(mv, t);
                mv.visitVarInsn(ALOAD, machine);
                mv.visitMethodInsn(INVOKESTATIC, layout.classOf(f), Names.function(f), JvmTypes.functionDescriptor(t, self), false);
                mv.visitInsn(JvmTypes.returnType(t).getOpcode(IRETURN));
            }
            mv.visitLabel(mismatch);
            call(mv, RuntimeContract.TRAP_TYPE_MISMATCH);
            mv.visitInsn(ATHROW);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        }

        /** Loads a dispatcher's call arguments (they start at slot 0). */
        private static void loadArgs(MethodVisitor mv, FunctionType t) {
            if (JvmTypes.boxedParams(t)) {
                mv.visitVarInsn(ALOAD, 0);
                return;
            }
            int slot = 0;
            for (ValType p : t.params()) {
                Type jt = JvmTypes.of(p);
                mv.visitVarInsn(JvmTypes.load(jt), slot);
                slot += jt.getSize();
            }
        }

        /** Pushes a long[] of the dispatcher's arguments as raw bits. */
        private static void boxArgs(MethodVisitor mv, FunctionType t) {
            if (JvmTypes.boxedParams(t)) {
                mv.visitVarInsn(ALOAD, 0);
                return;
            }
            push(mv, t.params().size());
            mv.visitIntInsn(NEWARRAY, T_LONG);
            int slot = 0;
            for (int i = 0; i < t.params().size(); i++) {
                ValType p = t.params().get(i);
                Type jt = JvmTypes.of(p);
                mv.visitInsn(DUP);
                push(mv, i);
                mv.visitVarInsn(JvmTypes.load(jt), slot);
                toRaw(mv, p);
                mv.visitInsn(LASTORE);
                slot += jt.getSize();
            }
        }

        /** Returns the long[] of raw results on the stack as the function's JVM result. */
        private static void returnFromRaw(MethodVisitor mv, FunctionType t) {
            List<ValType> r = t.returns();
            if (r.isEmpty()) {
                mv.visitInsn(POP);
                mv.visitInsn(RETURN);
            } else if (r.size() == 1) {
                mv.visitInsn(ICONST_0);
                mv.visitInsn(LALOAD);
                fromRaw(mv, r.get(0));
                mv.visitInsn(JvmTypes.of(r.get(0)).getOpcode(IRETURN));
            } else {
                mv.visitInsn(ARETURN);
            }
        }

        interface Size {
            int of(int function);
        }

        /** Consecutive groups whose estimated bytecode stays under {@link #DISPATCH_BUDGET}. */
        static List<List<Integer>> chunk(List<Integer> functions, Size size) {
            List<List<Integer>> chunks = new ArrayList<>();
            List<Integer> current = new ArrayList<>();
            int bytes = 0;
            for (int f : functions) {
                int s = size.of(f) + 10;
                if (!current.isEmpty() && bytes + s > DISPATCH_BUDGET) {
                    chunks.add(current);
                    current = new ArrayList<>();
                    bytes = 0;
                }
                current.add(f);
                bytes += s;
            }
            if (!current.isEmpty()) {
                chunks.add(current);
            }
            return chunks;
        }

        static void call(MethodVisitor mv, RuntimeContract.Member m) {
            mv.visitMethodInsn(m.kind() == RuntimeContract.Member.Kind.STATIC_METHOD ? INVOKESTATIC : INVOKEVIRTUAL,
                    m.owner(), m.name(), m.descriptor(), false);
        }

        /**
         * A {@code lookupswitch} on the int in local {@code slot} over {@code keys} (ascending), to {@code dflt}
         * when none matches: the prologue every per-chunk dispatcher shares (the export-call chunks, the
         * per-signature indirect chunks, the tail-call trampolines'). Returns each key's label, in key order, for
         * the caller to place.
         */
        static Label[] switchOn(MethodVisitor mv, int slot, List<Integer> keys, Label dflt) {
            Label[] labels = new Label[keys.size()];
            int[] values = new int[keys.size()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = new Label();
                values[i] = keys.get(i);
            }
            mv.visitVarInsn(ILOAD, slot);
            mv.visitLookupSwitchInsn(dflt, values, labels);
            return labels;
        }

        static void push(MethodVisitor mv, int v) {
            if (v >= -1 && v <= 5) {
                mv.visitInsn(ICONST_0 + v);
            } else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
                mv.visitIntInsn(BIPUSH, v);
            } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
                mv.visitIntInsn(SIPUSH, v);
            } else {
                mv.visitLdcInsn(v);
            }
        }

        private static void toRaw(MethodVisitor mv, ValType t) {
            switch (JvmTypes.of(t).getSort()) {
                case Type.LONG:
                    return;
                case Type.FLOAT:
                    mv.visitMethodInsn(INVOKESTATIC, "java/lang/Float", "floatToRawIntBits", "(F)I", false);
                    mv.visitInsn(I2L);
                    return;
                case Type.DOUBLE:
                    mv.visitMethodInsn(INVOKESTATIC, "java/lang/Double", "doubleToRawLongBits", "(D)J", false);
                    return;
                default:
                    mv.visitInsn(I2L);
            }
        }

        static void fromRaw(MethodVisitor mv, ValType t) {
            switch (JvmTypes.of(t).getSort()) {
                case Type.LONG:
                    return;
                case Type.FLOAT:
                    mv.visitInsn(L2I);
                    mv.visitMethodInsn(INVOKESTATIC, "java/lang/Float", "intBitsToFloat", "(I)F", false);
                    return;
                case Type.DOUBLE:
                    mv.visitMethodInsn(INVOKESTATIC, "java/lang/Double", "longBitsToDouble", "(J)D", false);
                    return;
                default:
                    mv.visitInsn(L2I);
            }
        }
    }
}
