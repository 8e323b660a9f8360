package io.llmtestbench.bench;

import com.dylibso.chicory.runtime.ExecutionListener;
import com.dylibso.chicory.runtime.MStack;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.OpCode;
import io.llmtestbench.compiler.fixtures.FuelCosts;
import io.llmtestbench.runtime.PluginInput;
import io.llmtestbench.runtime.PluginOutput;
import io.llmtestbench.runtime.PluginSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The metering accuracy table of docs/metering.md: for every test plugin that runs normally (on a
 * representative input) and every benchmark kernel, the fuel our metering charges against the exact
 * number of wasm instructions Chicory's interpreter executes on the ORIGINAL module, counted with
 * {@code Instance.builder(module).withUnsafeExecutionListener(...)}.
 *
 * <p>Both sides run the same calls: for a kernel, {@code run(n)} after {@code init(n)}; for a plugin, one
 * execution run (the runtime's exact ABI sequence: 3 allocs, plugin_execute, 3 frees) after the start-up
 * run. Host functions are stubs that charge nothing, so "ours" is pure wasm fuel; the host-call fuel the
 * runtime adds (50 + bytes/16 per call) is reported beside it, and the plugin's fuel_used from a real
 * {@link PluginSystem} execution is shown as a cross-check (it must equal wasm fuel + host fuel).
 *
 * <p>Views: raw = every executed instruction the listener saw; model = raw minus the free structural
 * instructions (nop, block, loop, end, else) plus the operand-dependent charges of bulk operations
 * (1 per 8 bytes, 1 per table element, 8192 per memory.grow page). Our fuel must equal the model view
 * exactly unless a segment is cut short by a trap (none here).
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.llmtestbench.bench.FuelAccuracy
 * [--plugins test-plugins/wasm] [--json FILE] [--md FILE]}
 */
public final class FuelAccuracy {
    private FuelAccuracy() {}

    /**
     * Counts what the interpreter executes. The listener runs before each instruction, operands on the stack.
     * It also counts the {@code end}/{@code else} instructions that control reaches by a jump (a taken branch
     * to a block's end, an {@code if} whose condition is false, the jump from {@code else} to {@code end}):
     * the metering charges each segment where control enters it by falling through or at its start, so an
     * {@code end} entered by a jump belongs to a segment that was never entered and is not charged.
     */
    static final class Counter implements ExecutionListener {
        boolean on;
        long raw;
        long synthetic;
        long structural;
        long jumpEnds;
        long bulkOps;
        long bulkFuel;
        long modelCost;
        final Map<String, Long> bulkByOp = new LinkedHashMap<>();
        private Map<Integer, Integer> next = Map.of();
        private java.util.Set<Integer> bodyEnds = java.util.Set.of();
        private int imported;
        private int last = -1;
        private boolean lastTaken;
        private final java.util.ArrayDeque<Integer> frames = new java.util.ArrayDeque<>();

        /** Learns the fall-through successor of every instruction of the module the interpreter runs. */
        void learn(com.dylibso.chicory.wasm.WasmModule module) {
            next = new java.util.HashMap<>();
            bodyEnds = new java.util.HashSet<>();
            imported = module.importSection().count(com.dylibso.chicory.wasm.types.ExternalType.FUNCTION);
            for (int f = 0; f < module.functionSection().functionCount(); f++) {
                int prev = -1;
                for (var ins : module.codeSection().getFunctionBody(f).instructions()) {
                    if (ins.address() < 0) {
                        continue;
                    }
                    if (prev >= 0) {
                        next.put(prev, ins.address());
                    }
                    prev = ins.address();
                }
                if (prev >= 0) {
                    bodyEnds.add(prev);
                }
            }
        }

        /** A new call from the host starts. */
        void top() {
            last = -1;
            lastTaken = false;
            frames.clear();
        }

        @Override
        public void onExecution(Instruction ins, MStack stack) {
            if (ins.address() < 0) {
                synthetic++; // added by Chicory's parser, not in the binary
                return;
            }
            OpCode op = ins.opcode();
            int addr = ins.address();
            if (on) {
                raw++;
                modelCost += FuelCosts.cost(op);
                if (op == OpCode.NOP || op == OpCode.BLOCK || op == OpCode.LOOP || op == OpCode.END || op == OpCode.ELSE) {
                    structural++;
                }
                if ((op == OpCode.END || op == OpCode.ELSE) && last >= 0 && (lastTaken || !Integer.valueOf(addr).equals(next.get(last)))) {
                    jumpEnds++;
                }
                int kind = bulkKind(op);
                if (kind >= 0) {
                    int count = (int) stack.peek();
                    long f = FuelCosts.bulkCost(count, kind);
                    bulkOps++;
                    bulkFuel += f;
                    bulkByOp.merge(op.name().toLowerCase(Locale.ROOT).replace('_', '.'), f, Long::sum);
                }
            }
            // a taken branch lands on the target's end even when that is the next instruction (br_if 0; end)
            lastTaken = op == OpCode.BR || op == OpCode.BR_TABLE || (op == OpCode.BR_IF && (int) stack.peek() != 0);
            if ((op == OpCode.CALL && ins.operand(0) >= imported) || op == OpCode.CALL_INDIRECT) {
                frames.push(addr);
                last = -1;
            } else if (op == OpCode.RETURN || bodyEnds.contains(addr)) {
                last = frames.isEmpty() ? -1 : frames.pop();
            } else {
                last = addr;
            }
        }

        void reset() {
            raw = synthetic = structural = jumpEnds = bulkOps = bulkFuel = modelCost = 0;
            bulkByOp.clear();
        }

        /** What the cost model charges for this execution: static costs + bulk charges - ends entered by a jump. */
        long expected() {
            return modelCost + bulkFuel - jumpEnds;
        }
    }

    /**
     * Counts executed charges: runs the METERED module (as injected, before code generation) in the
     * interpreter, where {@code $fuel} is an empty wasm function, and counts the calls to it.
     */
    static final class SegmentCounter implements ExecutionListener {
        final int fuelFunction;
        boolean on;
        long segments;

        SegmentCounter(int fuelFunction) {
            this.fuelFunction = fuelFunction;
        }

        @Override
        public void onExecution(Instruction ins, MStack stack) {
            if (on && ins.opcode() == OpCode.CALL && ins.operand(0) == fuelFunction) {
                segments++;
            }
        }
    }

    /** Index of the injected $fuel function: appended after every imported and defined function. */
    static int fuelFunctionIndex(byte[] original) {
        var m = com.dylibso.chicory.wasm.Parser.parse(original);
        return m.importSection().count(com.dylibso.chicory.wasm.types.ExternalType.FUNCTION) + m.functionSection().functionCount();
    }

    static byte[] meteredWasm(byte[] original) {
        try {
            return io.llmtestbench.compiler.WasmCompiler.compile(original, io.llmtestbench.compiler.CompilerOptions.defaults()).wasm();
        } catch (io.llmtestbench.compiler.CompilationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bulk kinds of the cost model, decided here from the opcode name (an independent reading of the spec). */
    static int bulkKind(OpCode op) {
        switch (op.name()) {
            case "MEMORY_FILL":
            case "MEMORY_COPY":
            case "MEMORY_INIT":
                return FuelCosts.BULK_BYTES;
            case "TABLE_FILL":
            case "TABLE_COPY":
            case "TABLE_INIT":
            case "TABLE_GROW":
                return FuelCosts.BULK_ELEMENTS;
            case "MEMORY_GROW":
                return FuelCosts.BULK_PAGES;
            default:
                return -1;
        }
    }

    /** One row of the table. */
    record Row(String kind, String name, String input, long raw, long structural, long jumpEnds, long bulkOps, long bulkFuel,
               Map<String, Long> bulkByOp, long model, long fuel, long hostCalls, long hostFuel, long systemFuel, long segments, String note) {

        double fuelPerSegment() {
            return segments == 0 ? Double.NaN : (double) (fuel - bulkFuel) / segments;
        }

        double rawRatio() {
            return raw == 0 ? Double.NaN : (double) fuel / raw;
        }

        double modelRatio() {
            return model == 0 ? Double.NaN : (double) fuel / model;
        }

        /** The raw view with bulk charges added back (structural instructions kept). */
        double bulkAdjustedRatio() {
            long adj = raw + bulkFuel;
            return adj == 0 ? Double.NaN : (double) fuel / adj;
        }
    }

    static final Map<String, String> INPUTS = new LinkedHashMap<>();

    static {
        INPUTS.put("similarity-evaluator", BenchData.PLUGIN_INPUT);
        INPUTS.put("canned-provider", "{\"prompt\":\"What is the capital of France? Answer in one sentence.\",\"max_tokens\":32,\"temperature\":0.7}");
        INPUTS.put("threshold-filter", "{\"text\":\"Paris is the capital of France.\",\"scores\":{\"similarity\":0.82,\"sentiment\":0.41,\"toxicity\":0.97}}");
        INPUTS.put("text-normalizer", "{\"id\":7,\"text\":\"  Hello,\\tWORLD!  \\u00dcn\\u00efc\\u00f6d\\u00e9   Text\\u0007 with   SPACES \\u00a0and \\u0394\\u0395\\u039b\\u03a4\\u0391  \",\"lang\":\"en\"}");
        INPUTS.put("host_functions_probe", "{\"random_max\":100}");
        INPUTS.put("host_functions_probe_twin", "{\"random_max\":100}");
    }

    static String inputFor(String plugin) {
        return INPUTS.getOrDefault(plugin, BenchData.PLUGIN_INPUT);
    }

    public static void main(String[] args) throws IOException {
        Path plugins = Path.of("test-plugins", "wasm");
        Path json = null;
        Path md = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--plugins": plugins = Path.of(args[++i]); break;
                case "--json": json = Path.of(args[++i]); break;
                case "--md": md = Path.of(args[++i]); break;
                default: throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        List<Row> rows = new ArrayList<>();
        List<String> excluded = new ArrayList<>();
        if (Files.isDirectory(plugins)) {
            List<Path> files;
            try (Stream<Path> s = Files.list(plugins)) {
                files = s.filter(p -> p.toString().endsWith(".wasm")).sorted().toList();
            }
            for (Path p : files) {
                String name = p.getFileName().toString().replaceAll("\\.wasm$", "");
                try {
                    rows.add(plugin(name, Files.readAllBytes(p)));
                } catch (NotNormal e) {
                    excluded.add(name + ": " + e.getMessage());
                }
            }
        } else {
            System.err.println("no plugin directory " + plugins + "; kernels only");
        }
        for (String k : BenchData.KERNELS) {
            rows.add(kernel(k));
        }
        String table = markdown(rows, excluded);
        System.out.print(table);
        if (md != null) {
            Files.writeString(md, table);
        }
        if (json != null) {
            Files.writeString(json, toJson(rows, excluded));
        }
    }

    static final class NotNormal extends Exception {
        private static final long serialVersionUID = 1L;

        NotNormal(String m) {
            super(m, null, false, false);
        }
    }

    static Row kernel(String k) {
        byte[] wasm = BenchData.kernelWasm(k);
        int n = BenchData.kernelSize(k);
        Guest ours = Guest.create(Engine.OURS_METERED, wasm, k + ".wasm", List.of());
        ours.export("init").apply(n);
        ours.resetBudget();
        long sumOurs = ours.export("run").apply(n)[0];
        long fuel = ours.fuelUsed();

        Counter c = new Counter();
        Guest interp = Guest.create(Engine.CHICORY_INTERP, wasm, k + ".wasm", List.of(), c);
        c.learn(interp.instance.module());
        c.top();
        interp.export("init").apply(n);
        c.top();
        c.on = true;
        long sumInterp = interp.export("run").apply(n)[0];
        c.on = false;
        String note = sumOurs == sumInterp && sumOurs == BenchData.expectedChecksum(k) ? "" : "CHECKSUM MISMATCH";
        SegmentCounter sc = new SegmentCounter(fuelFunctionIndex(wasm));
        Guest seg = Guest.create(Engine.CHICORY_INTERP, meteredWasm(wasm), k + ".metered.wasm", List.of(), sc);
        seg.export("init").apply(n);
        sc.on = true;
        seg.export("run").apply(n);
        return new Row("kernel", k, "run(" + n + ")", c.raw, c.structural, c.jumpEnds, c.bulkOps, c.bulkFuel, new LinkedHashMap<>(c.bulkByOp),
                c.expected(), fuel, 0, 0, -1, sc.segments, note);
    }

    static Row plugin(String name, byte[] wasm) throws NotNormal {
        String input = inputFor(name);
        // The runtime passes PluginInput.data re-serialized by Jackson (compact, raw UTF-8); do the same.
        byte[] in;
        try {
            in = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(PluginInput.of(input).data());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        // 1. Does it run normally through the real plugin system? Its fuel_used is the cross-check.
        long systemFuel;
        Path tmp = null;
        try {
            tmp = Files.createTempFile("fuel-accuracy-", ".wasm");
            Files.write(tmp, wasm);
            try (PluginSystem system = PluginSystem.builder().cacheDir(null).build()) {
                PluginOutput out = system.executePlugin(system.loadPlugin(tmp, io.llmtestbench.runtime.LoadOptions.builder().randomSeed(HostStubs.SEED).build()), PluginInput.of(input));
                systemFuel = out.metadata().fuelUsed();
            }
        } catch (RuntimeException | IOException e) {
            String m = String.valueOf(e.getMessage());
            throw new NotNormal(e.getClass().getSimpleName() + ": " + (m.length() > 120 ? m.substring(0, 120) + "…" : m));
        } finally {
            if (tmp != null) {
                tmp.toFile().delete();
            }
        }
        // 2. Ours (metered, stub hosts) and the interpreter with the listener, same call sequence.
        HostStubs oursHost = new HostStubs(null);
        Guest ours = Guest.create(Engine.OURS_METERED, wasm, name + ".wasm", oursHost.importsFor(wasm));
        AbiClient oursAbi = new AbiClient(ours);
        ours.resetBudget();
        oursAbi.startUp(config);
        ours.resetBudget();
        oursHost.resetCounters();
        byte[] outOurs = oursAbi.execute(in);
        long fuel = ours.fuelUsed();

        Counter c = new Counter();
        HostStubs interpHost = new HostStubs(null);
        Guest interp = Guest.create(Engine.CHICORY_INTERP, wasm, name + ".wasm", interpHost.importsFor(wasm), c);
        c.learn(interp.instance.module());
        AbiClient interpAbi = new AbiClient(interp, c::top);
        interpAbi.startUp(config);
        c.on = true;
        byte[] outInterp = interpAbi.execute(in);
        c.on = false;
        String note = java.util.Arrays.equals(outOurs, outInterp) ? "" : "OUTPUT DIFFERS";
        if (systemFuel != fuel + oursHost.hostFuel) {
            note = (note.isEmpty() ? "" : note + "; ") + "system fuel " + systemFuel + " != wasm " + fuel + " + host " + oursHost.hostFuel;
        }
        SegmentCounter sc = new SegmentCounter(fuelFunctionIndex(wasm));
        byte[] metered = meteredWasm(wasm);
        Guest seg = Guest.create(Engine.CHICORY_INTERP, metered, name + ".metered.wasm", new HostStubs(null).importsFor(metered), sc);
        AbiClient segAbi = new AbiClient(seg);
        segAbi.startUp(config);
        sc.on = true;
        segAbi.execute(in);
        return new Row("plugin", name, abbreviate(input), c.raw, c.structural, c.jumpEnds, c.bulkOps, c.bulkFuel, new LinkedHashMap<>(c.bulkByOp),
                c.expected(), fuel, oursHost.calls, oursHost.hostFuel, systemFuel, sc.segments, note);
    }

    static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    static String markdown(List<Row> rows, List<String> excluded) {
        StringBuilder b = new StringBuilder();
        b.append("| module | run | executed instructions (raw) | of which block/loop/end/else/nop | end/else entered by a jump | "
                + "bulk ops: fuel | our fuel | fuel / raw | fuel / (raw + bulk) | model: raw + bulk − jump-entered ends | fuel / model | "
                + "host calls: fuel | PluginSystem fuel_used | segments charged | fuel per segment |\n");
        b.append("|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---|---:|---:|---:|\n");
        for (Row r : rows) {
            String bulk = r.bulkOps == 0 ? "0" : r.bulkOps + ": " + r.bulkFuel + " (" + r.bulkByOp.entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).reduce((x, y) -> x + ", " + y).orElse("") + ")";
            b.append("| ").append(r.kind.equals("kernel") ? "kernel " : "").append(r.name)
                    .append(" | ").append(r.kind.equals("kernel") ? r.input : "execute")
                    .append(" | ").append(r.raw)
                    .append(" | ").append(r.structural)
                    .append(" | ").append(r.jumpEnds)
                    .append(" | ").append(bulk)
                    .append(" | ").append(r.fuel)
                    .append(" | ").append(String.format(Locale.ROOT, "%.3f", r.rawRatio()))
                    .append(" | ").append(String.format(Locale.ROOT, "%.3f", r.bulkAdjustedRatio()))
                    .append(" | ").append(r.model)
                    .append(" | ").append(String.format(Locale.ROOT, "%.4f", r.modelRatio()))
                    .append(" | ").append(r.kind.equals("kernel") ? "–" : r.hostCalls + ": " + r.hostFuel)
                    .append(" | ").append(r.systemFuel < 0 ? "–" : Long.toString(r.systemFuel))
                    .append(r.note.isEmpty() ? "" : " ⚠ " + r.note)
                    .append(" | ").append(r.segments)
                    .append(" | ").append(String.format(Locale.ROOT, "%.1f", r.fuelPerSegment()))
                    .append(" |\n");
        }
        if (!excluded.isEmpty()) {
            b.append("\nNot in the table (they do not run normally on a representative input, by design):\n\n");
            for (String e : excluded) {
                b.append("- ").append(e).append('\n');
            }
        }
        return b.toString();
    }

    static String toJson(List<Row> rows, List<String> excluded) {
        StringBuilder b = new StringBuilder("{\n  \"rows\": [\n");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            b.append("    {\"kind\": \"").append(r.kind).append("\", \"name\": \"").append(r.name)
                    .append("\", \"raw\": ").append(r.raw).append(", \"structural\": ").append(r.structural)
                    .append(", \"bulk_ops\": ").append(r.bulkOps).append(", \"bulk_fuel\": ").append(r.bulkFuel)
                    .append(", \"model\": ").append(r.model).append(", \"fuel\": ").append(r.fuel)
                    .append(", \"host_calls\": ").append(r.hostCalls).append(", \"host_fuel\": ").append(r.hostFuel)
                    .append(", \"system_fuel\": ").append(r.systemFuel)
                    .append(", \"segments\": ").append(r.segments)
                    .append(", \"note\": \"").append(r.note.replace("\"", "'")).append("\"}")
                    .append(i + 1 < rows.size() ? ",\n" : "\n");
        }
        b.append("  ],\n  \"excluded\": [");
        for (int i = 0; i < excluded.size(); i++) {
            b.append(i == 0 ? "\n    \"" : ",\n    \"").append(excluded.get(i).replace("\\", "\\\\").replace("\"", "'")).append('"');
        }
        b.append(excluded.isEmpty() ? "]\n}\n" : "\n  ]\n}\n");
        return b.toString();
    }
}
