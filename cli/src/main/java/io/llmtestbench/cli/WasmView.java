package io.llmtestbench.cli;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.GlobalImport;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.MemoryImport;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.MutabilityType;
import com.dylibso.chicory.wasm.types.TableImport;
import com.dylibso.chicory.wasm.types.TableLimits;
import com.dylibso.chicory.wasm.types.ValType;
import io.llmtestbench.abi.PluginAbi;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The plugin's own view of a module: its exports and imports with WAT signatures and its function counts.
 */
final class WasmView {
    record Item(String module, String name, String kind, String signature) {}

    final List<Item> exports = new ArrayList<>();
    final List<Item> imports = new ArrayList<>();
    final int importedFunctions;
    final int definedFunctions;

    WasmView(WasmModule m) {
        List<FunctionType> importedTypes = new ArrayList<>();
        List<String> importedGlobals = new ArrayList<>();
        List<String> importedMemories = new ArrayList<>();
        List<String> importedTables = new ArrayList<>();
        for (int i = 0; i < m.importSection().importCount(); i++) {
            Import imp = m.importSection().getImport(i);
            String sig;
            String kind = kind(imp.importType());
            switch (kind) {
                case "func": {
                    FunctionType t = m.typeSection().getType(((FunctionImport) imp).typeIndex());
                    importedTypes.add(t);
                    sig = PluginAbi.wat(t);
                    break;
                }
                case "memory":
                    sig = memory(((MemoryImport) imp).limits());
                    importedMemories.add(sig);
                    break;
                case "table": {
                    TableImport t = (TableImport) imp;
                    sig = table(t.limits(), t.entryType());
                    importedTables.add(sig);
                    break;
                }
                case "global": {
                    GlobalImport g = (GlobalImport) imp;
                    sig = global(g.type(), g.mutabilityType());
                    importedGlobals.add(sig);
                    break;
                }
                default:
                    sig = "(" + kind + ")";
            }
            imports.add(new Item(imp.module(), imp.name(), kind, sig));
        }
        importedFunctions = importedTypes.size();
        definedFunctions = m.functionSection().functionCount();
        for (int i = 0; i < m.exportSection().exportCount(); i++) {
            Export e = m.exportSection().getExport(i);
            String kind = kind(e.exportType());
            String sig;
            int idx = e.index();
            switch (kind) {
                case "func":
                    sig = PluginAbi.wat(idx < importedTypes.size() ? importedTypes.get(idx)
                            : m.typeSection().getType(m.functionSection().getFunctionType(idx - importedTypes.size())));
                    break;
                case "memory":
                    sig = idx < importedMemories.size() ? importedMemories.get(idx)
                            : memory(m.memorySection().orElseThrow().getMemory(idx - importedMemories.size()).limits());
                    break;
                case "table":
                    if (idx < importedTables.size()) {
                        sig = importedTables.get(idx);
                    } else {
                        var t = m.tableSection().getTable(idx - importedTables.size());
                        sig = table(t.limits(), t.elementType());
                    }
                    break;
                case "global":
                    if (idx < importedGlobals.size()) {
                        sig = importedGlobals.get(idx);
                    } else {
                        var g = m.globalSection().getGlobal(idx - importedGlobals.size());
                        sig = global(g.valueType(), g.mutabilityType());
                    }
                    break;
                default:
                    sig = "(" + kind + ")";
            }
            exports.add(new Item(null, e.name(), kind, sig));
        }
    }

    private static String kind(ExternalType t) {
        return t.name().toLowerCase(Locale.ROOT).replace("function", "func");
    }

    private static String memory(MemoryLimits l) {
        StringBuilder sb = new StringBuilder("(memory ").append(l.initialPages());
        if (l.maximumPages() < 65536) {
            sb.append(' ').append(l.maximumPages());
        }
        if (l.shared()) {
            sb.append(" shared");
        }
        return sb.append(')').toString();
    }

    private static String table(TableLimits l, ValType type) {
        StringBuilder sb = new StringBuilder("(table ").append(l.min());
        if (l.max() < TableLimits.LIMIT_MAX) {
            sb.append(' ').append(l.max());
        }
        return sb.append(' ').append(type.toString().toLowerCase(Locale.ROOT)).append(')').toString();
    }

    private static String global(ValType type, MutabilityType mut) {
        String t = type.toString().toLowerCase(Locale.ROOT);
        return "(global " + (mut == MutabilityType.Var ? "(mut " + t + ")" : t) + ")";
    }
}
