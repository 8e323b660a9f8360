package io.llmtestbench.compiler.internal;

/**
 * The names generated code links against in the runtime. The runtime implements them (its
 * {@code RuntimeContractTest} checks each name and descriptor against this class), the compiler only emits
 * references to them, so the compiler does not depend on the runtime.
 *
 * <p>A metered function keeps the fuel of its instance's budget in a local variable (see
 * {@link FunctionInstrumenter}); it reads and writes the budget's fields directly and calls into the meter
 * only on its slow paths.
 */
public final class RuntimeContract {
    private RuntimeContract() {}

    /** The class holding the metering entry points. */
    public static final String METER = "io/llmtestbench/runtime/internal/exec/Meter";

    static final String MEMORY = "Lcom/dylibso/chicory/runtime/Memory;";
    static final String INSTANCE = "Lcom/dylibso/chicory/runtime/Instance;";

    /** The per-instance CPU limits: fuel, call depth. */
    public static final String BUDGET = "io/llmtestbench/runtime/internal/exec/Budget";

    /** {@code public int fuel} in {@link #BUDGET}: fuel left in the current slice (negative: overdrawn). */
    public static final String BUDGET_FUEL = "fuel";

    /** {@code public long slices} in {@link #BUDGET}: whole slices left after the current one. */
    public static final String BUDGET_SLICES = "slices";

    /** {@code public volatile boolean stop} in {@link #BUDGET}: a stop was requested (deadline, cancel). */
    public static final String BUDGET_STOP = "stop";

    /** {@code public int depth} in {@link #BUDGET}: the current wasm call depth. */
    public static final String BUDGET_DEPTH = "depth";

    /** {@code public int maxDepth} in {@link #BUDGET}. */
    public static final String BUDGET_MAX_DEPTH = "maxDepth";

    /** The fuel in one slice: the most one {@code iinc} adds. The runtime's {@code Budget.SLICE} is this. */
    public static final int SLICE = Short.MAX_VALUE;

    /** {@code public void tooDeep()} in {@link #BUDGET}: undoes the depth increment and throws. */
    public static final String TOO_DEEP = "tooDeep";

    public static final String TOO_DEEP_DESC = "()V";

    /** {@code static Budget budget(Memory, Instance)}: the budget of the instance running this code. */
    public static final String BUDGET_OF = "budget";

    public static final String BUDGET_OF_DESC = "(" + MEMORY + INSTANCE + ")L" + BUDGET + ";";

    /**
     * {@code static RuntimeException stop(Budget, int fuel)}: the stop flag is up or no slice is left; stores
     * the fuel and throws (the return type lets generated code end the path with {@code athrow}).
     */
    public static final String STOP = "stop";

    public static final String STOP_DESC = "(L" + BUDGET + ";I)Ljava/lang/RuntimeException;";

    /**
     * {@code static int refill(Budget, int fuel)}: the fuel is still negative after taking a slice; settles
     * it against the remaining slices and returns the new fuel, or throws.
     */
    public static final String REFILL = "refill";

    public static final String REFILL_DESC = "(L" + BUDGET + ";I)I";

    /**
     * {@code static void charge(int fuel, Memory, Instance)}: charge a straight-line segment. The body of the
     * injected {@code $fuel} function, so that code run by the interpreter fallback is metered.
     */
    public static final String CHARGE = "charge";

    public static final String CHARGE_DESC = "(I" + MEMORY + INSTANCE + ")V";

    /** {@code static void chargeBulk(int count, int kind, Memory, Instance)}: charge a bulk operation. */
    public static final String CHARGE_BULK = "chargeBulk";

    public static final String CHARGE_BULK_DESC = "(II" + MEMORY + INSTANCE + ")V";

    /**
     * {@code static String property(String name)} in {@link #GUEST}: what generated code gets instead of
     * {@code System.getProperty} (Chicory's helpers read one tuning flag), so plugin code never reads
     * host properties.
     */
    public static final String GUEST = "io/llmtestbench/runtime/internal/exec/GuestSupport";

    public static final String PROPERTY = "property";
    public static final String PROPERTY_DESC = "(Ljava/lang/String;)Ljava/lang/String;";

    /**
     * {@code static boolean interrupted()} in {@link #GUEST}: whether the current thread is interrupted, what
     * generated code gets instead of {@code Thread.currentThread().isInterrupted()} (Chicory's
     * {@code checkInterruption}), so plugin code never holds a {@code Thread}.
     */
    public static final String INTERRUPTED = "interrupted";
    public static final String INTERRUPTED_DESC = "()Z";

    /**
     * Chicory's float helpers that differ from WebAssembly on NaNs and are replaced by methods of the same
     * name and descriptor in {@link #FLOAT}.
     */
    public static final String CHICORY_OPCODES = "com/dylibso/chicory/runtime/OpcodeImpl";

    public static final String FLOAT = "io/llmtestbench/runtime/internal/exec/WasmFloat";

    public static final java.util.Set<String> FLOAT_HELPERS = java.util.Set.of(
            "F32_ABS", "F64_ABS", "F32_MIN", "F32_MAX", "F64_MIN", "F64_MAX", "F32_CEIL", "F32_FLOOR", "F32_TRUNC",
            "F32_NEAREST", "F32_SQRT", "F64_CEIL", "F64_FLOOR", "F64_TRUNC", "F64_NEAREST", "F64_SQRT");

    /**
     * The static field every generated class carries; its constant value is the artifact stamp bound to the
     * compiled module ({@code CompilerStamp.forClasses}).
     */
    public static final String STAMP_FIELD = "LLMTB_STAMP";
}
