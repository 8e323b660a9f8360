package io.llmtestbench.runtime.internal;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The system-wide bound on live plugin instances ({@code SystemOptions.maxInstances}). A caller that finds none
 * free first asks for an idle instance anywhere to be retired, then waits until its deadline.
 */
public final class InstancePermits {
    private final Semaphore permits;
    private volatile BooleanSupplier evictor = () -> false;

    public InstancePermits(int total) {
        this.permits = new Semaphore(total, true);
    }

    public void evictor(BooleanSupplier e) {
        this.evictor = e;
    }

    /** Returns false when no permit became free before the deadline (System.nanoTime based). */
    boolean acquire(long deadlineNanos) throws InterruptedException {
        if (permits.tryAcquire()) {
            return true;
        }
        while (true) {
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
