package io.llmtestbench.runtime.spec;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.fasterxml.jackson.databind.JsonNode;
import io.llmtestbench.compiler.CompilationException;
import io.llmtestbench.compiler.WasmCompiler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Runs one module in every {@link ExecutionMode} and compares each with the reference (V8), call by call: results
 * bit for bit, trap kinds, what the module logged, every memory and global after each call; and the fuel each
 * metered mode charged with the exact fuel oracle — the metered module as our compiler injected it, its metering
 * functions made to add up their charges ({@link ObservedModule#countingFuel}), run by V8 (which also checks that
 * metering changes nothing else the module does). Validation verdicts are compared first.
 */
final class Oracle {
    /** One call of a module's plan; {@code observe}: compare memories and globals afterwards. */
    record Call(String export, List<String> params, List<String> results, List<String> args, boolean observe) {
        String describe() {
            return export + args;
        }
    }

    /** A module and how to call it. {@code plan} gets our parse of the module. */
    record ModuleCase(String source, String name, byte[] wasm, Function<WasmModule, List<Call>> plan) {}

    /**
     * One difference from the reference. {@code category}: validation, instantiation, trap, result, log, memory,
     * global, fuel, metering, crash.
     */
    record Divergence(String source, String caseName, String mode, ExecutionMode.Role role, String category, String where,
            String expected, String actual, String kinds) {
        Divergence(String source, String caseName, String mode, ExecutionMode.Role role, String category, String where,
                String expected, String actual) {
            this(source, caseName, mode, role, category, where, expected, actual, "");
        }

        /**
         * What kind of difference, without the module's particulars (for a trap: the two trap kinds): used to group
         * divergences and to keep a reduction on the same one.
         */
        String signature() {
            return mode + ":" + category + (kinds.isEmpty() ? "" : ":" + kinds);
        }

        @Override
        public String toString() {
            return source + " " + caseName + ": " + mode + " " + category + " at " + where + ": V8 " + expected + ", " + mode + " " + actual;
        }
    }

    /** What happened to one module. {@code verdict}: ran, refused-by-both, unsupported, or a validation divergence. */
    record CaseResult(ModuleCase moduleCase, String verdict, int calls, int fuelChecks, List<Divergence> divergences) {
        boolean failing() {
            return divergences.stream().anyMatch(d -> d.role() == ExecutionMode.Role.UNDER_TEST);
        }
    }

    private final List<ExecutionMode> modes;
    private final ExecutionMode.V8 reference;

    Oracle(List<ExecutionMode> modes) {
        this.modes = modes;
        this.reference = (ExecutionMode.V8) modes.stream().filter(m -> m.role() == ExecutionMode.Role.REFERENCE).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no reference mode"));
    }

    List<ExecutionMode> modes() {
        return modes;
    }

    CaseResult run(ModuleCase c) {
        List<Divergence> divergences = new ArrayList<>();
        JsonNode v = V8Oracle.shared().request(V8Oracle.op("validate").put("wasm", V8Oracle.base64(c.wasm())));
        boolean v8Valid = v.path("valid").asBoolean();
        WasmModule module;
        try {
            module = WasmCompiler.validate(c.wasm());
        } catch (CompilationException e) {
            if (!v8Valid) {
                return new CaseResult(c, "refused-by-both", 0, 0, divergences);
            }
            if (e.kind() == CompilationException.Kind.UNSUPPORTED) {
                return new CaseResult(c, "unsupported", 0, 0, divergences);
            }
            for (ExecutionMode m : undertest()) {
                divergences.add(new Divergence(c.source(), c.name(), m.name(), m.role(), "validation", "module", "valid",
                        "refused (" + e.kind() + ": " + firstLine(e.getMessage()) + ")"));
            }
            return new CaseResult(c, "validation divergence", 0, 0, divergences);
        } catch (RuntimeException e) {
            for (ExecutionMode m : undertest()) {
                divergences.add(new Divergence(c.source(), c.name(), m.name(), m.role(), "crash", "validate", "no exception",
                        String.valueOf(e)));
            }
            return new CaseResult(c, "crash", 0, 0, divergences);
        }
        if (!v8Valid) {
            for (ExecutionMode m : undertest()) {
                divergences.add(new Divergence(c.source(), c.name(), m.name(), m.role(), "validation", "module",
                        "invalid (" + v.path("message").asText() + ")", "accepted"));
            }
            return new CaseResult(c, "validation divergence", 0, 0, divergences);
        }
        List<Call> plan = c.plan().apply(module);

        Map<ExecutionMode, ExecutionMode.Session> sessions = new java.util.LinkedHashMap<>();
        Map<ExecutionMode, ExecutionMode.Session> fuelSessions = new HashMap<>();
        Map<String, ExecutionMode.Session> fuelByWasm = new HashMap<>();
        ExecutionMode.Session ref = null;
        int calls = 0;
        int fuelChecks = 0;
        try {
            ref = reference.start(c.name(), c.wasm(), module);
            for (ExecutionMode m : modes) {
                if (m == reference) {
                    continue;
                }
                ExecutionMode.Session s;
                try {
                    s = m.start(c.name(), c.wasm(), module);
                } catch (RuntimeException | StackOverflowError e) {
                    divergences.add(new Divergence(c.source(), c.name(), m.name(), m.role(), "crash", "instantiation", "-", String.valueOf(e)));
                    continue;
                }
                sessions.put(m, s);
                byte[] metered = s.meteredWasm();
                if (metered != null) {
                    String key = ExecutionMode.sha256(metered);
                    ExecutionMode.Session f = fuelByWasm.get(key);
                    if (f == null) {
                        WasmModule meteredModule = Parser.parse(metered);
                        ObservedModule.Shape shape = ExecutionMode.V8.shape(meteredModule);
                        int counter = shape.globalTypes().size();
                        f = reference.open(ObservedModule.countingFuel(metered, shape), shape, counter + 1, counter);
                        fuelByWasm.put(key, f);
                    }
                    fuelSessions.put(m, f);
                }
            }
            // instantiation
            ExecutionMode.Outcome refStart = ref.instantiation();
            List<ExecutionMode> live = new ArrayList<>();
            for (var e : sessions.entrySet()) {
                ExecutionMode m = e.getKey();
                ExecutionMode.Outcome start = e.getValue().instantiation();
                String expected = refStart == null ? "instantiated" : refStart.trap();
                String actual = start == null ? "instantiated" : start.trap();
                if (!TrapKinds.agree(expected, actual)) {
                    divergences.add(new Divergence(c.source(), c.name(), m.name(), m.role(), "instantiation", "module",
                            refStart == null ? expected : refStart.trapMessage(), start == null ? actual : start.trapMessage(),
                            expected + "->" + actual));
                    continue;
                }
                ExecutionMode.Session f = fuelSessions.get(m);
                if (f != null && refStart == null && e.getValue().instantiationFuel() != f.instantiationFuel()) {
                    divergences.add(new Divergence(c.source(), c.name(), m.name(), m.role(), "fuel", "instantiation",
                            Long.toString(f.instantiationFuel()), Long.toString(e.getValue().instantiationFuel())));
                    continue;
                }
                if (refStart == null) {
                    live.add(m);
                }
            }
            if (refStart != null) {
                return new CaseResult(c, "ran", 0, 0, divergences);
            }
            Map<ExecutionMode.Session, Boolean> fuelDiverged = new HashMap<>();
            for (int k = 0; k < plan.size(); k++) {
                Call call = plan.get(k);
                String where = "call " + k + " " + call.describe();
                ExecutionMode.Outcome expected = ref.call(call.export(), call.params(), call.results(), call.args(), call.observe());
                calls++;
                Map<ExecutionMode.Session, ExecutionMode.Outcome> fuelOutcomes = new HashMap<>();
                for (var f : new java.util.LinkedHashSet<>(fuelSessions.values())) {
                    ExecutionMode.Outcome fo = f.call(call.export(), call.params(), call.results(), call.args(), call.observe());
                    fuelOutcomes.put(f, fo);
                    String d = differ(expected, fo, call.observe());
                    if (d != null && !fuelDiverged.containsKey(f)) {
                        fuelDiverged.put(f, true);
                        divergences.add(new Divergence(c.source(), c.name(), "metering(v8)", ExecutionMode.Role.UNDER_TEST, d, where,
                                show(expected, d), show(fo, d)));
                    }
                }
                for (var it = live.iterator(); it.hasNext(); ) {
                    ExecutionMode m = it.next();
                    ExecutionMode.Outcome actual;
                    try {
                        actual = sessions.get(m).call(call.export(), call.params(), call.results(), call.args(), call.observe());
                    } catch (RuntimeException | StackOverflowError e) {
                        divergences.add(new Divergence(c.source(), c.name(), m.name(), m.role(), "crash", where, "-", String.valueOf(e)));
                        it.remove();
                        continue;
                    }
                    String d = differ(expected, actual, call.observe());
                    if (d != null) {
                        divergences.add(new Divergence(c.source(), c.name(), m.name(), m.role(), d, where, show(expected, d), show(actual, d),
                                d.equals("trap") ? kind(expected) + "->" + kind(actual) : ""));
                        it.remove();
                        continue;
                    }
                    ExecutionMode.Session f = fuelSessions.get(m);
                    if (f != null && !fuelDiverged.containsKey(f) && !TrapKinds.CALL_STACK.equals(expected.trap())) {
                        fuelChecks++;
                        long oracle = fuelOutcomes.get(f).fuel();
                        if (oracle != actual.fuel()) {
                            divergences.add(new Divergence(c.source(), c.name(), m.name(), m.role(), "fuel", where,
                                    Long.toString(oracle), Long.toString(actual.fuel())));
                            it.remove();
                        }
                    }
                }
            }
            return new CaseResult(c, "ran", calls, fuelChecks, divergences);
        } finally {
            for (ExecutionMode.Session s : sessions.values()) {
                s.close();
            }
            for (ExecutionMode.Session s : fuelByWasm.values()) {
                closeQuietly(s);
            }
            if (ref != null) {
                closeQuietly(ref);
            }
        }
    }

    private static void closeQuietly(ExecutionMode.Session s) {
        try {
            s.close();
        } catch (V8Oracle.Failure ignored) {
            // the process is gone: nothing left to forget
        }
    }

    private List<ExecutionMode> undertest() {
        return modes.stream().filter(m -> m.role() != ExecutionMode.Role.REFERENCE).toList();
    }

    /** The first category in which {@code actual} differs from {@code expected}, or null. */
    static String differ(ExecutionMode.Outcome expected, ExecutionMode.Outcome actual, boolean observe) {
        if (!TrapKinds.agree(expected.trap(), actual.trap())) {
            return "trap";
        }
        if (!Objects.equals(expected.results(), actual.results())) {
            return "result";
        }
        if (!expected.log().equals(actual.log())) {
            return "log";
        }
        if (observe && !Objects.equals(expected.memories(), actual.memories())) {
            return "memory";
        }
        if (observe && !Objects.equals(expected.globals(), actual.globals())) {
            return "global";
        }
        return null;
    }

    private static String kind(ExecutionMode.Outcome o) {
        return o.trap() != null ? o.trap() : "returned";
    }

    private static String show(ExecutionMode.Outcome o, String category) {
        switch (category) {
            case "trap":
            case "result":
                return o.trap() != null ? "trap " + o.trap() + " (" + o.trapMessage() + ")" : "returned " + o.results();
            case "log":
                return "logged " + o.log();
            case "memory":
                return "memory " + o.memories();
            case "global":
                return "globals " + o.globals();
            default:
                return String.valueOf(o);
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl > 0 ? s.substring(0, nl) : s;
    }

    // ---- plans ----------------------------------------------------------------------------------------------

    /**
     * binaryen's calling convention for its generated modules ({@code ExecutionResults} in binaryen, the fuzz
     * shells): every exported function in export order, each after a call of {@code hangLimitInitializer}, with
     * zeros; then a second round with seeded random arguments. Memories and globals are compared after each call.
     */
    static Function<WasmModule, List<Call>> ttfPlan(long seed) {
        return module -> {
            SplittableRandom random = new SplittableRandom(seed ^ 0x0a11_ca11L);
            List<Call> calls = new ArrayList<>();
            boolean hang = false;
            List<Export> functions = new ArrayList<>();
            for (int i = 0; i < module.exportSection().exportCount(); i++) {
                Export e = module.exportSection().getExport(i);
                if (e.exportType() != ExternalType.FUNCTION) {
                    continue;
                }
                if (e.name().equals("hangLimitInitializer")) {
                    hang = true;
                } else {
                    functions.add(e);
                }
            }
            for (int round = 0; round < 2; round++) {
                for (Export e : functions) {
                    FunctionType type = functionType(module, (int) e.index());
                    if (hang) {
                        calls.add(new Call("hangLimitInitializer", List.of(), List.of(), List.of(), false));
                    }
                    List<String> params = ExecutionMode.names(type.params());
                    List<String> args = new ArrayList<>();
                    for (String p : params) {
                        args.add(round == 0 ? zero(p) : randomValue(p, random));
                    }
                    calls.add(new Call(e.name(), params, ExecutionMode.names(type.returns()), args, true));
                }
            }
            return calls;
        };
    }

    /** {@code run(i32, i64)} of a {@link RandomModules} module with {@link DifferentialTest#ARGS}, in order. */
    static Function<WasmModule, List<Call>> randomModulePlan() {
        return module -> {
            List<Call> calls = new ArrayList<>();
            boolean hasRun = false;
            for (int i = 0; i < module.exportSection().exportCount(); i++) {
                Export e = module.exportSection().getExport(i);
                hasRun |= e.name().equals("run") && e.exportType() == ExternalType.FUNCTION
                        && ExecutionMode.names(functionType(module, (int) e.index()).params()).equals(List.of("i32", "i64"))
                        && ExecutionMode.names(functionType(module, (int) e.index()).returns()).equals(List.of("i64"));
            }
            if (!hasRun) {
                return calls; // a reduced module that lost it
            }
            for (long[] a : DifferentialTest.ARGS) {
                calls.add(new Call("run", List.of("i32", "i64"), List.of("i64"),
                        List.of(Integer.toUnsignedString((int) a[0]), Long.toUnsignedString(a[1])), true));
            }
            return calls;
        };
    }

    static FunctionType functionType(WasmModule module, int function) {
        int imported = module.importSection().count(ExternalType.FUNCTION);
        if (function < imported) {
            int seen = 0;
            for (int i = 0; i < module.importSection().importCount(); i++) {
                var imp = module.importSection().getImport(i);
                if (imp instanceof com.dylibso.chicory.wasm.types.FunctionImport && seen++ == function) {
                    return module.typeSection().getType(((com.dylibso.chicory.wasm.types.FunctionImport) imp).typeIndex());
                }
            }
        }
        return module.typeSection().getType(module.functionSection().getFunctionType(function - imported));
    }

    private static String zero(String type) {
        return type.endsWith("ref") ? "null" : "0";
    }

    private static final long[] INTERESTING_32 = {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0x7fc00000, 0xff800000L,
        0x7f800001, 0x80000000L, 65536, 65535};
    private static final long[] INTERESTING_64 = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0x7ff8000000000000L,
        0xfff0000000000001L, 0x7ff0000000000000L, 65536, 1L << 32};

    private static String randomValue(String type, SplittableRandom random) {
        switch (type) {
            case "i32":
            case "f32": {
                long v = random.nextInt(3) == 0 ? INTERESTING_32[random.nextInt(INTERESTING_32.length)] : random.nextInt();
                return Integer.toUnsignedString((int) v);
            }
            case "i64":
            case "f64": {
                long v = random.nextInt(3) == 0 ? INTERESTING_64[random.nextInt(INTERESTING_64.length)] : random.nextLong();
                return Long.toUnsignedString(v);
            }
            default:
                return "null";
        }
    }
}
