package io.llmtestbench.runtime.internal.exec;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import io.llmtestbench.compiler.internal.CostModel;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The entry points generated code calls (see the compiler's {@code RuntimeContract}). A compiled wasm
 * function calls {@link #budget} once at entry and {@link #refill} when its fuel runs out; everything else it
 * does on the {@link Budget}'s fields. {@link #charge} and {@link #chargeBulk} serve the interpreter fallback
 * and bulk operations.
 *
 * <p>The budget is found through the instance's {@link PluginMemory} (one type check and a field load), or,
 * for a module whose memory is not its own, through a side table.
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
        return memory instanceof PluginMemory ? ((PluginMemory) memory).budget() : other(instance);
    }

    private static Budget other(Instance instance) {
        Budget b = OTHER.get(instance);
        if (b == null) {
            throw new IllegalStateException("no budget registered for this instance");
        }
        return b;
    }

    /**
     * A compiled function found the stop flag up, or no slice left for its overdrawn fuel (it may have taken
     * the slice count to -1): stores the fuel and throws the reason. Declared to return the exception so that
     * the generated code ends the path with {@code athrow} and nothing flows back into the function.
     */
    public static RuntimeException stop(Budget b, int fuel) {
        settle(b, fuel);
        return new IllegalStateException("the meter found fuel left on its stop path");
    }

    /**
     * A compiled function's fuel is still negative after taking a slice (more than a slice was charged
     * between two checks): settles it against the slices and returns the new fuel, or throws.
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

    /** Charges a straight-line segment run by the interpreter fallback. */
    public static void charge(int fuel, Memory memory, Instance instance) {
        Budget b = budget(memory, instance);
        if ((b.fuel -= fuel) < 0) {
            b.refill();
        }
    }

    /** Charges a bulk operation (memory.fill/copy/init, table operations, memory.grow). */
    public static void chargeBulk(int count, int kind, Memory memory, Instance instance) {
        budget(memory, instance).charge(CostModel.bulkCost(count, kind));
    }
}
