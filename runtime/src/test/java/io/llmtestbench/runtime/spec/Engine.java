package io.llmtestbench.runtime.spec;

import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import io.llmtestbench.compiler.CompilationException;
import io.llmtestbench.compiler.CompiledModule;
import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.compiler.WasmCompiler;
import io.llmtestbench.runtime.internal.exec.Budget;
import io.llmtestbench.runtime.internal.exec.Meter;
import io.llmtestbench.runtime.internal.exec.PluginMemory;
import io.llmtestbench.runtime.internal.load.InstantiationRecipe;
import io.llmtestbench.runtime.internal.load.PluginClassLoader;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.function.Function;

/** How a script's modules are turned into running instances: our compiler, or Chicory's interpreter. */
interface Engine {

    /** A module ready to instantiate (any number of times). */
    record Prepared(WasmModule module, Function<Instance, Machine> machineFactory, CompiledModule compiled) {}

    String name();

    /**
     * Compiles (or only parses) a module.
     *
     * @throws CompilationException if it is malformed, invalid or unsupported, with the kind the spec names
     */
    Prepared prepare(String label, byte[] wasm) throws CompilationException;

    /**
     * Instantiates: links the imports, initialises tables, memories and globals and runs the start function.
     * The instance is attached to {@code budget} before any of its code runs.
     */
    Instance instantiate(Prepared prepared, ImportValues imports, Budget budget);

    /** Generated classes + metered wasm through {@link WasmCompiler}, loaded by a {@link PluginClassLoader}. */
    final class Compiled implements Engine {
        /** Pages a module's own memory may grow to: the most a PluginMemory holds, so only the module's maximum applies. */
        static final int MEMORY_CAP_PAGES = PluginMemory.MAX_PAGES;

        private final CompilerOptions options;

        Compiled(CompilerOptions options) {
            this.options = options;
        }

        @Override
        public String name() {
            return options.metering() ? "compiled+metered" : "compiled";
        }

        @Override
        public Prepared prepare(String label, byte[] wasm) throws CompilationException {
            CompiledModule compiled = WasmCompiler.compile(wasm, options);
            EmittedReferences.record(label, compiled); // for AllowListAgreementTest
            // The instance must run on exactly the wasm the classes were generated from: the metered one.
            // ...and from what a loaded plugin keeps of it (no instructions), as the runtime does
            WasmModule module = InstantiationRecipe.parseDeclarations(compiled.wasm());
            var loader = new PluginClassLoader(label, compiled.classes());
            VerifiedClasses.verify(label, compiled, loader); // every generated class, before any of it runs
            Constructor<? extends Machine> ctor;
            try {
                ctor = loader.loadClass(compiled.mainClass()).asSubclass(Machine.class).getConstructor(Instance.class);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot load " + compiled.mainClass() + " of " + label, e);
            }
            return new Prepared(module, instance -> newMachine(ctor, instance), compiled);
        }

        private static Machine newMachine(Constructor<? extends Machine> ctor, Instance instance) {
            try {
                return ctor.newInstance(instance);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof RuntimeException) {
                    throw (RuntimeException) e.getCause();
                }
                throw new IllegalStateException(e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public Instance instantiate(Prepared prepared, ImportValues imports, Budget budget) {
            // Initialisation (element/data segments, start function) is deferred until the budget is
            // registered: a module without a memory of its own finds its budget only through Meter.register.
            Instance instance = Instance.builder(prepared.module())
                    .withImportValues(imports)
                    .withMachineFactory(prepared.machineFactory())
                    .withMemoryFactory(limits -> new PluginMemory(limits, MEMORY_CAP_PAGES, budget))
                    .withInitialize(false)
                    .build();
            Meter.register(instance, budget);
            // false: the spec runs the start section only, never an export named _start.
            return instance.initialize(false);
        }
    }

    /** Chicory's own interpreter on the original (unmetered) module: the reference for differential tests. */
    final class Interpreter implements Engine {
        @Override
        public String name() {
            return "chicory-interpreter";
        }

        @Override
        public Prepared prepare(String label, byte[] wasm) throws CompilationException {
            // Same acceptance and failure kinds as the compiled engine, and the same pre-parse workarounds
            // (block-type indices Chicory's parser misreads).
            return new Prepared(WasmCompiler.validate(wasm), null, null);
        }

        @Override
        public Instance instantiate(Prepared prepared, ImportValues imports, Budget budget) {
            return Instance.builder(prepared.module()).withImportValues(imports).withInitialize(false).build()
                    .initialize(false);
        }
    }
}
