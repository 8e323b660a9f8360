package io.llmtestbench.bench;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ExecutionListener;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.llmtestbench.compiler.CompilationException;
import io.llmtestbench.compiler.CompiledModule;
import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.compiler.WasmCompiler;
import io.llmtestbench.runtime.fixtures.GuestCode;
import io.llmtestbench.runtime.fixtures.GuestCode.GuestMeter;
import java.util.List;
import java.util.function.Function;

/**
 * One instance of a wasm module on one {@link Engine}, outside the plugin system: what the kernel and
 * guest-only benchmarks call. For our compiler it is set up exactly as the runtime sets up a plugin
 * instance (the runtime's test fixture {@link GuestCode}: classes checked and defined as a plugin's, memory a
 * {@code PluginMemory} carrying a budget), minus the ABI calls and the host environment.
 */
public final class Guest {
    public final Engine engine;
    public final Instance instance;
    public final Memory memory;
    /** The meter our generated code charges (null on Chicory's engines). */
    public final GuestMeter budget;
    /** Our compiler's report (null on Chicory's engines). */
    public final CompiledModule compiled;

    private Guest(Engine engine, Instance instance, GuestMeter budget, CompiledModule compiled) {
        this.engine = engine;
        this.instance = instance;
        this.memory = instance.memory();
        this.budget = budget;
        this.compiled = compiled;
    }

    public static Guest create(Engine engine, byte[] wasm, String label, List<ImportFunction> imports) {
        return create(engine, wasm, label, imports, null);
    }

    /**
     * @param listener Chicory's per-instruction listener; only the interpreter calls it
     */
    public static Guest create(Engine engine, byte[] wasm, String label, List<ImportFunction> imports, ExecutionListener listener) {
        return Code.prepare(engine, wasm, label).instantiate(imports, listener);
    }

    /**
     * A module compiled (and its classes defined) once for one engine, from which any number of fresh instances
     * are made, as the runtime's instance pool does: the instances share the generated classes, so the JIT's
     * work on them carries over from one instance to the next.
     */
    public static final class Code {
        private final Engine engine;
        private final CompiledModule compiled;
        private final GuestCode loaded;
        private final WasmModule module;
        private final Function<Instance, Machine> factory;

        private Code(Engine engine, CompiledModule compiled, GuestCode loaded, WasmModule module, Function<Instance, Machine> factory) {
            this.engine = engine;
            this.compiled = compiled;
            this.loaded = loaded;
            this.module = module;
            this.factory = factory;
        }

        public static Code prepare(Engine engine, byte[] wasm, String label) {
            switch (engine) {
                case OURS_METERED:
                case OURS_UNMETERED: {
                    CompiledModule cm;
                    try {
                        cm = WasmCompiler.compile(wasm, CompilerOptions.defaults().withMetering(engine == Engine.OURS_METERED));
                    } catch (CompilationException e) {
                        throw new IllegalStateException("cannot compile " + label + ": " + e.getMessage(), e);
                    }
                    GuestCode code = GuestCode.define(label, cm);
                    return new Code(engine, cm, code, code.module(), code.machineFactory());
                }
                case CHICORY_AOT: {
                    WasmModule module = Parser.parse(wasm);
                    Function<Instance, Machine> factory = MachineFactoryCompiler.builder(module).withInterpreterFallback(InterpreterFallback.WARN).compile();
                    return new Code(engine, null, null, module, factory);
                }
                case CHICORY_INTERP:
                    return new Code(engine, null, null, Parser.parse(wasm), null);
                default:
                    throw new IllegalArgumentException(String.valueOf(engine));
            }
        }

        public Guest instantiate(List<ImportFunction> imports) {
            return instantiate(imports, null);
        }

        public Guest instantiate(List<ImportFunction> imports, ExecutionListener listener) {
            ImportValues values = ImportValues.builder().withFunctions(imports).build();
            Instance.Builder builder = Instance.builder(module).withImportValues(values).withStart(false);
            GuestMeter budget = null;
            if (loaded != null) {
                budget = loaded.configure(builder);
            } else {
                builder.withMemoryFactory(ByteArrayMemory::new);
                if (factory != null) {
                    builder.withMachineFactory(factory);
                }
            }
            if (listener != null && engine == Engine.CHICORY_INTERP) {
                builder.withUnsafeExecutionListener(listener);
            }
            return new Guest(engine, builder.build(), budget, compiled);
        }
    }

    /** Wraps an instance built elsewhere (Chicory's API), for {@link AbiClient}. */
    public static Guest wrap(Instance instance) {
        return new Guest(Engine.CHICORY_AOT, instance, null, null);
    }

    public ExportFunction export(String name) {
        return instance.export(name);
    }

    /** Starts a new run as the runtime does for each execution: full fuel, depth 0 (no-op on Chicory). */
    public void resetBudget() {
        if (budget != null) {
            budget.reset();
        }
    }

    /** Fuel charged since the last {@link #resetBudget()}, or -1 on Chicory's engines. */
    public long fuelUsed() {
        return budget == null ? -1 : budget.fuelUsed();
    }
}
