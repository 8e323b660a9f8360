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
 */
public record CompiledModule(
        CompilerStamp stamp, String mainClass, Map<String, byte[]> classes, byte[] wasm, CompilationReport report) {

    public CompiledModule {
        classes = Collections.unmodifiableMap(classes);
    }
}
