package io.llmtestbench.compiler.internal;

import com.dylibso.chicory.wasm.WasmModule;
import java.util.Map;

/**
 * Translates a validated wasm module to JVM classes, with the fuel metering of {@link CostModel} in the code
 * when asked. The seam between parsing/validation (Chicory) and code generation ({@code gen.GenBackend}).
 *
 * <p>Contract: one public class named {@code className}, with a public constructor taking a
 * {@code com.dylibso.chicory.runtime.Instance}, implementing {@code com.dylibso.chicory.runtime.Machine}; every
 * class carries {@link RuntimeContract#STAMP_FIELD}; no method has more than 8,000 bytes of bytecode; the code
 * references the runtime only through {@link RuntimeContract}.
 */
public interface Backend {

    String name();

    /** Classes by binary name (dots), the main class first. */
    Map<String, byte[]> translate(WasmModule module, String className, boolean metered);
}
