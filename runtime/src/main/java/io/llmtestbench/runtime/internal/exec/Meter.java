package io.llmtestbench.runtime.internal.exec;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The slow paths of metering that generated code calls (see the compiler's {@code RuntimeContract}):
 * {@link #stop} when a fuel check finds the stop flag up or no slice left, {@link #refill} when more than a
 * slice was overdrawn. Everything else a compiled function does on the {@link Budget}'s fields.
 *
 * <p>A machine finds its instance's budget once, when it links: through the instance's {@link PluginMemory},
 * or, for a module whose memory is not its own, through a side table ({@link #register}).
 */
public final class Meter {
    private static final Map<Instance, Budget> OTHER = Collections.synchronizedMap(new WeakHashMap<>());

    private Meter() {}

    /** Registers the budget of an instance whose memory is not a {@link PluginMemory} of its own. */
    public static void register(Instance instance, Budget budget) {
        OTHER.put(instance, budget);
    }

    /** The budget of the instance running the calling code. */
    public static Budget budget(Memory memory, Instance instance) {
        Budget own = memory instanceof PluginMemory ? ((PluginMemory) memory).budget() : null;
        return own != null ? own : other(instance);
    }

    private static Budget other(Instance instance) {
        Budget b = OTHER.get(instance);
        if (b == null) {
            throw new IllegalStateException("no budget registered for this instance");
        }
        return b;
    }

    /**
     * A compiled function's entry (most functions; see the compiler's {@code FunctionEmitter.prologue}): one call
     * level more, or "call stack exhausted" with the budget's fuel untouched; then returns the budget's fuel less
     * the function's first charge, for the function's local. The entry check stays in the function, after this
     * call: its branch profile is then per function, so C2 leaves the rare path out of each function that has not
     * taken it (shared here, one function's slice boundary would put the slow path into every function). 31 bytes
     * of bytecode (under MaxInlineSize, 35); the function's own bytecode is 10 bytes instead of 35. Only functions
     * without loops call it: JDK 17's C2 inlines a callee only once it has run MinInliningThreshold (250) times, so
     * a function called a few times that runs long would get it as a real call (benchmarks/RESULTS.md).
     */
    public static int enter(Budget b, int cost) {
        int depth = b.depth + 1;
        b.depth = depth;
        if (depth > b.maxDepth) {
            b.tooDeep();
        }
        return b.fuel - cost;
    }

    /**
     * A leaf's entry (a small function without loops that calls nothing; the compiler's {@code ModuleInfo.leaves}):
     * "call stack exhausted" where a function entering through {@link #enter} would throw it, else the leaf
     * charges not yet folded in ({@link Budget#leafFuel}) less the leaf's first charge: a leaf charges there, and
     * stores its local back there at its returns, so that its caller need not store its fuel before the call or
     * load it after. The depth is compared, not counted: nothing is called from a leaf, so
     * counting a level at entry and giving it back at return would change no other function's check. A leaf
     * checks no fuel: its callers' checks (at their loop headers, returns and entries) cover its charges.
     */
    public static int enterLeaf(Budget b, int cost) {
        if (b.depth >= b.maxDepth) {
            b.depth++;
            b.tooDeep();
        }
        return b.leafFuel - cost;
    }

    /** A compiled function's return, after its return check: the fuel stored to the budget, one call level less. */
    public static void leave(Budget b, int fuel) {
        b.fuel = fuel;
        b.depth--;
    }

    /**
     * A compiled function's check found its fuel negative and could not go on by itself: the stop flag is up, no
     * slice is left (it may have taken the slice count to -1), or the fuel is still negative after taking a slice
     * (more than a slice was charged between two checks). Stores the fuel, settles it against the slices left,
     * and returns the new fuel, or throws the reason (stop requested first, then fuel exhausted).
     */
    public static int refill(Budget b, int fuel) {
        settle(b, fuel);
        return b.fuel;
    }

    private static void settle(Budget b, int fuel) {
        if (b.slices < 0) {
            b.slices = 0;
        }
        b.fuel = fuel;
        b.refill();
    }
}
