package io.llmtestbench.bench;

import io.llmtestbench.runtime.internal.GuestThreads;
import java.lang.reflect.Field;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Marks the benchmark thread as a guest thread, the way the runtime marks its own plugin threads, so that
 * {@code executePlugin} runs inline instead of handing off to the guest pool. This isolates the hand-off
 * cost; it is what a batch driver gets with {@code PluginSystem.submit}. (Benchmark-only: it sets the
 * runtime's private thread-local by reflection.)
 */
@State(Scope.Thread)
public class GuestThreadMark {
    private ThreadLocal<Boolean> flag;

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void mark() throws ReflectiveOperationException {
        Field f = GuestThreads.class.getDeclaredField("GUEST");
        f.setAccessible(true);
        flag = (ThreadLocal<Boolean>) f.get(null);
        flag.set(Boolean.TRUE);
        if (!GuestThreads.isGuestThread()) {
            throw new IllegalStateException("could not mark the benchmark thread as a guest thread");
        }
    }

    @TearDown(Level.Trial)
    public void unmark() {
        flag.set(Boolean.FALSE);
    }
}
