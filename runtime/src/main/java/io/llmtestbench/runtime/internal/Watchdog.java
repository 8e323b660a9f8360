package io.llmtestbench.runtime.internal;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Deadline alarms, one daemon thread for a whole system: an execution arms one when it starts and cancels it when
 * it ends; if it fires first, it raises the execution's stop flag (see {@code internal.exec.Budget}).
 */
public final class Watchdog {
    private final ScheduledThreadPoolExecutor timer;

    public Watchdog(String threadName) {
        timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true); // most alarms are cancelled: do not keep them until they would fire
    }

    /** Runs {@code alarm} once {@code delayNanos} have passed, unless cancelled first. */
    public ScheduledFuture<?> arm(long delayNanos, Runnable alarm) {
        return timer.schedule(alarm, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    }

    /** Drops every pending alarm and stops the thread. */
    public void shutdown() {
        timer.shutdownNow();
    }
}
