package io.llmtestbench.compiler.internal;

import com.dylibso.chicory.wasm.WasmModule;
import java.util.Map;
import java.util.Set;

/**
 * Translates a (metered) wasm module to JVM classes. The one seam where a code generator of our own can
 * replace Chicory's: the metering contract lives in the wasm ({@link FuelInjector}) and in the
 * post-processing ({@link BytecodeTransformer}), not here.
 *
 * <p>Contract for implementations: one public class named {@code className} with a public constructor
 * taking a {@code com.dylibso.chicory.runtime.Instance} and implementing {@code Machine}; each wasm function
 * {@code N} is a static method {@code func_N(params..., Memory, Instance)}; calls between wasm functions are
 * {@code invokestatic} of those methods.
 */
public interface Backend {

    /** Classes by binary name (dots), the main class, and the functions left to the interpreter. */
    record Output(Map<String, byte[]> classes, String mainClass, Set<Integer> interpretedFunctions) {}

    String name();

    String version();

    /**
     * @param interpret functions to leave to the interpreter even if they would fit in a JVM method (the
     *     compiler asks for this when its instrumentation would push a method past the JVM's 64 KB limit);
     *     when not empty, it includes every function an earlier translation left to the interpreter
     */
    Output translate(WasmModule module, String className, Set<Integer> interpret);
}
