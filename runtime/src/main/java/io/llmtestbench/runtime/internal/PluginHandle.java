package io.llmtestbench.runtime.internal;

import io.llmtestbench.compiler.CompilationReport;
import io.llmtestbench.compiler.internal.JsonTrees;
import io.llmtestbench.runtime.LoadOptions;
import io.llmtestbench.runtime.OutputMetadata;
import io.llmtestbench.runtime.PluginBytesOutput;
import io.llmtestbench.runtime.PluginException;
import io.llmtestbench.runtime.PluginExecutionException;
import io.llmtestbench.runtime.PluginId;
import io.llmtestbench.runtime.PluginInput;
import io.llmtestbench.runtime.PluginOutput;
import io.llmtestbench.runtime.internal.registry.PluginSources;
import io.llmtestbench.runtime.internal.registry.Semver;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loaded plugin version as the system tracks it: where it came from, its rate limit, and a count of the
 * executions in flight, so that it can be <em>retired</em> (by unload or hot reload) without failing any of
 * them: once retired it admits no new execution, and it is closed (instances shut down, class loader released)
 * when the last one in flight finishes.
 */
public final class PluginHandle {
    private final LoadedPlugin plugin;
    private final Path source;
    private final String location;
    private final String artifactId;
    private final String origin;
    private final String sha256;
    private final String signedBy;
    private final LoadOptions options;
    private final Semver version;
    /** The compilation report, computed at load: keeping the artifact to compute it later would keep its class bytes. */
    private final CompilationReport compilation;
    private final TokenBucket bucket;
    /*
     * Invariants of retirement (lock-free: the shared state is inFlight, retiring, closed and drained):
     * 1. An execution runs only between a tryEnter() that returned true and its exit(). tryEnter() counts itself in
     *    before it reads retiring, and retire() sets retiring before it reads inFlight (atomic and volatile accesses
     *    are totally ordered), so of a racing entry and retirement, either the entry sees retiring and backs out,
     *    or retire() sees it counted and leaves the closing to the last exit(): no admitted execution ever meets a
     *    closed plugin.
     * 2. retiring only ever goes false -> true; closed goes false -> true once (CAS), so plugin.close() runs exactly
     *    once, on the thread of retire() or of the last exit(), whichever sees inFlight at 0 with retiring set.
     * 3. drained completes exactly when closed has been set and plugin.close() has returned (or thrown).
     */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private volatile boolean retiring;

    /**
     * @param from what the plugin was read from
     * @param code how its code was obtained
     */
    public PluginHandle(LoadedPlugin plugin, PluginSources.Candidate from, PluginSources.Compiled code, LoadOptions options) {
        this.plugin = plugin;
        this.source = from.path;
        this.location = from.source;
        this.artifactId = from.artifactId();
        this.origin = code.origin();
        this.compilation = code.report().get();
        this.sha256 = from.sha256;
        this.signedBy = from.signedBy;
        this.options = options;
        this.version = Versions.version(plugin.id().version()); // validated at load, by the same rule
        this.bucket = options.maxExecutionsPerSecond() > 0 ? new TokenBucket(options.maxExecutionsPerSecond()) : null;
    }

    public LoadedPlugin plugin() {
        return plugin;
    }

    public PluginId id() {
        return plugin.id();
    }

    /** The file it was loaded from, or null for a class-path artifact. */
    public Path source() {
        return source;
    }

    /** Where it was loaded from, for messages: the file, or the class-path URL of its artifact. */
    public String location() {
        return location;
    }

    /** What its code is, for {@code PluginInfo}. */
    public CompilationReport compilation() {
        return compilation;
    }

    /** Its metadata version, for ordering versions of one name. */
    public Semver version() {
        return version;
    }

    /** The SHA-256 of its source module (two loads of one name and version must agree on it). */
    public String wasmSha256() {
        return plugin.code().stamp().wasmSha256();
    }

    /** The plugin's id in its jar, or null for a {@code .wasm}. */
    public String artifactId() {
        return artifactId;
    }

    public String origin() {
        return origin;
    }

    /** The content digest (see {@code LoadOptions.sha256}). */
    public String sha256() {
        return sha256;
    }

    public String signedBy() {
        return signedBy;
    }

    public LoadOptions options() {
        return options;
    }

    /** Executions admitted and not yet finished. */
    public int inFlight() {
        return inFlight.get();
    }

    public boolean retiring() {
        return retiring;
    }

    /** Completes when the handle has been closed (retired and drained). */
    public CompletableFuture<Void> drained() {
        return drained;
    }

    /** Admits one execution; false once retired. Every true must be paired with {@link #exit()}. */
    public boolean tryEnter() {
        inFlight.incrementAndGet();
        if (retiring) {
            exit();
            return false;
        }
        return true;
    }

    /** Ends an admitted execution; the last one out of a retired handle closes it (on this, a guest, thread). */
    public void exit() {
        if (inFlight.decrementAndGet() == 0 && retiring) {
            closeOnce();
        }
    }

    /**
     * Admits no more executions; the last one in flight closes it when it ends. With none in flight it stays open
     * until {@link #retire()} (a close's first step: it waits for the executions in flight before closing anything).
     */
    public void stopAdmitting() {
        retiring = true;
    }

    /** Admits no more executions; closes now when none is in flight (call on a guest thread), else when the last ends. */
    public void retire() {
        retiring = true;
        if (inFlight.get() == 0) {
            closeOnce();
        }
    }

    private void closeOnce() {
        if (closed.compareAndSet(false, true)) {
            try {
                plugin.close();
            } finally {
                drained.complete(null);
            }
        }
    }

    /**
     * Runs one admitted execution: the rate limit, the plugin, and one audit event whatever happens. (Written out for
     * each kind of output rather than through lambdas: nothing but the execution's own results is allocated per call.)
     */
    public PluginOutput execute(PluginInput input) {
        long start = System.nanoTime();
        try {
            admit();
            PluginOutput out = plugin.execute(input);
            audit(out.metadata(), start);
            return out;
        } catch (RuntimeException | Error e) {
            audit(e, start, inputSize(input));
            throw e;
        }
    }

    /** {@link #execute(PluginInput)} with input and context already serialized, and the output left as bytes. */
    public PluginBytesOutput executeBytes(byte[] data, byte[] context) {
        long start = System.nanoTime();
        try {
            admit();
            PluginBytesOutput out = plugin.executeBytes(data, context);
            audit(out.metadata(), start);
            return out;
        } catch (RuntimeException | Error e) {
            audit(e, start, data.length);
            throw e;
        }
    }

    private void admit() {
        if (bucket != null && !bucket.tryAcquire()) {
            throw Failures.rateLimited(plugin.id().name(), bucket.rate());
        }
    }

    private void audit(OutputMetadata m, long start) {
        if (Audit.enabled()) {
            Object inputBytes = m.metrics().get("input_bytes");
            Audit.record(plugin.id(), inputBytes instanceof Number ? ((Number) inputBytes).longValue() : -1, "ok", m.fuelUsed(),
                    elapsedMs(start), null);
        }
    }

    private void audit(Throwable e, long start, long inputSize) {
        String outcome = e instanceof PluginException ? ((PluginException) e).kind().name() : e.getClass().getSimpleName();
        long fuel = e instanceof PluginExecutionException ? ((PluginExecutionException) e).fuelUsed() : 0;
        Audit.record(plugin.id(), inputSize, outcome, fuel, elapsedMs(start), String.valueOf(e.getMessage()));
    }

    private static long elapsedMs(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private static long inputSize(PluginInput input) {
        try {
            return JsonTrees.write(input.data()).length;
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }
}
