package io.llmtestbench.compiler;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the compiler accepts, so that an untrusted module cannot take the host down at load time: the parser, the
 * validator and the code generator each need memory and time that grow with these numbers. They are checked on the
 * module's raw bytes before anything is parsed and before any code generator runs; a module over a limit is refused
 * with {@link CompilationException.Kind#LIMIT} (at load: {@code INVALID_PLUGIN}) and a message naming the limit, the
 * module's value and how to raise it. Immutable; start from {@link #defaults()}.
 *
 * <p>The defaults fit every real plugin we know by a wide margin (the largest test plugin is 180 KB, with 66 locals
 * in its largest function) and refuse the shapes that made compilation run out of memory: a function of 67,000
 * locals is refused in milliseconds. Costs measured per limit are in {@code docs/security.md} ("Compile limits").
 *
 * @param maxModuleBytes the module's size in bytes (default 8 MiB)
 * @param maxFunctionBodyBytes one function body's size in bytes (default 256 KiB; translation time grows with it)
 * @param maxLocalsPerFunction locals one function declares, parameters not counted (default 10,000)
 * @param maxTotalLocals locals all functions declare together (default 1,000,000)
 * @param maxFunctions functions the module defines, and those it imports and defines together (default 50,000)
 * @param maxTypes types in the type section (default 2,000)
 * @param maxLocalsTimesControlPerFunction a function's locals (parameters included) times its control instructions
 *     (block, loop, if, else, end, br, br_if, br_table, return, unreachable): at each of those a JVM code generator
 *     records the type of every local, so memory and time grow with the product (default 3,000,000)
 * @param maxLocalsTimesControlTotal the same product summed over all functions (default 6,000,000; the code generator holds a whole module's frames at once)
 * @param maxNestingDepth how deeply one function nests block, loop and if (default 4,096; the code generator's time
 *     grows with the square of it: 4,000 nested loops took ~3 s, 16,000 nested blocks ~8 s, where the deepest real
 *     plugin code we know, a 256-case switch, nests 257)
 * @param maxGlobalsAndTables globals and tables the module imports and defines, together (default 10,000): the
 *     generated class holds a field and constants for each, within the JVM's 65,535 constants per class (24,000 made
 *     a class too large), and the parser allocates per declaration (a 6 MB module of 1.2 million globals ran a 256 MB
 *     host out of heap)
 */
public record CompileLimits(
        long maxModuleBytes, long maxFunctionBodyBytes, long maxLocalsPerFunction, long maxTotalLocals, long maxFunctions,
        long maxTypes, long maxLocalsTimesControlPerFunction, long maxLocalsTimesControlTotal, long maxNestingDepth,
        long maxGlobalsAndTables) {

    public static final long DEFAULT_MAX_MODULE_BYTES = 8L * 1024 * 1024;
    public static final long DEFAULT_MAX_FUNCTION_BODY_BYTES = 256 * 1024;
    public static final long DEFAULT_MAX_LOCALS_PER_FUNCTION = 10_000;
    public static final long DEFAULT_MAX_TOTAL_LOCALS = 1_000_000;
    public static final long DEFAULT_MAX_FUNCTIONS = 50_000;
    public static final long DEFAULT_MAX_TYPES = 2_000;
    public static final long DEFAULT_MAX_LOCALS_TIMES_CONTROL_PER_FUNCTION = 3_000_000;
    public static final long DEFAULT_MAX_LOCALS_TIMES_CONTROL_TOTAL = 6_000_000;
    public static final long DEFAULT_MAX_NESTING_DEPTH = 4_096;
    public static final long DEFAULT_MAX_GLOBALS_AND_TABLES = 10_000;

    public CompileLimits {
        for (Map.Entry<String, Long> e : values(maxModuleBytes, maxFunctionBodyBytes, maxLocalsPerFunction, maxTotalLocals,
                maxFunctions, maxTypes, maxLocalsTimesControlPerFunction, maxLocalsTimesControlTotal, maxNestingDepth,
                maxGlobalsAndTables).entrySet()) {
            if (e.getValue() <= 0) {
                throw new IllegalArgumentException("compile limit " + e.getKey() + " must be positive: " + e.getValue());
            }
        }
    }

    /**
     * The limits of earlier versions, which had no {@code maxGlobalsAndTables}: that one takes its default.
     */
    public CompileLimits(long maxModuleBytes, long maxFunctionBodyBytes, long maxLocalsPerFunction, long maxTotalLocals,
            long maxFunctions, long maxTypes, long maxLocalsTimesControlPerFunction, long maxLocalsTimesControlTotal,
            long maxNestingDepth) {
        this(maxModuleBytes, maxFunctionBodyBytes, maxLocalsPerFunction, maxTotalLocals, maxFunctions, maxTypes,
                maxLocalsTimesControlPerFunction, maxLocalsTimesControlTotal, maxNestingDepth, DEFAULT_MAX_GLOBALS_AND_TABLES);
    }

    /**
     * The limits of earlier versions, which had no {@code maxNestingDepth} (nor {@code maxGlobalsAndTables}): those
     * take their defaults.
     */
    public CompileLimits(long maxModuleBytes, long maxFunctionBodyBytes, long maxLocalsPerFunction, long maxTotalLocals,
            long maxFunctions, long maxTypes, long maxLocalsTimesControlPerFunction, long maxLocalsTimesControlTotal) {
        this(maxModuleBytes, maxFunctionBodyBytes, maxLocalsPerFunction, maxTotalLocals, maxFunctions, maxTypes,
                maxLocalsTimesControlPerFunction, maxLocalsTimesControlTotal, DEFAULT_MAX_NESTING_DEPTH,
                DEFAULT_MAX_GLOBALS_AND_TABLES);
    }

    public static CompileLimits defaults() {
        return new CompileLimits(DEFAULT_MAX_MODULE_BYTES, DEFAULT_MAX_FUNCTION_BODY_BYTES, DEFAULT_MAX_LOCALS_PER_FUNCTION,
                DEFAULT_MAX_TOTAL_LOCALS, DEFAULT_MAX_FUNCTIONS, DEFAULT_MAX_TYPES, DEFAULT_MAX_LOCALS_TIMES_CONTROL_PER_FUNCTION,
                DEFAULT_MAX_LOCALS_TIMES_CONTROL_TOTAL, DEFAULT_MAX_NESTING_DEPTH, DEFAULT_MAX_GLOBALS_AND_TABLES);
    }

    public CompileLimits withMaxModuleBytes(long v) {
        return with(0, v);
    }

    public CompileLimits withMaxFunctionBodyBytes(long v) {
        return with(1, v);
    }

    public CompileLimits withMaxLocalsPerFunction(long v) {
        return with(2, v);
    }

    public CompileLimits withMaxTotalLocals(long v) {
        return with(3, v);
    }

    public CompileLimits withMaxFunctions(long v) {
        return with(4, v);
    }

    public CompileLimits withMaxTypes(long v) {
        return with(5, v);
    }

    public CompileLimits withMaxLocalsTimesControlPerFunction(long v) {
        return with(6, v);
    }

    public CompileLimits withMaxLocalsTimesControlTotal(long v) {
        return with(7, v);
    }

    public CompileLimits withMaxNestingDepth(long v) {
        return with(8, v);
    }

    public CompileLimits withMaxGlobalsAndTables(long v) {
        return with(9, v);
    }

    private CompileLimits with(int which, long v) {
        long[] a = {maxModuleBytes, maxFunctionBodyBytes, maxLocalsPerFunction, maxTotalLocals, maxFunctions, maxTypes,
            maxLocalsTimesControlPerFunction, maxLocalsTimesControlTotal, maxNestingDepth, maxGlobalsAndTables};
        a[which] = v;
        return new CompileLimits(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]);
    }

    /** The limits by name ({@code maxModuleBytes} ...), in declaration order. */
    public Map<String, Long> asMap() {
        return values(maxModuleBytes, maxFunctionBodyBytes, maxLocalsPerFunction, maxTotalLocals, maxFunctions, maxTypes,
                maxLocalsTimesControlPerFunction, maxLocalsTimesControlTotal, maxNestingDepth, maxGlobalsAndTables);
    }

    private static Map<String, Long> values(long... v) {
        String[] names = {"maxModuleBytes", "maxFunctionBodyBytes", "maxLocalsPerFunction", "maxTotalLocals", "maxFunctions",
            "maxTypes", "maxLocalsTimesControlPerFunction", "maxLocalsTimesControlTotal", "maxNestingDepth",
            "maxGlobalsAndTables"};
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            m.put(names[i], v[i]);
        }
        return m;
    }

    /**
     * These limits with one changed, by name as in {@link #asMap()} (case-insensitive); the value may end in
     * {@code k}/{@code m} (×1024 / ×1024²) and hold underscores — the form the CLI's {@code --compile-limit NAME=VALUE}
     * takes.
     *
     * @throws IllegalArgumentException for an unknown name or a bad value, listing the names
     */
    public CompileLimits with(String name, String value) {
        int i = 0;
        for (String known : asMap().keySet()) {
            if (known.toLowerCase(Locale.ROOT).equals(name.trim().toLowerCase(Locale.ROOT))) {
                return with(i, parseSize(value));
            }
            i++;
        }
        throw new IllegalArgumentException("unknown compile limit '" + name + "' (known: " + String.join(", ", asMap().keySet()) + ")");
    }

    private static long parseSize(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT).replace("_", "");
        long unit = 1;
        if (v.endsWith("k")) {
            unit = 1024;
            v = v.substring(0, v.length() - 1);
        } else if (v.endsWith("m")) {
            unit = 1024 * 1024;
            v = v.substring(0, v.length() - 1);
        }
        try {
            long n = Math.multiplyExact(Long.parseLong(v), unit);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // below
        }
        throw new IllegalArgumentException("not a positive number: '" + value + "'");
    }
}
