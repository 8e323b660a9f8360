package io.llmtestbench.compiler.internal;

/**
 * The names generated code links against in the runtime. The runtime implements them (its tests check
 * each signature against this class), the compiler only emits references to them, so the compiler does not
 * depend on the runtime.
 */
public final class RuntimeContract {
    private RuntimeContract() {}

    /** The class holding the metering entry points. */
    public static final String METER = "io/llmtestbench/runtime/internal/exec/Meter";

    static final String MEMORY = "Lcom/dylibso/chicory/runtime/Memory;";
    static final String INSTANCE = "Lcom/dylibso/chicory/runtime/Instance;";

    /** {@code static void charge(int fuel, Memory, Instance)}: charge a straight-line segment. */
    public static final String CHARGE = "charge";

    public static final String CHARGE_DESC = "(I" + MEMORY + INSTANCE + ")V";

    /** {@code static void chargeBulk(int count, int kind, Memory, Instance)}: charge a bulk operation. */
    public static final String CHARGE_BULK = "chargeBulk";

    public static final String CHARGE_BULK_DESC = "(II" + MEMORY + INSTANCE + ")V";

    /** {@code static int enter(Memory, Instance)}: a wasm function starts; returns the new call depth. */
    public static final String ENTER = "enter";

    public static final String ENTER_DESC = "(" + MEMORY + INSTANCE + ")I";

    /** {@code static void exit(Memory, Instance)}: a wasm function returns normally. */
    public static final String EXIT = "exit";

    public static final String EXIT_DESC = "(" + MEMORY + INSTANCE + ")V";

    /** {@code static void restoreDepth(int depth, Memory, Instance)}: an exception was caught in a function. */
    public static final String RESTORE_DEPTH = "restoreDepth";

    public static final String RESTORE_DEPTH_DESC = "(I" + MEMORY + INSTANCE + ")V";

    /**
     * {@code static String property(String name)} in {@link #GUEST}: what generated code gets instead of
     * {@code System.getProperty} (Chicory's helpers read one tuning flag), so plugin code never reads
     * host properties.
     */
    public static final String GUEST = "io/llmtestbench/runtime/internal/exec/GuestSupport";

    public static final String PROPERTY = "property";
    public static final String PROPERTY_DESC = "(Ljava/lang/String;)Ljava/lang/String;";

    /**
     * Chicory's float helpers that differ from WebAssembly on NaNs and are replaced by methods of the same
     * name and descriptor in {@link #FLOAT}.
     */
    public static final String CHICORY_OPCODES = "com/dylibso/chicory/runtime/OpcodeImpl";

    public static final String FLOAT = "io/llmtestbench/runtime/internal/exec/WasmFloat";

    public static final java.util.Set<String> FLOAT_HELPERS = java.util.Set.of(
            "F32_ABS", "F64_ABS", "F32_MIN", "F32_MAX", "F64_MIN", "F64_MAX", "F32_CEIL", "F32_FLOOR", "F32_TRUNC",
            "F32_NEAREST", "F32_SQRT", "F64_CEIL", "F64_FLOOR", "F64_TRUNC", "F64_NEAREST", "F64_SQRT");

    /** The static field every generated class carries; its constant value is the artifact stamp. */
    public static final String STAMP_FIELD = "LLMTB_STAMP";
}
