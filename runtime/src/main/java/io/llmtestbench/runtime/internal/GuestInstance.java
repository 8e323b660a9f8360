package io.llmtestbench.runtime.internal;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import io.llmtestbench.abi.PluginAbi;
import io.llmtestbench.runtime.ErrorKind;
import io.llmtestbench.runtime.internal.exec.Budget;
import io.llmtestbench.runtime.internal.exec.Interrupted;
import io.llmtestbench.runtime.internal.exec.PluginMemory;
import io.llmtestbench.runtime.internal.exec.TableCapExceededException;
import io.llmtestbench.runtime.internal.wasi.WasiEnvironment;
import java.util.ArrayList;
import java.util.List;

/**
 * One instance of a plugin: its Chicory instance, memory, budget and host env, and the buffer protocol of
 * the ABI. Used by one thread at a time; discarded after any trap or limit.
 */
final class GuestInstance {
    /** Output capacity offered on the first attempt. */
    static final int INITIAL_OUTPUT_CAPACITY = 64 * 1024;

    private final Instance instance;
    private final PluginMemory memory;
    private final Budget budget;
    private final HostEnv env;
    /** The instance's WASI world, or null when the plugin imports no WASI function. */
    private final WasiEnvironment wasi;
    private final ExportFunction alloc;
    private final ExportFunction free;
    private final ExportFunction metadata;
    private final ExportFunction init;
    private final ExportFunction execute;
    private final ExportFunction shutdown;
    private final ExportFunction initialize;
    private int lastRetries;
    /** The ABI function the host called last (it is running until it returns), for messages; null before any. */
    private String phase;

    /** A retry asked for more output than {@code maxOutputBytes} allows (docs/plugin-abi.md §6.1): a limit, not an ABI break. */
    static final class OutputTooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final long needed;
        final int max;

        OutputTooLarge(long needed, int max) {
            super("output of " + needed + " bytes exceeds max_output_bytes (" + max + " bytes)", null, false, false);
            this.needed = needed;
            this.max = max;
        }
    }
    private final Cancellation cancellation;
    /** The thread running code compiled without metering, which only an interrupt stops; else null. */
    private volatile Thread unmeteredRunner;
    /** The deadline alarm of this instance's executions (made once: arming it per execution allocates nothing). */
    private final Watchdog.Alarm deadlineAlarm;
    /** Set for the shutdown run: {@link Cancellation#cancel()} leaves it alone. */
    private volatile boolean shuttingDown;

    /** A failure detected by the buffer protocol, before it is attributed to a plugin name. */
    static final class AbiViolation extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final ErrorKind kind;
        final int code;

        AbiViolation(ErrorKind kind, int code, String message) {
            super(message, null, false, false);
            this.kind = kind;
            this.code = code;
        }
    }

    GuestInstance(LoadedCode code, AbiCheck.Imports imports, WasiEnvironment wasi, PluginShared shared,
            Budget budget, int capPages, long deadlineNanos, Cancellation cancellation, Watchdog watchdog) {
        this.budget = budget;
        this.cancellation = cancellation;
        this.env = new HostEnv(shared);
        env.begin(budget, null, deadlineNanos);
        List<ImportFunction> functions = new ArrayList<>(env.functions(imports.hostFunctions()));
        this.wasi = wasi;
        if (wasi != null) {
            for (ImportFunction f : wasi.functions(env.logQuota())) {
                // WASI touches the world outside the instance (files, output, clocks, random), so a run on its
                // caller's thread moves to a guest thread before the first WASI call (NeedsGuestThread)
                WasmFunctionHandle inner = f.handle();
                String fn = PluginAbi.WASI_MODULE + "." + f.name();
                functions.add(new HostFunction(f.module(), f.name(), f.functionType(), (inst, args) -> {
                    env.wasiCall(fn);
                    return inner.apply(inst, args);
                }));
            }
        }
        // tables are host heap outside the memory cap: what the module declares counts against the table cap first
        var tables = code.module().tableSection();
        long declared = 0;
        for (int t = 0; t < tables.tableCount(); t++) {
            declared += tables.getTable(t).limits().min();
        }
        if (declared > budget.tableElementsLeft) {
            throw new TableCapExceededException(declared, budget.tableElementsLeft);
        }
        budget.tableElementsLeft -= declared;
        PluginMemory[] created = new PluginMemory[1];
        this.instance = Instance.builder(code.module())
                .withImportValues(ImportValues.builder().withFunctions(functions).build())
                .withMachineFactory(code.machineFactory())
                .withMemoryFactory(limits -> {
                    created[0] = new PluginMemory(limits, capPages, budget);
                    return created[0];
                })
                .withStart(false)
                .build();
        this.memory = created[0];
        this.alloc = instance.export(PluginAbi.ALLOC);
        this.free = instance.export(PluginAbi.FREE);
        this.metadata = instance.export(PluginAbi.METADATA);
        this.init = instance.export(PluginAbi.INIT);
        this.execute = instance.export(PluginAbi.EXECUTE);
        this.shutdown = instance.export(PluginAbi.SHUTDOWN);
        this.initialize = hasExport(code, PluginAbi.INITIALIZE) ? instance.export(PluginAbi.INITIALIZE) : null;
        cancellation.register(this); // until close()
        this.deadlineAlarm = watchdog.alarm(this::deadlinePassed);
    }

    /** The deadline of an execution has passed: stop it at its next check (unmetered code: interrupt its thread). */
    private void deadlinePassed() {
        budget.requestStop(Interrupted.Reason.DEADLINE);
        Thread t = unmeteredRunner;
        if (t != null) {
            t.interrupt(); // unmetered code never reads the flag; Chicory checks interrupts
        }
    }

    /** Arms this instance's deadline alarm for the run about to start (on {@link System#nanoTime()}). */
    void armDeadline(long deadlineNanos) {
        deadlineAlarm.arm(deadlineNanos);
    }

    /** Disarms it when the run ends; an alarm already firing has finished when this returns. */
    void disarmDeadline() {
        deadlineAlarm.disarm();
    }

    private static boolean hasExport(LoadedCode code, String name) {
        var exports = code.module().exportSection();
        for (int i = 0; i < exports.exportCount(); i++) {
            if (exports.getExport(i).name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    Budget budget() {
        return budget;
    }

    PluginMemory memory() {
        return memory;
    }

    /** Starts an execution: full budget, fresh per-execution host state, the deadline (on {@link System#nanoTime()}). */
    void begin(long fuelLimit, int maxDepth, byte[] context, long deadlineNanos) {
        begin(fuelLimit, maxDepth, context, deadlineNanos, false);
    }

    /**
     * {@link #begin(long, int, byte[], long)}; {@code speculative}: the run is on its caller's thread and may still
     * move to a guest thread, so host functions with effects outside the instance end it ({@link NeedsGuestThread})
     * and its log lines are held until {@link #settle}.
     */
    void begin(long fuelLimit, int maxDepth, byte[] context, long deadlineNanos, boolean speculative) {
        budget.reset(fuelLimit, maxDepth);
        memory.clearGrowRefused();
        env.begin(budget, context, deadlineNanos, speculative);
        if (wasi != null) {
            wasi.beginRun();
        }
    }

    /** Ends a speculative run: its held log lines are written when it {@code stays}, dropped when it moves. */
    void settle(boolean stays) {
        env.settle(stays);
    }

    /** Releases what the instance holds on the host (WASI file descriptors); it is no longer cancellable. */
    void close() {
        cancellation.unregister(this);
        deadlineAlarm.close();
        if (wasi != null) {
            wasi.close();
        }
    }

    /** Whether the system's close began: no run may start (read after {@link #begin}). */
    boolean cancelled() {
        return cancellation.cancelled();
    }

    /** The thread about to run code without metering (only an interrupt stops it), or null when it is done. */
    void unmeteredRunner(Thread t) {
        unmeteredRunner = t;
    }

    /** The next run is the shutdown run (which {@link Cancellation#cancel()} does not stop). */
    void shuttingDown() {
        shuttingDown = true;
    }

    /** Stops what runs on this instance at its next check (any thread); a shutdown run only if {@code shutdownToo}. */
    void cancel(boolean shutdownToo) {
        if (shuttingDown && !shutdownToo) {
            return;
        }
        budget.requestStop(Interrupted.Reason.CANCELLED);
        Thread t = unmeteredRunner;
        if (t != null) {
            t.interrupt();
        }
    }

    long memoryBytes() {
        return (long) memory.pages() * Memory.PAGE_SIZE;
    }

    /**
     * The ABI function the host called last on this instance ({@code _initialize}, {@code plugin_metadata},
     * {@code plugin_init}, {@code plugin_execute}, {@code plugin_shutdown}), or null: where a limit or trap struck.
     */
    String phase() {
        return phase;
    }

    int lastRetries() {
        return lastRetries;
    }

    /** The last line the plugin logged at error level in the current run, or null. */
    String lastErrorLog() {
        return env.lastError();
    }

    void callInitialize() {
        if (initialize != null) {
            phase = PluginAbi.INITIALIZE;
            initialize.apply();
        }
    }

    byte[] callMetadata(int maxOutput) {
        phase = PluginAbi.METADATA;
        return withOutput(null, maxOutput, (in, inLen, out, lenPtr) -> (int) metadata.apply(out, lenPtr)[0]);
    }

    /** Calls plugin_init; returns the result code and fills {@code message} with an error text if any. */
    int callInit(byte[] config) {
        phase = PluginAbi.INIT;
        int ptr = allocChecked(config.length);
        memory.write(ptr, config, 0, config.length);
        try {
            int code = (int) init.apply(ptr, config.length)[0];
            free.apply(ptr, config.length);
            return code;
        } finally {
            env.endRun();
        }
    }

    byte[] callExecute(byte[] input, int maxOutput) {
        phase = PluginAbi.EXECUTE;
        try {
            return withOutput(input, maxOutput, (in, inLen, out, lenPtr) -> (int) execute.apply(in, inLen, out, lenPtr)[0]);
        } finally {
            env.endRun(); // an idle instance keeps no HTTP response
        }
    }

    int callShutdown() {
        phase = PluginAbi.SHUTDOWN;
        return (int) shutdown.apply()[0];
    }

    @FunctionalInterface
    private interface BufferCall {
        int call(int in, int inLen, int out, int lenPtr);
    }

    /**
     * The buffer protocol shared by plugin_metadata and plugin_execute. Buffers are freed only when the
     * guest returned normally: after a trap the instance is discarded, and calling into it again could
     * trap or run on.
     */
    private byte[] withOutput(byte[] input, int maxOutput, BufferCall call) {
        int inPtr = 0;
        int inLen = 0;
        if (input != null) {
            inLen = input.length;
            inPtr = allocChecked(inLen);
            memory.write(inPtr, input, 0, inLen);
        }
        int capacity = Math.min(INITIAL_OUTPUT_CAPACITY, maxOutput);
        lastRetries = 0;
        for (int attempt = 0; ; attempt++) {
            int outPtr = allocChecked(capacity);
            int lenPtr = allocChecked(4);
            memory.writeI32(lenPtr, capacity);
            int code = call.call(inPtr, inLen, outPtr, lenPtr);
            int length = memory.readInt(lenPtr);
            byte[] result = null;
            RuntimeException failure = null;
            boolean retry = false;
            if (code == PluginAbi.RESULT_BUFFER_TOO_SMALL) {
                if (attempt > 0) {
                    failure = new AbiViolation(ErrorKind.INVALID_OUTPUT, code,
                            "returned RESULT_BUFFER_TOO_SMALL again after the retry with " + capacity + " bytes");
                } else if (Integer.compareUnsigned(length, capacity) <= 0) {
                    failure = new AbiViolation(ErrorKind.INVALID_OUTPUT, code,
                            "returned RESULT_BUFFER_TOO_SMALL asking for " + Integer.toUnsignedString(length)
                                    + " bytes, not more than the capacity " + capacity);
                } else if (Integer.toUnsignedLong(length) > maxOutput) {
                    failure = new OutputTooLarge(Integer.toUnsignedLong(length), maxOutput);
                } else {
                    retry = true;
                }
            } else if (code != PluginAbi.RESULT_OK) {
                failure = new ResultCode(code, errorMessage(outPtr, length, capacity));
            } else if (length < 0 || length > capacity) {
                failure = new AbiViolation(ErrorKind.INVALID_OUTPUT, code,
                        "wrote length " + Integer.toUnsignedString(length) + " larger than capacity " + capacity);
            } else {
                result = memory.readBytes(outPtr, length);
            }
            free.apply(outPtr, capacity);
            free.apply(lenPtr, 4);
            if (retry) {
                capacity = length;
                lastRetries++;
                continue;
            }
            if (input != null) {
                free.apply(inPtr, inLen);
            }
            if (failure != null) {
                throw failure;
            }
            return result;
        }
    }

    /** The longest plugin error message shown, in bytes (docs/plugin-abi.md §6.2, §14). */
    static final int MAX_MESSAGE_BYTES = 1024;

    /**
     * The error message a plugin left with a non-zero result code, or null for none (docs/plugin-abi.md §6.2).
     * A length cell still holding the capacity means "no message": plugins written by the original guide return
     * an error code without touching the cell, and the buffer then holds whatever was in memory. A message is
     * cut at its first NUL and at {@value #MAX_MESSAGE_BYTES} bytes (between characters); it must be UTF-8, or a
     * note saying so replaces it; control characters are escaped ({@link LogText}).
     */
    private String errorMessage(int outPtr, int length, int capacity) {
        if (length <= 0 || length >= capacity) { // signed: a cell above 2^31 is negative
            return null;
        }
        int n = Math.min(length, MAX_MESSAGE_BYTES);
        return decodeMessage(memory.readBytes(outPtr, n), length > n);
    }

    /** {@link #errorMessage}'s rule on the bytes read; {@code more}: the message went on past them. */
    static String decodeMessage(byte[] raw, boolean more) {
        int end = 0;
        while (end < raw.length && raw[end] != 0) {
            end++;
        }
        boolean cut = end == raw.length && more;
        if (cut) {
            end = completeCharacters(raw, end);
        }
        String text;
        try {
            text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(raw, 0, end)).toString().strip();
        } catch (java.nio.charset.CharacterCodingException e) {
            return "[the plugin's message is not shown: its " + end + (cut ? " first" : "") + " bytes are not valid UTF-8]";
        }
        // a plugin's text never brings a line break or a terminal escape into the host's messages and logs
        return text.isEmpty() ? null : LogText.escapeControls(cut ? text + "…" : text);
    }

    /** The length of {@code raw[0, end)} without a UTF-8 sequence that the cut at {@code end} left incomplete. */
    private static int completeCharacters(byte[] raw, int end) {
        int start = end - 1;
        while (start >= 0 && end - start < 4 && (raw[start] & 0xC0) == 0x80) {
            start--;
        }
        if (start < 0) {
            return end;
        }
        int lead = raw[start] & 0xFF;
        int needed = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        return end - start < needed ? start : end;
    }

    /** A non-zero result code, with the plugin's message if it left one. */
    static final class ResultCode extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int code;
        final String pluginMessage;

        ResultCode(int code, String pluginMessage) {
            super("result code " + code, null, false, false);
            this.code = code;
            this.pluginMessage = pluginMessage;
        }
    }

    private int allocChecked(int size) {
        int ptr = (int) alloc.apply(size)[0];
        if (ptr == 0) {
            throw new AbiViolation(ErrorKind.MEMORY_LIMIT, 0, "plugin_alloc(" + size + ") returned 0 (allocation failed)");
        }
        long end = Integer.toUnsignedLong(ptr) + size;
        if (end > memoryBytes()) {
            throw new AbiViolation(ErrorKind.INVALID_OUTPUT, 0, "plugin_alloc(" + size + ") returned 0x" + Integer.toHexString(ptr)
                    + ", outside linear memory of " + memoryBytes() + " bytes");
        }
        return ptr;
    }
}
