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
        long classFileBytes = 0;
        for (byte[] c : classes.values()) {
            classFileBytes += c.length;
        }
        return new CompilationReport(definedFunctions, interpreted, functions, methods, classes.size(), classFileBytes, wasm.length,
                meteredSegments, compileMillis);
    }

    /** Defined functions of a module (metering is in the generated code: the module is compiled as it is). */
    public static int definedFunctions(byte[] wasm) {
        return bodySizes(wasm).length;
    }

    /**
     * Read from the import section's bytes ({@link #countFunctionImports}); only an import of a form that reads
     * does not know goes through Chicory's parser. A pre-compiled jar's load computes this report, and Chicory's
     * {@code Parser} is some 60 classes that a load with remembered declarations otherwise never loads (issue #16
     * point 4).
     */
    static int importedFunctions(byte[] wasm) {
        int counted = countFunctionImports(wasm);
        return counted >= 0 ? counted : importedFunctionsByChicory(wasm);
    }

    /**
     * The function imports of a module, from its import section's bytes: each import's two names, its kind and the
     * description of that kind (a type index; a table's reference type and limits; a memory's limits; a global's
     * value type and mutability; a tag's attribute and type index). -1 when the section has a form this does not read
     * (a typed reference, a limits flag it does not know) or does not end where its size says.
     */
    static int countFunctionImports(byte[] wasm) {
        try {
            int pos = 8;
            while (pos < wasm.length) {
                int id = wasm[pos] & 0xff;
                Leb128.Read size = Leb128.readUnsigned(wasm, pos + 1);
                int start = size.next();
                int end = start + (int) size.value();
                if (id == SECTION_IMPORT) {
                    Leb128.Read count = Leb128.readUnsigned(wasm, start);
                    int p = count.next();
                    int functions = 0;
                    for (long i = 0; i < count.value(); i++) {
                        p = skipName(wasm, skipName(wasm, p));
                        int kind = wasm[p++] & 0xff;
                        switch (kind) {
                            case 0: // function: type index
                                functions++;
                                p = Leb128.readUnsigned(wasm, p).next();
                                break;
                            case 1: // table: funcref or externref, limits
                                int ref = wasm[p++] & 0xff;
                                if (ref != 0x70 && ref != 0x6f) {
                                    return -1;
                                }
                                p = skipLimits(wasm, p);
                                break;
                            case 2: // memory: limits
                                p = skipLimits(wasm, p);
                                break;
                            case 3: // global: a value type of one byte, mutability
                                int type = wasm[p++] & 0xff;
                                if (type < 0x7b && type != 0x70 && type != 0x6f || type > 0x7f) {
                                    return -1;
                                }
                                p++;
                                break;
                            case 4: // tag: attribute, type index
                                p = Leb128.readUnsigned(wasm, p + 1).next();
                                break;
                            default:
                                return -1;
                        }
                        if (p < 0) {
                            return -1;
                        }
                    }
                    return p == end ? functions : -1;
                }
                pos = end;
            }
            return 0;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static int skipName(byte[] wasm, int p) {
        Leb128.Read length = Leb128.readUnsigned(wasm, p);
        return length.next() + (int) length.value();
    }

    /** Limits: flags (bit 0: a maximum follows), minimum, maximum; -1 for flags this does not know. */
    private static int skipLimits(byte[] wasm, int p) {
        int flags = wasm[p] & 0xff;
        if (flags > 7) {
            return -1;
        }
        int next = Leb128.readUnsigned(wasm, p + 1).next();
        return (flags & 1) != 0 ? Leb128.readUnsigned(wasm, next).next() : next;
    }

    /**
     * Through Chicory's listener, which hands over the import section and nothing else: its {@code parse(Supplier)}
     * would also compute the SHA-256 of the whole module, the slowest thing a fresh JVM can do with it (issue #16
     * point 4).
     */
    static int importedFunctionsByChicory(byte[] wasm) {
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
