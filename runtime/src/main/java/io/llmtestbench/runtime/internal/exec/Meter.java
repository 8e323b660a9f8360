package io.llmtestbench.runtime.internal.exec;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import io.llmtestbench.compiler.internal.CostModel;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The entry points generated code calls (see the compiler's {@code RuntimeContract}). Each finds the
 * instance's {@link Budget} through its {@link PluginMemory} (one type check and a field load), or, for a
 * module whose memory is not its own, through a side table.
 */
public final class Meter {
    private static final Map<Instance, Budget> OTHER = Collections.synchronizedMap(new WeakHashMap<>());

    private Meter() {}

    /** Registers the budget of an instance whose memory is not a {@link PluginMemory} of its own. */
    public static void register(Instance instance, Budget budget) {
        OTHER.put(instance, budget);
    }

    static Budget budget(Memory memory, Instance instance) {
        if (memory instanceof PluginMemory) {
            return ((PluginMemory) memory).budget();
        }
        Budget b = OTHER.get(instance);
        if (b == null) {
            throw new IllegalStateException("no budget registered for this instance");
        }
        return b;
    }

    public static void charge(int fuel, Memory memory, Instance instance) {
        Budget b = budget(memory, instance);
        long f = b.fuel - fuel;
        b.fuel = f;
        if (f < 0 || b.stop) {
            b.onLimit();
        }
    }

    public static void chargeBulk(int count, int kind, Memory memory, Instance instance) {
        Budget b = budget(memory, instance);
        long f = b.fuel - CostModel.bulkCost(count, kind);
        b.fuel = f;
        if (f < 0 || b.stop) {
            b.onLimit();
        }
    }

    public static int enter(Memory memory, Instance instance) {
        Budget b = budget(memory, instance);
        int d = b.depth + 1;
        if (d > b.maxDepth) {
            throw new Interrupted(Interrupted.Reason.CALL_DEPTH, b);
        }
        b.depth = d;
        return d;
    }

    public static void exit(Memory memory, Instance instance) {
        budget(memory, instance).depth--;
    }

    public static void restoreDepth(int depth, Memory memory, Instance instance) {
        budget(memory, instance).depth = depth;
    }
}
