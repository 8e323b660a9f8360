package io.llmtestbench.runtime.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads that run guest code. They have a large stack so that the deterministic call-depth limit, not the
 * JVM's stack, is what stops deep recursion; code already on such a thread runs plugins inline.
 */
public final class GuestThreads {
    /** Stack size of guest threads: room for the default call depth even before the JIT compiles anything. */
    public static final long STACK_BYTES = 512L * 1024 * 1024;

    private static final ThreadLocal<Boolean> GUEST = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private GuestThreads() {}

    public static boolean isGuestThread() {
        return GUEST.get();
    }

    /** An unbounded pool of daemon guest threads (the number of live instances bounds real concurrency). */
    public static ExecutorService newPool(String name) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(null, () -> {
                GUEST.set(Boolean.TRUE);
                r.run();
            }, name + "-" + n.incrementAndGet(), STACK_BYTES);
            t.setDaemon(true);
            return t;
        };
        return Executors.newCachedThreadPool(factory);
    }
}
