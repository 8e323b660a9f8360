package io.llmtestbench.runtime.internal.load;

import com.dylibso.chicory.wasm.MalformedException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.CodeSection;
import com.dylibso.chicory.wasm.types.DataCountSection;
import com.dylibso.chicory.wasm.types.DataSection;
import com.dylibso.chicory.wasm.types.ElementSection;
import com.dylibso.chicory.wasm.types.ExportSection;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.FunctionSection;
import com.dylibso.chicory.wasm.types.GlobalSection;
import com.dylibso.chicory.wasm.types.ImportSection;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.MemorySection;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.Section;
import com.dylibso.chicory.wasm.types.SectionId;
import com.dylibso.chicory.wasm.types.StartSection;
import com.dylibso.chicory.wasm.types.TableSection;
import com.dylibso.chicory.wasm.types.TagSection;
import com.dylibso.chicory.wasm.types.TypeSection;
import io.llmtestbench.compiler.internal.DeclaredSizes;
import io.llmtestbench.compiler.internal.WasmBinary;
import java.io.ByteArrayInputStream;
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

    /**
     * A body that type-checks for any function type ({@code unreachable} makes the operand stack polymorphic), so
     * that the declarations can be validated with it standing in for code that is not parsed. In a holder of its own:
     * a recipe built from {@link RememberedDeclarations} parses nothing and needs none of the parser's types.
     */
    private static final class StandsIn {
        static final FunctionBody BODY = standsIn();
    }

    /** The sections the declarations parser decodes: all but the code and custom sections. */
    private static final int[] DECLARATION_SECTIONS = {SectionId.TYPE, SectionId.IMPORT, SectionId.FUNCTION, SectionId.TABLE,
        SectionId.MEMORY, SectionId.GLOBAL, SectionId.EXPORT, SectionId.START, SectionId.ELEMENT, SectionId.DATA,
        SectionId.DATA_COUNT, SectionId.TAG};

    private InstantiationRecipe() {}

    private static FunctionBody standsIn() {
        Instruction end = new Instruction(1, OpCode.END, Instruction.EMPTY_OPERANDS);
        return new FunctionBody(List.of(), List.of(
                AnnotatedInstruction.builder().from(new Instruction(0, OpCode.UNREACHABLE, Instruction.EMPTY_OPERANDS)).build(),
                AnnotatedInstruction.builder().from(end).withScope(end).build())); // the function's own end, as parsed
    }

    /**
     * The recipe of a module whose functions all run as generated classes, from its bytes, without decoding its code
     * section: every other section is parsed and validated as {@link Parser#parse(byte[])} would (types, imports,
     * tables, memory, globals and their initialisers, exports, start, element and data segments, and that there are
     * as many bodies as declared functions), but the bodies are not decoded or type-checked, since nothing runs or
     * reads them. On a pre-compiled plugin, decoding and validating the bodies was a fifth of the time to its first
     * result (issue #16 point 4). What may run is decided by the checks of the classes themselves (LoadedCode); the
     * bodies in {@code module.wasm} prove nothing about the classes beside it.
     *
     * @throws com.dylibso.chicory.wasm.ChicoryException (malformed or invalid) as the full parse would for the same
     *     declarations
     */
    public static WasmModule parseDeclarations(byte[] wasm) {
        DeclaredSizes.Problem oversized = DeclaredSizes.check(wasm); // before the parser allocates for it
        if (oversized != null) {
            throw new MalformedException(oversized.describe());
        }
        Parser.Builder parser = Parser.builder(); // a Parser keeps state while it parses: one per call
        for (int id : DECLARATION_SECTIONS) {
            parser.includeSectionId(id);
        }
        WasmModule.Builder b = WasmModule.builder();
        FunctionSection[] functions = {null};
        parser.build().parse(new ByteArrayInputStream(wasm), section -> {
            if (section instanceof FunctionSection) {
                functions[0] = (FunctionSection) section;
            }
            add(b, section);
        });
        WasmBinary.Section code = WasmBinary.find(WasmBinary.sections(wasm), SectionId.CODE);
        long bodies = code == null ? 0 : WasmBinary.count(wasm, code);
        int declared = functions[0] == null ? 0 : functions[0].functionCount();
        if (bodies != declared) {
            throw new MalformedException("function and code section have inconsistent lengths");
        }
        CodeSection.Builder stubs = CodeSection.builder();
        for (int i = 0; i < declared; i++) {
            stubs.addFunctionBody(StandsIn.BODY);
        }
        return of(b.setCodeSection(stubs.build()).build()); // build() validates the declarations
    }

    private static void add(WasmModule.Builder b, Section s) {
        if (s instanceof TypeSection) {
            b.setTypeSection((TypeSection) s);
        } else if (s instanceof ImportSection) {
            b.setImportSection((ImportSection) s);
        } else if (s instanceof FunctionSection) {
            b.setFunctionSection((FunctionSection) s);
        } else if (s instanceof TableSection) {
            b.setTableSection((TableSection) s);
        } else if (s instanceof MemorySection) {
            b.setMemorySection((MemorySection) s);
        } else if (s instanceof GlobalSection) {
            b.setGlobalSection((GlobalSection) s);
        } else if (s instanceof ExportSection) {
            b.setExportSection((ExportSection) s);
        } else if (s instanceof StartSection) {
            b.setStartSection((StartSection) s);
        } else if (s instanceof ElementSection) {
            b.setElementSection((ElementSection) s);
        } else if (s instanceof DataSection) {
            b.setDataSection((DataSection) s);
        } else if (s instanceof DataCountSection) {
            b.setDataCountSection((DataCountSection) s);
        } else if (s instanceof TagSection) {
            b.setTagSection((TagSection) s);
        }
    }

    /** The code section of a recipe: {@code count} bodies standing in for code that runs as generated classes. */
    static CodeSection compiledBodies(int count, boolean requiresDataCount) {
        CodeSection.Builder bodies = CodeSection.builder().setRequiresDataCount(requiresDataCount);
        for (int i = 0; i < count; i++) {
            bodies.addFunctionBody(COMPILED);
        }
        return bodies.build();
    }

    /**
     * The module an instance is built from.
     *
     * @param parsed the parsed (and validated) module the classes were generated from
     */
    public static WasmModule of(WasmModule parsed) {
        CodeSection code = parsed.codeSection();
        WasmModule.Builder b = WasmModule.builder()
                .withValidation(false) // validated when parsed; the empty bodies would not type-check
                .setTypeSection(parsed.typeSection())
                .setImportSection(parsed.importSection())
                .setFunctionSection(parsed.functionSection())
                .setTableSection(parsed.tableSection())
                .setGlobalSection(parsed.globalSection())
                .setExportSection(parsed.exportSection())
                .setElementSection(parsed.elementSection())
                .setCodeSection(compiledBodies(code.functionBodyCount(), code.isRequiresDataCount()))
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
