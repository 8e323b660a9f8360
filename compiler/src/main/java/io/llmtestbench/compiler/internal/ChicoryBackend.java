package io.llmtestbench.compiler.internal;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.internal.ByteClassCollector;
import com.dylibso.chicory.compiler.internal.Compiler;
import com.dylibso.chicory.wasm.WasmModule;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Chicory 1.7.5's ahead-of-time compiler as a {@link Backend}. */
public final class ChicoryBackend implements Backend {
    private final String version;

    public ChicoryBackend(String version) {
        this.version = version;
    }

    @Override
    public String name() {
        return "chicory";
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public Output translate(WasmModule module, String className, Set<Integer> interpret) {
        var builder =
                Compiler.builder(module)
                        .withClassName(className)
                        .withClassCollectorFactory(ByteClassCollector::new);
        if (interpret.isEmpty()) {
            // A function too big for one JVM method runs in Chicory's interpreter. It stays metered: the
            // fuel calls are in its wasm body.
            builder.withInterpreterFallback(InterpreterFallback.SILENT);
        } else {
            // Chicory takes a fixed set only with FAIL: the caller passes every function to interpret,
            // including those it found too big on an earlier translation.
            builder.withInterpreterFallback(InterpreterFallback.FAIL).withInterpretedFunctions(new HashSet<>(interpret));
        }
        var result = builder.build().compile();
        // Chicory mixes "a.b.C" and "a/b/C" keys; normalise to binary names, sorted for reproducible output.
        Map<String, byte[]> classes = new TreeMap<>();
        result.classBytes().forEach((name, bytes) -> classes.put(name.replace('/', '.'), bytes));
        return new Output(new LinkedHashMap<>(classes), className, result.interpretedFunctions());
    }
}
