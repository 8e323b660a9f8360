package io.llmtestbench.compiler.internal;

import java.util.List;

/**
 * Every member of the runtime's guest entry points (its {@code internal.exec} package) that generated code links
 * against, with its descriptor. The runtime implements them (its {@code RuntimeContractTest} checks each one
 * against this class); the compiler only emits references to them, so the compiler does not depend on the
 * runtime. The generator ({@code internal.gen}) takes every runtime name it emits from here.
 *
 * <p>What the generated code does with them: a wasm function keeps its instance's fuel in a local (charged
 * per straight-line segment, checked at entry, loop headers and returns; stored to {@link #BUDGET_FUEL}
 * around calls and on traps), counts call depth on the budget's fields, reads memory through the
 * little-endian accessors of {@link #PLUGIN_MEMORY}, and calls the static helpers below only for what it does not
 * inline: bulk memory and table instructions, atomics, host and cross-instance calls, traps, a few
 * conversions.
 */
public final class RuntimeContract {
    private RuntimeContract() {}

    /** A field or method of a runtime class, by internal owner name, name and descriptor. */
    public record Member(String owner, String name, String descriptor, Kind kind) {
        /** All runtime members generated code uses are public. */
        public enum Kind { FIELD, STATIC_FIELD, METHOD, STATIC_METHOD }
    }

    private static Member field(String owner, String name, String desc) {
        return new Member(owner, name, desc, Member.Kind.FIELD);
    }

    private static Member staticField(String owner, String name, String desc) {
        return new Member(owner, name, desc, Member.Kind.STATIC_FIELD);
    }

    private static Member method(String owner, String name, String desc) {
        return new Member(owner, name, desc, Member.Kind.METHOD);
    }

    private static Member staticMethod(String owner, String name, String desc) {
        return new Member(owner, name, desc, Member.Kind.STATIC_METHOD);
    }

    private static final String EXEC = "io/llmtestbench/runtime/internal/exec/";
    private static final String INSTANCE = "Lcom/dylibso/chicory/runtime/Instance;";
    private static final String TABLE = "Lcom/dylibso/chicory/runtime/TableInstance;";
    private static final String HANDLE = "Lcom/dylibso/chicory/runtime/WasmFunctionHandle;";
    private static final String FUNCTION_TYPE = "Lcom/dylibso/chicory/wasm/types/FunctionType;";
    private static final String RUNTIME_EXCEPTION = "Ljava/lang/RuntimeException;";

    // ---- the budget: fuel, slices, call depth, the stop flag --------------------------------------------------

    /** The per-instance CPU limits. */
    public static final String BUDGET = EXEC + "Budget";
    private static final String L_BUDGET = "L" + BUDGET + ";";

    /** Fuel left in the current slice (negative: overdrawn). */
    public static final Member BUDGET_FUEL = field(BUDGET, "fuel", "I");
    /**
     * Charges of leaf functions their caller has not folded into its fuel local yet (zero or negative; zero whenever
     * no method that calls leaves is between a leaf call and its next check or fuel store).
     */
    public static final Member BUDGET_LEAF_FUEL = field(BUDGET, "leafFuel", "I");
    /** Whole slices left after the current one. */
    public static final Member BUDGET_SLICES = field(BUDGET, "slices", "J");
    /** {@code volatile}: a stop was requested (deadline, cancel). */
    public static final Member BUDGET_STOP = field(BUDGET, "stop", "Z");
    /** The current wasm call depth. */
    public static final Member BUDGET_DEPTH = field(BUDGET, "depth", "I");
    public static final Member BUDGET_MAX_DEPTH = field(BUDGET, "maxDepth", "I");
    /** Undoes the depth increment and throws "call stack exhausted". */
    public static final Member TOO_DEEP = method(BUDGET, "tooDeep", "()V");
    /** Throws if a stop was requested (unmetered loops poll {@link #BUDGET_STOP} and call this). */
    public static final Member CHECK_STOP = method(BUDGET, "checkStop", "()V");

    /** The fuel in one slice: the most one {@code iinc} adds. The runtime's {@code Budget.SLICE} is this. */
    public static final int SLICE = Short.MAX_VALUE;

    /** The meter's slow paths. */
    public static final String METER = EXEC + "Meter";
    /**
     * A fuel check's rare path (stop flag up, no slice left, or more than a slice overdrawn): settles the fuel
     * against the slices, returns the new fuel or throws.
     */
    public static final Member REFILL = staticMethod(METER, "refill", "(" + L_BUDGET + "I)I");
    /**
     * A metered function's entry: one call level more (or "call stack exhausted"), then the budget's fuel less the
     * first segment's charge, for the function's local (the entry check follows in the function).
     */
    public static final Member ENTER = staticMethod(METER, "enter", "(" + L_BUDGET + "I)I");
    /** {@code int enterLeaf(Budget, int)}: a leaf function's entry (depth compared, not counted; first charge). */
    public static final Member ENTER_LEAF = staticMethod(METER, "enterLeaf", "(" + L_BUDGET + "I)I");
    /** A metered function's return, after its return check: the fuel stored, one call level less. */
    public static final Member LEAVE = staticMethod(METER, "leave", "(" + L_BUDGET + "I)V");

    // ---- linear memory ------------------------------------------------------------------------------------

    /** The linear memory: a flat {@code byte[]}, replaced on growth. */
    public static final String PLUGIN_MEMORY = EXEC + "PluginMemory";
    private static final String L_MEMORY = "L" + PLUGIN_MEMORY + ";";

    /** {@code public byte[] bytes}: generated code reads it into a local, again after anything may grow memory. */
    public static final Member MEMORY_BYTES = field(PLUGIN_MEMORY, "bytes", "[B");
    /** {@code public int size}: the memory's size in bytes (the bound of every access), read with {@link #MEMORY_BYTES}. */
    public static final Member MEMORY_SIZE = field(PLUGIN_MEMORY, "size", "I");
    /**
     * Little-endian loads and stores of the memory (an address, its bytes, its size): {@code PluginMemory.i32(int
     * address, byte[] b, int size)} checks that the whole access lies below the size (and in the array) and reads or writes
     * it, so generated code never names {@code java.lang.invoke} or {@code Unsafe}.
     */
    public static final Member LOAD_I8 = staticMethod(PLUGIN_MEMORY, "i8", "(I[BI)B");
    public static final Member LOAD_I16 = staticMethod(PLUGIN_MEMORY, "i16", "(I[BI)S");
    public static final Member LOAD_I32 = staticMethod(PLUGIN_MEMORY, "i32", "(I[BI)I");
    public static final Member LOAD_I64 = staticMethod(PLUGIN_MEMORY, "i64", "(I[BI)J");
    public static final Member LOAD_F32 = staticMethod(PLUGIN_MEMORY, "f32", "(I[BI)F");
    public static final Member LOAD_F64 = staticMethod(PLUGIN_MEMORY, "f64", "(I[BI)D");
    public static final Member STORE_I8 = staticMethod(PLUGIN_MEMORY, "i8", "(I[BIB)V");
    public static final Member STORE_I16 = staticMethod(PLUGIN_MEMORY, "i16", "(I[BIS)V");
    public static final Member STORE_I32 = staticMethod(PLUGIN_MEMORY, "i32", "(I[BII)V");
    public static final Member STORE_I64 = staticMethod(PLUGIN_MEMORY, "i64", "(I[BIJ)V");
    public static final Member STORE_F32 = staticMethod(PLUGIN_MEMORY, "f32", "(I[BIF)V");
    public static final Member STORE_F64 = staticMethod(PLUGIN_MEMORY, "f64", "(I[BID)V");
    /**
     * The same at a static offset (address, bytes, size, offset): {@code PluginMemory.i32Offset(int address, byte[] b,
     * int size, int offset)} checks the whole access once, with the raw address as the index, and refuses an offset
     * that can never fit. For an access whose offset is not 0.
     */
    public static final Member LOAD_I8_OFFSET = staticMethod(PLUGIN_MEMORY, "i8Offset", "(I[BII)B");
    public static final Member LOAD_I16_OFFSET = staticMethod(PLUGIN_MEMORY, "i16Offset", "(I[BII)S");
    public static final Member LOAD_I32_OFFSET = staticMethod(PLUGIN_MEMORY, "i32Offset", "(I[BII)I");
    public static final Member LOAD_I64_OFFSET = staticMethod(PLUGIN_MEMORY, "i64Offset", "(I[BII)J");
    public static final Member LOAD_F32_OFFSET = staticMethod(PLUGIN_MEMORY, "f32Offset", "(I[BII)F");
    public static final Member LOAD_F64_OFFSET = staticMethod(PLUGIN_MEMORY, "f64Offset", "(I[BII)D");
    public static final Member STORE_I8_OFFSET = staticMethod(PLUGIN_MEMORY, "i8Offset", "(I[BIIB)V");
    public static final Member STORE_I16_OFFSET = staticMethod(PLUGIN_MEMORY, "i16Offset", "(I[BIIS)V");
    public static final Member STORE_I32_OFFSET = staticMethod(PLUGIN_MEMORY, "i32Offset", "(I[BIII)V");
    public static final Member STORE_I64_OFFSET = staticMethod(PLUGIN_MEMORY, "i64Offset", "(I[BIIJ)V");
    public static final Member STORE_F32_OFFSET = staticMethod(PLUGIN_MEMORY, "f32Offset", "(I[BIIF)V");
    public static final Member STORE_F64_OFFSET = staticMethod(PLUGIN_MEMORY, "f64Offset", "(I[BIID)V");

    // ---- helpers for what generated code does not inline -----------------------------------------------------

    public static final String GUEST_OPS = EXEC + "GuestOps";

    /** Linking: memory {@code i} of an instance as a {@link #PLUGIN_MEMORY}, and the instance's budget. */
    public static final Member LINK_MEMORY = staticMethod(GUEST_OPS, "memory", "(" + INSTANCE + "I)" + L_MEMORY);
    public static final Member LINK_BUDGET = staticMethod(GUEST_OPS, "budget", "(" + INSTANCE + ")" + L_BUDGET);

    /** Bulk memory: each charges its operand-dependent fuel to the budget first (a null budget: unmetered). */
    public static final Member MEMORY_GROW = staticMethod(GUEST_OPS, "memoryGrow", "(" + L_MEMORY + "I" + L_BUDGET + ")I");
    public static final Member MEMORY_FILL = staticMethod(GUEST_OPS, "memoryFill", "(" + L_MEMORY + "III" + L_BUDGET + ")V");
    public static final Member MEMORY_COPY =
            staticMethod(GUEST_OPS, "memoryCopy", "(" + L_MEMORY + L_MEMORY + "III" + L_BUDGET + ")V");
    public static final Member MEMORY_INIT =
            staticMethod(GUEST_OPS, "memoryInit", "(" + L_MEMORY + INSTANCE + "IIII" + L_BUDGET + ")V");

    /** Tables (bulk ones charge like bulk memory). */
    public static final Member TABLE_GET = staticMethod(GUEST_OPS, "tableGet", "(" + TABLE + "I)I");
    public static final Member TABLE_SET = staticMethod(GUEST_OPS, "tableSet", "(" + TABLE + "II" + INSTANCE + ")V");
    public static final Member TABLE_GROW = staticMethod(GUEST_OPS, "tableGrow", "(" + TABLE + "II" + INSTANCE + L_BUDGET + ")I");
    public static final Member TABLE_FILL = staticMethod(GUEST_OPS, "tableFill", "(" + TABLE + "III" + INSTANCE + L_BUDGET + ")V");
    public static final Member TABLE_COPY = staticMethod(GUEST_OPS, "tableCopy", "(" + TABLE + TABLE + "III" + L_BUDGET + ")V");
    public static final Member TABLE_INIT = staticMethod(GUEST_OPS, "tableInit", "(" + TABLE + INSTANCE + "IIII" + L_BUDGET + ")V");
    public static final Member ELEM_DROP = staticMethod(GUEST_OPS, "elemDrop", "(" + INSTANCE + "I)V");

    /**
     * {@code call_indirect}: the function an entry refers to (bounds and null checked), or {@link #FOREIGN}
     * for another instance's; then the call into that instance (signature checked).
     */
    public static final Member INDIRECT_TARGET = staticMethod(GUEST_OPS, "indirectTarget", "(" + TABLE + "I" + INSTANCE + ")I");
    public static final Member CALL_FOREIGN = staticMethod(GUEST_OPS, "callForeign", "(" + TABLE + "I" + FUNCTION_TYPE + "[J)[J");
    /** What {@link #INDIRECT_TARGET} returns for an entry of another instance. */
    public static final int FOREIGN = -2;
    /** A call to a host function, arguments and results as raw bits. */
    public static final Member CALL_HOST = staticMethod(GUEST_OPS, "callHost", "(" + HANDLE + INSTANCE + "[J)[J");

    /** Atomics (threads proposal): bounds and alignment checked, values zero-extended in a long. */
    public static final Member ATOMIC_LOAD = staticMethod(GUEST_OPS, "atomicLoad", "(" + L_MEMORY + "III)J");
    public static final Member ATOMIC_STORE = staticMethod(GUEST_OPS, "atomicStore", "(" + L_MEMORY + "IIIJ)V");
    public static final Member ATOMIC_RMW = staticMethod(GUEST_OPS, "atomicRmw", "(" + L_MEMORY + "IIIIJ)J");
    public static final Member ATOMIC_CMPXCHG = staticMethod(GUEST_OPS, "atomicCmpxchg", "(" + L_MEMORY + "IIIJJ)J");
    public static final Member ATOMIC_WAIT = staticMethod(GUEST_OPS, "atomicWait", "(" + L_MEMORY + "IIJJI)I");
    public static final Member ATOMIC_NOTIFY = staticMethod(GUEST_OPS, "atomicNotify", "(" + L_MEMORY + "III)I");

    // ---- traps --------------------------------------------------------------------------------------------

    public static final String TRAPS = EXEC + "Traps";

    public static final Member TRAP_UNREACHABLE = staticMethod(TRAPS, "unreachable", "()" + RUNTIME_EXCEPTION);
    public static final Member TRAP_OUT_OF_BOUNDS = staticMethod(TRAPS, "outOfBounds", "()" + RUNTIME_EXCEPTION);
    public static final Member TRAP_INTEGER_OVERFLOW = staticMethod(TRAPS, "integerOverflow", "()" + RUNTIME_EXCEPTION);
    public static final Member TRAP_TYPE_MISMATCH = staticMethod(TRAPS, "indirectCallTypeMismatch", "()" + RUNTIME_EXCEPTION);
    public static final Member TRAP_UNKNOWN_FUNCTION = staticMethod(TRAPS, "unknownFunction", "(I)" + RUNTIME_EXCEPTION);
    /** Where control leaves generated code: a JVM failure (index check, division by zero, stack) becomes its trap. */
    public static final Member TRAP_TRANSLATE = staticMethod(TRAPS, "translate", "(Ljava/lang/Throwable;)Ljava/lang/Throwable;");

    // ---- numbers ------------------------------------------------------------------------------------------

    /** Unsigned 64-bit division and conversions that need range checks or unsigned arithmetic. */
    public static final String WASM_OPS = EXEC + "WasmOps";

    public static final Member I64_DIV_U = staticMethod(WASM_OPS, "i64DivU", "(JJ)J");
    public static final Member I64_REM_U = staticMethod(WASM_OPS, "i64RemU", "(JJ)J");
    public static final Member CONVERSION_TRAP = staticMethod(WASM_OPS, "conversionTrap", "(D)" + RUNTIME_EXCEPTION);
    public static final Member I32_TRUNC_F32_U = staticMethod(WASM_OPS, "i32TruncF32U", "(F)I");
    public static final Member I32_TRUNC_F64_U = staticMethod(WASM_OPS, "i32TruncF64U", "(D)I");
    public static final Member I64_TRUNC_F32_S = staticMethod(WASM_OPS, "i64TruncF32S", "(F)J");
    public static final Member I64_TRUNC_F32_U = staticMethod(WASM_OPS, "i64TruncF32U", "(F)J");
    public static final Member I64_TRUNC_F64_S = staticMethod(WASM_OPS, "i64TruncF64S", "(D)J");
    public static final Member I64_TRUNC_F64_U = staticMethod(WASM_OPS, "i64TruncF64U", "(D)J");
    public static final Member I32_TRUNC_SAT_F32_U = staticMethod(WASM_OPS, "i32TruncSatF32U", "(F)I");
    public static final Member I32_TRUNC_SAT_F64_U = staticMethod(WASM_OPS, "i32TruncSatF64U", "(D)I");
    public static final Member I64_TRUNC_SAT_F32_U = staticMethod(WASM_OPS, "i64TruncSatF32U", "(F)J");
    public static final Member I64_TRUNC_SAT_F64_U = staticMethod(WASM_OPS, "i64TruncSatF64U", "(D)J");
    public static final Member F32_CONVERT_I64_U = staticMethod(WASM_OPS, "f32ConvertI64U", "(J)F");
    public static final Member F64_CONVERT_I64_U = staticMethod(WASM_OPS, "f64ConvertI64U", "(J)D");

    /** Float operations where {@code java.lang.Math} differs from WebAssembly on NaNs. */
    public static final String FLOAT = EXEC + "WasmFloat";

    public static final Member F32_ABS = staticMethod(FLOAT, "F32_ABS", "(F)F");
    public static final Member F64_ABS = staticMethod(FLOAT, "F64_ABS", "(D)D");
    public static final Member F32_MIN = staticMethod(FLOAT, "F32_MIN", "(FF)F");
    public static final Member F32_MAX = staticMethod(FLOAT, "F32_MAX", "(FF)F");
    public static final Member F64_MIN = staticMethod(FLOAT, "F64_MIN", "(DD)D");
    public static final Member F64_MAX = staticMethod(FLOAT, "F64_MAX", "(DD)D");
    public static final Member F32_CEIL = staticMethod(FLOAT, "F32_CEIL", "(F)F");
    public static final Member F32_FLOOR = staticMethod(FLOAT, "F32_FLOOR", "(F)F");
    public static final Member F32_TRUNC = staticMethod(FLOAT, "F32_TRUNC", "(F)F");
    public static final Member F32_NEAREST = staticMethod(FLOAT, "F32_NEAREST", "(F)F");
    public static final Member F32_SQRT = staticMethod(FLOAT, "F32_SQRT", "(F)F");
    public static final Member F64_CEIL = staticMethod(FLOAT, "F64_CEIL", "(D)D");
    public static final Member F64_FLOOR = staticMethod(FLOAT, "F64_FLOOR", "(D)D");
    public static final Member F64_TRUNC = staticMethod(FLOAT, "F64_TRUNC", "(D)D");
    public static final Member F64_NEAREST = staticMethod(FLOAT, "F64_NEAREST", "(D)D");
    public static final Member F64_SQRT = staticMethod(FLOAT, "F64_SQRT", "(D)D");

    /** The fields among {@link #MEMBERS} generated code also writes. */
    public static final List<Member> WRITTEN_FIELDS = List.of(BUDGET_FUEL, BUDGET_LEAF_FUEL, BUDGET_SLICES, BUDGET_DEPTH);

    /** Every runtime member generated code may reference. */
    public static final List<Member> MEMBERS = List.of(
            BUDGET_FUEL, BUDGET_LEAF_FUEL, BUDGET_SLICES, BUDGET_STOP, BUDGET_DEPTH, BUDGET_MAX_DEPTH, TOO_DEEP, CHECK_STOP, REFILL, ENTER, ENTER_LEAF, LEAVE,
            MEMORY_BYTES, MEMORY_SIZE, LOAD_I8, LOAD_I16, LOAD_I32, LOAD_I64, LOAD_F32, LOAD_F64,
            STORE_I8, STORE_I16, STORE_I32, STORE_I64, STORE_F32, STORE_F64,
            LOAD_I8_OFFSET, LOAD_I16_OFFSET, LOAD_I32_OFFSET, LOAD_I64_OFFSET, LOAD_F32_OFFSET, LOAD_F64_OFFSET,
            STORE_I8_OFFSET, STORE_I16_OFFSET, STORE_I32_OFFSET, STORE_I64_OFFSET, STORE_F32_OFFSET, STORE_F64_OFFSET,
            LINK_MEMORY, LINK_BUDGET, MEMORY_GROW, MEMORY_FILL, MEMORY_COPY, MEMORY_INIT,
            TABLE_GET, TABLE_SET, TABLE_GROW, TABLE_FILL, TABLE_COPY, TABLE_INIT, ELEM_DROP,
            INDIRECT_TARGET, CALL_FOREIGN, CALL_HOST,
            ATOMIC_LOAD, ATOMIC_STORE, ATOMIC_RMW, ATOMIC_CMPXCHG, ATOMIC_WAIT, ATOMIC_NOTIFY,
            TRAP_UNREACHABLE, TRAP_OUT_OF_BOUNDS, TRAP_INTEGER_OVERFLOW, TRAP_TYPE_MISMATCH, TRAP_UNKNOWN_FUNCTION,
            TRAP_TRANSLATE,
            I64_DIV_U, I64_REM_U, CONVERSION_TRAP, I32_TRUNC_F32_U, I32_TRUNC_F64_U, I64_TRUNC_F32_S, I64_TRUNC_F32_U,
            I64_TRUNC_F64_S, I64_TRUNC_F64_U, I32_TRUNC_SAT_F32_U, I32_TRUNC_SAT_F64_U, I64_TRUNC_SAT_F32_U,
            I64_TRUNC_SAT_F64_U, F32_CONVERT_I64_U, F64_CONVERT_I64_U,
            F32_ABS, F64_ABS, F32_MIN, F32_MAX, F64_MIN, F64_MAX, F32_CEIL, F32_FLOOR, F32_TRUNC, F32_NEAREST, F32_SQRT,
            F64_CEIL, F64_FLOOR, F64_TRUNC, F64_NEAREST, F64_SQRT);

    /**
     * The static field every generated class carries; its constant value is the artifact stamp bound to the
     * compiled module ({@code CompilerStamp.forClasses}).
     */
    public static final String STAMP_FIELD = "LLMTB_STAMP";
}
