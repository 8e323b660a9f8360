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
import io.llmtestbench.compiler.internal.Backend;
import io.llmtestbench.compiler.internal.BlockTypeIndices;
import io.llmtestbench.compiler.internal.FunctionReferences;
import io.llmtestbench.compiler.internal.BytecodeTransformer;
import io.llmtestbench.compiler.internal.ChicoryBackend;
import io.llmtestbench.compiler.internal.CodeSizes;
import io.llmtestbench.compiler.internal.CostModel;
import io.llmtestbench.compiler.internal.FuelInjector;
import io.llmtestbench.compiler.internal.FunctionInstrumenter;
import io.llmtestbench.compiler.internal.ModuleDiagnostics;
import io.llmtestbench.compiler.internal.InterpreterGuards;
import io.llmtestbench.compiler.internal.ModuleLimits;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.objectweb.asm.MethodTooLargeException;

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
    /** The Chicory version behind the parser, validator and code generator. */
    public static final String CHICORY_VERSION;

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
     * A digest of the classes that decide what generated code looks like, so that a compiler change under the
     * same project version still changes the stamp (and so invalidates caches and pre-compiled jars).
     */
    private static String codeHash() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Class<?> c : List.of(FuelInjector.class, BytecodeTransformer.class, FunctionInstrumenter.class,
                    InterpreterGuards.class, BlockTypeIndices.class, FunctionReferences.class, CostModel.class, ChicoryBackend.class,
                    io.llmtestbench.compiler.internal.RuntimeContract.class, WasmCompiler.class)) {
                try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
                    digest.update(in.readAllBytes());
                }
            }
            return HexFormat.of().formatHex(digest.digest()).substring(0, 12);
        } catch (IOException | NoSuchAlgorithmException | NullPointerException e) {
            throw new ExceptionInInitializerError("cannot read the compiler's own classes: " + e);
        }
    }

    private static final Pattern FUNC = Pattern.compile("func_(\\d+)");

    private WasmCompiler() {}

    /** The stamp a module with this SHA-256 gets under these options. */
    public static CompilerStamp stampFor(String wasmSha256, boolean metering) {
        return new CompilerStamp(VERSION, CHICORY_VERSION, PluginAbi.VERSION, metering, CostModel.VERSION, wasmSha256);
    }

    /** Hex SHA-256 of the bytes. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
        long start = System.nanoTime();
        String sha = sha256(wasm);
        Loaded loaded = load(wasm, options.limits());
        WasmModule module = loaded.module();
        CompilerStamp stamp = stampFor(sha, options.metering());
        String className = options.className() != null
                ? options.className()
                : "llmtb.gen.m" + sha.substring(0, 16) + (options.metering() ? "" : "u") + ".Module";

        byte[] compiledWasm = loaded.wasm();
        WasmModule compiledModule = module;
        int fuelFunction = -1;
        int bulkFunction = -1;
        long segments = 0;
        if (options.metering()) {
            FuelInjector.Result injected;
            try {
                injected = FuelInjector.inject(loaded.wasm(), module);
            } catch (RuntimeException e) {
                throw new CompilationException(CompilationException.Kind.INTERNAL,
                        "metering injection failed: " + e, null, -1, -1, e);
            }
            if (injected != null) {
                compiledWasm = injected.wasm();
                fuelFunction = injected.fuelFunction();
                bulkFunction = injected.bulkFunction();
                segments = injected.staticSegments();
                try {
                    compiledModule = Parser.parse(compiledWasm);
                } catch (ChicoryException e) {
                    throw new CompilationException(CompilationException.Kind.INTERNAL,
                            "metered module does not validate (a compiler bug): " + e.getMessage(), null, -1, -1, e);
                }
            }
        }

        Backend backend = new ChicoryBackend(CHICORY_VERSION);
        // Instrumentation grows a method; one that no longer fits in 64 KB is left to the interpreter (metered
        // the same way, through the fuel calls in its wasm body) and the module translated again. Functions
        // left to the interpreter get guards where Chicory's interpreter computes wrong results (InterpreterGuards).
        Set<Integer> interpret = new TreeSet<>();
        Set<Integer> guarded = new TreeSet<>();
        Backend.Output output;
        Map<String, byte[]> classes;
        while (true) {
            try {
                output = backend.translate(compiledModule, className, interpret);
            } catch (RuntimeException e) {
                throw new CompilationException(CompilationException.Kind.INTERNAL,
                        "code generation failed: " + e, null, -1, -1, e);
            }
            Set<Integer> unguarded = new TreeSet<>(output.interpretedFunctions());
            unguarded.removeAll(guarded);
            guarded.addAll(unguarded);
            if (InterpreterGuards.needed(compiledWasm, compiledModule, unguarded)) {
                compiledWasm = InterpreterGuards.apply(compiledWasm, compiledModule, unguarded);
                try {
                    compiledModule = Parser.parse(compiledWasm);
                } catch (ChicoryException e) {
                    throw new CompilationException(CompilationException.Kind.INTERNAL,
                            "guarded module does not validate (a compiler bug): " + e.getMessage(), null, -1, -1, e);
                }
                interpret.addAll(output.interpretedFunctions());
                continue;
            }
            try {
                // every class is stamped with the module it runs over: compiledWasm is final once no guard is added
                var transformer = new BytecodeTransformer(stamp.forClasses(sha256(compiledWasm)), fuelFunction, bulkFunction);
                classes = transformAll(transformer, output);
                break;
            } catch (MethodTooLargeException e) {
                Matcher m = FUNC.matcher(e.getMethodName());
                interpret.addAll(output.interpretedFunctions());
                if (!m.matches() || !interpret.add(Integer.parseInt(m.group(1)))) {
                    throw new CompilationException(CompilationException.Kind.INTERNAL,
                            "bytecode transformation of " + e.getClassName() + " failed: " + e, null, -1, -1, e);
                }
            }
        }
        var report = CodeSizes.report(module.functionSection().functionCount(), Set.copyOf(output.interpretedFunctions()), classes,
                compiledWasm, segments, (System.nanoTime() - start) / 1_000_000);
        return new CompiledModule(stamp, output.mainClass(), classes, compiledWasm, report, wasm.clone());
    }

    private static Map<String, byte[]> transformAll(BytecodeTransformer transformer, Backend.Output output)
            throws CompilationException {
        Map<String, byte[]> classes = new LinkedHashMap<>();
        for (var entry : output.classes().entrySet()) {
            try {
                classes.put(entry.getKey(), transformer.transform(entry.getValue()));
            } catch (MethodTooLargeException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new CompilationException(CompilationException.Kind.INTERNAL,
                        "bytecode transformation of " + entry.getKey() + " failed: " + e, null, -1, -1, e);
            }
        }
        return classes;
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
            if (type.params().contains(ValType.V128) || type.returns().contains(ValType.V128)) {
                throw unsupported("SIMD (v128) in type " + t, "type", -1);
            }
        }
        for (int g = 0; g < module.globalSection().globalCount(); g++) {
            if (module.globalSection().getGlobal(g).valueType().equals(ValType.V128)) {
                throw unsupported("SIMD (v128) in global " + g, "global", -1);
            }
        }
        int functions = module.functionSection().functionCount();
        for (int i = 0; i < functions; i++) {
            FunctionBody body = module.codeSection().getFunctionBody(i);
            if (body.localTypes().contains(ValType.V128)) {
                throw unsupported("SIMD (v128 local) in function " + (imported + i), "code", imported + i);
            }
            for (AnnotatedInstruction ins : body.instructions()) {
                if ((ins.opcode().opcode() >>> 8) == 0xFD) {
                    throw unsupported("SIMD instruction " + ins.opcode().name().toLowerCase(java.util.Locale.ROOT)
                            + " in function " + (imported + i) + " at offset 0x" + Integer.toHexString(ins.address()),
                            "code", imported + i);
                }
            }
        }
    }

    private static CompilationException unsupported(String what, String section, int function) {
        return new CompilationException(CompilationException.Kind.UNSUPPORTED,
                "unsupported feature: " + what + " (this compiler does not compile SIMD)", section, function, -1, null);
    }
}
