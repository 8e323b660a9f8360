package io.llmtestbench.compiler;

import java.util.List;
import java.util.Set;

/**
 * Facts about one compilation that matter for speed and safety.
 *
 * @param definedFunctions functions defined by the module (not counting the metering functions)
 * @param interpretedFunctions functions too large for one JVM method (as translated, or once instrumented),
 *     run by Chicory's interpreter: still metered (their fuel calls are part of the wasm), with guards where
 *     that interpreter gets stores past 4 GiB wrong, and 100–700× slower than compiled code
 * @param largeMethods generated methods over HotSpot's {@code HugeMethodLimit} (8,000 bytes of bytecode),
 *     which the JIT never compiles, slowest first
 * @param meteredSegments static metering points injected (0 when metering is off)
 * @param compileMillis wall time of the compilation
 */
public record CompilationReport(
        int definedFunctions,
        Set<Integer> interpretedFunctions,
        List<LargeMethod> largeMethods,
        long meteredSegments,
        long compileMillis) {

    /** HotSpot's default {@code HugeMethodLimit}: methods with more bytecode are never JIT-compiled. */
    public static final int HUGE_METHOD_LIMIT = 8000;

    /**
     * A generated method over {@link #HUGE_METHOD_LIMIT}.
     *
     * @param wasmFunction the wasm function index it implements, or -1 for a dispatch/bridge method
     */
    public record LargeMethod(String className, String method, int wasmFunction, int bytecodeBytes) {}
}
