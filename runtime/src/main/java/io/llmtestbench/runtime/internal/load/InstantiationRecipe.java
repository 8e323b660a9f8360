package io.llmtestbench.runtime.internal.load;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.CodeSection;
import com.dylibso.chicory.wasm.types.FunctionBody;
import java.util.List;

/**
 * What a loaded plugin keeps of its parsed module: exactly what instantiating it needs, whatever backend generated
 * its classes. That is every section but the code — types, imports, functions' types, tables, memory, globals,
 * exports, start, element and data segments. Every function body is replaced by one shared empty body: the generated
 * classes carry all of the code (the generator compiles every function; nothing is interpreted), and nothing reads a
 * body. Custom sections (names, producers, debug info) are dropped.
 *
 * <p>Why: Chicory's parser turns each wasm instruction into an {@code AnnotatedInstruction} with a {@code long[]} of
 * operands, about 60 bytes per instruction. Kept, they were 4.6 MiB of heap per loaded copy of the Rust evaluator,
 * with or without instances; without them it is the data segments, the tables' element lists and small
 * descriptors (docs/architecture.md, vocabulary).
 */
public final class InstantiationRecipe {
    /** The body standing in for code that runs as generated classes. */
    private static final FunctionBody COMPILED = new FunctionBody(List.of(), List.of());

    private InstantiationRecipe() {}

    /**
     * The module an instance is built from.
     *
     * @param parsed the parsed (and validated) module the classes were generated from
     */
    public static WasmModule of(WasmModule parsed) {
        CodeSection code = parsed.codeSection();
        CodeSection.Builder bodies = CodeSection.builder().setRequiresDataCount(code.isRequiresDataCount());
        for (int i = 0; i < code.functionBodyCount(); i++) {
            bodies.addFunctionBody(COMPILED);
        }
        WasmModule.Builder b = WasmModule.builder()
                .withValidation(false) // validated when parsed; the empty bodies would not type-check
                .setTypeSection(parsed.typeSection())
                .setImportSection(parsed.importSection())
                .setFunctionSection(parsed.functionSection())
                .setTableSection(parsed.tableSection())
                .setGlobalSection(parsed.globalSection())
                .setExportSection(parsed.exportSection())
                .setElementSection(parsed.elementSection())
                .setCodeSection(bodies.build())
                .setDataSection(parsed.dataSection());
        parsed.memorySection().ifPresent(b::setMemorySection);
        parsed.startSection().ifPresent(b::setStartSection);
        parsed.dataCountSection().ifPresent(b::setDataCountSection);
        parsed.tagSection().ifPresent(b::setTagSection);
        if (parsed.digest() != null) {
            b.withDigest(parsed.digest());
        }
        return b.build();
    }
}
