package io.llmtestbench.compiler.internal.gen;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.Element;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.GlobalImport;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.MutabilityType;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What the code generator needs to know about a module as a whole (all indices are the module's own). */
final class ModuleInfo {
    final WasmModule module;
    final String mainClass;
    final int importedFunctions;
    final int functionCount;
    /** Type index of every function, imports first. */
    final int[] functionTypeIndex;
    /** Canonical signature id of every type index: equal ids for structurally equal function types. */
    final int[] canonicalType;
    final List<FunctionType> canonicalTypes = new ArrayList<>();
    final int importedGlobals;
    final ValType[] globalTypes;
    final boolean[] globalMutable;
    /** Globals held as {@code GlobalInstance}s (imported or exported); the others are plain fields. */
    final boolean[] globalShared;
    final int tableCount;
    final int importedTables;
    final int memoryCount;
    /** Functions that can be called from outside the module: exported, start, or referenced as funcref. */
    final BitSet externallyCallable = new BitSet();
    /** Functions that may (transitively) grow a memory or run code that could. */
    final BitSet mayGrowMemory = new BitSet();
    /**
     * Leaves: small defined functions that call nothing, charge nothing beyond their segments and have no loop; only
     * direct wasm calls reach them (not exported, not the start function, not in a table or referenced, not
     * tail-called). Functions a table holds are left out on purpose: merge sort's comparators as leaves made C2
     * inline them through the indirect-call dispatcher at every call site of the sort, +47% (benchmarks/RESULTS.md,
     * "Leaf functions: no depth counted, no fuel checked"). They count no call depth and check no
     * fuel (see FunctionEmitter's prologue): their callers' checks cover them.
     */
    final BitSet leaves = new BitSet();
    /**
     * A leaf's largest body, in instructions (each charges at most 1): what a call of one adds to its caller's charges
     * between two checks. Small enough that the compiled leaf is small; small functions are what is called hot.
     */
    static final int LEAF_MAX_INSTRUCTIONS = 400;
    /**
     * Functions with so many calls of leaves that the charges between two of their checks could reach 2^24 (a hostile
     * module's, at least 41,944 leaf calls): a check follows each of their leaf calls, so that the fuel counter (an
     * int slice of at most 32,767) never comes near its range's end whatever a module's size.
     */
    final BitSet checksAfterLeafCalls = new BitSet();
    private static final long LEAF_CHARGES_BETWEEN_CHECKS = 1 << 24;

    // ---- tail calls (see TailCalls): all empty in a module without return_call to its own functions ----------
    /** Functions with a tail call that is not a plain call (return_call of a defined function, return_call_indirect). */
    final BitSet tailCallers = new BitSet();
    /** Functions a tail call can enter: direct targets, and the table targets of the signatures tail-called indirectly. */
    final BitSet tailEntered = new BitSet();
    /** Defined functions named by a return_call. */
    final BitSet tailDirectTargets = new BitSet();
    /** Canonical signatures return_call_indirect uses. */
    final BitSet tailIndirectSigs = new BitSet();

    ModuleInfo(WasmModule module, String mainClass) {
        this.module = module;
        this.mainClass = mainClass;
        var imports = module.importSection();
        this.importedFunctions = imports.count(ExternalType.FUNCTION);
        this.functionCount = importedFunctions + module.functionSection().functionCount();
        this.functionTypeIndex = new int[functionCount];
        int f = 0;
        int g = 0;
        this.importedGlobals = imports.count(ExternalType.GLOBAL);
        int globals = importedGlobals + module.globalSection().globalCount();
        this.globalTypes = new ValType[globals];
        this.globalMutable = new boolean[globals];
        this.globalShared = new boolean[globals];
        for (int i = 0; i < imports.importCount(); i++) {
            Import imp = imports.getImport(i);
            if (imp.importType() == ExternalType.FUNCTION) {
                functionTypeIndex[f++] = ((FunctionImport) imp).typeIndex();
            } else if (imp.importType() == ExternalType.GLOBAL) {
                var gi = (GlobalImport) imp;
                globalTypes[g] = gi.type();
                globalMutable[g] = gi.mutabilityType() == MutabilityType.Var;
                globalShared[g] = true;
                g++;
            }
        }
        for (int i = 0; i < module.functionSection().functionCount(); i++) {
            functionTypeIndex[f++] = module.functionSection().getFunctionType(i);
        }
        for (int i = 0; i < module.globalSection().globalCount(); i++) {
            var global = module.globalSection().getGlobal(i);
            globalTypes[g] = global.valueType();
            globalMutable[g] = global.mutabilityType() == MutabilityType.Var;
            g++;
        }
        int types = module.typeSection().typeCount();
        this.canonicalType = new int[types];
        Map<FunctionType, Integer> ids = new HashMap<>();
        for (int t = 0; t < types; t++) {
            FunctionType type = module.typeSection().getType(t);
            Integer id = ids.get(type);
            if (id == null) {
                id = canonicalTypes.size();
                ids.put(type, id);
                canonicalTypes.add(type);
            }
            canonicalType[t] = id;
        }
        this.importedTables = imports.count(ExternalType.TABLE);
        this.tableCount = importedTables + module.tableSection().tableCount();
        this.memoryCount = imports.count(ExternalType.MEMORY) + module.memorySection().map(m -> m.memoryCount()).orElse(0);

        for (int i = 0; i < module.exportSection().exportCount(); i++) {
            Export e = module.exportSection().getExport(i);
            if (e.exportType() == ExternalType.FUNCTION) {
                externallyCallable.set((int) e.index());
            } else if (e.exportType() == ExternalType.GLOBAL) {
                globalShared[(int) e.index()] = true;
            }
        }
        module.startSection().ifPresent(s -> externallyCallable.set((int) s.startIndex()));
        // A function referenced by a constant expression can end up in any table, of any instance.
        for (Element el : module.elementSection().elements()) {
            for (List<Instruction> init : el.initializers()) {
                referenced(init);
            }
        }
        for (int i = 0; i < module.globalSection().globalCount(); i++) {
            referenced(module.globalSection().getGlobal(i).initInstructions());
        }
        for (int i = 0; i < module.tableSection().tableCount(); i++) {
            referenced(module.tableSection().getTable(i).initialize());
        }
        for (int i = importedFunctions; i < functionCount; i++) {
            for (AnnotatedInstruction ins : body(i)) {
                if (ins.opcode() == OpCode.REF_FUNC) {
                    externallyCallable.set((int) ins.operand(0));
                }
            }
        }
        computeMayGrow();
        computeTailCalls();
        computeLeaves();
    }

    private void computeLeaves() {
        for (int i = importedFunctions; i < functionCount; i++) {
            if (externallyCallable.get(i) || tailEntered.get(i)) {
                continue;
            }
            List<AnnotatedInstruction> body = body(i);
            if (body.size() <= LEAF_MAX_INSTRUCTIONS && body.stream().allMatch(ins -> leafInstruction(ins.opcode()))) {
                leaves.set(i);
            }
        }
        for (int i = importedFunctions; i < functionCount; i++) {
            long calls = body(i).stream()
                    .filter(ins -> ins.opcode() == OpCode.CALL && leaves.get((int) ins.operand(0)))
                    .count();
            if (calls * LEAF_MAX_INSTRUCTIONS > LEAF_CHARGES_BETWEEN_CHECKS) {
                checksAfterLeafCalls.set(i);
            }
        }
    }

    /**
     * Whether a leaf may have the instruction: control within the function, locals, globals, memory loads and
     * stores, numeric instructions; nothing that calls, loops, grows, charges the budget by itself (bulk, table
     * helpers), waits or throws. A list of what is allowed, so that an instruction added later is not a leaf's
     * until someone decides it may be.
     */
    static boolean leafInstruction(OpCode op) {
        switch (op) {
            case UNREACHABLE: case NOP: case BLOCK: case IF: case ELSE: case END: case BR: case BR_IF: case BR_TABLE:
            case RETURN: case DROP: case SELECT: case SELECT_T: case LOCAL_GET: case LOCAL_SET: case LOCAL_TEE:
            case GLOBAL_GET: case GLOBAL_SET: case MEMORY_SIZE:
                return true;
            default:
                String name = op.name();
                return (name.startsWith("I32_") || name.startsWith("I64_") || name.startsWith("F32_")
                        || name.startsWith("F64_")) && !name.contains("ATOMIC");
        }
    }

    /** Whether the module has tail calls the generator compiles as such (else its code is the same as without). */
    boolean tailCalls() {
        return !tailCallers.isEmpty();
    }

    private void computeTailCalls() {
        for (int i = importedFunctions; i < functionCount; i++) {
            for (AnnotatedInstruction ins : body(i)) {
                if (ins.opcode() == OpCode.RETURN_CALL && !isImport((int) ins.operand(0))) {
                    tailCallers.set(i);
                    tailDirectTargets.set((int) ins.operand(0));
                } else if (ins.opcode() == OpCode.RETURN_CALL_INDIRECT) {
                    tailCallers.set(i);
                    tailIndirectSigs.set(canonicalType[(int) ins.operand(0)]);
                }
            }
        }
        tailEntered.or(tailDirectTargets);
        for (int f = externallyCallable.nextSetBit(0); f >= 0; f = externallyCallable.nextSetBit(f + 1)) {
            if (!isImport(f) && tailIndirectSigs.get(canonicalTypeOfFunction(f))) {
                tailEntered.set(f);
            }
        }
    }

    private void referenced(List<? extends Instruction> constant) {
        if (constant == null) {
            return;
        }
        for (Instruction ins : constant) {
            if (ins.opcode() == OpCode.REF_FUNC) {
                externallyCallable.set((int) ins.operand(0));
            }
        }
    }

    List<AnnotatedInstruction> body(int function) {
        return module.codeSection().getFunctionBody(function - importedFunctions).instructions();
    }

    FunctionType functionType(int function) {
        return module.typeSection().getType(functionTypeIndex[function]);
    }

    FunctionType type(int typeIndex) {
        return module.typeSection().getType(typeIndex);
    }

    int canonicalTypeOfFunction(int function) {
        return canonicalType[functionTypeIndex[function]];
    }

    boolean isImport(int function) {
        return function < importedFunctions;
    }

    /**
     * A function may grow memory if it runs memory.grow, calls a host function or an indirect target (which
     * can do anything), or calls a function that may. Callers reload their view of memory after such calls.
     */
    private void computeMayGrow() {
        List<List<Integer>> callers = new ArrayList<>();
        for (int i = 0; i < functionCount; i++) {
            callers.add(new ArrayList<>());
        }
        var work = new ArrayDeque<Integer>();
        for (int i = 0; i < importedFunctions; i++) {
            mayGrowMemory.set(i);
            work.add(i);
        }
        for (int i = importedFunctions; i < functionCount; i++) {
            boolean grows = false;
            for (AnnotatedInstruction ins : body(i)) {
                switch (ins.opcode()) {
                    case MEMORY_GROW:
                    case CALL_INDIRECT:
                    case RETURN_CALL_INDIRECT:
                        grows = true;
                        break;
                    case CALL:
                    case RETURN_CALL:
                        callers.get((int) ins.operand(0)).add(i);
                        break;
                    default:
                        break;
                }
            }
            if (grows) {
                mayGrowMemory.set(i);
                work.add(i);
            }
        }
        while (!work.isEmpty()) {
            for (int caller : callers.get(work.poll())) {
                if (!mayGrowMemory.get(caller)) {
                    mayGrowMemory.set(caller);
                    work.add(caller);
                }
            }
        }
    }
}
