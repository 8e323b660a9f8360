package io.llmtestbench.runtime.spec;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Threads with a stack deep enough for {@link ScriptRunner#MAX_DEPTH} nested wasm calls. */
final class SpecThreads {
    /** 512 MiB: reserved, not committed, so a few of these cost nothing until a recursion goes deep. */
    static final long STACK_BYTES = 512L << 20;

    private SpecThreads() {}

    static ExecutorService pool(String name, int threads) {
        return pool(name, threads, STACK_BYTES);
    }

    static ExecutorService pool(String name, int threads, long stackBytes) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(null, r, name + "-" + n.incrementAndGet(), stackBytes);
            t.setDaemon(true);
            return t;
        };
        return Executors.newFixedThreadPool(threads, factory);
    }

    /** Runs {@code task} on a fresh thread with a {@link #STACK_BYTES} stack and returns its result. */
    static <T> T runOnBigStack(java.util.concurrent.Callable<T> task) throws Exception {
        ExecutorService one = pool("big-stack", 1);
        try {
            return one.submit(task).get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        } finally {
            one.shutdownNow();
        }
    }

    /** The result of {@code f}, with the task's own exception rethrown. */
    static <T> T get(java.util.concurrent.Future<T> f) throws Exception {
        try {
            return f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        }
    }

    /** Two on the build machines (2 cores); at least one. */
    static int parallelism() {
        return Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    }
}
