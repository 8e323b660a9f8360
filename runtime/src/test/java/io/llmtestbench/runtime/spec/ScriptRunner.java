package io.llmtestbench.runtime.spec;

import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.ImportGlobal;
import com.dylibso.chicory.runtime.ImportMemory;
import com.dylibso.chicory.runtime.ImportTable;
import com.dylibso.chicory.runtime.ImportTag;
import com.dylibso.chicory.runtime.ImportValue;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.InvalidException;
import com.dylibso.chicory.wasm.MalformedException;
import com.dylibso.chicory.wasm.UninstantiableException;
import com.dylibso.chicory.wasm.UnlinkableException;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExportSection;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.ValType;
import io.llmtestbench.compiler.CompilationException;
import io.llmtestbench.runtime.internal.exec.Budget;
import io.llmtestbench.runtime.internal.exec.Interrupted;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the commands of one script, in order, against one {@link Engine}, and reports an {@link Outcome}
 * per command. Also records what each action did and the final bytes of every memory, for the
 * differential test. Must run on a thread with a large stack (see {@link SpecThreads}) so that the
 * budget's call-depth limit, not the JVM's stack, ends runaway recursion.
 */
final class ScriptRunner {
    /** Call-depth limit: far beyond what any passing spec command needs, reached by every runaway recursion. */
    static final int MAX_DEPTH = 50_000;
    /** A command running longer than this is stopped (a hang would otherwise stall the whole suite). */
    static final long COMMAND_DEADLINE_SECONDS = 60;

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "spec-watchdog");
        t.setDaemon(true);
        return t;
    });

    enum Status { PASSED, FAILED, SKIPPED_TEXT }

    /** Prefix of the detail of a passed assert_invalid/assert_malformed whose message lacks the spec's text. */
    static final String MESSAGE_DIFFERS = "message differs: ";

    /** A command's result; {@code detail} says why it failed (or, for a pass, notes a message difference). */
    record Outcome(SpecScript.Command command, Status status, String detail) {
        boolean messageDiffers() {
            return status == Status.PASSED && detail != null && detail.startsWith(MESSAGE_DIFFERS);
        }
    }

    /**
     * What one action did: its results, or the exception it ended with. Results are normalised to their
     * types (i32 and f32 sign-extended from their low 32 bits: Chicory's interpreter may leave garbage in
     * the upper half of the raw long).
     */
    record Observation(int line, String action, List<ValType> types, long[] results, Throwable error) {
        boolean trapped() {
            return error != null;
        }
    }

    /** All a run produced. {@code memories}: final bytes of each instance's memories, by instance label. */
    record Run(SpecScript script, String engine, List<Outcome> outcomes, List<Observation> observations,
            Map<String, byte[]> memories, long fuelUsed) {}

    private final SpecScript script;
    private final Engine engine;
    private final Budget budget = new Budget(Budget.UNLIMITED, MAX_DEPTH);
    private final SpectestHost spectest = new SpectestHost();
    private final Map<String, Object> prepared = new HashMap<>(); // filename -> Prepared or CompilationException
    private final Map<String, Instance> named = new HashMap<>();
    private final Map<String, Instance> registered = new HashMap<>();
    private final Map<String, Instance> instances = new LinkedHashMap<>();
    private final List<Observation> observations = new ArrayList<>();
    private final boolean snapshots;
    private Instance current;
    /** Fuel charged by all actions and start functions (zero when nothing is metered). */
    private long fuelUsed;

    private ScriptRunner(SpecScript script, Engine engine, boolean snapshots) {
        this.script = script;
        this.engine = engine;
        this.snapshots = snapshots;
    }

    /** Runs every command; with {@code snapshots}, also copies every memory at the end. */
    static Run run(SpecScript script, Engine engine, boolean snapshots) {
        return new ScriptRunner(script, engine, snapshots).runAll();
    }

    private Run runAll() {
        List<Outcome> outcomes = new ArrayList<>();
        for (SpecScript.Command c : script.commands()) {
            Outcome o;
            try {
                o = execute(c);
            } catch (Throwable t) {
                if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) {
                    throw (VirtualMachineError) t;
                }
                o = fail(c, "harness error: " + stackTrace(t));
            }
            outcomes.add(o);
        }
        return new Run(script, engine.name(), outcomes, observations, snapshots ? snapshotMemories() : Map.of(), fuelUsed);
    }

    private Outcome execute(SpecScript.Command c) {
        switch (c.type()) {
            case "module":
                return module(c);
            case "register":
                return register(c);
            case "action":
            case "assert_return":
            case "assert_trap":
            case "assert_exhaustion":
                return action(c);
            case "assert_invalid":
                return rejected(c, CompilationException.Kind.INVALID);
            case "assert_malformed":
                return rejected(c, CompilationException.Kind.MALFORMED);
            case "assert_unlinkable":
                return notInstantiable(c, true);
            case "assert_uninstantiable":
                return notInstantiable(c, false);
            default:
                return fail(c, "unknown command type " + c.type());
        }
    }

    // ---- modules --------------------------------------------------------------------------------------

    private Engine.Prepared prepare(String filename) throws CompilationException {
        Object p = prepared.computeIfAbsent(filename, f -> {
            try {
                return engine.prepare(script.id() + "/" + f, script.module(f));
            } catch (CompilationException e) {
                return e;
            }
        });
        if (p instanceof CompilationException) {
            throw (CompilationException) p;
        }
        return (Engine.Prepared) p;
    }

    private Instance instantiate(Engine.Prepared p) {
        budget.reset(Budget.UNLIMITED, MAX_DEPTH);
        ScheduledFuture<?> deadline = armDeadline();
        try {
            return engine.instantiate(p, link(p.module()), budget);
        } finally {
            deadline.cancel(false);
            fuelUsed += budget.fuelUsed();
        }
    }

    private Outcome module(SpecScript.Command c) {
        if (c.textModule()) {
            return new Outcome(c, Status.SKIPPED_TEXT, "text-format module");
        }
        Engine.Prepared p;
        try {
            p = prepare(c.filename());
        } catch (CompilationException e) {
            current = null;
            return fail(c, "module does not compile: " + e.kind() + ": " + e.getMessage());
        }
        Instance instance;
        try {
            instance = instantiate(p);
        } catch (RuntimeException | StackOverflowError e) {
            current = null;
            return fail(c, "module does not instantiate: " + stackTrace(e));
        }
        current = instance;
        if (c.name() != null) {
            named.put(c.name(), instance);
        }
        instances.put((c.name() != null ? c.name() : "module") + "@" + c.line(), instance);
        return pass(c);
    }

    private Outcome register(SpecScript.Command c) {
        Instance instance = c.name() != null ? named.get(c.name()) : current;
        if (instance == null) {
            return fail(c, "no module " + (c.name() != null ? c.name() : "(current)") + " to register");
        }
        registered.put(c.as(), instance);
        return pass(c);
    }

    /**
     * The imports of a module: exports of registered instances by their registered name, else the
     * spectest host module. Anything not found is left out, for Chicory's linker to report as unknown.
     */
    private ImportValues link(WasmModule module) {
        var values = ImportValues.builder();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imp = module.importSection().getImport(i);
            if (!seen.add(imp.module() + '\u0000' + imp.name())) {
                continue;
            }
            Instance provider = registered.get(imp.module());
            if (provider != null) {
                Export export = findExport(provider, imp.name());
                if (export != null) {
                    add(values, exportAsImport(imp.module(), export, provider));
                }
            } else if (imp.module().equals(SpectestHost.MODULE)) {
                spectest.lookup(imp.name()).forEach(v -> add(values, v));
            }
        }
        return values.build();
    }

    private static Export findExport(Instance instance, String name) {
        ExportSection exports = instance.module().exportSection();
        for (int i = 0; i < exports.exportCount(); i++) {
            if (exports.getExport(i).name().equals(name)) {
                return exports.getExport(i);
            }
        }
        return null;
    }

    private static ImportValue exportAsImport(String module, Export e, Instance provider) {
        String name = e.name();
        int index = e.index();
        switch (e.exportType()) {
            case FUNCTION:
                return ImportFunction.exportAsImport(module, name, provider, name);
            case GLOBAL:
                return new ImportGlobal(module, name, provider.global(index));
            case MEMORY:
                return new ImportMemory(module, name, provider.memory(index));
            case TABLE:
                return new ImportTable(module, name, provider.table(index));
            case TAG:
                return new ImportTag(module, name, provider.tag(index));
            default:
                throw new IllegalStateException("unknown export type " + e.exportType());
        }
    }

    private static void add(ImportValues.Builder b, ImportValue v) {
        switch (v.type()) {
            case FUNCTION:
                b.addFunction((ImportFunction) v);
                break;
            case GLOBAL:
                b.addGlobal((ImportGlobal) v);
                break;
            case MEMORY:
                b.addMemory((ImportMemory) v);
                break;
            case TABLE:
                b.addTable((ImportTable) v);
                break;
            case TAG:
                b.addTag((ImportTag) v);
                break;
            default:
                throw new IllegalStateException();
        }
    }

    private Outcome rejected(SpecScript.Command c, CompilationException.Kind expected) {
        if (c.textModule()) {
            return new Outcome(c, Status.SKIPPED_TEXT, "text-format module");
        }
        try {
            prepare(c.filename());
        } catch (CompilationException e) {
            if (e.kind() != expected) {
                return fail(c, "rejected as " + e.kind() + ", expected " + expected + ": " + e.getMessage());
            }
            if (c.text() != null && !String.valueOf(e.getMessage()).contains(c.text())) {
                // The kind is what must match; a message without the spec's text is counted, not failed
                // (our diagnostics may reword Chicory's reason).
                return new Outcome(c, Status.PASSED, MESSAGE_DIFFERS + "rejected as " + e.kind() + ", message without \""
                        + c.text() + "\": " + e.getMessage());
            }
            return pass(c);
        }
        return fail(c, "module compiled, expected " + expected + " \"" + c.text() + "\"");
    }

    private Outcome notInstantiable(SpecScript.Command c, boolean unlinkable) {
        Engine.Prepared p;
        try {
            p = prepare(c.filename());
        } catch (CompilationException e) {
            return fail(c, "module does not compile: " + e.kind() + ": " + e.getMessage());
        }
        Instance instance;
        try {
            instance = instantiate(p);
        } catch (UnlinkableException e) {
            return unlinkable ? expectText(c, e) : fail(c, "unlinkable, expected uninstantiable: " + e.getMessage());
        } catch (InvalidException | MalformedException e) {
            return fail(c, "rejected at instantiation as " + e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (ChicoryException e) {
            // Uninstantiable: a segment out of bounds, or a trap in the start function (Chicory wraps only
            // TrapException into UninstantiableException; other traps come through as they are).
            return unlinkable ? fail(c, "uninstantiable (" + e.getClass().getSimpleName() + "), expected unlinkable: "
                    + e.getMessage()) : expectText(c, e);
        } catch (RuntimeException | StackOverflowError e) {
            return fail(c, "instantiation failed with a non-wasm error: " + stackTrace(e));
        }
        return fail(c, "module instantiated, expected " + (unlinkable ? "unlinkable" : "uninstantiable")
                + " \"" + c.text() + "\" (" + instance.module().exportSection().exportCount() + " exports)");
    }

    private Outcome expectText(SpecScript.Command c, Throwable e) {
        String message = e.getMessage() != null ? e.getMessage() : "";
        if (c.text() != null && !message.contains(c.text())) {
            return fail(c, e.getClass().getSimpleName() + " without \"" + c.text() + "\": " + message);
        }
        return pass(c);
    }

    // ---- actions --------------------------------------------------------------------------------------

    private Outcome action(SpecScript.Command c) {
        SpecScript.Action a = c.action();
        Instance instance = a.module() != null ? named.get(a.module()) : current;
        if (instance == null) {
            return fail(c, "no module " + (a.module() != null ? a.module() : "(current)") + " instantiated");
        }
        Observation obs = perform(c.line(), a, instance);
        observations.add(obs);
        switch (c.type()) {
            case "action":
                return obs.trapped() ? fail(c, "action failed: " + stackTrace(obs.error())) : pass(c);
            case "assert_return":
                return checkReturn(c, obs);
            case "assert_trap":
                if (!obs.trapped()) {
                    return fail(c, "returned " + WasmValues.show(c.expected(), obs.results()) + ", expected trap \"" + c.text() + "\"");
                }
                if (!(obs.error() instanceof ChicoryException) || obs.error() instanceof Interrupted) {
                    return fail(c, "expected trap \"" + c.text() + "\", got " + stackTrace(obs.error()));
                }
                return expectText(c, obs.error());
            case "assert_exhaustion":
                if (!obs.trapped()) {
                    return fail(c, "returned, expected exhaustion \"" + c.text() + "\"");
                }
                if (obs.error() instanceof Interrupted && ((Interrupted) obs.error()).reason() == Interrupted.Reason.CALL_DEPTH) {
                    return pass(c);
                }
                if (!(obs.error() instanceof ChicoryException)) {
                    return fail(c, "expected exhaustion \"" + c.text() + "\", got " + stackTrace(obs.error()));
                }
                return expectText(c, obs.error());
            default:
                throw new IllegalStateException(c.type());
        }
    }

    private Observation perform(int line, SpecScript.Action a, Instance instance) {
        budget.reset(Budget.UNLIMITED, MAX_DEPTH);
        ScheduledFuture<?> deadline = armDeadline();
        List<ValType> types = List.of();
        try {
            long[] results;
            if (a.type().equals("get")) {
                var global = instance.exports().global(a.field());
                types = List.of(global.getType());
                results = new long[] {global.getValue()};
            } else {
                types = instance.exportType(a.field()).returns();
                results = instance.export(a.field()).apply(WasmValues.args(a.args()));
            }
            results = results != null ? results.clone() : new long[0];
            for (int i = 0; i < results.length && i < types.size(); i++) {
                if (types.get(i).equals(ValType.I32) || types.get(i).equals(ValType.F32)) {
                    results[i] = (int) results[i];
                }
            }
            return new Observation(line, a.toString(), types, results, null);
        } catch (RuntimeException | StackOverflowError e) {
            return new Observation(line, a.toString(), types, null, e);
        } finally {
            deadline.cancel(false);
            fuelUsed += budget.fuelUsed();
        }
    }

    private Outcome checkReturn(SpecScript.Command c, Observation obs) {
        if (obs.trapped()) {
            return fail(c, "trapped, expected " + c.expected() + ": " + stackTrace(obs.error()));
        }
        long[] r = obs.results();
        boolean ok = r.length == c.expected().size();
        for (int i = 0; ok && i < r.length; i++) {
            ok = WasmValues.matches(c.expected().get(i), r[i]);
        }
        return ok ? pass(c) : fail(c, "returned " + WasmValues.show(c.expected(), r) + ", expected " + c.expected());
    }

    private ScheduledFuture<?> armDeadline() {
        Budget b = budget;
        return WATCHDOG.schedule(() -> b.requestStop(Interrupted.Reason.DEADLINE), COMMAND_DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    // ---- results --------------------------------------------------------------------------------------

    private Map<String, byte[]> snapshotMemories() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        instances.forEach((label, instance) -> {
            int count = instance.imports().memoryCount()
                    + instance.module().memorySection().map(s -> s.memoryCount()).orElse(0);
            for (int m = 0; m < count; m++) {
                Memory memory = instance.memory(m);
                out.put(label + "/memory" + m, memory.readBytes(0, memory.pages() * Memory.PAGE_SIZE));
            }
        });
        return out;
    }

    private static Outcome pass(SpecScript.Command c) {
        return new Outcome(c, Status.PASSED, null);
    }

    private static Outcome fail(SpecScript.Command c, String detail) {
        return new Outcome(c, Status.FAILED, detail);
    }

    /** A wasm exception without a cause in one line; anything else with its (truncated) stack trace. */
    static String stackTrace(Throwable t) {
        if (t instanceof ChicoryException && t.getCause() == null) {
            return t.getClass().getName() + ": " + t.getMessage();
        }
        var w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        String s = w.toString();
        return s.length() > 4000 ? s.substring(0, 4000) + "..." : s;
    }
}
