package io.llmtestbench.abi;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import io.llmtestbench.abi.AbiProblem.Kind;
import io.llmtestbench.abi.AbiProblem.Severity;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The structural ABI check behind {@link PluginAbi#check}: memory, required exports, imports. */
final class ModuleCheck {
    private ModuleCheck() {}

    /** {@code _initialize}, when exported: the host calls it with no arguments and ignores no result. */
    private static final FunctionType INITIALIZE_TYPE = FunctionType.of(List.of(), List.of());

    static List<AbiProblem> check(WasmModule module) {
        List<AbiProblem> problems = new ArrayList<>();
        Map<String, Export> exports = new LinkedHashMap<>();
        for (int i = 0; i < module.exportSection().exportCount(); i++) {
            Export e = module.exportSection().getExport(i);
            exports.putIfAbsent(e.name(), e);
        }

        Export memory = exports.get(PluginAbi.MEMORY);
        if (memory == null || memory.exportType() != ExternalType.MEMORY) {
            problems.add(error(Kind.MEMORY, PluginAbi.MEMORY,
                    "missing export `memory` (expected: the module's own linear memory, exported as \"memory\")"));
        } else if (memory.index() < module.importSection().count(ExternalType.MEMORY)) {
            problems.add(error(Kind.MEMORY, PluginAbi.MEMORY,
                    "export `memory` is an imported memory; a plugin must define its own memory"));
        }
        // exactly one memory: the host reads and writes the exported one, while code may use any, and the runtime
        // gives each instance one memory (with two, the host used another memory than the exported one)
        int memories = module.importSection().count(ExternalType.MEMORY)
                + module.memorySection().map(m -> m.memoryCount()).orElse(0);
        if (memories > 1) {
            problems.add(error(Kind.MEMORY, PluginAbi.MEMORY, "the module has " + memories + " memories; a plugin has"
                    + " exactly one linear memory, exported as \"memory\" (multiple memories are not part of plugin ABI 1.x)"));
        }

        for (var required : PluginAbi.REQUIRED_EXPORTS.entrySet()) {
            String name = required.getKey();
            Export e = exports.get(name);
            String expected = PluginAbi.wat(required.getValue());
            if (e == null || e.exportType() != ExternalType.FUNCTION) {
                problems.add(error(Kind.MISSING_EXPORT, name, "missing export `" + name + "` (expected: " + expected + ")"));
                continue;
            }
            FunctionType actual = functionType(module, e.index());
            if (actual == null) {
                problems.add(error(Kind.MISSING_EXPORT, name,
                        "export `" + name + "` refers to function " + e.index() + ", which does not exist (expected: " + expected + ")"));
            } else if (!sameSignature(actual, required.getValue())) {
                problems.add(error(Kind.MISTYPED_EXPORT, name,
                        "export `" + name + "` has signature " + PluginAbi.wat(actual) + " (expected: " + expected + ")"));
            }
        }

        // _initialize is optional, but the host calls it without arguments, so it must be (func) when exported
        Export initialize = exports.get(PluginAbi.INITIALIZE);
        if (initialize != null) {
            String expected = PluginAbi.wat(INITIALIZE_TYPE);
            FunctionType actual = initialize.exportType() == ExternalType.FUNCTION ? functionType(module, initialize.index()) : null;
            if (initialize.exportType() != ExternalType.FUNCTION) {
                problems.add(error(Kind.MISTYPED_EXPORT, PluginAbi.INITIALIZE, "export `" + PluginAbi.INITIALIZE + "` is a "
                        + initialize.exportType().name().toLowerCase(Locale.ROOT) + ", not a function (expected: " + expected
                        + "; the host calls it before anything else when it is exported)"));
            } else if (actual != null && !sameSignature(actual, INITIALIZE_TYPE)) {
                problems.add(error(Kind.MISTYPED_EXPORT, PluginAbi.INITIALIZE, "export `" + PluginAbi.INITIALIZE
                        + "` has signature " + PluginAbi.wat(actual) + " (expected: " + expected + ")"));
            }
        }

        // each import once: Chicory's linker counts, for every import, the imports of the same name, so repeating
        // one costs its square at every instantiation (60,000 imports of host_log, a 900 KB module, took 78 s to load)
        Map<String, Integer> times = new LinkedHashMap<>();
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imp = module.importSection().getImport(i);
            times.merge(imp.module() + "." + imp.name(), 1, Integer::sum);
        }
        times.forEach((name, n) -> {
            if (n > 1) {
                problems.add(error(Kind.DUPLICATE_IMPORT, name, "imports `" + name + "` " + n
                        + " times; a plugin imports each function once (one import serves every call)"));
            }
        });
        Set<String> checked = new HashSet<>();
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imp = module.importSection().getImport(i);
            String name = imp.module() + "." + imp.name();
            if (!checked.add(name)) {
                continue; // a repeated import: its problems are those of its first
            }
            if (imp.importType() != ExternalType.FUNCTION) {
                problems.add(error(Kind.UNKNOWN_IMPORT, name,
                        "imports " + imp.importType().name().toLowerCase(Locale.ROOT) + " `" + name
                                + "`; plugins may import only host functions from \"env\" (and WASI when enabled)"));
                continue;
            }
            if (imp.module().equals(PluginAbi.HOST_MODULE)) {
                FunctionType expected = PluginAbi.HOST_FUNCTIONS.get(imp.name());
                if (expected == null) {
                    problems.add(error(Kind.UNKNOWN_IMPORT, name,
                            "unknown import `" + name + "`; the host provides " + String.join(", ", PluginAbi.HOST_FUNCTIONS.keySet())));
                    continue;
                }
                FunctionType type = type(module, ((FunctionImport) imp).typeIndex());
                if (type == null || !sameSignature(type, expected)) {
                    problems.add(error(Kind.MISTYPED_IMPORT, name, "import `" + name + "` has signature "
                            + (type == null ? "(unknown type " + ((FunctionImport) imp).typeIndex() + ")" : PluginAbi.wat(type))
                            + " (expected: " + PluginAbi.wat(expected) + ")"));
                }
            } else if (!imp.module().equals(PluginAbi.WASI_MODULE)) {
                problems.add(error(Kind.UNKNOWN_IMPORT, name,
                        "unknown import `" + name + "`; plugins may import from \"env\" and \"" + PluginAbi.WASI_MODULE + "\" only"));
            }
        }

        Export start = exports.get("_start");
        if (start != null && start.exportType() == ExternalType.FUNCTION) {
            problems.add(new AbiProblem(Severity.WARNING, Kind.START_EXPORT, "_start",
                    "exports `_start`, which the host never runs: the module is linked as a WASI command, not a reactor,"
                            + " so what `_start` initialises (C/C++ constructors, Rust's main) never happens; link it as a"
                            + " reactor (clang -mexec-model=reactor, or a Rust cdylib), whose `_initialize` the host calls"));
        }
        return List.copyOf(problems);
    }

    private static AbiProblem error(Kind kind, String subject, String message) {
        return new AbiProblem(Severity.ERROR, kind, subject, message);
    }

    /** The type of a function (imported or defined) by index, or null when there is no such function. */
    static FunctionType functionType(WasmModule module, int functionIndex) {
        int imported = module.importSection().count(ExternalType.FUNCTION);
        if (functionIndex < 0) {
            return null;
        }
        if (functionIndex < imported) {
            int seen = 0;
            for (int i = 0; i < module.importSection().importCount(); i++) {
                Import imp = module.importSection().getImport(i);
                if (imp.importType() == ExternalType.FUNCTION && seen++ == functionIndex) {
                    return type(module, ((FunctionImport) imp).typeIndex());
                }
            }
            return null;
        }
        int defined = functionIndex - imported;
        if (defined >= module.functionSection().functionCount()) {
            return null;
        }
        return type(module, module.functionSection().getFunctionType(defined));
    }

    private static FunctionType type(WasmModule module, int typeIndex) {
        return typeIndex >= 0 && typeIndex < module.typeSection().typeCount() ? module.typeSection().getType(typeIndex) : null;
    }

    static boolean sameSignature(FunctionType a, FunctionType b) {
        return a.params().equals(b.params()) && a.returns().equals(b.returns());
    }
}
