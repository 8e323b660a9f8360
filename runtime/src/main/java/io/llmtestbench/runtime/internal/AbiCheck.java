package io.llmtestbench.runtime.internal;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import io.llmtestbench.abi.PluginAbi;
import io.llmtestbench.runtime.PluginLoadException;
import io.llmtestbench.runtime.PluginLoadException.Reason;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Checks a module against the plugin ABI before anything runs; every refusal names what and shows what was expected. */
public final class AbiCheck {
    private AbiCheck() {}

    /** What a plugin module imports, sorted by kind, for {@code inspect} and permissions. */
    public record Imports(List<String> hostFunctions, List<String> wasiFunctions) {}

    public static Imports check(String label, WasmModule module, boolean enableWasi) {
        Map<String, Export> exports = new LinkedHashMap<>();
        for (int i = 0; i < module.exportSection().exportCount(); i++) {
            Export e = module.exportSection().getExport(i);
            exports.put(e.name(), e);
        }
        Export memory = exports.get(PluginAbi.MEMORY);
        if (memory == null || memory.exportType() != ExternalType.MEMORY) {
            throw new PluginLoadException(Reason.MISSING_EXPORT, label,
                    "missing export `memory` (expected: the module's own linear memory, exported as \"memory\")", null);
        }
        if (memory.index() < module.importSection().count(ExternalType.MEMORY)) {
            throw new PluginLoadException(Reason.MISSING_EXPORT, label,
                    "export `memory` is an imported memory; a plugin must define its own memory", null);
        }
        for (var required : PluginAbi.REQUIRED_EXPORTS.entrySet()) {
            Export e = exports.get(required.getKey());
            String expected = PluginAbi.wat(required.getValue());
            if (e == null || e.exportType() != ExternalType.FUNCTION) {
                throw new PluginLoadException(Reason.MISSING_EXPORT, label,
                        "missing export `" + required.getKey() + "` (expected: " + expected + ")", null);
            }
            FunctionType actual = functionType(module, e.index());
            if (!sameSignature(actual, required.getValue())) {
                throw new PluginLoadException(Reason.MISSING_EXPORT, label,
                        "export `" + required.getKey() + "` has signature " + PluginAbi.wat(actual) + " (expected: " + expected + ")", null);
            }
        }
        List<String> host = new ArrayList<>();
        List<String> wasi = new ArrayList<>();
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imp = module.importSection().getImport(i);
            String name = imp.module() + "." + imp.name();
            if (imp.importType() != ExternalType.FUNCTION) {
                throw new PluginLoadException(Reason.UNKNOWN_IMPORT, label,
                        "imports " + imp.importType().name().toLowerCase(java.util.Locale.ROOT) + " `" + name
                                + "`; plugins may import only host functions from \"env\" (and WASI when enabled)", null);
            }
            FunctionType type = module.typeSection().getType(((FunctionImport) imp).typeIndex());
            if (imp.module().equals(PluginAbi.HOST_MODULE)) {
                FunctionType expected = PluginAbi.HOST_FUNCTIONS.get(imp.name());
                if (expected == null) {
                    throw new PluginLoadException(Reason.UNKNOWN_IMPORT, label,
                            "unknown import `" + name + "`; the host provides " + String.join(", ", PluginAbi.HOST_FUNCTIONS.keySet()), null);
                }
                if (!sameSignature(type, expected)) {
                    throw new PluginLoadException(Reason.UNKNOWN_IMPORT, label,
                            "import `" + name + "` has signature " + PluginAbi.wat(type) + " (expected: " + PluginAbi.wat(expected) + ")", null);
                }
                host.add(imp.name());
            } else if (imp.module().equals(PluginAbi.WASI_MODULE)) {
                if (!enableWasi) {
                    throw new PluginLoadException(Reason.WASI_NOT_ENABLED, label,
                            "imports WASI function `" + name + "` but WASI is not enabled (RuntimeConfig.enableWasi)", null);
                }
                wasi.add(imp.name());
            } else {
                throw new PluginLoadException(Reason.UNKNOWN_IMPORT, label,
                        "unknown import `" + name + "`; plugins may import from \"env\" and \"" + PluginAbi.WASI_MODULE + "\" only", null);
            }
        }
        return new Imports(List.copyOf(host), List.copyOf(wasi));
    }

    static FunctionType functionType(WasmModule module, int functionIndex) {
        int imported = module.importSection().count(ExternalType.FUNCTION);
        if (functionIndex < imported) {
            int seen = 0;
            for (int i = 0; i < module.importSection().importCount(); i++) {
                Import imp = module.importSection().getImport(i);
                if (imp.importType() == ExternalType.FUNCTION) {
                    if (seen++ == functionIndex) {
                        return module.typeSection().getType(((FunctionImport) imp).typeIndex());
                    }
                }
            }
        }
        return module.typeSection().getType(module.functionSection().getFunctionType(functionIndex - imported));
    }

    static boolean sameSignature(FunctionType a, FunctionType b) {
        return a.params().equals(b.params()) && a.returns().equals(b.returns());
    }
}
