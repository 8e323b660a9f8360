package io.llmtestbench.runtime.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmtestbench.abi.PluginAbi;
import io.llmtestbench.runtime.LoadOptions;
import io.llmtestbench.runtime.OutputMetadata;
import io.llmtestbench.runtime.PluginBytesOutput;
import io.llmtestbench.runtime.PluginId;
import io.llmtestbench.runtime.PluginInput;
import io.llmtestbench.runtime.PluginMetadata;
import io.llmtestbench.runtime.PluginOutput;
import io.llmtestbench.runtime.ResourceLimits;
import io.llmtestbench.runtime.internal.exec.Interrupted;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One loaded plugin version: its checked code, limits and instances, and the execution protocol. Executions
 * may run on many threads at once; each takes an instance from the {@link InstancePool} (started by the
 * {@link InstanceStarter}), runs the buffer protocol of the ABI on it under a deadline alarm, checks the output,
 * and gives the instance back — or has it discarded after any trap, limit or misbehaviour, mapped to its typed
 * failure by the {@link FailureMapper}.
 */
public final class LoadedPlugin {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LoadedCode code;
    private final AbiCheck.Imports imports;
    private final ResourceLimits limits;
    private final InstanceStarter starter;
    private final InstancePool pool;
    private final Watchdog watchdog;
    private final PluginMetadata metadata;
    private final PluginId id;

    private LoadedPlugin(LoadedCode code, AbiCheck.Imports imports, ResourceLimits limits, InstanceStarter starter,
            InstancePool pool, Watchdog watchdog, long serial) {
        this.code = code;
        this.imports = imports;
        this.limits = limits;
        this.starter = starter;
        this.pool = pool;
        this.watchdog = watchdog;
        this.metadata = starter.metadata();
        this.id = new PluginId(metadata.name(), metadata.version(), serial);
    }

    /**
     * Checks the ABI and starts the first instance (running {@code _initialize}, {@code plugin_metadata} and
     * {@code plugin_init}), which validates the metadata; the instance stays in the pool.
     */
    public static LoadedPlugin start(String label, LoadedCode code, LoadOptions options, ResourceLimits limits,
            boolean enableWasi, InstancePermits permits, Watchdog watchdog, Cancellation cancellation, long serial) {
        AbiCheck.Imports imports = AbiCheck.check(label, code.module(), enableWasi);
        InstanceStarter starter = new InstanceStarter(label, code, imports, options, limits, watchdog, cancellation);
        InstancePool pool = new InstancePool(starter, permits, limits.maxExecutionTimeMs());
        pool.release(pool.acquire(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limits.maxExecutionTimeMs())), true);
        return new LoadedPlugin(code, imports, limits, starter, pool, watchdog, serial);
    }

    /**
     * Reads a plugin's metadata without loading it: the ABI check and one throw-away instance that runs
     * {@code _initialize} and {@code plugin_metadata} (not {@code plugin_init}: no config, no permissions), under
     * {@code limits} and the deadline. Used by discovery.
     */
    public static PluginMetadata probe(String label, LoadedCode code, ResourceLimits limits, boolean enableWasi, Watchdog watchdog,
            Cancellation cancellation) {
        AbiCheck.Imports imports = AbiCheck.check(label, code.module(), enableWasi);
        return new InstanceStarter(label, code, imports, LoadOptions.defaults(), limits, watchdog, cancellation).readMetadata();
    }

    public PluginId id() {
        return id;
    }

    public PluginMetadata metadata() {
        return metadata;
    }

    public LoadedCode code() {
        return code;
    }

    public AbiCheck.Imports imports() {
        return imports;
    }

    public ResourceLimits limits() {
        return limits;
    }

    /** Runs one execution on the calling thread (a guest thread). */
    public PluginOutput execute(PluginInput input) {
        byte[] data;
        byte[] context;
        try {
            data = JSON.writeValueAsBytes(input.data());
            context = input.context() == null ? null : JSON.writeValueAsBytes(input.context());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        return execute(data, context, out -> OutputCheck.parse(starter.name(), out), PluginOutput::new);
    }

    /**
     * Runs one execution on the calling thread (a guest thread) with input and context already serialized; the
     * output is checked (UTF-8, one JSON value) without building a tree.
     */
    public PluginBytesOutput executeBytes(byte[] data, byte[] context) {
        return execute(data, context, out -> {
            OutputCheck.check(starter.name(), out);
            return out;
        }, PluginBytesOutput::new);
    }

    /** What an execution's checked output becomes, with its measurements. */
    private interface Result<T, R> {
        R make(T output, OutputMetadata metadata);
    }

    private <T, R> R execute(byte[] data, byte[] context, java.util.function.Function<byte[], T> check, Result<T, R> result) {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(limits.maxExecutionTimeMs());
        GuestInstance guest = pool.acquire(deadline);
        boolean healthy = false;
        guest.begin(limits.maxInstructions(), limits.maxCallDepth(), context, deadline);
        Thread thread = Thread.currentThread();
        boolean metered = code.stamp().metering();
        if (!metered) {
            guest.unmeteredRunner(thread); // a close interrupts it too
        }
        ScheduledFuture<?> alarm = watchdog.arm(deadline - System.nanoTime(), () -> {
            guest.budget().requestStop(Interrupted.Reason.DEADLINE);
            if (!metered) {
                thread.interrupt(); // unmetered code never reads the flag; Chicory checks interrupts
            }
        });
        try {
            if (guest.cancelled()) { // the system is closing (read after begin's reset: see Cancellation)
                healthy = true;
                throw Failures.cancelled(starter.name(), 0);
            }
            byte[] out = guest.callExecute(data, limits.maxOutputBytes());
            T checked = check.apply(out); // invalid output: the instance is discarded
            healthy = true;
            long fuel = guest.budget().fuelUsed();
            Map<String, Object> metrics = Map.of("fuel_used", fuel, "input_bytes", data.length, "output_bytes", out.length,
                    "buffer_retries", guest.lastRetries());
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            return result.make(checked, new OutputMetadata(elapsedMs, guest.memoryBytes(), fuel, metrics));
        } catch (GuestInstance.ResultCode rc) {
            // a documented error code leaves a healthy instance; anything else is a misbehaving one
            healthy = PluginAbi.resultName(rc.code).isPresent() && !guest.memory().growRefused();
            throw new FailureMapper(starter.name(), limits).resultCode(rc, guest);
        } catch (RuntimeException | Error e) {
            PluginFaults.rethrowHostErrors(e);
            throw new FailureMapper(starter.name(), limits).failure(e, guest);
        } finally {
            alarm.cancel(false);
            if (!metered) {
                guest.unmeteredRunner(null);
                Thread.interrupted();
            }
            pool.release(guest, healthy);
        }
    }

    /** Retires one idle instance (for another plugin that needs a permit); false when none is idle. */
    public boolean evictIdle() {
        return pool.evictIdle();
    }

    /** Stops taking executions; idle instances get {@code plugin_shutdown} now, busy ones when they finish. */
    public void close() {
        pool.close();
    }
}
