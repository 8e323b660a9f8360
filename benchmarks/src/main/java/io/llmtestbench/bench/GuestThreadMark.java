package io.llmtestbench.bench;

import io.llmtestbench.runtime.fixtures.GuestThreadFixture;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Marks the benchmark thread as a guest thread, the way the runtime marks its own plugin threads, so that
 * {@code executePlugin} runs inline instead of handing off to the guest pool. This isolates the hand-off
 * cost; it is what a batch driver gets with {@code PluginSystem.submit}. (Benchmark-only: the runtime's test
 * fixture {@link GuestThreadFixture} sets its private thread-local.)
 */
@State(Scope.Thread)
public class GuestThreadMark {
    @Setup(Level.Trial)
    public void mark() {
        GuestThreadFixture.mark(true);
    }

    @TearDown(Level.Trial)
    public void unmark() {
        GuestThreadFixture.mark(false);
    }
}
