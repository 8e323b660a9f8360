package io.llmtestbench.runtime.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How {@code PluginSystem.close} stops what is running: every live instance of the system is registered here from
 * its creation to its {@link GuestInstance#close()}, so that {@link #cancel()} can raise the stop flag of each one
 * running now — an execution, a start-up, a wait in a host call — and every later execution or start-up fails at
 * once ({@link #cancelled()}, read after the budget's reset). Registration is per instance, not per call: an
 * execution costs one volatile read.
 *
 * <p>Why no run is missed: {@link #cancel()} sets {@link #cancelled} and then raises the flags of the registered
 * instances; a run resets its budget (clearing the flag) and then reads {@link #cancelled}. Both are volatile, so
 * either the run sees {@code cancelled} or {@code cancel()} raises its flag after the reset.
 */
public final class Cancellation {
    private final Set<GuestInstance> instances = ConcurrentHashMap.newKeySet();
    private volatile boolean cancelled;

    void register(GuestInstance g) {
        instances.add(g);
    }

    void unregister(GuestInstance g) {
        instances.remove(g);
    }

    /** Whether {@link #cancel()} ran: no execution or start-up may begin any more. */
    public boolean cancelled() {
        return cancelled;
    }

    /**
     * Stops every execution and start-up running now at its next metering check (or, for code compiled without
     * metering, at its next interruption check), and every later one before it starts. {@code plugin_shutdown} runs
     * going on are left alone (see {@link #stopShutdowns()}).
     */
    public void cancel() {
        cancelled = true;
        for (GuestInstance g : instances) {
            g.cancel(false);
        }
    }

    /** Stops the {@code plugin_shutdown} runs still going too: the last step of a close. */
    public void stopShutdowns() {
        cancelled = true;
        for (GuestInstance g : instances) {
            g.cancel(true);
        }
    }
}
