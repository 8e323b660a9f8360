package io.llmtestbench.runtime.spec;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbench.compiler.CompilationException;
import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.compiler.WasmCompiler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Spec scripts on V8, compared with our compiled code (metered) as {@link ScriptRunner} runs it: every action's
 * results (bit for bit, except where the script itself expects {@code nan:canonical}/{@code nan:arithmetic}) or trap
 * kind, every module/link/instantiation verdict, and every instance's final memories. V8 gets each module rewritten by
 * {@link ObservedModule} so that its memories and globals are visible; links follow {@code register} commands and the
 * {@code spectest} module, as in {@link ScriptRunner}.
 *
 * <p>Known deviations of the oracle itself are not divergences: Node 20's V8 has no multi-memory (those scripts are
 * skipped), and commands listed in {@code exclusions.txt} (ours' known deviations, each with its reason) may differ.
 */
final class V8Scripts {
    static final Engine OURS = new Engine.Compiled(CompilerOptions.defaults());
    private static final java.util.concurrent.atomic.AtomicLong RUNS = new java.util.concurrent.atomic.AtomicLong();

    /** Whether V8 (Node 20) can run this script at all. */
    static boolean supported(SpecScript script) {
        return !script.simd() && !script.id().startsWith("proposals/multi-memory/");
    }

    /** One command's result in V8, in the shape of {@link ScriptRunner}'s. */
    private record Action(int line, List<String> results, String trap, String message) {}

    /** Compares one script; returns the differences (empty when V8 and ours agree). */
    static List<String> compare(SpecScript script, Exclusions exclusions) {
        ScriptRunner.Run ours = ScriptRunner.run(script, OURS, true);
        List<String> differences = new ArrayList<>();
        V8Oracle v8 = V8Oracle.shared();
        String run = "script" + RUNS.incrementAndGet();
        String spectest = "spectest:" + run;
        Map<String, String> named = new HashMap<>();
        Map<String, String> registered = new HashMap<>();
        Map<String, WasmModule> parsed = new HashMap<>();
        Map<String, String> labels = new LinkedHashMap<>(); // memory label prefix -> instance id
        String current = null;
        int instanceIds = 0;
        List<Action> actions = new ArrayList<>();
        for (int k = 0; k < script.commands().size(); k++) {
            SpecScript.Command c = script.commands().get(k);
            ScriptRunner.Outcome mine = ours.outcomes().get(k);
            if (c.textModule()) {
                continue;
            }
            String where = script.wastName() + ":" + c.line() + " " + c.type();
            boolean excluded = exclusions.command(script.wastName(), c.line()) != null;
            switch (c.type()) {
                case "module": {
                    String id = run + "-" + (++instanceIds);
                    String failure = instantiate(v8, script, c.filename(), id, spectest, named, registered, parsed);
                    boolean v8Ok = failure == null;
                    boolean oursOk = mine.status() == ScriptRunner.Status.PASSED;
                    if (v8Ok != oursOk && !excluded) {
                        differences.add(where + ": V8 " + (v8Ok ? "instantiated" : failure) + ", ours " + mine.status() + " " + mine.detail());
                    }
                    current = v8Ok ? id : null;
                    if (v8Ok && c.name() != null) {
                        named.put(c.name(), id);
                    }
                    if (v8Ok) {
                        labels.put((c.name() != null ? c.name() : "module") + "@" + c.line(), id);
                    }
                    break;
                }
                case "register": {
                    String id = c.name() != null ? named.get(c.name()) : current;
                    if (id != null) {
                        registered.put(c.as(), id);
                    }
                    break;
                }
                case "assert_invalid":
                case "assert_malformed": {
                    JsonNode r = v8.request(V8Oracle.op("validate").put("wasm", V8Oracle.base64(script.module(c.filename()))));
                    boolean v8Refused = !r.path("valid").asBoolean();
                    boolean oursRefused = mine.status() == ScriptRunner.Status.PASSED;
                    if (v8Refused != oursRefused && !excluded) {
                        differences.add(where + " \"" + c.text() + "\": V8 " + (v8Refused ? "refused" : "accepted") + ", ours "
                                + (oursRefused ? "refused" : "accepted (" + mine.detail() + ")"));
                    }
                    break;
                }
                case "assert_unlinkable":
                case "assert_uninstantiable": {
                    String failure = instantiate(v8, script, c.filename(), run + "-" + (++instanceIds), spectest, named, registered,
                            parsed);
                    boolean v8Failed = failure != null;
                    boolean oursFailed = mine.status() == ScriptRunner.Status.PASSED;
                    if (v8Failed != oursFailed && !excluded) {
                        differences.add(where + " \"" + c.text() + "\": V8 " + (v8Failed ? failure : "instantiated") + ", ours "
                                + mine.status() + " " + mine.detail());
                    }
                    break;
                }
                default: {
                    SpecScript.Action a = c.action();
                    String id = a.module() != null ? named.get(a.module()) : current;
                    if (id != null) {
                        actions.add(perform(v8, c.line(), a, id, parsed.get(id)));
                    }
                }
            }
        }
        // actions, in order
        List<ScriptRunner.Observation> mine = ours.observations();
        if (mine.size() != actions.size()) {
            differences.add(script.wastName() + ": actions performed: V8 " + actions.size() + ", ours " + mine.size());
        } else {
            for (int i = 0; i < mine.size(); i++) {
                String d = differ(script, mine.get(i), actions.get(i));
                if (d != null && exclusions.command(script.wastName(), mine.get(i).line()) == null) {
                    differences.add(script.wastName() + ":" + mine.get(i).line() + " " + mine.get(i).action() + ": " + d);
                }
            }
        }
        // final memories
        for (var e : labels.entrySet()) {
            WasmModule m = parsed.get(e.getValue());
            if (m == null) {
                continue;
            }
            int memories = ExecutionMode.V8.shape(m).memories();
            ObjectNode s = V8Oracle.op("state").put("id", e.getValue());
            var names = s.putArray("memories");
            for (int i = 0; i < memories; i++) {
                names.add(ObservedModule.memoryExport(i));
            }
            s.putArray("globals");
            JsonNode state = v8.request(s);
            for (int i = 0; i < memories; i++) {
                byte[] bytes = ours.memories().get(e.getKey() + "/memory" + i);
                String v8Memory = state.path("memories").get(i).asText();
                String mineMemory = bytes == null ? "missing" : (bytes.length / 65536) + ":" + ExecutionMode.sha256(bytes);
                if (!v8Memory.equals(mineMemory)) {
                    differences.add(script.wastName() + " " + e.getKey() + "/memory" + i + ": final memory differs (V8 " + v8Memory
                            + ", ours " + mineMemory + ")");
                }
            }
        }
        ObjectNode forget = V8Oracle.op("forget");
        var ids = forget.putArray("ids");
        for (int i = 1; i <= instanceIds; i++) {
            ids.add(run + "-" + i);
        }
        forget.putArray("spectests").add(spectest);
        v8.request(forget);
        return differences;
    }

    /** Null when instantiated, else why not. */
    private static String instantiate(V8Oracle v8, SpecScript script, String filename, String id, String spectest,
            Map<String, String> named, Map<String, String> registered, Map<String, WasmModule> parsed) {
        byte[] wasm = script.module(filename);
        byte[] observed = wasm;
        try {
            WasmModule m = WasmCompiler.validate(wasm);
            observed = ObservedModule.observe(wasm, ExecutionMode.V8.shape(m));
            parsed.put(id, m);
        } catch (CompilationException | RuntimeException e) {
            // ours refuses it: V8 runs it as it is (no memory or global observation)
        }
        ObjectNode req = V8Oracle.op("instantiate").put("id", id).put("wasm", V8Oracle.base64(observed));
        ObjectNode links = req.putObject("links");
        links.put(SpectestHost.MODULE, spectest);
        registered.forEach(links::put);
        JsonNode r = v8.request(req);
        if (r.path("ok").asBoolean()) {
            return null;
        }
        parsed.remove(id);
        return r.path("phase").asText() + ": " + r.path("message").asText();
    }

    private static Action perform(V8Oracle v8, int line, SpecScript.Action a, String id, WasmModule module) {
        if (module == null) {
            return new Action(line, null, "unknown", "ours cannot parse the module");
        }
        if (a.type().equals("get")) {
            Export e = export(module, a.field(), ExternalType.GLOBAL);
            List<Integer> types = ExecutionMode.V8.shape(module).globalTypes();
            int t = types.get((int) e.index());
            String type = t == 0x7f || t == 0x7d ? "i32" : t == 0x7e || t == 0x7c ? "i64" : t == 0x70 ? "funcref" : "externref";
            ObjectNode s = V8Oracle.op("state").put("id", id);
            s.putArray("memories");
            s.putArray("globals").addObject().put("getter", ObservedModule.globalGetter((int) e.index())).put("type", type);
            return new Action(line, List.of(v8.request(s).path("globals").get(0).asText()), null, null);
        }
        Export e = export(module, a.field(), ExternalType.FUNCTION);
        FunctionType type = Oracle.functionType(module, (int) e.index());
        ObjectNode call = V8Oracle.op("invoke").put("id", id).put("export", a.field());
        List<String> params = ExecutionMode.names(type.params());
        params.forEach(call.putArray("params")::add);
        ExecutionMode.names(type.returns()).forEach(call.putArray("results")::add);
        var args = call.putArray("args");
        for (int i = 0; i < a.args().size(); i++) {
            args.add(arg(a.args().get(i)));
        }
        JsonNode r = v8.request(call);
        if (!r.path("ok").asBoolean()) {
            return new Action(line, null, "oracle error", r.path("message").asText());
        }
        if (r.has("trap")) {
            return new Action(line, null, TrapKinds.ofV8(r.path("trap").asText()), r.path("trap").asText());
        }
        List<String> results = new ArrayList<>();
        r.path("results").forEach(n -> results.add(n.asText()));
        return new Action(line, results, null, null);
    }

    private static Export export(WasmModule module, String name, ExternalType kind) {
        for (int i = 0; i < module.exportSection().exportCount(); i++) {
            Export e = module.exportSection().getExport(i);
            if (e.name().equals(name) && e.exportType() == kind) {
                return e;
            }
        }
        throw new IllegalStateException("no " + kind + " export " + name);
    }

    /** A spec argument as the oracle protocol writes it. */
    private static String arg(SpecScript.Value v) {
        switch (v.type()) {
            case "i32":
            case "f32":
                return Integer.toUnsignedString((int) Long.parseLong(v.value()));
            case "i64":
            case "f64":
                return Long.toUnsignedString(Long.parseUnsignedLong(v.value()));
            default:
                return v.value() == null || v.value().equals("null") ? "null" : "extern:" + v.value();
        }
    }

    /** Null when the observations agree. */
    private static String differ(SpecScript script, ScriptRunner.Observation mine, Action v8) {
        String myTrap = mine.trapped() ? TrapKinds.ofJava(mine.error()) : null;
        if (mine.trapped() || v8.trap() != null) {
            if (TrapKinds.agree(v8.trap(), myTrap)) {
                return null;
            }
            return "V8 " + (v8.trap() != null ? "trap " + v8.trap() + " (" + v8.message() + ")" : "returned " + v8.results())
                    + ", ours " + (mine.trapped() ? "trap " + myTrap + " (" + mine.error() + ")" : "returned " + show(mine));
        }
        List<SpecScript.Value> expected = expectations(script, mine.line());
        for (int i = 0; i < mine.results().length; i++) {
            String type = i < mine.types().size() ? ExecutionMode.name(mine.types().get(i)) : "i64";
            String ours = ExecutionMode.Java.fromRaw(type, mine.results()[i]);
            String theirs = i < v8.results().size() ? v8.results().get(i) : "missing";
            if (ours.equals(theirs)) {
                continue;
            }
            SpecScript.Value e = i < expected.size() ? expected.get(i) : null;
            boolean nanPattern = e != null && e.value() != null && e.value().startsWith("nan:");
            if (nanPattern && WasmValues.matches(e, mine.results()[i]) && WasmValues.matches(e, raw(type, theirs))) {
                continue; // the script allows any NaN of that kind
            }
            return "result " + i + ": V8 " + theirs + ", ours " + ours;
        }
        return null;
    }

    private static long raw(String type, String value) {
        return ExecutionMode.Java.toRaw(type, value.startsWith("extern:") || value.equals("func") ? "0" : value);
    }

    private static String show(ScriptRunner.Observation o) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < o.results().length; i++) {
            String type = i < o.types().size() ? ExecutionMode.name(o.types().get(i)) : "i64";
            out.add(ExecutionMode.Java.fromRaw(type, o.results()[i]));
        }
        return out.toString();
    }

    private static List<SpecScript.Value> expectations(SpecScript script, int line) {
        for (SpecScript.Command c : script.commands()) {
            if (c.line() == line && c.action() != null) {
                return c.expected();
            }
        }
        return List.of();
    }
}
