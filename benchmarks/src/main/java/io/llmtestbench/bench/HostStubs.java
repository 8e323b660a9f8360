package io.llmtestbench.bench;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.Import;
import io.llmtestbench.abi.PluginAbi;
import io.llmtestbench.compiler.fixtures.FuelCosts;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Stand-ins for the plugin ABI's {@code env} host functions, for running a plugin outside the plugin
 * system (guest-only benchmarks, the fuel accuracy tool). They behave like the runtime's (state is a map with the runtime's key rules,
 * {@code host_random} is seeded the same way, time is fixed, logs are dropped) but charge no fuel; instead they count
 * what the runtime's {@code HostEnv} would charge, by the cost model itself ({@link FuelCosts#hostCallCost}).
 */
public final class HostStubs {
    /** The random seed; load with {@code LoadOptions.builder().randomSeed(SEED)} to get the same numbers. */
    public static final long SEED = 42;
    /** Longest state key ({@code PluginState.MAX_KEY_BYTES}). */
    public static final int MAX_KEY_BYTES = 256;

    private final Map<ByteBuffer, byte[]> state = new HashMap<>();
    private final byte[] context;
    private byte[] lastHttp;
    /** Seeded like the runtime's host_random ({@code new Random(seed).nextInt(max)}), see {@link #SEED}. */
    private final java.util.Random random = new java.util.Random(SEED);
    public long calls;
    public long hostFuel;

    public HostStubs(byte[] context) {
        this.context = context;
    }

    public void resetCounters() {
        calls = 0;
        hostFuel = 0;
    }

    private void count(long bytes) {
        calls++;
        hostFuel += FuelCosts.hostCallCost(bytes);
    }

    /** Host functions for every import of the module ({@code env} stubs, plus WASI with no permissions). */
    public List<ImportFunction> importsFor(byte[] wasm) {
        WasmModule module = Parser.parse(wasm);
        List<ImportFunction> out = new ArrayList<>();
        boolean wasi = false;
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imp = module.importSection().getImport(i);
            if (imp.importType() != ExternalType.FUNCTION) {
                continue;
            }
            if (imp.module().equals(PluginAbi.WASI_MODULE)) {
                wasi = true;
            } else if (imp.module().equals(PluginAbi.HOST_MODULE) && PluginAbi.HOST_FUNCTIONS.containsKey(imp.name())) {
                out.add(function(imp.name()));
            } else {
                throw new IllegalArgumentException("unsupported import " + imp.module() + "." + imp.name()
                        + " (" + ((FunctionImport) imp).typeIndex() + ")");
            }
        }
        if (wasi) {
            var w = WasiPreview1.builder().withOptions(WasiOptions.builder().build()).build();
            out.addAll(Arrays.asList(w.toHostFunctions()));
        }
        return out;
    }

    private HostFunction function(String name) {
        var type = PluginAbi.HOST_FUNCTIONS.get(name);
        switch (name) {
            case PluginAbi.HOST_LOG:
                return new HostFunction(PluginAbi.HOST_MODULE, name, type, (inst, a) -> {
                    count((int) a[2]);
                    int level = (int) a[0];
                    return new long[] {level < 0 || level > 4 ? -2 : 0};
                });
            case PluginAbi.HOST_CURRENT_TIME_MS:
                return new HostFunction(PluginAbi.HOST_MODULE, name, type, (inst, a) -> {
                    count(0);
                    return new long[] {1_764_081_234_000L};
                });
            case PluginAbi.HOST_RANDOM:
                return new HostFunction(PluginAbi.HOST_MODULE, name, type, (inst, a) -> {
                    count(0);
                    int max = (int) a[0];
                    return new long[] {max <= 0 ? -2 : random.nextInt(max)};
                });
            case PluginAbi.HOST_SET_STATE:
                return new HostFunction(PluginAbi.HOST_MODULE, name, type, (inst, a) -> {
                    byte[] k = inst.memory().readBytes((int) a[0], (int) a[1]);
                    byte[] v = inst.memory().readBytes((int) a[2], (int) a[3]);
                    count((long) k.length + v.length);
                    if (k.length == 0 || k.length > MAX_KEY_BYTES) {
                        return new long[] {-2};
                    }
                    state.put(ByteBuffer.wrap(k), v);
                    return new long[] {0};
                });
            case PluginAbi.HOST_GET_STATE:
                return new HostFunction(PluginAbi.HOST_MODULE, name, type, (inst, a) -> {
                    byte[] k = inst.memory().readBytes((int) a[0], (int) a[1]);
                    byte[] v = state.get(ByteBuffer.wrap(k));
                    count(k.length + (v == null ? 0 : v.length));
                    if (v == null) {
                        return new long[] {-1};
                    }
                    copyOut(inst, v, (int) a[2], (int) a[3]);
                    return new long[] {v.length};
                });
            case PluginAbi.HOST_GET_CONTEXT:
                return new HostFunction(PluginAbi.HOST_MODULE, name, type, (inst, a) -> {
                    count(context == null ? 0 : context.length);
                    if (context == null) {
                        return new long[] {-1};
                    }
                    copyOut(inst, context, (int) a[0], (int) a[1]);
                    return new long[] {context.length};
                });
            case "host_http_request":
                // No network here: answer as the runtime does for a request it cannot make (-3 with an error JSON).
                return new HostFunction(PluginAbi.HOST_MODULE, name, type, (inst, a) -> {
                    byte[] err = "{\"error\":\"no network in benchmarks\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    count((int) a[1]);
                    count(err.length);
                    calls--; // one call, two charges (request and response bytes), as in the runtime
                    lastHttp = err;
                    return new long[] {-3};
                });
            case "host_http_response":
                return new HostFunction(PluginAbi.HOST_MODULE, name, type, (inst, a) -> {
                    count(lastHttp == null ? 0 : lastHttp.length);
                    if (lastHttp == null) {
                        return new long[] {-1};
                    }
                    copyOut(inst, lastHttp, (int) a[0], (int) a[1]);
                    return new long[] {lastHttp.length};
                });
            default:
                throw new IllegalArgumentException("no stub for host function " + name);
        }
    }

    private static void copyOut(Instance inst, byte[] value, int ptr, int max) {
        int n = Math.min(value.length, Math.max(0, max));
        if (n > 0) {
            inst.memory().write(ptr, value, 0, n);
        }
    }
}
