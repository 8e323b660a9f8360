package io.llmtestbench.runtime.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deadline alarms, one daemon thread for a whole system. An {@link Alarm} is made once (per instance) and armed and
 * disarmed per execution, which costs two volatile writes and a read: no task object, no lock, no queue. The thread
 * scans the armed alarms and sleeps until the earliest deadline, at most {@value #MAX_SLEEP_MS} ms; an alarm armed
 * with a deadline before the thread's next wake-up wakes it. When an alarm's deadline passes, its action runs on
 * the thread (it raises the execution's stop flag, see {@code internal.exec.Budget}), unless it was disarmed first;
 * {@link Alarm#disarm()} waits for an action already running, so no action outlives the execution it was armed for.
 */
public final class Watchdog {
    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);

    /** The longest the thread sleeps between two scans. */
    static final long MAX_SLEEP_MS = 1000;
    private static final long MAX_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(MAX_SLEEP_MS);

    private static final int IDLE = 0;
    private static final int ARMED = 1;
    private static final int FIRING = 2;

    private final Set<Alarm> alarms = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    /** When the thread wakes up next (System.nanoTime), published before its last scan: see {@link #run()}. */
    private volatile long wakeAt;
    private volatile boolean stopped;

    public Watchdog(String threadName) {
        wakeAt = System.nanoTime();
        thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** An alarm that runs {@code action} when an armed deadline passes; {@link Alarm#close()} it when done with it. */
    public Alarm alarm(Runnable action) {
        Alarm a = new Alarm(action);
        alarms.add(a);
        return a;
    }

    /** A one-off alarm: runs {@code action} once {@code delayNanos} have passed, unless {@link Alarm#cancel} is called first. */
    public Alarm arm(long delayNanos, Runnable action) {
        Alarm a = alarm(action);
        a.arm(System.nanoTime() + Math.max(0, delayNanos));
        return a;
    }

    /** Drops every alarm and stops the thread. */
    public void shutdown() {
        stopped = true;
        LockSupport.unpark(thread);
    }

    /** An armed deadline before the next wake-up wakes the thread (read after the deadline was written). */
    private void armed(long deadline) {
        if (deadline - wakeAt < 0) {
            LockSupport.unpark(thread);
        }
    }

    /*
     * Why no alarm is missed: an execution writes its alarm's deadline, then reads wakeAt; the thread writes wakeAt,
     * then scans again. Of these volatile accesses (totally ordered), either the execution's read sees the new wakeAt
     * (and wakes the thread if its deadline is earlier), or the thread's second scan sees the deadline.
     */
    private void run() {
        while (!stopped) {
            long next = scan();
            while (true) {
                wakeAt = next;
                long again = scan();
                if (again - next >= 0) {
                    break;
                }
                next = again;
            }
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                LockSupport.parkNanos(this, sleep);
            }
        }
        alarms.clear();
    }

    /** Fires the alarms whose deadline passed; returns when to wake up next. */
    private long scan() {
        long now = System.nanoTime();
        long next = now + MAX_SLEEP_NANOS;
        for (Alarm a : alarms) {
            if (a.state.get() != ARMED) {
                continue;
            }
            long d = a.deadline;
            if (d - now <= 0) {
                a.fire();
            } else if (d - next < 0) {
                next = d;
            }
        }
        return next;
    }

    /** A deadline alarm, armed for one execution at a time. */
    public final class Alarm {
        private final Runnable action;
        private final AtomicInteger state = new AtomicInteger(IDLE);
        private volatile long deadline;

        private Alarm(Runnable action) {
            this.action = action;
        }

        /** Runs the action once {@link System#nanoTime()} passes {@code deadlineNanos}, unless disarmed first. */
        public void arm(long deadlineNanos) {
            deadline = deadlineNanos;
            state.set(ARMED);
            armed(deadlineNanos);
        }

        /** Disarms it; if its action is running, returns once it has finished. */
        public void disarm() {
            if (!state.compareAndSet(ARMED, IDLE)) {
                while (state.get() == FIRING) {
                    Thread.onSpinWait();
                }
            }
        }

        /** Disarms it and forgets it. */
        public void close() {
            disarm();
            alarms.remove(this);
        }

        /** A one-off alarm's end: {@link #close()}. */
        public void cancel(boolean ignored) {
            close();
        }

        private void fire() {
            if (state.compareAndSet(ARMED, FIRING)) {
                try {
                    action.run();
                } catch (RuntimeException | Error e) {
                    LOG.warn("a deadline alarm failed", e);
                } finally {
                    state.set(IDLE);
                }
            }
        }
    }
}
