package io.llmtestbench.bench;

import com.dylibso.chicory.runtime.ExportFunction;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmtestbench.runtime.PluginBytesOutput;
import io.llmtestbench.runtime.PluginInput;
import io.llmtestbench.runtime.PluginOutput;
import io.llmtestbench.runtime.PluginSystem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Per-call cost of {@code PluginSystem.executePlugin} on the evaluator plugin with a ~200-byte input,
 * and its pieces measured separately:
 * <pre>
 *   executePlugin (caller thread)  = hand-off to a guest thread + executePlugin inline
 *   executePlugin inline           = marshal in + ABI sequence on the guest + marshal out + rest
 *   ABI sequence (alloc x3, write, plugin_execute, read, free x3)  vs  plugin_execute alone
 * </pre>
 * and the same guest function called directly through Chicory's API (its compiler, no metering).
 * Run with {@code -prof gc} for bytes allocated per call. Only the states a method takes are set up.
 *
 * <p>Every fork runs with HotSpot's default flags ({@code jvmArgs} replaces the launching JVM's arguments;
 * {@link JvmFlags} refuses a fork that JIT-compiles huge methods without asking), except the {@code *HugeJit}
 * variants, which declare {@code -XX:-DontCompileHugeMethods} in their own {@code @Fork}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx1g"})
public class CallOverheadBench {

    /** The plugin on one engine, started up, outside the plugin system. */
    public abstract static class GuestState {
        public AbiClient abi;
        public AbiClient.Prepared prepared;
        public ExportFunction free;
        public byte[] input;

        abstract Engine engine();

        byte[] wasm() {
            return BenchData.pluginBytes();
        }

        /**
         * Whether to allocate the buffers of {@link #prepared} (for the {@code *ExecuteOnly} methods). Not for a
         * state whose methods run the whole ABI sequence on a plugin with a bump allocator (echo): three buffers
         * never freed keep it from rewinding, and its memory would grow on every call.
         */
        boolean prepareBuffers() {
            return true;
        }

        @Setup(Level.Trial)
        public void setup(BenchmarkParams params) {
            JvmFlags.requireAsDeclared(params);
            byte[] wasm = wasm();
            Guest g = Guest.create(engine(), wasm, "plugin.wasm", new HostStubs(null).importsFor(wasm));
            abi = new AbiClient(g);
            abi.startUp("{}".getBytes(StandardCharsets.UTF_8));
            input = BenchData.PLUGIN_INPUT.getBytes(StandardCharsets.UTF_8);
            prepared = prepareBuffers() ? abi.prepare(input) : null;
            free = g.export("plugin_free");
        }
    }

    @State(Scope.Thread)
    public static class OursMetered extends GuestState {
        @Override
        Engine engine() {
            return Engine.OURS_METERED;
        }
    }

    @State(Scope.Thread)
    public static class OursUnmetered extends GuestState {
        @Override
        Engine engine() {
            return Engine.OURS_UNMETERED;
        }
    }

    /** The echo plugin, metered, on a bare instance: the guest work of one echo execution. */
    @State(Scope.Thread)
    public static class EchoMetered extends GuestState {
        @Override
        Engine engine() {
            return Engine.OURS_METERED;
        }

        @Override
        byte[] wasm() {
            return BenchData.echoBytes();
        }

        @Override
        boolean prepareBuffers() {
            return false;
        }
    }

    @State(Scope.Thread)
    public static class ChicoryAot extends GuestState {
        @Override
        Engine engine() {
            return Engine.CHICORY_AOT;
        }
    }

    /** Jackson, the input tree and a real output of the plugin, for the marshalling pieces. */
    @State(Scope.Thread)
    public static class JsonState {
        public ObjectMapper json;
        public JsonNode data;
        public byte[] output;

        @Setup(Level.Trial)
        public void setup() {
            json = new ObjectMapper();
            data = PluginInput.of(BenchData.PLUGIN_INPUT).data();
            byte[] wasm = BenchData.pluginBytes();
            var abi = new AbiClient(Guest.create(Engine.CHICORY_AOT, wasm, "plugin.wasm", new HostStubs(null).importsFor(wasm)));
            abi.startUp("{}".getBytes(StandardCharsets.UTF_8));
            output = abi.execute(BenchData.PLUGIN_INPUT.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A scheduler like the runtime's watchdog (one thread, remove-on-cancel). */
    @State(Scope.Benchmark)
    public static class WatchdogState {
        public ScheduledThreadPoolExecutor timer;
        public Runnable alarm;

        @Setup(Level.Trial)
        public void setup() {
            timer = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "bench-watchdog");
                t.setDaemon(true);
                return t;
            });
            timer.setRemoveOnCancelPolicy(true);
            alarm = () -> { };
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            timer.shutdownNow();
        }
    }

    // ---- the full public path ----

    /** executePlugin from an ordinary thread: includes the hand-off to a guest thread and back. */
    @Benchmark
    public PluginOutput executePlugin(EvaluatorSystem s) {
        return s.system.executePlugin(s.id, s.input);
    }

    /** executePlugin from a guest thread (runs inline, as in batch drivers using submit()). */
    @Benchmark
    public PluginOutput executePluginInline(EvaluatorSystem s, GuestThreadMark mark) {
        return s.system.executePlugin(s.id, s.input);
    }

    /** Baseline: a thread hand-off to the guest pool and back, with no work. */
    /** The evaluator from its pre-compiled jar, unsigned (handed off to a guest thread) or pinned (on this thread). */
    @Benchmark
    public PluginOutput executePluginJar(EvaluatorJarSystem s) {
        return s.system.executePlugin(s.id, s.input);
    }

    @Benchmark
    public Object handoffOnly(EvaluatorSystem s) {
        return s.system.submit(() -> s).join();
    }

    // ---- host cost per call: the trivial echo plugin, whose guest work is echoGuestAbi ----

    /** executePlugin of echo from an ordinary thread. */
    @Benchmark
    public PluginOutput echoExecutePlugin(EchoSystem s) {
        return s.system.executePlugin(s.id, s.input);
    }

    /** executePlugin of echo from a guest thread. */
    @Benchmark
    public PluginOutput echoExecutePluginInline(EchoSystem s, GuestThreadMark mark) {
        return s.system.executePlugin(s.id, s.input);
    }

    /** executePluginBytes of echo (no JSON tree) from an ordinary thread. */
    @Benchmark
    public PluginBytesOutput echoExecutePluginBytes(EchoSystem s) {
        return s.system.executePluginBytes(s.id, s.inputBytes, null);
    }

    /** executePluginBytes of echo from a guest thread. */
    @Benchmark
    public PluginBytesOutput echoExecutePluginBytesInline(EchoSystem s, GuestThreadMark mark) {
        return s.system.executePluginBytes(s.id, s.inputBytes, null);
    }

    /** Baseline: echo's guest work, the runtime's ABI sequence on a bare metered instance (alloc x3, write, execute, read, free x3). */
    @Benchmark
    public byte[] echoGuestAbi(EchoMetered g) {
        g.abi.guest.resetBudget();
        return g.abi.execute(g.input);
    }

    // ---- host-side pieces ----

    /** Marshalling in: the input tree to JSON bytes, as the runtime does. */
    @Benchmark
    public byte[] marshalIn(JsonState j) throws IOException {
        return j.json.writeValueAsBytes(j.data);
    }

    /** Marshalling out: strict UTF-8 decode and JSON parse of the plugin's output, as the runtime does. */
    @Benchmark
    public JsonNode marshalOut(JsonState j) throws IOException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(j.output)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException(e);
        }
        var parser = j.json.getFactory().createParser(text);
        JsonNode node = j.json.readTree(parser);
        if (parser.nextToken() != null) {
            throw new IllegalStateException("trailing data");
        }
        return node;
    }

    /** The per-execution deadline alarm: schedule and cancel on a one-thread scheduler. */
    @Benchmark
    public boolean watchdogArmCancel(WatchdogState w) {
        ScheduledFuture<?> f = w.timer.schedule(w.alarm, 30, TimeUnit.SECONDS);
        return f.cancel(false);
    }

    // ---- guest side, our compiler ----

    /** The ABI sequence on a prepared instance (metered): alloc x3, write, plugin_execute, read, free x3. */
    @Benchmark
    public byte[] guestAbiMetered(OursMetered g) {
        g.abi.guest.resetBudget();
        return g.abi.execute(g.input);
    }

    /** plugin_execute alone (metered), buffers allocated once. */
    @Benchmark
    public int guestExecuteOnlyMetered(OursMetered g) {
        g.abi.guest.resetBudget();
        return g.prepared.executeOnly();
    }

    /** plugin_execute alone, compiled without metering. */
    @Benchmark
    public int guestExecuteOnlyUnmetered(OursUnmetered g) {
        g.abi.guest.resetBudget();
        return g.prepared.executeOnly();
    }

    /** Baseline: one export call that does nothing (plugin_free(0, 0)) on our metered code. */
    @Benchmark
    public long[] baselineEmptyCallMetered(OursMetered g) {
        return g.free.apply(0, 0);
    }

    // ---- the same, with HotSpot allowed to compile methods over HugeMethodLimit (8000 bytecode bytes) ----
    // The evaluator's plugin_execute becomes a 9.8 KB JVM method once metered (8.0 KB and less unmetered),
    // so by default HotSpot never compiles it and it stays in the bytecode interpreter.

    @Benchmark
    @Fork(jvmArgs = {"-Xms1g", "-Xmx1g", JvmFlags.HUGE_JIT})
    public PluginOutput executePluginHugeJit(EvaluatorSystem s) {
        return s.system.executePlugin(s.id, s.input);
    }

    @Benchmark
    @Fork(jvmArgs = {"-Xms1g", "-Xmx1g", JvmFlags.HUGE_JIT})
    public int guestExecuteOnlyMeteredHugeJit(OursMetered g) {
        g.abi.guest.resetBudget();
        return g.prepared.executeOnly();
    }

    @Benchmark
    @Fork(jvmArgs = {"-Xms1g", "-Xmx1g", JvmFlags.HUGE_JIT})
    public int chicoryExecuteOnlyHugeJit(ChicoryAot g) {
        return g.prepared.executeOnly();
    }

    // ---- the same guest function through Chicory's own API ----

    @Benchmark
    public byte[] chicoryAbi(ChicoryAot g) {
        return g.abi.execute(g.input);
    }

    @Benchmark
    public int chicoryExecuteOnly(ChicoryAot g) {
        return g.prepared.executeOnly();
    }

    @Benchmark
    public long[] baselineEmptyCallChicory(ChicoryAot g) {
        return g.free.apply(0, 0);
    }
}
