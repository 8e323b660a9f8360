package io.llmtestbench.runtime.internal;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import io.llmtestbench.compiler.CompilerStamp;
import io.llmtestbench.compiler.PluginArtifact;
import io.llmtestbench.compiler.WasmCompiler;
import io.llmtestbench.compiler.internal.RuntimeContract;
import io.llmtestbench.runtime.PluginLoadException.Stage;
import io.llmtestbench.runtime.internal.load.ClassFileCode;
import io.llmtestbench.runtime.internal.load.ClassReferenceVerifier;
import io.llmtestbench.runtime.internal.load.InstantiationRecipe;
import io.llmtestbench.runtime.internal.load.PluginClassLoader;
import io.llmtestbench.runtime.internal.load.ReferenceVerdicts;
import io.llmtestbench.runtime.internal.load.RememberedDeclarations;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One plugin version's compiled code, checked and defined in its own class loader: what instances are built from
 * (the module's {@link InstantiationRecipe}, never its parsed instructions) and the factory of their machines.
 * Immutable and shared by all instances. Retained per loaded plugin: the recipe (data and element segments,
 * descriptors), the defined classes (in Metaspace; their bytes are dropped once defined) and a method handle.
 */
public final class LoadedCode {
    private final String label;
    private final CompilerStamp stamp;
    private final WasmModule module;
    private final MethodHandle machine;
    private final PluginClassLoader loader;

    private LoadedCode(String label, CompilerStamp stamp, WasmModule module, MethodHandle machine,
            PluginClassLoader loader) {
        this.label = label;
        this.stamp = stamp;
        this.module = module;
        this.machine = machine;
        this.loader = loader;
    }

    /**
     * Checks and defines an artifact entry, refusing it ({@link PluginLoadException}, kind INVALID_PLUGIN) unless:
     * its stamp is this runtime's compiler's; every class carries that stamp bound to the SHA-256 of the
     * {@code module.wasm} it comes with ({@link CompilerStamp#forClasses}); every reference every class makes is
     * on the compiler's allow-list or to the entry's own classes ({@link ClassReferenceVerifier}); and every class
     * defines and links (JVM verification included) in its own {@link PluginClassLoader}. All of it happens here,
     * before any plugin code runs, so that a bad jar never fails later with a {@code LinkageError}.
     *
     * @param label names the plugin in messages (file name)
     * @param requireMetering refuse code compiled without fuel metering
     */
    public static LoadedCode define(String label, PluginArtifact.Entry entry, boolean requireMetering) {
        return define(label, entry, requireMetering, null);
    }

    /** {@link #define(String, PluginArtifact.Entry, boolean)}, the class-reference check through {@code verdicts} (or null). */
    public static LoadedCode define(String label, PluginArtifact.Entry entry, boolean requireMetering, ReferenceVerdicts verdicts) {
        return define(label, entry, requireMetering, verdicts, null);
    }

    /**
     * {@link #define(String, PluginArtifact.Entry, boolean, ReferenceVerdicts)}, and when the class-reference verdict
     * of {@code entry} is remembered, the module's declarations too, from {@code declarations} (or null): then the
     * module is not parsed. Declarations parsed here are remembered (when there is a cache directory) for the next load.
     */
    public static LoadedCode define(String label, PluginArtifact.Entry entry, boolean requireMetering, ReferenceVerdicts verdicts,
            RememberedDeclarations declarations) {
        CompilerStamp expected = WasmCompiler.stampFor(entry.stamp().wasmSha256(), entry.stamp().metering());
        List<String> diffs = entry.stamp().differencesFrom(expected);
        if (!diffs.isEmpty()) {
            throw Failures.load(Stage.INVALID, label,
                    "compiled artifact does not match this runtime: " + String.join("; ", diffs)
                            + " (recompile it with llmtb " + WasmCompiler.VERSION + ")", null);
        }
        if (requireMetering && !entry.stamp().metering()) {
            throw Failures.load(Stage.INVALID, label,
                    "compiled without fuel metering; the instruction limit could not be enforced", null);
        }
        String moduleSha256 = entry.moduleSha256(); // a jar's reader has hashed it already
        String classStamp = expected.forClasses(moduleSha256);
        for (Map.Entry<String, byte[]> c : entry.classes().entrySet()) {
            String found;
            try {
                found = stampOf(c.getValue());
            } catch (RuntimeException e) {
                throw Failures.load(Stage.MALFORMED, label, "class " + c.getKey() + " cannot be read: " + e, e);
            }
            if (!classStamp.equals(found)) {
                throw Failures.load(Stage.INVALID, label,
                        "class " + c.getKey() + " carries stamp " + (found == null ? "(none)" : "'" + found + "'")
                                + ", expected '" + classStamp + "'" + boundElsewhere(found, expected, moduleSha256), null);
            }
        }
        if (!entry.classes().containsKey(entry.mainClass())) {
            throw Failures.load(Stage.INVALID, label,
                    "main class " + entry.mainClass() + " is not in the artifact", null);
        }
        boolean remembered = verdicts != null && verdicts.remembered(entry);
        if (!remembered) {
            (verdicts != null ? verdicts.firstViolation(entry) : ClassReferenceVerifier.firstViolation(entry.classes(), entry.mainClass())).ifPresent(v -> {
                throw Failures.load(Stage.INVALID, label, v, null);
            });
        }
        WasmModule module = remembered && declarations != null ? declarations.recall(moduleSha256, classStamp, entry.wasm()) : null;
        if (module == null) {
            try {
                // the declarations parsed and validated; the code runs as the classes, so its bodies are not decoded
                module = InstantiationRecipe.parseDeclarations(entry.wasm());
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                throw Failures.load(Stage.MALFORMED, label, "bundled module does not parse: " + PluginFaults.describe(e), e);
            }
            if (declarations != null) {
                declarations.remember(moduleSha256, classStamp, entry.wasm(), module);
            }
        }
        var loader = new PluginClassLoader("llmtb-plugin:" + label, entry.classes());
        exposeGuestEntryPoints(loader);
        MethodHandle ctor;
        try {
            link(loader, entry.classes().keySet());
            loader.definedAll(); // every class is defined: the loader needs no bytes any more
            Class<? extends Machine> main = loader.loadClass(entry.mainClass()).asSubclass(Machine.class);
            // A method handle, not reflection: reflection would eventually generate accessor classes whose
            // loader delegates to the plugin's, which (rightly) cannot see JDK internals.
            ctor = MethodHandles.publicLookup().findConstructor(main, MethodType.methodType(void.class, Instance.class))
                    .asType(MethodType.methodType(Machine.class, Instance.class));
        } catch (ReflectiveOperationException | ClassCastException | SecurityException e) {
            throw Failures.load(Stage.INVALID, label,
                    "cannot link generated class " + entry.mainClass() + ": " + PluginFaults.describe(e), e);
        } catch (LinkageError e) {
            throw Failures.load(e instanceof ClassFormatError ? Stage.MALFORMED : Stage.INVALID, label,
                    "its classes do not link: " + PluginFaults.describe(e), e);
        }
        return new LoadedCode(label, entry.stamp(), module, ctor, loader);
    }

    /**
     * Defines and links every class now, which runs the JVM's bytecode verifier on it, without initialising it
     * (no plugin code runs): asking for a class's declared fields links it in HotSpot.
     */
    private static void link(PluginClassLoader loader, Iterable<String> names) throws ClassNotFoundException {
        for (String name : names) {
            loader.loadClass(name).getDeclaredFields();
        }
    }

    /** For a stamp mismatch: whether the class was compiled for another module (a mixed jar) or another compiler. */
    private static String boundElsewhere(String found, CompilerStamp expected, String moduleSha256) {
        if (found != null && found.startsWith(expected.format() + ";module=")) {
            return " (it was compiled for another module.wasm than this one, SHA-256 " + moduleSha256
                    + ": the jar mixes parts of different plugins, or its module was replaced)";
        }
        return "";
    }

    /**
     * Generated code links against {@code internal.exec} from the plugin loader's unnamed module. On the module path
     * the runtime is a named module that exports only its API, so it exports that one package to this loader's
     * module, and to no other (on the class path everything is in the unnamed module and this does nothing).
     */
    private static void exposeGuestEntryPoints(ClassLoader loader) {
        Module runtime = LoadedCode.class.getModule();
        runtime.addExports(GUEST_ENTRY_POINTS, loader.getUnnamedModule());
    }

    /** The package generated code calls into (RuntimeContract's owners). */
    private static final String GUEST_ENTRY_POINTS = io.llmtestbench.runtime.internal.exec.Meter.class.getPackageName();

    static String stampOf(byte[] classBytes) {
        return ClassFileCode.stringConstant(classBytes, RuntimeContract.STAMP_FIELD);
    }

    public WasmModule module() {
        return module;
    }

    public CompilerStamp stamp() {
        return stamp;
    }

    /** The class loader (exposed so tests can prove it is collected after unload). */
    public ClassLoader classLoader() {
        return loader;
    }

    /** The machine factory for {@code Instance.builder(...).withMachineFactory(...)}. */
    public Function<Instance, Machine> machineFactory() {
        return instance -> {
            try {
                return (Machine) machine.invokeExact(instance);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("cannot instantiate " + label + ": " + t, t);
            }
        };
    }
}
