package io.llmtestbench.runtime.internal;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The system-wide bound on live plugin instances ({@code SystemOptions.maxInstances}). A caller that finds none
 * free first asks for an idle instance anywhere to be retired, then waits until its deadline, or until the system's
 * close cancels it (noticed within 10 ms).
 */
public final class InstancePermits {
    private final Semaphore permits;
    private volatile BooleanSupplier evictor = () -> false;
    private final Cancellation cancellation;

    public InstancePermits(int total, Cancellation cancellation) {
        this.permits = new Semaphore(total, true);
        this.cancellation = cancellation;
    }

    /** Whether waiting was given up because the system is closing. */
    boolean cancelled() {
        return cancellation.cancelled();
    }

    public void evictor(BooleanSupplier e) {
        this.evictor = e;
    }

    /** Returns false when no permit became free before the deadline (System.nanoTime based) or the system is closing. */
    boolean acquire(long deadlineNanos) throws InterruptedException {
        if (permits.tryAcquire()) {
            return true;
        }
        while (true) {
            if (cancellation.cancelled()) {
                return false;
            }
            if (evictor.getAsBoolean() && permits.tryAcquire()) {
                return true;
            }
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            if (permits.tryAcquire(Math.min(left, TimeUnit.MILLISECONDS.toNanos(10)), TimeUnit.NANOSECONDS)) {
                return true;
            }
        }
    }

    void release() {
        permits.release();
    }
}
