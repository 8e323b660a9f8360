package io.llmtestbench.runtime.spec;

import com.dylibso.chicory.runtime.GlobalInstance;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportGlobal;
import com.dylibso.chicory.runtime.ImportMemory;
import com.dylibso.chicory.runtime.ImportTable;
import com.dylibso.chicory.runtime.ImportValue;
import com.dylibso.chicory.runtime.TableInstance;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.Table;
import com.dylibso.chicory.wasm.types.TableLimits;
import com.dylibso.chicory.wasm.types.ValType;
import com.dylibso.chicory.wasm.types.Value;
import io.llmtestbench.runtime.internal.exec.PluginMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code spectest} host module every script may import, as the reference interpreter defines it
 * ({@code interpreter/host/spectest.ml}): print functions that do nothing visible, four constant globals
 * (666 / 666.6), a table of 10 funcref (max 20), one memory page (max 2) and a shared memory (for the
 * threads proposal), both {@code PluginMemory}s as generated code requires. One fresh set per script: its
 * memory and table are shared by the script's modules,
 * as in the reference interpreter.
 */
final class SpectestHost {
    static final String MODULE = "spectest";

    private final List<ImportValue> values = new ArrayList<>();
    /** How many times a print function was called (prints are swallowed to keep the test output readable). */
    final AtomicLong prints = new AtomicLong();

    SpectestHost() {
        print("print");
        print("print_i32", ValType.I32);
        print("print_i64", ValType.I64);
        print("print_f32", ValType.F32);
        print("print_f64", ValType.F64);
        print("print_i32_f32", ValType.I32, ValType.F32);
        print("print_f64_f64", ValType.F64, ValType.F64);
        values.add(new ImportGlobal(MODULE, "global_i32", new GlobalInstance(Value.i32(666))));
        values.add(new ImportGlobal(MODULE, "global_i64", new GlobalInstance(Value.i64(666))));
        values.add(new ImportGlobal(MODULE, "global_f32", new GlobalInstance(Value.fromFloat(666.6f))));
        values.add(new ImportGlobal(MODULE, "global_f64", new GlobalInstance(Value.fromDouble(666.6))));
        values.add(new ImportTable(MODULE, "table",
                new TableInstance(new Table(ValType.FuncRef, new TableLimits(10, 20)), Value.REF_NULL_VALUE)));
        values.add(new ImportMemory(MODULE, "memory", new PluginMemory(new MemoryLimits(1, 2), 2, null)));
        values.add(new ImportMemory(MODULE, "shared_memory", new PluginMemory(new MemoryLimits(1, 2, true), 2, null)));
    }

    private void print(String name, ValType... params) {
        values.add(new HostFunction(MODULE, name, FunctionType.of(List.of(params), List.of()), (instance, args) -> {
            prints.incrementAndGet();
            return null;
        }));
    }

    /** Every value named {@code name} (normally one). */
    List<ImportValue> lookup(String name) {
        List<ImportValue> found = new ArrayList<>();
        for (ImportValue v : values) {
            if (v.name().equals(name)) {
                found.add(v);
            }
        }
        return found;
    }
}
