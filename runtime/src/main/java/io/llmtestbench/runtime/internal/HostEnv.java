package io.llmtestbench.runtime.internal;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import io.llmtestbench.abi.PluginAbi;
import io.llmtestbench.compiler.internal.CostModel;
import io.llmtestbench.runtime.ErrorKind;
import io.llmtestbench.runtime.internal.exec.Budget;
import io.llmtestbench.runtime.internal.wasi.LogQuota;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * The {@code env} host functions of one instance. Each call is charged {@link CostModel#hostCallCost} (a fixed cost
 * plus the bytes it copies); pointers are bounds-checked and a bad one ends the execution with a trap
 * naming the function. {@code host_http_request} waits at most until the execution's deadline.
 */
final class HostEnv {
    /** Fixed fuel charged for every host call. */

    private final PluginShared plugin;
    private Budget budget;
    private byte[] context;
    /** Log bytes of this run: host_log and WASI stdout/stderr together. */
    private final LogQuota logQuota;
    private long deadlineNanos;
    /** The JSON of this run's last host_http_request (response or error), for host_http_response. */
    private byte[] lastHttp;
    /** The last error-level host_log line of this run (its first 1 KiB), for failure messages. */
    private String lastError;
    /**
     * The run started on its caller's thread and may still move to a guest thread (see {@link NeedsGuestThread}): a
     * host function with an effect outside the instance ends it instead, and log lines wait in {@link #heldLogs}.
     */
    private boolean speculative;
    /** Log lines of a speculative run (level, text), written when it ends and dropped if it moves; null when none. */
    private List<Object> heldLogs;

    HostEnv(PluginShared plugin) {
        this.plugin = plugin;
        this.logQuota = new LogQuota(plugin.logCapBytes());
    }

    /** Binds the env to the run about to start; {@code deadlineNanos} is its deadline on {@link System#nanoTime()}. */
    void begin(Budget budget, byte[] context, long deadlineNanos) {
        begin(budget, context, deadlineNanos, false);
    }

    /** {@link #begin(Budget, byte[], long)}; {@code speculative}: the run may still move to a guest thread. */
    void begin(Budget budget, byte[] context, long deadlineNanos, boolean speculative) {
        this.speculative = speculative;
        this.heldLogs = null;
        this.budget = budget;
        this.context = context;
        logQuota.reset();
        this.deadlineNanos = deadlineNanos;
        this.lastHttp = null;
        this.lastError = null;
    }

    /**
     * The last line the plugin logged at error level in this run (whether or not the log cap let it through), cut to
     * 1 KiB; null when none. plugin_init has no output buffer, so this is how a plugin says why it failed.
     */
    String lastError() {
        return lastError;
    }

    /** The log cap of the current run, shared with WASI stdout/stderr. */
    LogQuota logQuota() {
        return logQuota;
    }

    /** Drops what only the run needed (the last HTTP response). */
    void endRun() {
        this.lastHttp = null;
    }

    /** Ends a run's speculation: its held log lines are written (when it stays) or dropped (when it moves). */
    void settle(boolean stays) {
        List<Object> held = heldLogs;
        heldLogs = null;
        speculative = false;
        if (stays && held != null) {
            for (int i = 0; i < held.size(); i += 2) {
                write((Integer) held.get(i), (String) held.get(i + 1));
            }
        }
    }

    /** A WASI function is about to run ({@code fn}: its qualified name): a speculative run moves first. */
    void wasiCall(String fn) {
        effect(fn);
    }

    /** In a speculative run, the host function {@code fn} would have an effect outside the instance: move the run. */
    private void effect(String fn) {
        if (speculative) {
            throw new NeedsGuestThread(fn);
        }
    }

    List<ImportFunction> functions(List<String> imported) {
        List<ImportFunction> out = new ArrayList<>();
        for (String name : imported) {
            out.add(new HostFunction(PluginAbi.HOST_MODULE, name, PluginAbi.HOST_FUNCTIONS.get(name), handle(name)));
        }
        return out;
    }

    private WasmFunctionHandle handle(String name) {
        switch (name) {
            case PluginAbi.HOST_LOG:
                return (inst, args) -> i32(log(inst, (int) args[0], (int) args[1], (int) args[2]));
            case PluginAbi.HOST_CURRENT_TIME_MS:
                return (inst, args) -> {
                    charge(0);
                    return new long[] {System.currentTimeMillis()};
                };
            case PluginAbi.HOST_RANDOM:
                return (inst, args) -> {
                    effect(PluginAbi.HOST_RANDOM); // draws from the plugin's (maybe seeded) sequence
                    charge(0);
                    int max = (int) args[0];
                    return i32(max <= 0 ? -2 : plugin.random(max));
                };
            case PluginAbi.HOST_SET_STATE:
                return (inst, args) -> i32(setState(inst, (int) args[0], (int) args[1], (int) args[2], (int) args[3]));
            case PluginAbi.HOST_GET_STATE:
                return (inst, args) -> i32(getState(inst, (int) args[0], (int) args[1], (int) args[2], (int) args[3]));
            case PluginAbi.HOST_COMPARE_AND_SET_STATE:
                return (inst, args) -> i32(compareAndSetState(inst, (int) args[0], (int) args[1], (int) args[2], (int) args[3],
                        (int) args[4], (int) args[5]));
            case PluginAbi.HOST_GET_CONTEXT:
                return (inst, args) -> i32(getContext(inst, (int) args[0], (int) args[1]));
            case PluginAbi.HOST_HTTP_REQUEST:
                return (inst, args) -> i32(httpRequest(inst, (int) args[0], (int) args[1], (int) args[2], (int) args[3]));
            case PluginAbi.HOST_HTTP_RESPONSE:
                return (inst, args) -> i32(httpResponse(inst, (int) args[0], (int) args[1]));
            default:
                throw new IllegalArgumentException("no host function " + name);
        }
    }

    private static long[] i32(int v) {
        return new long[] {v};
    }

    private void charge(long bytes) {
        if (budget != null) {
            budget.charge(CostModel.hostCallCost(bytes));
        }
    }

    /**
     * Copies out of the guest's memory only what it logs (at most the run's log cap) and, at error level, the first KiB:
     * a message is checked, charged and counted by its length, but a call with the whole memory as its text, which
     * is then dropped, copies nothing (it used to copy all of it first: 64 MiB per call, 2 GiB under the largest
     * memory cap). Control characters are escaped ({@link LogText}): a plugin's text never starts a log line.
     */
    private int log(Instance inst, int level, int ptr, int len) {
        checkRange(inst.memory(), PluginAbi.HOST_LOG, ptr, len);
        charge(len);
        if (level < 0 || level > 4) {
            return -2;
        }
        if (level == 4) {
            lastError = LogText.escapeControls(decodeLenient(inst.memory().readBytes(ptr, Math.min(len, 1024))).strip());
        }
        if (!logQuota.tryTake(len)) {
            return 1;
        }
        Logger log = plugin.logger();
        if (!enabled(log, level)) {
            return 0;
        }
        String text = LogText.escapeControls(decodeLenient(inst.memory().readBytes(ptr, len)));
        if (speculative) {
            if (heldLogs == null) {
                heldLogs = new ArrayList<>();
            }
            heldLogs.add(level);
            heldLogs.add(text);
        } else {
            write(level, text);
        }
        return 0;
    }

    private static boolean enabled(Logger log, int level) {
        switch (level) {
            case 0: return log.isTraceEnabled();
            case 1: return log.isDebugEnabled();
            case 2: return log.isInfoEnabled();
            case 3: return log.isWarnEnabled();
            default: return log.isErrorEnabled();
        }
    }

    private void write(int level, String text) {
        Logger log = plugin.logger();
        switch (level) {
            case 0: log.trace("{}", text); break;
            case 1: log.debug("{}", text); break;
            case 2: log.info("{}", text); break;
            case 3: log.warn("{}", text); break;
            default: log.error("{}", text); break;
        }
    }

    /** Copies the key and value only when they can be stored (a key of 1 to 256 bytes; key and value within the cap). */
    private int setState(Instance inst, int kp, int kl, int vp, int vl) {
        effect(PluginAbi.HOST_SET_STATE);
        checkRange(inst.memory(), PluginAbi.HOST_SET_STATE, kp, kl);
        checkRange(inst.memory(), PluginAbi.HOST_SET_STATE, vp, vl);
        charge((long) kl + vl);
        if (kl == 0 || kl > PluginState.MAX_KEY_BYTES) {
            return -2;
        }
        if ((long) kl + vl > plugin.state().capBytes()) {
            return -4; // over the cap whatever else is stored
        }
        return plugin.state().put(inst.memory().readBytes(kp, kl), inst.memory().readBytes(vp, vl));
    }

    /** {@code expectedLen} -1: the key must be absent (expectedPtr is ignored); any other negative length traps. */
    private int compareAndSetState(Instance inst, int kp, int kl, int ep, int el, int vp, int vl) {
        String fn = PluginAbi.HOST_COMPARE_AND_SET_STATE;
        effect(fn);
        checkRange(inst.memory(), fn, kp, kl);
        if (el != -1) {
            checkRange(inst.memory(), fn, ep, el);
        }
        checkRange(inst.memory(), fn, vp, vl);
        charge((long) kl + Math.max(el, 0) + vl);
        if (kl == 0 || kl > PluginState.MAX_KEY_BYTES) {
            return -2;
        }
        if (el > plugin.state().capBytes()) {
            return 1; // no stored value is that long
        }
        byte[] expected = el == -1 ? null : inst.memory().readBytes(ep, el);
        return plugin.state().compareAndSet(inst.memory().readBytes(kp, kl), expected, inst.memory().readBytes(vp, vl));
    }

    private int getState(Instance inst, int kp, int kl, int vp, int vmax) {
        checkRange(inst.memory(), PluginAbi.HOST_GET_STATE, kp, kl);
        // a key that cannot be stored is absent: not copied
        byte[] value = kl == 0 || kl > PluginState.MAX_KEY_BYTES ? null : plugin.state().get(inst.memory().readBytes(kp, kl));
        charge(kl + (value == null ? 0 : value.length));
        if (value == null) {
            return -1;
        }
        copyOut(inst, PluginAbi.HOST_GET_STATE, value, vp, vmax);
        return value.length;
    }

    private int getContext(Instance inst, int ptr, int max) {
        charge(context == null ? 0 : context.length);
        if (context == null) {
            return -1;
        }
        copyOut(inst, PluginAbi.HOST_GET_CONTEXT, context, ptr, max);
        return context.length;
    }

    private int httpRequest(Instance inst, int reqPtr, int reqLen, int respPtr, int respMax) {
        effect(PluginAbi.HOST_HTTP_REQUEST);
        byte[] request = read(inst, PluginAbi.HOST_HTTP_REQUEST, reqPtr, reqLen);
        if (respMax < 0) {
            throw new HostTrap(ErrorKind.TRAP, PluginAbi.HOST_HTTP_REQUEST + ": negative buffer size " + respMax);
        }
        charge(reqLen);
        lastHttp = null;
        HostHttp.Outcome outcome = HostHttp.exchange(request, plugin.network(), plugin.maxHttpResponseBytes(), deadlineNanos, budget);
        lastHttp = outcome.json();
        charge(outcome.json().length);
        if (outcome.code() < 0) {
            return outcome.code();
        }
        copyOut(inst, PluginAbi.HOST_HTTP_REQUEST, outcome.json(), respPtr, respMax);
        return outcome.json().length;
    }

    private int httpResponse(Instance inst, int ptr, int max) {
        charge(lastHttp == null ? 0 : lastHttp.length);
        if (lastHttp == null) {
            return -1;
        }
        copyOut(inst, PluginAbi.HOST_HTTP_RESPONSE, lastHttp, ptr, max);
        return lastHttp.length;
    }

    private static void copyOut(Instance inst, String fn, byte[] value, int ptr, int max) {
        if (max < 0) {
            throw new HostTrap(ErrorKind.TRAP, fn + ": negative buffer size " + max);
        }
        int n = Math.min(value.length, max);
        checkRange(inst.memory(), fn, ptr, n);
        inst.memory().write(ptr, value, 0, n);
    }

    private static byte[] read(Instance inst, String fn, int ptr, int len) {
        checkRange(inst.memory(), fn, ptr, len);
        return inst.memory().readBytes(ptr, len);
    }

    static void checkRange(Memory memory, String fn, int ptr, int len) {
        long size = (long) memory.pages() * Memory.PAGE_SIZE;
        long start = Integer.toUnsignedLong(ptr);
        if (len < 0 || start + len > size) {
            throw new HostTrap(ErrorKind.TRAP, fn + ": range [" + start + ", " + (start + (long) len) + ") is outside linear memory of "
                    + size + " bytes");
        }
    }

    static String decodeLenient(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
