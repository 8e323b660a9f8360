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
        return memory instanceof PluginMemory ? ((PluginMemory) memory).budget() : other(instance);
    }

    private static Budget other(Instance instance) {
        Budget b = OTHER.get(instance);
        if (b == null) {
            throw new IllegalStateException("no budget registered for this instance");
        }
        return b;
    }

    // Kept under C2's MaxInlineSize (35 bytes of bytecode) so that it is inlined at every call site, hot or
    // not; benchmarks/RESULTS.md shows what a 40-byte version cost.
    public static void charge(int fuel, Memory memory, Instance instance) {
        Budget b = budget(memory, instance);
        if ((b.fuel -= fuel) < 0) {
            b.refill();
        }
    }

    public static void chargeBulk(int count, int kind, Memory memory, Instance instance) {
        Budget b = budget(memory, instance);
        if ((b.fuel -= CostModel.bulkCost(count, kind)) < 0) {
            b.refill();
        }
    }

    public static int enter(Memory memory, Instance instance) {
        Budget b = budget(memory, instance);
        int d = ++b.depth;
        if (d > b.maxDepth) {
            b.tooDeep();
        }
        return d;
    }

    public static void exit(Memory memory, Instance instance) {
        budget(memory, instance).depth--;
    }

    public static void restoreDepth(int depth, Memory memory, Instance instance) {
        budget(memory, instance).depth = depth;
    }
}
