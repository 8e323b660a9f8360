package io.llmtestbench.runtime.internal;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import io.llmtestbench.abi.PluginAbi;
import io.llmtestbench.runtime.ErrorKind;
import io.llmtestbench.runtime.internal.exec.Budget;
import io.llmtestbench.runtime.internal.exec.PluginMemory;
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
            Budget budget, int capPages, long deadlineNanos) {
        this.budget = budget;
        this.env = new HostEnv(shared);
        env.begin(budget, null, deadlineNanos);
        List<ImportFunction> functions = new ArrayList<>(env.functions(imports.hostFunctions()));
        this.wasi = wasi;
        if (wasi != null) {
            functions.addAll(wasi.functions(env.logQuota()));
        }
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
        budget.reset(fuelLimit, maxDepth);
        memory.clearGrowRefused();
        env.begin(budget, context, deadlineNanos);
        if (wasi != null) {
            wasi.beginRun();
        }
    }

    /** Releases what the instance holds on the host (WASI file descriptors). */
    void close() {
        if (wasi != null) {
            wasi.close();
        }
    }

    long memoryBytes() {
        return (long) memory.pages() * Memory.PAGE_SIZE;
    }

    int lastRetries() {
        return lastRetries;
    }

    void callInitialize() {
        if (initialize != null) {
            initialize.apply();
        }
    }

    byte[] callMetadata(int maxOutput) {
        return withOutput(null, maxOutput, (in, inLen, out, lenPtr) -> (int) metadata.apply(out, lenPtr)[0]);
    }

    /** Calls plugin_init; returns the result code and fills {@code message} with an error text if any. */
    int callInit(byte[] config) {
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
        try {
            return withOutput(input, maxOutput, (in, inLen, out, lenPtr) -> (int) execute.apply(in, inLen, out, lenPtr)[0]);
        } finally {
            env.endRun(); // an idle instance keeps no HTTP response
        }
    }

    int callShutdown() {
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
                    failure = new AbiViolation(ErrorKind.INVALID_OUTPUT, code,
                            "needs an output buffer of " + Integer.toUnsignedString(length)
                                    + " bytes, more than the maximum output size of " + maxOutput + " bytes");
                } else {
                    retry = true;
                }
            } else if (code != PluginAbi.RESULT_OK) {
                String message = null;
                if (length > 0 && length <= capacity) {
                    message = HostEnv.decodeLenient(memory.readBytes(outPtr, Math.min(length, 1024))).strip();
                }
                failure = new ResultCode(code, message);
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
