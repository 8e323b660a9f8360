package io.llmtestbench.bench;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Memory;
import io.llmtestbench.abi.PluginAbi;
import java.nio.charset.StandardCharsets;

/**
 * Drives a plugin's ABI on a {@link Guest} with the same call sequence as the runtime's
 * {@code GuestInstance} (start-up: {@code _initialize}, {@code plugin_metadata}, {@code plugin_init};
 * execution: alloc input, alloc 64 KiB output, alloc length cell, {@code plugin_execute}, free x3), so that
 * the guest does the same work as under the plugin system, without the host-side wrapping.
 */
public final class AbiClient {
    /** The runtime's first output capacity ({@code GuestInstance.INITIAL_OUTPUT_CAPACITY}). */
    public static final int OUTPUT_CAPACITY = 64 * 1024;

    public final Guest guest;
    private final Memory memory;
    private final ExportFunction alloc;
    private final ExportFunction free;
    private final ExportFunction metadata;
    private final ExportFunction init;
    private final ExportFunction execute;
    private final ExportFunction initialize;

    public AbiClient(Guest guest) {
        this(guest, null);
    }

    /** @param beforeEachCall runs before every export call (a hook for instruction counters), or null */
    public AbiClient(Guest guest, Runnable beforeEachCall) {
        this.guest = guest;
        this.memory = guest.memory;
        this.alloc = hooked(guest.export(PluginAbi.ALLOC), beforeEachCall);
        this.free = hooked(guest.export(PluginAbi.FREE), beforeEachCall);
        this.metadata = hooked(guest.export(PluginAbi.METADATA), beforeEachCall);
        this.init = hooked(guest.export(PluginAbi.INIT), beforeEachCall);
        this.execute = hooked(guest.export(PluginAbi.EXECUTE), beforeEachCall);
        ExportFunction i;
        try {
            i = hooked(guest.export(PluginAbi.INITIALIZE), beforeEachCall);
        } catch (RuntimeException e) {
            i = null;
        }
        this.initialize = i;
    }

    private static ExportFunction hooked(ExportFunction f, Runnable hook) {
        if (hook == null) {
            return f;
        }
        return args -> {
            hook.run();
            return f.apply(args);
        };
    }

    /** The start-up run: _initialize, plugin_metadata, plugin_init("{}"). Returns the metadata JSON. */
    public byte[] startUp(byte[] config) {
        if (initialize != null) {
            initialize.apply();
        }
        byte[] meta = withOutput(null, true);
        int ptr = (int) alloc.apply(config.length)[0];
        memory.write(ptr, config, 0, config.length);
        int code = (int) init.apply(ptr, config.length)[0];
        free.apply(ptr, config.length);
        if (code != 0) {
            throw new IllegalStateException("plugin_init returned " + code);
        }
        return meta;
    }

    /** One execution run; returns the output bytes (throws on a non-zero result code). */
    public byte[] execute(byte[] input) {
        return withOutput(input, false);
    }

    private byte[] withOutput(byte[] input, boolean meta) {
        int inPtr = 0;
        int inLen = 0;
        if (input != null) {
            inLen = input.length;
            inPtr = (int) alloc.apply(inLen)[0];
            memory.write(inPtr, input, 0, inLen);
        }
        int capacity = OUTPUT_CAPACITY;
        for (int attempt = 0; ; attempt++) {
            int outPtr = (int) alloc.apply(capacity)[0];
            int lenPtr = (int) alloc.apply(4)[0];
            memory.writeI32(lenPtr, capacity);
            int code = meta
                    ? (int) metadata.apply(outPtr, lenPtr)[0]
                    : (int) execute.apply(inPtr, inLen, outPtr, lenPtr)[0];
            int length = memory.readInt(lenPtr);
            byte[] result = code == 0 ? memory.readBytes(outPtr, length) : null;
            free.apply(outPtr, capacity);
            free.apply(lenPtr, 4);
            if (code == PluginAbi.RESULT_BUFFER_TOO_SMALL && attempt == 0) {
                capacity = length;
                continue;
            }
            if (input != null) {
                free.apply(inPtr, inLen);
            }
            if (code != 0) {
                throw new IllegalStateException("plugin returned result code " + code);
            }
            return result;
        }
    }

    /** Buffers prepared once, for calling plugin_execute alone (it must be repeatable, ABI 6.4). */
    public final class Prepared {
        final int inPtr;
        final int inLen;
        final int outPtr;
        final int lenPtr;

        Prepared(byte[] input) {
            inLen = input.length;
            inPtr = (int) alloc.apply(inLen)[0];
            memory.write(inPtr, input, 0, inLen);
            outPtr = (int) alloc.apply(OUTPUT_CAPACITY)[0];
            lenPtr = (int) alloc.apply(4)[0];
        }

        /** plugin_execute only; returns the output length. */
        public int executeOnly() {
            memory.writeI32(lenPtr, OUTPUT_CAPACITY);
            int code = (int) execute.apply(inPtr, inLen, outPtr, lenPtr)[0];
            if (code != 0) {
                throw new IllegalStateException("plugin returned result code " + code);
            }
            return memory.readInt(lenPtr);
        }
    }

    public Prepared prepare(byte[] input) {
        return new Prepared(input);
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
