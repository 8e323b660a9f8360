package io.llmtestbench.runtime.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.llmtestbench.abi.PluginAbi;
import io.llmtestbench.compiler.internal.JsonTrees;
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
import java.util.concurrent.TimeUnit;

/**
 * One loaded plugin version: its checked code, limits and instances, and the execution protocol. Executions
 * may run on many threads at once; each takes an instance from the {@link InstancePool} (started by the
 * {@link InstanceStarter}), runs the buffer protocol of the ABI on it under its deadline alarm, checks the output,
 * and gives the instance back — or has it discarded after any trap, limit or misbehaviour, mapped to its typed
 * failure by the {@link FailureMapper}.
 *
 * <p><b>Which thread.</b> Plugin code normally runs on a guest thread ({@link GuestThreads}: a stack large enough for
 * {@code maxCallDepth}). Handing a call over to one and back costs tens of microseconds, more than most plugins'
 * work, so an execution called from another thread starts on the caller's thread, <em>speculatively</em>: with an
 * idle instance (it never starts one there), at most {@link #CALLER_THREAD_DEPTH} nested calls, log lines held back,
 * and no host function with an effect outside the instance. The first such effect, a call deeper than that, or a
 * stack overflow ends it ({@link NeedsGuestThread}) before anything of it is visible; it then runs again from the
 * start on a guest thread (fresh budget, another instance; the first is discarded), as if it had been handed over
 * in the first place, and later calls of this plugin version go to guest threads directly. Results, limits and
 * failures are therefore the same on any thread. Code compiled without metering always runs on guest threads (only
 * an interrupt stops it, which must not hit a caller's thread).
 *
 * <p><b>Code whose checks are a claim.</b> The deadline stops an execution only because the generated code looks
 * at the stop flag (docs/metering.md; unmetered code too, at every loop iteration). Code this runtime compiled (a
 * {@code .wasm}, the compile cache) does; so does a pre-compiled jar that was reproduced, or whose content a pin or a
 * trusted signature vouches for. An unsigned jar accepted by the allow-list alone may have been edited not to look
 * (its stamp's {@code metering=on} is then a claim: docs/security.md). Such code never runs on a caller's thread,
 * and a caller waits for it at most {@link #OVERDUE_GRACE_MS} past the deadline: then it gets a {@code TIMEOUT}
 * naming the run as overdue, and the run is left on its guest thread (no JVM thread can be stopped
 * safely); until it ends, further executions of this version are refused at once with {@code TIMEOUT}, so a plugin
 * that ignores its deadline holds one thread, not one per call.
 */
public final class LoadedPlugin {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LoadedPlugin.class);

    /**
     * The deepest nesting of wasm calls a run on its caller's thread may reach before it moves to a guest thread. A
     * caller's thread has the JVM's default stack (1 MiB on 64-bit Linux, or what {@code -Xss} says) of which it may
     * already use part; 256 frames of generated code fit in a quarter of it even interpreted, while the plugins of
     * the guide nest a few dozen calls deep.
     */
    public static final int CALLER_THREAD_DEPTH = 256;

    private final LoadedCode code;
    private final AbiCheck.Imports imports;
    private final ResourceLimits limits;
    private final InstanceStarter starter;
    private final InstancePool pool;
    private final GuestThreads guests;
    /** Whether executions called from other threads start on their caller's thread (see the class comment). */
    private volatile boolean onCallerThread;
    private final PluginMetadata metadata;
    private final PluginId id;
    /** Whether the code is known to check its limits: see "Code whose checks are a claim" in the class comment. */
    private final boolean checksProven;
    /** Executions whose callers stopped waiting for them at the deadline plus the grace and which still run. */
    private final java.util.concurrent.atomic.AtomicInteger overdue = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * How long past its deadline a caller waits for an execution (or a load's start-up) of code whose checks are a
     * claim. Code that checks stops within a slice of fuel of the deadline (microseconds) or, in a host call, within
     * 50 ms; a second covers a loaded machine's scheduling and a garbage collection.
     */
    public static final long OVERDUE_GRACE_MS = 1000;

    private LoadedPlugin(LoadedCode code, boolean checksProven, AbiCheck.Imports imports, ResourceLimits limits,
            InstanceStarter starter, InstancePool pool, GuestThreads guests, long serial) {
        this.code = code;
        this.guests = guests;
        this.checksProven = checksProven;
        this.onCallerThread = checksProven && code.stamp().metering();
        this.imports = imports;
        this.limits = limits;
        this.starter = starter;
        this.pool = pool;
        this.metadata = starter.metadata();
        this.id = new PluginId(metadata.name(), metadata.version(), serial);
    }

    /**
     * Checks the ABI and starts the first instance (running {@code _initialize}, {@code plugin_metadata} and
     * {@code plugin_init}), which validates the metadata; the instance stays in the pool.
     */
    public static LoadedPlugin start(String label, LoadedCode code, boolean checksProven, LoadOptions options,
            ResourceLimits limits, boolean enableWasi, InstancePermits permits, Watchdog watchdog, GuestThreads guests,
            Cancellation cancellation, long serial) {
        AbiCheck.Imports imports = AbiCheck.check(label, code.module(), enableWasi);
        InstanceStarter starter = new InstanceStarter(label, code, imports, options, limits, watchdog, cancellation);
        InstancePool pool = new InstancePool(starter, permits, guests, limits.maxExecutionTimeMs());
        pool.release(pool.acquire(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limits.maxExecutionTimeMs())), true);
        return new LoadedPlugin(code, checksProven, imports, limits, starter, pool, guests, serial);
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

    /** Runs one execution (on the calling thread or a guest thread: see the class comment). */
    public PluginOutput execute(PluginInput input) {
        byte[] data;
        byte[] context;
        try {
            data = JsonTrees.write(input.data());
            context = input.context() == null ? null : JsonTrees.write(input.context());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        return execute(data, context, out -> OutputCheck.parse(starter.name(), out, OutputCheck.maxValues(limits.maxOutputBytes())), PluginOutput::new);
    }

    /**
     * Runs one execution with input and context already serialized; the output is checked (UTF-8, one JSON value)
     * without building a tree.
     */
    public PluginBytesOutput executeBytes(byte[] data, byte[] context) {
        return execute(data, context, out -> {
            OutputCheck.check(starter.name(), out, OutputCheck.maxValues(limits.maxOutputBytes()));
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
        if (!checksProven && overdue.get() > 0) {
            throw Failures.timeout(starter.name(), limits.maxExecutionTimeMs(), null,
                    "refused: an earlier execution still runs past its deadline and this version's code does not stop at it",
                    0, null);
        }
        if (GuestThreads.isGuestThread()) {
            return run(pool.acquire(deadline), false, start, deadline, data, context, check, result);
        }
        GuestInstance idle = onCallerThread ? pool.tryAcquireIdle() : null;
        if (idle != null) {
            try {
                return run(idle, true, start, deadline, data, context, check, result);
            } catch (NeedsGuestThread moved) {
                if (onCallerThread) {
                    onCallerThread = false;
                    LOG.debug("'{}' runs on guest threads from now on: a run on its caller's thread needed {}", starter.name(), moved.why);
                }
            }
        }
        if (checksProven) {
            return guests.call(() -> run(pool.acquire(deadline), false, start, deadline, data, context, check, result));
        }
        try {
            return guests.callWithin(() -> run(pool.acquire(deadline), false, start, deadline, data, context, check, result),
                    deadline + TimeUnit.MILLISECONDS.toNanos(OVERDUE_GRACE_MS), overdue::decrementAndGet);
        } catch (GuestThreads.Overdue o) {
            overdue.incrementAndGet();
            LOG.warn("'{}' did not stop at its deadline of {} ms: its run is left on its guest thread, and executions of this"
                    + " version are refused until it ends (its code does not check its limits: {})", starter.name(),
                    limits.maxExecutionTimeMs(), UNCHECKED);
            throw Failures.timeout(starter.name(), limits.maxExecutionTimeMs(), null, "did not stop at the deadline: "
                    + UNCHECKED + "; the run is left on its thread", 0, null);
        }
    }

    /** Why code may not stop at its deadline, for messages (executions, loads, discovery). */
    public static final String UNCHECKED = "a pre-compiled jar whose limit checks nobody vouched for"
            + " (load it with JarVerification.REPRODUCE, a pin or a trusted signature)";

    /** One run on {@code guest}, which it releases; {@code speculative}: on its caller's thread (see the class comment). */
    private <T, R> R run(GuestInstance guest, boolean speculative, long start, long deadline, byte[] data, byte[] context,
            java.util.function.Function<byte[], T> check, Result<T, R> result) {
        boolean healthy = false;
        guest.begin(limits.maxInstructions(), speculative ? Math.min(CALLER_THREAD_DEPTH, limits.maxCallDepth()) : limits.maxCallDepth(),
                context, deadline, speculative);
        boolean metered = code.stamp().metering();
        if (!metered) {
            guest.unmeteredRunner(Thread.currentThread()); // the deadline and a close interrupt it
        }
        guest.armDeadline(deadline);
        boolean moved = false;
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
            if (speculative && movesToGuestThread(e, guest)) {
                moved = true; // the instance ran part of the execution: discarded
                throw e instanceof NeedsGuestThread ? (NeedsGuestThread) e : new NeedsGuestThread(e instanceof StackOverflowError
                        ? "more stack than the caller's thread has" : "more than " + CALLER_THREAD_DEPTH + " nested calls");
            }
            PluginFaults.rethrowHostErrors(e);
            throw new FailureMapper(starter.name(), limits).failure(e, guest);
        } finally {
            guest.disarmDeadline();
            if (!metered) {
                guest.unmeteredRunner(null);
                Thread.interrupted();
            }
            if (speculative) {
                guest.settle(!moved);
            }
            pool.release(guest, healthy);
        }
    }

    /** Whether what ended a speculative run means it must move to a guest thread (else it is the execution's outcome). */
    private boolean movesToGuestThread(Throwable e, GuestInstance guest) {
        if (e instanceof NeedsGuestThread || e instanceof StackOverflowError) {
            return true;
        }
        return e instanceof Interrupted && ((Interrupted) e).reason() == Interrupted.Reason.CALL_DEPTH
                && CALLER_THREAD_DEPTH < limits.maxCallDepth();
    }

    /**
     * Brings the pool to at least {@code n} instances (starting new ones, as executions would, within the system's
     * bound on live instances); call on a guest thread. For footprint tests.
     */
    public void startInstances(int n) {
        java.util.List<GuestInstance> held = new java.util.ArrayList<>();
        try {
            while (held.size() < n) {
                held.add(pool.acquire(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limits.maxExecutionTimeMs())));
            }
        } finally {
            held.forEach(g -> pool.release(g, true));
        }
    }

    /** The instances waiting in the pool. */
    public int idleInstances() {
        return pool.idleCount();
    }

    /** Retires one idle instance (for another plugin that needs a permit); false when none is idle. */
    public boolean evictIdle() {
        return pool.evictIdle();
    }

    /** Stops taking executions; idle instances get {@code plugin_shutdown} now (on a guest thread), busy ones when they finish. */
    public void close() {
        guests.run(pool::close);
    }
}
