package io.llmtestbench.runtime.internal.exec;

/**
 * The CPU limits of one plugin instance during one execution: fuel, call depth, and the stop flag a
 * watchdog raises at the wall-clock deadline. Owned by one thread at a time (the one executing the
 * instance); only {@link #requestStop} is called from other threads.
 *
 * <p>Unspent fuel is {@link #fuel}, the current slice (at most {@link #SLICE}), plus {@link #slices} whole
 * slices. A compiled function copies {@code fuel} into a local, decrements the local per straight-line
 * segment, and stores it back around calls and at returns. When a check finds the local negative, the
 * function itself reads the stop flag, takes one slice ({@code slices--}, {@code fuel += SLICE}) and goes on:
 * field operations, no call. A call on that path, however rarely taken, would cost a quarter of a hot
 * loop's speed (C2 keeps the loop's values in memory around it; see docs/metering.md). Only when the stop flag
 * is up or no slice is left does it call {@link Meter#refill}, which throws. So the hot path has no volatile
 * read, exhaustion is exact and deterministic, and a deadline is noticed within one slice of work.
 */
public final class Budget {
    /** Fuel limit meaning "no limit". */
    public static final long UNLIMITED = Long.MAX_VALUE / 4;

    /** The size of a slice: the most one {@code iinc} instruction adds. */
    public static final int SLICE = io.llmtestbench.compiler.internal.RuntimeContract.SLICE;

    /** Fuel left in the current slice; negative when charges crossed it. Generated code uses it. */
    public int fuel;
    /**
     * Charges of leaf functions (negative) that their caller has not yet folded into its fuel local: a leaf
     * charges here instead of {@link #fuel}, so that a call of it needs no fuel stored before and loaded after; the
     * caller adds this to its local at its next check and to {@link #fuel} when it stores its fuel (before other
     * calls, at returns, when a trap leaves it), and clears it. Zero between executions and whenever the runtime
     * reads the fuel.
     */
    public int leafFuel;
    /** Whole slices left after the current one. Generated code takes them one at a time. */
    public long slices;
    /** Normally zero: fuel a host charge took beyond the slices, until the next refill settles it. */
    private long reserve;
    private long limit;
    /** The current wasm call depth (generated code counts it). */
    public int depth;
    /** The deepest call allowed (generated code reads it). */
    public int maxDepth;
    /** Raised by {@link #requestStop}; generated code reads it once per slice. */
    public volatile boolean stop;
    private volatile Interrupted.Reason stopReason;

    /**
     * Table elements the instance's tables may still gain ({@code ResourceLimits.maxTableElements} less what they
     * hold): {@code table.grow} past it fails. Per instance, not per execution: {@link #reset} leaves it alone.
     */
    public long tableElementsLeft = Long.MAX_VALUE;

    public Budget(long fuelLimit, int maxDepth) {
        reset(fuelLimit, maxDepth);
    }

    /** Starts a new execution: full fuel, depth 0, no stop request. */
    public void reset(long fuelLimit, int maxDepth) {
        this.limit = fuelLimit <= 0 || fuelLimit >= UNLIMITED ? UNLIMITED : fuelLimit;
        distribute(limit);
        this.leafFuel = 0;
        this.depth = 0;
        this.maxDepth = maxDepth;
        this.stopReason = null;
        this.stop = false;
    }

    /**
     * Fuel charged since the last reset. When the budget ran out this is a little above the limit: the
     * charges made since the last check were applied in full before the check refused them. Deterministic
     * either way.
     */
    public long fuelUsed() {
        return limit - remaining();
    }

    private long remaining() {
        return reserve + slices * SLICE + fuel;
    }

    /** Charges fuel from host code (host function costs, bulk operations). */
    public void charge(long amount) {
        long left = fuel - amount;
        if (left >= 0) {
            fuel = (int) left;
        } else {
            // account the whole charge in the reserve so that a huge one cannot overflow the int
            reserve += left;
            fuel = 0;
            refill();
        }
    }

    /** Asks the executing thread to stop at its next check (any thread may call this). */
    public void requestStop(Interrupted.Reason reason) {
        stopReason = reason;
        stop = true;
    }

    /**
     * The slice is overdrawn: stop if asked to, end the execution if the whole budget is spent, else settle
     * the overdraft against the slices.
     */
    void refill() {
        checkStop();
        long remaining = remaining();
        if (remaining < 0) {
            throw new Interrupted(Interrupted.Reason.FUEL_EXHAUSTED, this);
        }
        distribute(remaining);
    }

    /** Splits unspent fuel into the current slice (the odd part, 1..SLICE when any is left) and whole slices. */
    private void distribute(long remaining) {
        long whole = remaining > 0 ? (remaining - 1) / SLICE : 0;
        slices = whole;
        fuel = (int) (remaining - whole * SLICE);
        reserve = 0;
    }

    /** The call-depth limit was crossed: undo the increment and stop the guest (generated code calls this). */
    public void tooDeep() {
        depth--;
        throw new Interrupted(Interrupted.Reason.CALL_DEPTH, this);
    }

    /** Why a stop was requested, or null when none was (or it did not say). */
    public Interrupted.Reason stopReason() {
        return stop ? stopReason : null;
    }

    /** Throws if a stop was requested (host functions that wait call this too). */
    public void checkStop() {
        if (stop) {
            Interrupted.Reason reason = stopReason;
            throw new Interrupted(reason != null ? reason : Interrupted.Reason.CANCELLED, this);
        }
    }
}
