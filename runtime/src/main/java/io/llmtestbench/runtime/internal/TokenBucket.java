package io.llmtestbench.runtime.internal;

import java.util.function.LongSupplier;

/**
 * A token bucket: holds up to {@code ceil(rate)} tokens (at least 1), starts full, refills continuously at
 * {@code rate} tokens per second; each execution takes one or is refused. Never waits.
 */
public final class TokenBucket {
    private final double rate;
    private final double capacity;
    private final LongSupplier nanoClock;
    private double tokens;
    private long last;

    public TokenBucket(double perSecond) {
        this(perSecond, System::nanoTime);
    }

    TokenBucket(double perSecond, LongSupplier nanoClock) {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("rate must be positive: " + perSecond);
        }
        this.rate = perSecond;
        this.capacity = Math.max(1, Math.ceil(perSecond));
        this.nanoClock = nanoClock;
        this.tokens = capacity;
        this.last = nanoClock.getAsLong();
    }

    public double rate() {
        return rate;
    }

    /** Takes a token if there is one. */
    public synchronized boolean tryAcquire() {
        long now = nanoClock.getAsLong();
        tokens = Math.min(capacity, tokens + (now - last) * rate / 1e9);
        last = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
