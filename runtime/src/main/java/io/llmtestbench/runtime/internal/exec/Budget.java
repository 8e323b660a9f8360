package io.llmtestbench.runtime.internal.exec;

/**
 * The CPU limits of one plugin instance during one execution: remaining fuel, call depth, and the stop
 * flag a watchdog raises at the wall-clock deadline. Owned by one thread at a time (the one executing the
 * instance); only {@link #requestStop} is called from other threads.
 */
public final class Budget {
    /** Fuel limit meaning "no limit". */
    public static final long UNLIMITED = Long.MAX_VALUE / 4;

    long fuel;
    private long limit;
    int depth;
    int maxDepth;
    volatile boolean stop;
    private volatile Interrupted.Reason stopReason;

    public Budget(long fuelLimit, int maxDepth) {
        reset(fuelLimit, maxDepth);
    }

    /** Starts a new execution: full fuel, depth 0, no stop request. */
    public void reset(long fuelLimit, int maxDepth) {
        this.limit = fuelLimit <= 0 || fuelLimit >= UNLIMITED ? UNLIMITED : fuelLimit;
        this.fuel = this.limit;
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
        return limit - fuel;
    }

    public long fuelLimit() {
        return limit;
    }

    /** Charges fuel from host code (host function costs). */
    public void charge(long amount) {
        long f = fuel - amount;
        fuel = f;
        if (f < 0 || stop) {
            onLimit();
        }
    }

    /** Asks the executing thread to stop at its next check (any thread may call this). */
    public void requestStop(Interrupted.Reason reason) {
        stopReason = reason;
        stop = true;
    }

    /** Throws the right interruption when fuel ran out or a stop was requested. */
    void onLimit() {
        if (stop) {
            Interrupted.Reason reason = stopReason;
            throw new Interrupted(reason != null ? reason : Interrupted.Reason.CANCELLED, this);
        }
        if (fuel < 0) {
            throw new Interrupted(Interrupted.Reason.FUEL_EXHAUSTED, this);
        }
    }

    /** The call-depth limit was crossed: undo the increment and stop the guest. */
    void tooDeep() {
        depth--;
        throw new Interrupted(Interrupted.Reason.CALL_DEPTH, this);
    }

    /** Throws if a stop was requested (for host functions that wait). */
    public void checkStop() {
        if (stop) {
            onLimit();
        }
    }
}
