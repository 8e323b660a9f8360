package io.llmtestbench.runtime.internal.wasi;

/**
 * The bytes of guest log output one run may produce: {@code host_log} messages and WASI stdout/stderr
 * count against the same cap. Reset at the start of every run; used by one thread at a time.
 */
public final class LogQuota {
    private final long cap;
    private long used;

    public LogQuota(long capBytes) {
        this.cap = capBytes;
    }

    public long cap() {
        return cap;
    }

    /** A new run: nothing used yet. */
    public void reset() {
        used = 0;
    }

    /** Takes {@code bytes} if all of them fit; otherwise takes nothing and returns false. */
    public boolean tryTake(long bytes) {
        if (bytes < 0 || used + bytes > cap) {
            return false;
        }
        used += bytes;
        return true;
    }

    /** Takes as many of {@code bytes} as fit and returns how many that was. */
    public long takeUpTo(long bytes) {
        long n = Math.max(0, Math.min(bytes, cap - used));
        used += n;
        return n;
    }
}
