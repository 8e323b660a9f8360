package io.llmtestbench.compiler;

import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.InvalidException;
import com.dylibso.chicory.wasm.MalformedException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.ValType;
import io.llmtestbench.abi.PluginAbi;
import io.llmtestbench.compiler.internal.BlockTypeIndices;
import io.llmtestbench.compiler.internal.CodeHash;
import io.llmtestbench.compiler.internal.CodeSizes;
import io.llmtestbench.compiler.internal.CompilerThread;
import io.llmtestbench.compiler.internal.CostModel;
import io.llmtestbench.compiler.internal.DeclaredSizes;
import io.llmtestbench.compiler.internal.FunctionReferences;
import io.llmtestbench.compiler.internal.ModuleDiagnostics;
import io.llmtestbench.compiler.internal.ModuleLimits;
import io.llmtestbench.compiler.internal.Sha256;
import io.llmtestbench.compiler.internal.gen.GenBackend;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Compiles WebAssembly modules to JVM classes, with deterministic fuel metering. Thread-safe and
 * stateless; the entry point of the compiler library.
 *
 * <pre>{@code
 * CompiledModule m = WasmCompiler.compile(Files.readAllBytes(path), CompilerOptions.defaults());
 * }</pre>
 */
public final class WasmCompiler {
    /** This compiler's version (the project version). */
    public static final String VERSION;
    /** The Chicory version behind the parser and validator (and the runtime that instantiates the module). */
    public static final String CHICORY_VERSION;

    /** The classes whose class files the code hash in {@link #VERSION} covers ({@link CodeHash#COMPILER_CLASSES}). */
    static final List<String> CODE_CLASSES = CodeHash.COMPILER_CLASSES;

    static {
        var props = new Properties();
        try (InputStream in = WasmCompiler.class.getResourceAsStream("compiler.properties")) {
            props.load(in);
        } catch (IOException | NullPointerException e) {
            throw new ExceptionInInitializerError("compiler.properties missing from the llmtb-compiler jar");
        }
        VERSION = props.getProperty("version") + "+" + codeHash();
        CHICORY_VERSION = props.getProperty("chicory");
    }

    /**
     * A checksum of {@link #CODE_CLASSES}' class files ({@link CodeHash#checksum}: CRC-32 and Adler-32, 48 bits of
     * them), so that a compiler change under the same project version still changes the stamp (and so invalidates
     * caches and pre-compiled jars). Not a security boundary (a class file can carry any stamp; what a pre-compiled
     * class may reference is checked on its own). Computed when the compiler is built and read back from its
     * resource; computed here only when the classes were built without it.
     */
    private static String codeHash() {
        String built = CodeHash.read(WasmCompiler.class, CodeHash.COMPILER_RESOURCE, CodeHash.COMPILER_KEY);
        return built != null ? built : CodeHash.compilerCodeHash();
    }

    private WasmCompiler() {}

    /** The stamp a module with this SHA-256 gets under these options. */
    public static CompilerStamp stampFor(String wasmSha256, boolean metering) {
        return new CompilerStamp(VERSION, CHICORY_VERSION, PluginAbi.VERSION, metering, CostModel.VERSION, wasmSha256);
    }

    /** Hex SHA-256 of the bytes ({@link Sha256}: no provider lookup, quick in the bytecode interpreter). */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(Sha256.of(bytes));
    }

    /**
     * Parses and validates a module, the same way {@link #compile} does, without generating code.
     *
     * @throws CompilationException if it is malformed, invalid or uses an unsupported feature
     */
    public static WasmModule validate(byte[] wasm) throws CompilationException {
        return load(wasm, CompileLimits.defaults()).module();
    }

    /** As {@link #validate(byte[])}, under these limits. */
    public static WasmModule validate(byte[] wasm, CompileLimits limits) throws CompilationException {
        return load(wasm, limits).module();
    }

    /** A module as parsed, and the bytes it was parsed from (the input, or the input with workarounds applied). */
    private record Loaded(byte[] wasm, WasmModule module) {}

    private static Loaded load(byte[] wasm, CompileLimits limits) throws CompilationException {
        // Before anything is parsed: the parser allocates in proportion to what the module declares.
        DeclaredSizes.Problem oversized = DeclaredSizes.check(wasm);
        if (oversized != null) {
            throw new CompilationException(CompilationException.Kind.MALFORMED, "malformed module: " + oversized.describe(),
                    oversized.section(), -1, oversized.offset(), null);
        }
        ModuleLimits.check(wasm, limits);
        // Chicory 1.7.5 misreads block types given as type indices 64..127; remap them first.
        byte[] bytes = BlockTypeIndices.rewrite(wasm);
        WasmModule module;
        try {
            module = parse(bytes);
        } catch (CompilationException e) {
            // Chicory 1.7.5 counts a function's reference to itself as declared only by a declarative segment.
            byte[] declared = e.getCause() instanceof InvalidException
                    && FunctionReferences.UNDECLARED.equals(e.getCause().getMessage())
                    ? FunctionReferences.declareSelfReferences(bytes) : null;
            if (declared == null) {
                throw e;
            }
            bytes = declared;
            module = parse(bytes);
        }
        int[] undeclared = FunctionReferences.undeclared(module);
        if (undeclared != null) {
            throw new CompilationException(CompilationException.Kind.INVALID, "invalid module: function " + undeclared[0]
                    + ": " + FunctionReferences.UNDECLARED + " to function " + undeclared[1]
                    + " (a function's ref.func must name a function that an element segment, a global or an export declares)",
                    "code", undeclared[0], -1, null);
        }
        checkIndices(module);
        checkSupported(module);
        return new Loaded(bytes, module);
    }

    /**
     * Index checks Chicory 1.7.5 leaves to instantiation: export targets, unique export names, import types.
     * They must hold before metering appends functions, or an export of "function N+1" would reach the meter.
     */
    private static void checkIndices(WasmModule module) throws CompilationException {
        var imports = module.importSection();
        int types = module.typeSection().typeCount();
        for (int i = 0; i < imports.importCount(); i++) {
            if (imports.getImport(i) instanceof com.dylibso.chicory.wasm.types.FunctionImport) {
                int type = ((com.dylibso.chicory.wasm.types.FunctionImport) imports.getImport(i)).typeIndex();
                if (type < 0 || type >= types) {
                    throw invalid("unknown type " + type + " (import " + i + ")", "import");
                }
            }
        }
        long functions = imports.count(ExternalType.FUNCTION) + (long) module.functionSection().functionCount();
        long tables = imports.count(ExternalType.TABLE) + (long) module.tableSection().tableCount();
        long memories = imports.count(ExternalType.MEMORY) + (long) module.memorySection().map(m -> m.memoryCount()).orElse(0);
        long globals = imports.count(ExternalType.GLOBAL) + (long) module.globalSection().globalCount();
        long tags = imports.count(ExternalType.TAG) + (long) module.tagSection().map(t -> t.tagCount()).orElse(0);
        java.util.Set<String> names = new java.util.HashSet<>();
        var exports = module.exportSection();
        for (int i = 0; i < exports.exportCount(); i++) {
            var e = exports.getExport(i);
            if (!names.add(e.name())) {
                throw invalid("duplicate export name \"" + e.name() + "\"", "export");
            }
            long limit;
            String what;
            switch (e.exportType()) {
                case FUNCTION: limit = functions; what = "function"; break;
                case TABLE: limit = tables; what = "table"; break;
                case MEMORY: limit = memories; what = "memory"; break;
                case GLOBAL: limit = globals; what = "global"; break;
                default: limit = tags; what = "tag"; break;
            }
            if (e.index() < 0 || e.index() >= limit) {
                throw invalid("unknown " + what + " " + e.index() + " (export \"" + e.name() + "\")", "export");
            }
        }
        if (module.startSection().isPresent()) {
            long start = module.startSection().get().startIndex();
            if (start < 0 || start >= functions) {
                throw invalid("unknown function " + start + " (start section)", "start");
            }
        }
    }

    private static CompilationException invalid(String what, String section) {
        return new CompilationException(CompilationException.Kind.INVALID, "invalid module: " + what, section, -1, -1, null);
    }

    /**
     * Compiles a module. Nothing is written anywhere; the result holds every byte.
     *
     * @throws CompilationException if the module is malformed, invalid or uses an unsupported feature
     */
    public static CompiledModule compile(byte[] wasm, CompilerOptions options) throws CompilationException {
        // on a thread with a large stack: the generator's recursion grows with a function's nesting (CompilerThread)
        return CompilerThread.run(() -> compileHere(wasm, options));
    }

    private static CompiledModule compileHere(byte[] wasm, CompilerOptions options) throws CompilationException {
        long start = System.nanoTime();
        String sha = sha256(wasm);
        Loaded loaded = load(wasm, options.limits());
        WasmModule module = loaded.module();
        CompilerStamp stamp = stampFor(sha, options.metering());
        String className = options.className() != null
                ? options.className()
                : "llmtb.gen.m" + sha.substring(0, 16) + (options.metering() ? "" : "u") + ".Module";

        Map<String, byte[]> classes;
        try {
            classes = new GenBackend(stamp.forClasses(sha256(loaded.wasm()))).translate(module, className, options.metering());
        } catch (RuntimeException e) {
            throw new CompilationException(CompilationException.Kind.INTERNAL, "code generation failed: " + e, null, -1, -1, e);
        }
        long segments = 0;
        if (options.metering()) {
            for (int i = 0; i < module.functionSection().functionCount(); i++) {
                segments += CostModel.plan(module.codeSection().getFunctionBody(i).instructions()).segments();
            }
        }
        var report = CodeSizes.report(module.functionSection().functionCount(), Set.of(), classes, loaded.wasm(), segments,
                (System.nanoTime() - start) / 1_000_000);
        // Metering is in the generated code: the instance is built from the module as it was parsed.
        return new CompiledModule(stamp, className, classes, loaded.wasm(), report, wasm.clone());
    }

    private static WasmModule parse(byte[] wasm) throws CompilationException {
        try {
            return Parser.parse(wasm);
        } catch (MalformedException e) {
            throw ModuleDiagnostics.malformed(wasm, e);
        } catch (InvalidException e) {
            throw ModuleDiagnostics.invalid(wasm, e);
        } catch (ChicoryException e) {
            // Chicory reports a few structural problems with its base exception.
            throw ModuleDiagnostics.invalid(wasm, e);
        } catch (RuntimeException e) {
            throw ModuleDiagnostics.malformed(wasm, e);
        } catch (AssertionError e) {
            // With assertions enabled (-ea) Chicory's parser checks its own invariants on what it has read and
            // fails some of them on malformed input, where without -ea it goes on to refuse the module (found by
            // the independent oracle): the module is refused either way.
            StackTraceElement at = e.getStackTrace().length > 0 ? e.getStackTrace()[0] : null;
            throw new CompilationException(CompilationException.Kind.MALFORMED, "malformed module: the parser found an inconsistent"
                    + " structure" + (at == null ? "" : " (in " + at.getClassName().replaceAll(".*\\.", "") + "." + at.getMethodName() + ")"),
                    null, -1, -1, e);
        }
    }

    /** Refuses what the code generator does not compile, naming the feature and the function. */
    private static void checkSupported(WasmModule module) throws CompilationException {
        int imported = module.importSection().count(ExternalType.FUNCTION);
        for (int t = 0; t < module.typeSection().typeCount(); t++) {
            var type = module.typeSection().getType(t);
            for (ValType v : type.params()) {
                refuseType(v, "type " + t, "type", -1);
            }
            for (ValType v : type.returns()) {
                refuseType(v, "type " + t, "type", -1);
            }
        }
        for (int g = 0; g < module.globalSection().globalCount(); g++) {
            refuseType(module.globalSection().getGlobal(g).valueType(), "global " + g, "global", -1);
        }
        for (int t = 0; t < module.tableSection().tableCount(); t++) {
            refuseType(module.tableSection().getTable(t).elementType(), "table " + t, "table", -1);
        }
        int functions = module.functionSection().functionCount();
        for (int i = 0; i < functions; i++) {
            FunctionBody body = module.codeSection().getFunctionBody(i);
            for (ValType v : body.localTypes()) {
                refuseType(v, "a local of function " + (imported + i), "code", imported + i);
            }
            for (AnnotatedInstruction ins : body.instructions()) {
                switch (ins.opcode()) {
                    case BLOCK:
                    case LOOP:
                    case IF: {
                        long blockType = ins.operand(0);
                        // Chicory keeps a one-byte value type as its opcode (0x7f i32 ... 0x6f externref), other
                        // value types as their id, a type index as the index
                        if (!COMPILED_BLOCK_TYPES.contains(blockType) && ValType.isValid(blockType)
                                && !COMPILED_TYPES.contains(blockType)) {
                            throw unsupported((blockType == 0x7b || blockType == ValType.V128.id() ? "SIMD (v128)" : "reference type " + blockType
                                    + " other than funcref and externref (typed function references or garbage collection)")
                                    + " as the block type of " + ins.opcode().name().toLowerCase(java.util.Locale.ROOT)
                                    + " in function " + (imported + i) + " at offset 0x" + Integer.toHexString(ins.address()),
                                    "code", imported + i);
                        }
                        break;
                    }
                    default:
                        break;
                }
                String proposal = unsupportedProposal(ins.opcode());
                if (proposal != null) {
                    throw unsupported(proposal + " instruction " + ins.opcode().name().toLowerCase(java.util.Locale.ROOT)
                            + " in function " + (imported + i) + " at offset 0x" + Integer.toHexString(ins.address()),
                            "code", imported + i);
                }
            }
        }
        if (module.tagSection().isPresent() && module.tagSection().get().tagCount() > 0) {
            throw unsupported("exception handling (tag section)", "tag", -1);
        }
    }

    /** The value types generated code handles: numbers, funcref and externref (nullable, as in Wasm 2.0). */
    /** Block types as Chicory keeps them: empty, and the one-byte value types of {@link #COMPILED_TYPES}. */
    private static final java.util.Set<Long> COMPILED_BLOCK_TYPES = java.util.Set.of(0x40L, 0x7fL, 0x7eL, 0x7dL, 0x7cL, 0x70L, 0x6fL);

    private static final java.util.Set<Long> COMPILED_TYPES = java.util.Set.of(ValType.I32.id(), ValType.I64.id(),
            ValType.F32.id(), ValType.F64.id(), ValType.FuncRef.id(), ValType.ExternRef.id());

    /**
     * Refuses a value type generated code does not handle: v128 (SIMD), and every reference type but funcref and
     * externref — typed function references ({@code (ref $t)}, {@code (ref null $t)}, non-nullable references) and
     * the garbage-collection proposal's types, which Chicory's parser reads (binaryen 108 writes its pre-standard
     * encodings of them) but this compiler does not implement (found by the independent oracle against V8).
     */
    private static void refuseType(ValType v, String where, String section, int function) throws CompilationException {
        if (COMPILED_TYPES.contains(v.id())) {
            return;
        }
        if (v.id() == ValType.V128.id()) {
            throw unsupported("SIMD (v128) in " + where, section, function);
        }
        throw unsupported("reference type " + v + " in " + where + " (only funcref and externref are compiled:"
                + " typed function references or garbage collection)", section, function);
    }

    /** The proposal an instruction belongs to when this compiler does not compile it, else null. */
    private static String unsupportedProposal(com.dylibso.chicory.wasm.types.OpCode op) {
        if ((op.opcode() >>> 8) == 0xFD) {
            return "SIMD";
        }
        if ((op.opcode() >>> 8) == 0xFB) {
            return "garbage collection";
        }
        switch (op) {
            case THROW:
            case THROW_REF:
            case TRY_TABLE:
                return "exception handling";
            case CALL_REF:
            case RETURN_CALL_REF:
            case REF_AS_NON_NULL:
            case BR_ON_NULL:
            case BR_ON_NON_NULL:
                return "typed function references";
            case REF_EQ:
                return "garbage collection";
            default:
                return null;
        }
    }

    private static CompilationException unsupported(String what, String section, int function) {
        return new CompilationException(CompilationException.Kind.UNSUPPORTED,
                "unsupported feature: " + what + " (this compiler does not compile SIMD, exception handling, garbage"
                        + " collection or typed function references)", section, function, -1, null);
    }
}
