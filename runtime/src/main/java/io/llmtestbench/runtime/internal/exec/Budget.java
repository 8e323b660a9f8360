package io.llmtestbench.runtime.internal.exec;

/**
 * The CPU limits of one plugin instance during one execution: fuel, call depth, and the stop flag a
 * watchdog raises at the wall-clock deadline. Owned by one thread at a time (the one executing the
 * instance); only {@link #requestStop} is called from other threads.
 *
 * <p>Fuel is handed to the guest in slices of at most {@link #SLICE}: generated code decrements the plain
 * field {@code fuel} and calls {@link #refill()} only when it goes negative. The refill moves the next
 * slice out of the reserve, or ends the execution when the total is spent, and is also where the stop flag
 * is read. So the hot path has no volatile read (which would block loop optimisations), exhaustion is
 * exact and deterministic, and a deadline is noticed within one slice of work.
 */
public final class Budget {
    /** Fuel limit meaning "no limit". */
    public static final long UNLIMITED = Long.MAX_VALUE / 4;

    /** The most fuel handed out between two looks at the stop flag (well under a millisecond of compiled code). */
    static final long SLICE = 100_000;

    /** Fuel left in the current slice; negative when the last charge crossed it. */
    long fuel;
    /** Fuel not yet handed out. */
    private long reserve;
    private long limit;
    int depth;
    int maxDepth;
    private volatile boolean stop;
    private volatile Interrupted.Reason stopReason;

    public Budget(long fuelLimit, int maxDepth) {
        reset(fuelLimit, maxDepth);
    }

    /** Starts a new execution: full fuel, depth 0, no stop request. */
    public void reset(long fuelLimit, int maxDepth) {
        this.limit = fuelLimit <= 0 || fuelLimit >= UNLIMITED ? UNLIMITED : fuelLimit;
        this.fuel = Math.min(SLICE, limit);
        this.reserve = limit - fuel;
        this.depth = 0;
        this.maxDepth = maxDepth;
        this.stopReason = null;
        this.stop = false;
    }

    /**
     * Fuel charged since the last reset. When the budget ran out this is a little above the limit: the
     * segment that crossed it was charged in full before it was refused. Deterministic either way.
     */
    public long fuelUsed() {
        return limit - (reserve + fuel);
    }

    /** Charges fuel from host code (host function costs). */
    public void charge(long amount) {
        if ((fuel -= amount) < 0) {
            refill();
        }
    }

    /** Asks the executing thread to stop at its next check (any thread may call this). */
    public void requestStop(Interrupted.Reason reason) {
        stopReason = reason;
        stop = true;
    }

    /**
     * The current slice is spent: stop if asked to, end the execution if the whole budget is spent, else hand
     * out the next slice.
     */
    void refill() {
        checkStop();
        long remaining = reserve + fuel;
        if (remaining < 0) {
            throw new Interrupted(Interrupted.Reason.FUEL_EXHAUSTED, this);
        }
        long grant = Math.min(SLICE, remaining);
        reserve = remaining - grant;
        fuel = grant;
    }

    /** The call-depth limit was crossed: undo the increment and stop the guest. */
    void tooDeep() {
        depth--;
        throw new Interrupted(Interrupted.Reason.CALL_DEPTH, this);
    }

    /** Throws if a stop was requested (host functions that wait call this too). */
    public void checkStop() {
        if (stop) {
            Interrupted.Reason reason = stopReason;
            throw new Interrupted(reason != null ? reason : Interrupted.Reason.CANCELLED, this);
        }
    }
}
