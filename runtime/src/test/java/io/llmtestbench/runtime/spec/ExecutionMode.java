package io.llmtestbench.runtime.spec;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import com.dylibso.chicory.wasm.types.Value;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbench.compiler.CompilationException;
import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.runtime.internal.exec.Budget;
import io.llmtestbench.runtime.internal.exec.Interrupted;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One engine the oracle runs modules on. The modes are listed in {@link #ALL}: adding one (a new code generator
 * behind the compiler's {@code Backend}, say) is one line there. Values cross this interface as canonical strings
 * (see {@link Outcome}), so that every engine is compared the same way.
 */
interface ExecutionMode {

    /**
     * Every mode the oracle runs, in report order. Ours are compared with V8 ({@link Role#REFERENCE}) call by call;
     * a metered one also with the exact fuel oracle. Chicory's interpreter is compared too, for information only:
     * its deviations are Chicory's (it backs our interpreter fallback, which the compiler guards where it is wrong).
     */
    List<ExecutionMode> ALL = List.of(
            ours("ours-metered", CompilerOptions.defaults()),
            ours("ours-unmetered", CompilerOptions.defaults().withMetering(false)),
            new Java("chicory-interpreter", Role.INFORMATIONAL, new Engine.Interpreter()),
            new V8("v8"));

    /** Our compiler with these options, compared with the reference. */
    static ExecutionMode ours(String name, CompilerOptions options) {
        return new Java(name, Role.UNDER_TEST, new Engine.Compiled(options));
    }

    enum Role {
        /** Ours: every difference from the reference is a divergence to fix. */
        UNDER_TEST,
        /** The independent engine the others are compared with. */
        REFERENCE,
        /** Compared and reported, never failing the oracle. */
        INFORMATIONAL
    }

    String name();

    Role role();

    /**
     * Instantiates {@code wasm} (already validated by our compiler; {@code module} is its parse) with binaryen's
     * {@code fuzzing-support} log functions as imports. Never throws for what the module does: a failed
     * instantiation is a session whose {@link Session#instantiation()} says why.
     */
    Session start(String label, byte[] wasm, WasmModule module);

    /** The value types of a function type, as the oracle names them. */
    static List<String> names(List<ValType> types) {
        List<String> out = new ArrayList<>();
        for (ValType t : types) {
            out.add(name(t));
        }
        return out;
    }

    static String name(ValType t) {
        if (t.equals(ValType.I32)) {
            return "i32";
        } else if (t.equals(ValType.I64)) {
            return "i64";
        } else if (t.equals(ValType.F32)) {
            return "f32";
        } else if (t.equals(ValType.F64)) {
            return "f64";
        } else if (t.equals(ValType.FuncRef)) {
            return "funcref";
        } else if (t.equals(ValType.ExternRef)) {
            return "externref";
        }
        return t.toString().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * What one call did. Values: i32/f32 as the unsigned decimal of their 32 bits, i64/f64 of their 64 bits,
     * references as {@code null}, {@code func} or {@code extern:<id>}. {@code trap} is the canonical trap kind
     * ({@link TrapKinds}), {@code trapMessage} the engine's own message. {@code memories}: {@code pages:sha256} per
     * memory; {@code globals}: every global's value. {@code fuel}: charged by the call, -1 when not metered.
     */
    record Outcome(List<String> results, String trap, String trapMessage, List<String> log, List<String> memories,
            List<String> globals, long fuel) {}

    /** A module instance in one mode. */
    interface Session extends AutoCloseable {
        /** Null when instantiation worked, else its outcome (trap kind "link error: ..." etc.). */
        Outcome instantiation();

        /** Fuel charged by instantiation (start function), -1 when not metered. */
        long instantiationFuel();

        /**
         * When this mode is metered, its module metered in wasm by the same cost model (a call to {@code $fuel} per
         * segment, {@code $bulk} per bulk instruction: what its code charges, for the fuel oracle), else null.
         */
        byte[] meteredWasm();

        /** Calls an export; {@code observe}: also report memories and globals afterwards. */
        Outcome call(String export, List<String> params, List<String> results, List<String> args, boolean observe);

        @Override
        void close();
    }

    // ---- our compiler and Chicory's interpreter ---------------------------------------------------------------

    /** An {@link Engine} (ours, or Chicory's interpreter) on the JVM. */
    final class Java implements ExecutionMode {
        /** A call running longer than this is stopped (the engines must agree on every module we generate). */
        static final long CALL_DEADLINE_SECONDS = 30;
        private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "oracle-watchdog");
            t.setDaemon(true);
            return t;
        });

        private final String name;
        private final Role role;
        private final Engine engine;

        Java(String name, Role role, Engine engine) {
            this.name = name;
            this.role = role;
            this.engine = engine;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Role role() {
            return role;
        }

        @Override
        public Session start(String label, byte[] wasm, WasmModule module) {
            List<String> log = new ArrayList<>();
            Budget budget = new Budget(Budget.UNLIMITED, ScriptRunner.MAX_DEPTH);
            Engine.Prepared prepared;
            try {
                prepared = engine.prepare(label, wasm);
            } catch (CompilationException e) {
                return failed("refused: " + e.kind() + ": " + e.getMessage(), -1);
            } catch (RuntimeException | StackOverflowError e) {
                return failed("compile crash: " + e, -1);
            }
            boolean metered = prepared.compiled() != null && prepared.compiled().stamp().metering();
            Instance instance;
            budget.reset(Budget.UNLIMITED, ScriptRunner.MAX_DEPTH);
            ScheduledFuture<?> deadline = arm(budget, Thread.currentThread());
            try {
                instance = engine.instantiate(prepared, imports(module, log), budget);
            } catch (RuntimeException | StackOverflowError e) {
                return failed(TrapKinds.ofJava(e), metered ? budget.fuelUsed() : -1, e);
            } finally {
                deadline.cancel(false);
                Thread.interrupted();
            }
            long startFuel = metered ? budget.fuelUsed() : -1;
            return new Session() {
                @Override
                public Outcome instantiation() {
                    return null;
                }

                @Override
                public long instantiationFuel() {
                    return startFuel;
                }

                @Override
                public byte[] meteredWasm() {
                    if (!metered) {
                        return null;
                    }
                    // The generator meters inline; the same cost model's plan, injected as wasm calls, charges
                    // exactly what its code charges (FuelInjector: the exact fuel oracle, as in DifferentialTest).
                    byte[] wasm = prepared.compiled().wasm();
                    var injected = io.llmtestbench.compiler.internal.FuelInjector.inject(wasm,
                            com.dylibso.chicory.wasm.Parser.parse(wasm));
                    return injected == null ? null : injected.wasm();
                }

                @Override
                public Outcome call(String export, List<String> params, List<String> results, List<String> args, boolean observe) {
                    log.clear();
                    long[] raw = new long[args.size()];
                    for (int i = 0; i < raw.length; i++) {
                        raw[i] = toRaw(params.get(i), args.get(i));
                    }
                    budget.reset(Budget.UNLIMITED, ScriptRunner.MAX_DEPTH);
                    List<String> out = null;
                    String trap = null;
                    String message = null;
                    ScheduledFuture<?> deadline = arm(budget, Thread.currentThread());
                    try {
                        long[] r = instance.export(export).apply(raw);
                        out = new ArrayList<>();
                        for (int i = 0; i < results.size(); i++) {
                            out.add(fromRaw(results.get(i), r[i]));
                        }
                    } catch (RuntimeException | StackOverflowError e) {
                        trap = TrapKinds.ofJava(e);
                        message = String.valueOf(e);
                    } finally {
                        deadline.cancel(false);
                        Thread.interrupted();
                    }
                    long fuel = metered ? budget.fuelUsed() : -1;
                    return new Outcome(out, trap, message, List.copyOf(log), observe ? memories(instance) : null,
                            observe ? globals(instance) : null, fuel);
                }

                @Override
                public void close() {}
            };
        }

        private static ScheduledFuture<?> arm(Budget budget, Thread thread) {
            return WATCHDOG.schedule(() -> {
                budget.requestStop(Interrupted.Reason.DEADLINE);
                thread.interrupt(); // Chicory's interpreter checks interruption
            }, CALL_DEADLINE_SECONDS, TimeUnit.SECONDS);
        }

        private static Session failed(String trap, long fuel) {
            return failed(trap, fuel, null);
        }

        private static Session failed(String trap, long fuel, Throwable cause) {
            Outcome o = new Outcome(null, trap, cause == null ? trap : String.valueOf(cause), List.of(), null, null, fuel);
            return new Session() {
                @Override
                public Outcome instantiation() {
                    return o;
                }

                @Override
                public long instantiationFuel() {
                    return fuel;
                }

                @Override
                public byte[] meteredWasm() {
                    return null;
                }

                @Override
                public Outcome call(String export, List<String> params, List<String> results, List<String> args, boolean observe) {
                    throw new IllegalStateException("not instantiated: " + trap);
                }

                @Override
                public void close() {}
            };
        }

        /** binaryen's fuzzing-support log functions, recording what they are passed; nothing else is provided. */
        private static ImportValues imports(WasmModule module, List<String> log) {
            var b = ImportValues.builder();
            for (int i = 0; i < module.importSection().importCount(); i++) {
                var imp = module.importSection().getImport(i);
                if (!imp.module().equals("fuzzing-support")) {
                    continue;
                }
                switch (imp.name()) {
                    case "log-i32":
                        b.addFunction(logger(imp.name(), ValType.I32, v -> "i32:" + Integer.toUnsignedString((int) v), log));
                        break;
                    case "log-i64":
                        b.addFunction(logger(imp.name(), ValType.I64, v -> "i64:" + Long.toUnsignedString(v), log));
                        break;
                    case "log-f32":
                        b.addFunction(logger(imp.name(), ValType.F32, v -> "f32:" + Integer.toUnsignedString((int) v), log));
                        break;
                    case "log-f64":
                        b.addFunction(logger(imp.name(), ValType.F64, v -> "f64:" + Long.toUnsignedString(v), log));
                        break;
                    default:
                        break;
                }
            }
            return b.build();
        }

        private static HostFunction logger(String name, ValType type, java.util.function.LongFunction<String> show, List<String> log) {
            return new HostFunction("fuzzing-support", name, FunctionType.of(List.of(type), List.of()), (instance, args) -> {
                log.add(show.apply(args[0]));
                return null;
            });
        }

        static long toRaw(String type, String value) {
            switch (type) {
                case "i32":
                case "f32":
                    return (int) Long.parseLong(value);
                case "i64":
                case "f64":
                    return Long.parseUnsignedLong(value);
                default:
                    if (value.equals("null")) {
                        return Value.REF_NULL_VALUE;
                    }
                    return Long.parseLong(value.substring(value.indexOf(':') + 1));
            }
        }

        static String fromRaw(String type, long raw) {
            switch (type) {
                case "i32":
                case "f32":
                    return Integer.toUnsignedString((int) raw);
                case "i64":
                case "f64":
                    return Long.toUnsignedString(raw);
                case "funcref":
                    return (int) raw == Value.REF_NULL_VALUE ? "null" : "func";
                default:
                    return (int) raw == Value.REF_NULL_VALUE ? "null" : "extern:" + raw;
            }
        }

        static List<String> memories(Instance instance) {
            int count = instance.imports().memoryCount()
                    + instance.module().memorySection().map(s -> s.memoryCount()).orElse(0);
            List<String> out = new ArrayList<>();
            for (int m = 0; m < count; m++) {
                Memory memory = instance.memory(m);
                out.add(memory.pages() + ":" + sha256(memory.readBytes(0, memory.pages() * Memory.PAGE_SIZE)));
            }
            return out;
        }

        static List<String> globals(Instance instance) {
            List<String> out = new ArrayList<>();
            Object machine = instance.getMachine();
            for (int g = 0; g < instance.globalCount(); g++) {
                var global = instance.global(g);
                out.add(fromRaw(ExecutionMode.name(global.getType()), machineGlobal(machine, g).orElse(global.getValue())));
            }
            return out;
        }

        /**
         * Our generator keeps a global that is neither imported nor exported in a public field of the machine,
         * {@code global<g>} of its JVM type (the instance's {@code GlobalInstance} then holds only its initial value);
         * a shared one is a {@code GlobalInstance} field, read through the instance. Empty for any other machine.
         */
        private static java.util.OptionalLong machineGlobal(Object machine, int g) {
            java.lang.reflect.Field f;
            try {
                f = machine.getClass().getField("global" + g);
            } catch (NoSuchFieldException e) {
                return java.util.OptionalLong.empty();
            }
            try {
                Class<?> t = f.getType();
                if (t == int.class) {
                    return java.util.OptionalLong.of(f.getInt(machine));
                } else if (t == long.class) {
                    return java.util.OptionalLong.of(f.getLong(machine));
                } else if (t == float.class) {
                    return java.util.OptionalLong.of(Float.floatToRawIntBits(f.getFloat(machine)));
                } else if (t == double.class) {
                    return java.util.OptionalLong.of(Double.doubleToRawLongBits(f.getDouble(machine)));
                }
                return java.util.OptionalLong.empty();
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- V8 -------------------------------------------------------------------------------------------------

    /** V8 through {@link V8Oracle}, on the module rewritten to show its memories and globals ({@link ObservedModule}). */
    final class V8 implements ExecutionMode {
        private static final AtomicLong IDS = new AtomicLong();
        private final String name;

        V8(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Role role() {
            return Role.REFERENCE;
        }

        /** The shape {@link ObservedModule} needs, from our parse of the module. */
        static ObservedModule.Shape shape(WasmModule module) {
            List<Integer> globals = new ArrayList<>();
            for (int i = 0; i < module.importSection().importCount(); i++) {
                if (module.importSection().getImport(i) instanceof com.dylibso.chicory.wasm.types.GlobalImport) {
                    globals.add(typeByte(((com.dylibso.chicory.wasm.types.GlobalImport) module.importSection().getImport(i)).type()));
                }
            }
            for (int g = 0; g < module.globalSection().globalCount(); g++) {
                globals.add(typeByte(module.globalSection().getGlobal(g).valueType()));
            }
            int memories = module.importSection().count(com.dylibso.chicory.wasm.types.ExternalType.MEMORY)
                    + module.memorySection().map(s -> s.memoryCount()).orElse(0);
            return new ObservedModule.Shape(module.importSection().count(com.dylibso.chicory.wasm.types.ExternalType.FUNCTION),
                    module.functionSection().functionCount(), module.typeSection().typeCount(), globals, memories);
        }

        /** The binary value type of a global the oracle can observe (numbers, funcref, externref). */
        static int typeByte(ValType t) {
            switch (ExecutionMode.name(t)) {
                case "i32":
                    return 0x7f;
                case "i64":
                    return 0x7e;
                case "f32":
                    return 0x7d;
                case "f64":
                    return 0x7c;
                case "funcref":
                    return 0x70;
                case "externref":
                    return 0x6f;
                default:
                    throw new IllegalArgumentException("the oracle cannot observe a global of type " + t);
            }
        }

        @Override
        public Session start(String label, byte[] wasm, WasmModule module) {
            ObservedModule.Shape shape = shape(module);
            return open(ObservedModule.observe(wasm, shape), shape, shape.globalTypes().size(), null);
        }

        /**
         * Runs an already rewritten module. {@code globals}: how many globals to report; {@code fuelGlobal}: the index
         * of the global counting fuel (its value becomes each outcome's fuel), or null.
         */
        Session open(byte[] observed, ObservedModule.Shape shape, int globals, Integer fuelGlobal) {
            V8Oracle v8 = V8Oracle.shared();
            String id = "i" + IDS.incrementAndGet();
            ObjectNode req = V8Oracle.op("instantiate").put("id", id).put("wasm", V8Oracle.base64(observed));
            req.putObject("links").put("fuzzing-support", "fuzzing-support");
            JsonNode res = v8.request(req);
            ObjectNode stateReq = V8Oracle.op("state").put("id", id);
            ArrayNode mems = stateReq.putArray("memories");
            for (int m = 0; m < shape.memories(); m++) {
                mems.add(ObservedModule.memoryExport(m));
            }
            ArrayNode gs = stateReq.putArray("globals");
            for (int g = 0; g < globals; g++) {
                int t = g < shape.globalTypes().size() ? shape.globalTypes().get(g) : 0x7e;
                String type = t == 0x7f || t == 0x7d ? "i32" : t == 0x7e || t == 0x7c ? "i64" : t == 0x70 ? "funcref" : "externref";
                gs.addObject().put("getter", ObservedModule.globalGetter(g)).put("type", type);
            }
            Outcome failure = null;
            long[] lastFuel = {0};
            if (!res.path("ok").asBoolean()) {
                String phase = res.path("phase").asText();
                String message = res.path("message").asText();
                failure = new Outcome(null, phase.equals("start") ? TrapKinds.ofV8(message) : phase + " error", message, List.of(),
                        null, null, -1);
            }
            Outcome instantiationFailure = failure;
            long startFuel = fuelGlobal == null || failure != null ? -1 : readFuel(v8, id, fuelGlobal);
            lastFuel[0] = Math.max(0, startFuel);
            return new Session() {
                @Override
                public Outcome instantiation() {
                    return instantiationFailure;
                }

                @Override
                public long instantiationFuel() {
                    return startFuel;
                }

                @Override
                public byte[] meteredWasm() {
                    return null;
                }

                @Override
                public Outcome call(String export, List<String> params, List<String> results, List<String> args, boolean observe) {
                    ObjectNode call = V8Oracle.op("invoke").put("id", id).put("export", export);
                    params.forEach(call.putArray("params")::add);
                    results.forEach(call.putArray("results")::add);
                    args.forEach(call.putArray("args")::add);
                    JsonNode r = v8.request(call);
                    if (!r.path("ok").asBoolean()) {
                        throw new V8Oracle.Failure("V8 could not call " + export + ": " + r.path("message").asText(), null);
                    }
                    List<String> log = new ArrayList<>();
                    r.path("log").forEach(n -> log.add(n.asText()));
                    List<String> out = null;
                    String trap = null;
                    String message = null;
                    if (r.has("trap")) {
                        message = r.path("error").asText() + ": " + r.path("trap").asText();
                        trap = TrapKinds.ofV8(r.path("trap").asText());
                    } else {
                        out = new ArrayList<>();
                        for (JsonNode v : r.path("results")) {
                            out.add(v.asText());
                        }
                    }
                    List<String> memories = null;
                    List<String> globalValues = null;
                    long fuel = -1;
                    if (observe || fuelGlobal != null) {
                        JsonNode s = v8.request(stateReq);
                        memories = new ArrayList<>();
                        for (JsonNode m : s.path("memories")) {
                            memories.add(m.asText());
                        }
                        globalValues = new ArrayList<>();
                        for (JsonNode g : s.path("globals")) {
                            globalValues.add(g.asText());
                        }
                        if (fuelGlobal != null) {
                            long total = Long.parseUnsignedLong(globalValues.get(fuelGlobal));
                            fuel = total - lastFuel[0];
                            lastFuel[0] = total;
                            globalValues = globalValues.subList(0, fuelGlobal);
                        }
                    }
                    return new Outcome(out, trap, message, log, observe ? memories : null, observe ? globalValues : null, fuel);
                }

                @Override
                public void close() {
                    ObjectNode forget = V8Oracle.op("forget");
                    forget.putArray("ids").add(id);
                    v8.request(forget);
                }
            };
        }

        private static long readFuel(V8Oracle v8, String id, int global) {
            ObjectNode s = V8Oracle.op("state").put("id", id);
            s.putArray("memories");
            s.putArray("globals").addObject().put("getter", ObservedModule.globalGetter(global)).put("type", "i64");
            return Long.parseUnsignedLong(v8.request(s).path("globals").get(0).asText());
        }
    }
}
