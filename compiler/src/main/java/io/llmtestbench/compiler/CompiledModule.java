package io.llmtestbench.compiler;

import java.util.Collections;
import java.util.Map;

/**
 * The result of compiling one wasm module: JVM classes plus the (metered) wasm the runtime instantiates
 * them with. Immutable.
 *
 * @param stamp what this was compiled from and with
 * @param mainClass binary name of the class implementing Chicory's {@code Machine}
 * @param classes class bytes by binary name, in a stable order
 * @param wasm the module as compiled (with metering injected when on); the runtime parses it to instantiate
 * @param report sizes and fallbacks worth knowing about
 * @param source the module as given to the compiler (its SHA-256 is the stamp's); recompiling it reproduces
 *     every other component byte for byte
 */
public record CompiledModule(
        CompilerStamp stamp, String mainClass, Map<String, byte[]> classes, byte[] wasm, CompilationReport report,
        byte[] source) {

    public CompiledModule {
        classes = Collections.unmodifiableMap(classes);
    }
}
