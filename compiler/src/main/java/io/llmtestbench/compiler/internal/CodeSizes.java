package io.llmtestbench.compiler.internal;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.ImportSection;
import io.llmtestbench.compiler.CompilationReport;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds a {@link CompilationReport} from a compiled module's wasm and classes. */
public final class CodeSizes {
    private static final int SECTION_IMPORT = 2;
    private static final int SECTION_CODE = 10;

    private CodeSizes() {}

    /**
     * @param definedFunctions the module's defined functions
     * @param wasm the module as compiled
     */
    public static CompilationReport report(int definedFunctions, Set<Integer> interpreted, Map<String, byte[]> classes, byte[] wasm,
            long meteredSegments, long compileMillis) {
        List<CompilationReport.Method> methods = CompilationReport.methodsOf(classes);
        int imported = importedFunctions(wasm);
        int[] bodies = bodySizes(wasm);
        Map<Integer, Integer> bytecodeOf = new HashMap<>(); // one pass over the methods, not one per function
        for (CompilationReport.Method m : methods) {
            bytecodeOf.merge(m.wasmFunction(), m.bytecodeBytes(), Integer::sum);
        }
        List<CompilationReport.Function> functions = new ArrayList<>();
        for (int i = 0; i < Math.min(definedFunctions, bodies.length); i++) {
            int index = imported + i;
            functions.add(new CompilationReport.Function(index, bodies[i], bytecodeOf.getOrDefault(index, 0), interpreted.contains(index)));
        }
        long classFileBytes = classes.values().stream().mapToLong(c -> c.length).sum();
        return new CompilationReport(definedFunctions, interpreted, functions, methods, classes.size(), classFileBytes, wasm.length,
                meteredSegments, compileMillis);
    }

    /** Defined functions of a module (metering is in the generated code: the module is compiled as it is). */
    public static int definedFunctions(byte[] wasm) {
        return bodySizes(wasm).length;
    }

    /**
     * Through Chicory's listener, which hands over the import section and nothing else: its {@code parse(Supplier)}
     * would also compute the SHA-256 of the whole module, the slowest thing a fresh JVM can do with it (issue #16
     * point 4).
     */
    private static int importedFunctions(byte[] wasm) {
        int[] count = {0};
        Parser.builder().withValidation(false).includeSectionId(SECTION_IMPORT).build().parse(new ByteArrayInputStream(wasm), section -> {
            if (section instanceof ImportSection) {
                count[0] = ((ImportSection) section).count(ExternalType.FUNCTION);
            }
        });
        return count[0];
    }

    /** The size of each function body in the code section, in order. */
    static int[] bodySizes(byte[] wasm) {
        int pos = 8;
        while (pos < wasm.length) {
            int id = wasm[pos] & 0xff;
            Leb128.Read size = Leb128.readUnsigned(wasm, pos + 1);
            int start = size.next();
            if (id == SECTION_CODE) {
                Leb128.Read count = Leb128.readUnsigned(wasm, start);
                int[] sizes = new int[(int) count.value()];
                int p = count.next();
                for (int i = 0; i < sizes.length; i++) {
                    Leb128.Read body = Leb128.readUnsigned(wasm, p);
                    sizes[i] = (int) body.value();
                    p = body.next() + sizes[i];
                }
                return sizes;
            }
            pos = start + (int) size.value();
        }
        return new int[0];
    }
}
