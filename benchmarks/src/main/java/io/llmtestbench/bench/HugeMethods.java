package io.llmtestbench.bench;

import com.dylibso.chicory.compiler.internal.Compiler;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.llmtestbench.compiler.CompilationReport;
import io.llmtestbench.compiler.CompiledModule;
import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.compiler.WasmCompiler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lists the generated JVM methods over HotSpot's HugeMethodLimit (8000 bytecode bytes): with the default
 * {@code -XX:+DontCompileHugeMethods} HotSpot never JIT-compiles them, so they run in the bytecode
 * interpreter for ever. For the benchmark plugin and every kernel, metered and unmetered, and for Chicory's
 * own compiler output of the same module.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.llmtestbench.bench.HugeMethods [plugin.wasm ...]}
 */
public final class HugeMethods {
    private HugeMethods() {}

    public static void main(String[] args) throws Exception {
        Map<String, byte[]> modules = new LinkedHashMap<>();
        if (args.length == 0) {
            modules.put("plugin.wasm (" + Files.readString(BenchData.dataDir().resolve("plugin.txt")).strip() + ")", BenchData.pluginBytes());
        }
        for (String a : args) {
            modules.put(Path.of(a).getFileName().toString(), Files.readAllBytes(Path.of(a)));
        }
        for (String k : BenchData.KERNELS) {
            modules.put("kernel " + k, BenchData.kernelWasm(k));
        }
        System.out.println("module | compiler | functions | largest JVM method (bytes) | methods over 8000 bytes (never JIT-compiled by default) "
                + "| functions left to Chicory's interpreter (no JVM method: too large once translated)");
        for (var m : modules.entrySet()) {
            for (boolean metering : new boolean[] {true, false}) {
                CompiledModule cm = WasmCompiler.compile(m.getValue(), CompilerOptions.defaults().withMetering(metering));
                int largest = cm.report().methods().stream().mapToInt(CompilationReport.Method::bytecodeBytes).max().orElse(0);
                List<String> huge = new ArrayList<>();
                for (CompilationReport.Method lm : cm.report().largeMethods()) {
                    huge.add(lm.method() + "=" + lm.bytecodeBytes());
                }
                var interpreted = cm.report().interpretedFunctions();
                System.out.println(m.getKey() + " | ours " + (metering ? "metered" : "unmetered") + " | "
                        + cm.report().definedFunctions() + " | " + largest + " | " + (huge.isEmpty() ? "none" : String.join(", ", huge))
                        + " | " + (interpreted.isEmpty() ? "none" : interpreted.stream().map(f -> "func_" + f).collect(java.util.stream.Collectors.joining(", "))));
            }
            WasmModule module = Parser.parse(m.getValue());
            var result = Compiler.builder(module).withClassCollectorFactory(com.dylibso.chicory.compiler.internal.ByteClassCollector::new).build().compile();
            int largest = 0;
            List<String> huge = new ArrayList<>();
            for (CompilationReport.Method method : CompilationReport.methodsOf(result.classBytes())) {
                largest = Math.max(largest, method.bytecodeBytes());
                if (method.huge()) {
                    huge.add(method.method() + "=" + method.bytecodeBytes());
                }
            }
            System.out.println(m.getKey() + " | Chicory compiler | " + module.functionSection().functionCount() + " | " + largest + " | "
                    + (huge.isEmpty() ? "none" : String.join(", ", huge)) + " | " + (result.interpretedFunctions().isEmpty() ? "none"
                    : result.interpretedFunctions().stream().map(f -> "func_" + f).collect(java.util.stream.Collectors.joining(", "))));
        }
    }
}
