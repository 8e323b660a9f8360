package io.llmtestbench.runtime.internal;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;

/**
 * The instances of one loaded plugin: the idle ones, most recently used first, and a way to start more within the
 * system's bound on live instances ({@link InstancePermits}).
 *
 * <p><b>Invariants</b> (lock-free: the shared state is {@link #idle} and {@link #closed}):
 * <ol>
 *   <li>An instance is either idle (in {@code idle}) or held by exactly one execution: {@link #acquire} takes it out
 *       of the deque before handing it over, {@link #release} puts it back.</li>
 *   <li>Every instance started here holds one permit from its start until it is retired (healthy: after
 *       {@code plugin_shutdown}) or discarded; {@link #retire} gives the permit back exactly once.</li>
 *   <li>After {@link #close()} no instance stays idle: {@code release} checks {@code closed} again after putting an
 *       instance back, and retires it if {@code close()} ran in between.</li>
 * </ol>
 */
final class InstancePool {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(InstancePool.class);

    private final InstanceStarter starter;
    private final InstancePermits permits;
    /** Where {@code plugin_shutdown} runs when an instance is retired on another thread (a caller's). */
    private final GuestThreads guests;
    private final long timeoutMs;
    private final ConcurrentLinkedDeque<GuestInstance> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    /** @param timeoutMs the plugin's deadline, for the message when no instance becomes free in time */
    InstancePool(InstanceStarter starter, InstancePermits permits, GuestThreads guests, long timeoutMs) {
        this.starter = starter;
        this.permits = permits;
        this.guests = guests;
        this.timeoutMs = timeoutMs;
    }

    /**
     * An idle instance, or a new one once a permit is free (retiring an idle instance of any plugin if none is).
     *
     * @throws io.llmtestbench.runtime.PluginTimeoutException when no permit is free before {@code deadlineNanos}
     * @throws io.llmtestbench.runtime.PluginLoadException when the new instance fails to start
     * @throws io.llmtestbench.runtime.PluginCancelledException when the system's close ended the wait or the start-up
     */
    GuestInstance acquire(long deadlineNanos) {
        GuestInstance g = idle.pollFirst();
        return g != null ? g : startNew(deadlineNanos);
    }

    /** An idle instance, or null when none is: what a run on its caller's thread takes (it never starts one). */
    GuestInstance tryAcquireIdle() {
        return idle.pollFirst();
    }

    private GuestInstance startNew(long deadlineNanos) {
        try {
            if (!permits.acquire(deadlineNanos)) {
                if (permits.cancelled()) {
                    throw Failures.cancelled(starter.name(), 0);
                }
                throw Failures.timeout(starter.name(), timeoutMs, "waiting for an instance: all maxInstances are busy", 0, null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Failures.timeout(starter.name(), timeoutMs, "interrupted while waiting for an instance", 0, e);
        }
        boolean started = false;
        try {
            GuestInstance g = starter.start();
            started = true;
            return g;
        } finally {
            if (!started) {
                permits.release();
            }
        }
    }

    /** Gives back an instance after an execution: pooled when healthy, else discarded (no more calls into it). */
    void release(GuestInstance g, boolean healthy) {
        if (healthy && !closed) {
            idle.addFirst(g);
            if (closed && idle.remove(g)) { // close() ran meanwhile and may have missed it (invariant 3)
                retire(g, true);
            }
        } else {
            retire(g, healthy);
        }
    }

    private void retire(GuestInstance g, boolean healthy) {
        Runnable end = () -> {
            g.close();
            permits.release();
        };
        boolean onTime = true;
        try {
            if (healthy) {
                // plugin code: on a guest thread; waited for up to its deadline and the grace (code whose checks are a
                // claim may not stop: then the late end closes the instance and gives its permit back)
                long ms = starter.shutdownMs();
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms + LoadedPlugin.OVERDUE_GRACE_MS);
                onTime = guests.runWithin(() -> starter.shutdown(g), until, end);
                if (!onTime) {
                    LOG.warn("plugin_shutdown of '{}' did not stop at its deadline of {} ms; left running on its thread",
                            starter.name(), ms);
                }
            }
        } finally {
            if (onTime) {
                end.run();
            }
        }
    }

    /** How many instances are idle (a snapshot; O(n)). */
    int idleCount() {
        return idle.size();
    }

    /** Retires the least recently used idle instance (for another plugin that needs a permit); false when none is idle. */
    boolean evictIdle() {
        GuestInstance g = idle.pollLast();
        if (g == null) {
            return false;
        }
        retire(g, true);
        return true;
    }

    /** Takes no more instances back; idle ones get {@code plugin_shutdown} now, busy ones when released. */
    void close() {
        closed = true;
        GuestInstance g;
        while ((g = idle.pollFirst()) != null) {
            retire(g, true);
        }
    }
}
