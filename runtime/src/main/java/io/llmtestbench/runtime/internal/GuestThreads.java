package io.llmtestbench.runtime.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The threads that run guest code. They have a large stack so that the deterministic call-depth limit, not the
 * JVM's stack, is what stops deep recursion; code already on such a thread runs plugins inline. The pool is
 * unbounded: the number of live instances ({@code SystemOptions.maxInstances}) bounds real concurrency.
 */
public final class GuestThreads {
    /** Stack size of guest threads: room for the default call depth even before the JIT compiles anything. */
    public static final long STACK_BYTES = 512L * 1024 * 1024;

    private static final ThreadLocal<Boolean> GUEST = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private final ExecutorService pool;
    /** Tasks handed over from other threads by {@link #call} and {@link #run} (tests check which calls needed one). */
    private final java.util.concurrent.atomic.LongAdder handoffs = new java.util.concurrent.atomic.LongAdder();

    /** A pool of daemon guest threads named {@code <name>-<n>}. */
    public GuestThreads(String name) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(null, () -> {
                GUEST.set(Boolean.TRUE);
                r.run();
            }, name + "-" + n.incrementAndGet(), STACK_BYTES);
            t.setDaemon(true);
            return t;
        };
        this.pool = Executors.newCachedThreadPool(factory);
    }

    public static boolean isGuestThread() {
        return GUEST.get();
    }

    /**
     * Runs {@code task} on a guest thread and waits for it: inline when the caller is one, else handed off. Its
     * exceptions reach the caller unwrapped.
     */
    public <T> T call(Supplier<T> task) {
        if (isGuestThread()) {
            return task.get();
        }
        Future<T> f;
        handoffs.increment();
        try {
            f = pool.submit(task::get);
        } catch (RejectedExecutionException e) {
            throw Failures.closed(); // only after shutdown()
        }
        return await(f);
    }

    /**
     * Thrown by {@link #callWithin} when its task still runs at the bound. The task is not stopped (a JVM thread
     * cannot be, safely): it keeps its guest thread until it ends, when the {@code whenLateTaskEnds} action runs.
     */
    public static final class Overdue extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Overdue() {
            super("still running", null, false, false);
        }
    }

    /**
     * {@link #call}, but the caller waits for a task handed off to a guest thread only until {@code untilNanos} (on
     * {@link System#nanoTime()}): for plugin code whose limit checks are a claim (a pre-compiled jar nobody vouched
     * for), which the deadline cannot stop if it was edited not to look. When the bound passes first the caller gets
     * {@link Overdue} and the task is left running; {@code whenLateTaskEnds} runs on its thread if it ever ends.
     * Inline, as {@link #call}, when the caller is a guest thread.
     */
    public <T> T callWithin(Supplier<T> task, long untilNanos, Runnable whenLateTaskEnds) {
        if (isGuestThread()) {
            return task.get();
        }
        return handOffWithin(task, untilNanos, whenLateTaskEnds);
    }

    /**
     * {@link #callWithin}, handed off to another guest thread even when the caller is one: for work a guest thread
     * must not be held by (discovery runs many plugins' {@code plugin_metadata} from one guest thread).
     */
    public <T> T handOffWithin(Supplier<T> task, long untilNanos, Runnable whenLateTaskEnds) {
        return handOffWithin(task, untilNanos, whenLateTaskEnds, () -> {
            throw Failures.closed(); // only after shutdown()
        });
    }

    /**
     * {@link #run}, waiting at most until {@code untilNanos} for a task handed off: false when it still runs then (it
     * is left running, and {@code whenLateTaskEnds} runs on its thread if it ever ends). For clean-up runs of plugin
     * code ({@code plugin_shutdown}); on the calling thread once the pool is shut down, as {@link #run}.
     */
    public boolean runWithin(Runnable task, long untilNanos, Runnable whenLateTaskEnds) {
        if (isGuestThread()) {
            task.run();
            return true;
        }
        Supplier<Boolean> onTime = () -> {
            task.run();
            return Boolean.TRUE;
        };
        try {
            return handOffWithin(onTime, untilNanos, whenLateTaskEnds, onTime);
        } catch (Overdue o) {
            return false;
        }
    }

    /**
     * The one hand-off with a bound: {@code task} on a pool thread, the caller waiting until {@code untilNanos}; then
     * {@link Overdue}, the task left running and {@code whenLateTaskEnds} run on its thread when it ends (exactly one
     * of "the caller saw its result" and "the late action ran" happens). {@code whenShutDown} answers instead once
     * the pool takes no more tasks.
     */
    private <T> T handOffWithin(Supplier<T> task, long untilNanos, Runnable whenLateTaskEnds, Supplier<T> whenShutDown) {
        AtomicInteger state = new AtomicInteger(RUNNING);
        Future<T> f;
        handoffs.increment();
        try {
            f = pool.submit(() -> {
                try {
                    return task.get();
                } finally {
                    if (!state.compareAndSet(RUNNING, ENDED)) {
                        whenLateTaskEnds.run();
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            return whenShutDown.get();
        }
        try {
            return awaitUntil(f, untilNanos);
        } catch (Overdue o) {
            if (state.compareAndSet(RUNNING, ABANDONED)) {
                throw o;
            }
            return await(f); // it ended just now
        }
    }

    private static final int RUNNING = 0;
    private static final int ENDED = 1;
    private static final int ABANDONED = 2;

    private static <T> T awaitUntil(Future<T> f, long untilNanos) {
        try {
            return f.get(Math.max(0, untilNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new Overdue();
        } catch (ExecutionException e) {
            throw unwrap(e);
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a plugin", e);
        }
    }

    private static RuntimeException unwrap(ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof RuntimeException) {
            return (RuntimeException) c;
        }
        if (c instanceof Error) {
            throw (Error) c;
        }
        return new IllegalStateException(c);
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            throw unwrap(e);
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a plugin", e);
        }
    }

    /**
     * Runs {@code task} on a guest thread and waits for it (inline on one); once the pool is shut down, on the
     * calling thread: for the clean-up of plugins (their {@code plugin_shutdown}), which must run even then.
     */
    public void run(Runnable task) {
        if (isGuestThread()) {
            task.run();
            return;
        }
        Future<Object> f;
        handoffs.increment();
        try {
            f = pool.submit(() -> {
                task.run();
                return null;
            });
        } catch (RejectedExecutionException e) {
            task.run(); // shut down: no guest thread is left to run it
            return;
        }
        await(f);
    }

    /** Runs {@code task} on a guest thread; the future completes with its result or exception. */
    public <T> CompletableFuture<T> async(Supplier<T> task) {
        try {
            return CompletableFuture.supplyAsync(task, pool);
        } catch (RejectedExecutionException e) {
            throw Failures.closed(); // only after shutdown()
        }
    }

    /** How many tasks {@link #call} and {@link #run} handed over to a guest thread so far. */
    public long handoffs() {
        return handoffs.sum();
    }

    /** Lets running tasks finish; accepts no new ones. */
    public void shutdown() {
        pool.shutdown();
    }
}
