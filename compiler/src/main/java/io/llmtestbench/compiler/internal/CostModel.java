package io.llmtestbench.compiler.internal;

import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.OpCode;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;

/**
 * The fuel cost model, version {@link #VERSION}: what wasm instructions cost (charged by the generated code) and what
 * host calls cost (charged by the runtime's host functions). Documented in {@code docs/metering.md}; any change to a
 * cost here must bump {@link #VERSION}, which is part of every compiled artifact's stamp.
 */
public final class CostModel {
    /** Bumped whenever a cost or a metering boundary changes. */
    public static final int VERSION = 2;

    /** Bulk operation kinds, passed to the runtime's bulk charge. */
    public static final int BULK_BYTES = 0;

    public static final int BULK_ELEMENTS = 1;
    public static final int BULK_PAGES = 2;

    /** Fuel per 8 bytes touched by {@code memory.fill/copy/init}. */
    public static final int BYTES_PER_UNIT = 8;

    /** Fuel per table element touched by {@code table.fill/copy/init/grow}. */
    public static final int FUEL_PER_ELEMENT = 1;

    /** Fuel per 64 KiB page added by {@code memory.grow} (the page is zeroed: 65536 / 8). */
    public static final int FUEL_PER_PAGE = 65536 / BYTES_PER_UNIT;

    /** Fuel of every host call (an {@code env} host function or a WASI function), before the bytes it copies. */
    public static final int HOST_CALL = 50;

    /** Bytes a host call copies (between guest memory and the host, either way) per unit of fuel. */
    public static final int HOST_BYTES_PER_FUEL = 16;

    /** After these a new metered segment starts: they are (or end at) a branch target or a branch. */
    private static final Set<String> SEGMENT_ENDERS =
            Set.of(
                    "LOOP", "IF", "ELSE", "END", "CATCH", "CATCH_ALL", "BR", "BR_IF", "BR_TABLE", "RETURN",
                    "UNREACHABLE", "THROW", "THROW_REF", "RETHROW", "DELEGATE", "RETURN_CALL",
                    "RETURN_CALL_INDIRECT", "RETURN_CALL_REF", "BR_ON_NULL", "BR_ON_NON_NULL", "BR_ON_CAST",
                    "BR_ON_CAST_FAIL");

    private CostModel() {}

    /**
     * Static fuel of one executed instruction: 1 for every instruction, structural ones ({@code block},
     * {@code loop}, {@code end}, {@code else}, {@code nop}) included, so that fuel tracks the count of
     * executed instructions closely (docs/metering.md has the accuracy table). Version 1 made the structural
     * ones free, as wasmtime does; that left some plugins 20% under the executed count.
     */
    public static int cost(OpCode op) {
        return 1;
    }

    /** After these, code is unreachable until the next {@code end}, {@code else} or handler. */
    private static final Set<String> UNCONDITIONAL =
            Set.of("BR", "BR_TABLE", "RETURN", "UNREACHABLE", "THROW", "THROW_REF", "RETHROW", "RETURN_CALL",
                    "RETURN_CALL_INDIRECT", "RETURN_CALL_REF");

    /** Whether the code right after this instruction can only be reached by falling through it, never. */
    static boolean endsReachability(OpCode op) {
        return UNCONDITIONAL.contains(op.name());
    }

    /** Whether a new metered segment starts right after this instruction. */
    static boolean endsSegment(OpCode op) {
        return SEGMENT_ENDERS.contains(op.name());
    }

    /**
     * The bulk kind of an instruction whose cost depends on an operand (the count on top of the stack),
     * or -1.
     */
    static int bulkKind(OpCode op) {
        switch (op.name()) {
            case "MEMORY_FILL":
            case "MEMORY_COPY":
            case "MEMORY_INIT":
                return BULK_BYTES;
            case "TABLE_FILL":
            case "TABLE_COPY":
            case "TABLE_INIT":
            case "TABLE_GROW":
                return BULK_ELEMENTS;
            case "MEMORY_GROW":
                return BULK_PAGES;
            default:
                return -1;
        }
    }

    /** Fuel of one host call that copies {@code bytes} bytes: {@link #HOST_CALL} plus one per {@link #HOST_BYTES_PER_FUEL}. */
    public static long hostCallCost(long bytes) {
        return HOST_CALL + hostCopyCost(bytes);
    }

    /** Fuel of {@code bytes} more bytes copied within a host call already charged. */
    public static long hostCopyCost(long bytes) {
        return bytes / HOST_BYTES_PER_FUEL;
    }

    /**
     * Where one function body is charged. {@code charge[i]} is the fuel of the straight-line segment that
     * starts at instruction {@code i} (charged in full when control enters it, before the instruction runs), 0
     * where no segment starts or the segment is dead code; {@code bulk[i]} is the bulk kind of instruction
     * {@code i} when its operand-dependent cost is charged right before it runs, else -1.
     *
     * <p>A new segment starts right after every instruction that {@linkplain #endsSegment ends one}: after
     * every branch and at every branch target. Code after an unconditional branch is dead until control can
     * arrive again (the end of a block or {@code if}, an {@code else}, a handler) and is not charged.
     * Instructions the parser added (negative address) are not in the binary and cost nothing.
     */
    public record Plan(int[] charge, int[] bulk, int segments) {}

    /** The metering plan of one function body (its instructions as the parser gives them). */
    public static Plan plan(List<? extends Instruction> ins) {
        int n = ins.size();
        int[] charge = new int[n];
        int[] bulk = new int[n];
        java.util.Arrays.fill(bulk, -1);
        int segments = 0;
        int segmentStart = next(ins, -1);
        int cost = 0;
        // The stack of open constructs tells loops (whose end is reached only by falling through) from
        // blocks and ifs (whose end is a branch target).
        boolean reachable = true;
        ArrayDeque<OpCode> open = new ArrayDeque<>();
        for (int k = 0; k < n; k++) {
            Instruction instruction = ins.get(k);
            if (instruction.address() < 0) {
                continue;
            }
            OpCode op = instruction.opcode();
            if (opensConstruct(op)) {
                open.push(op);
            }
            int kind = bulkKind(op);
            if (kind >= 0 && reachable) {
                bulk[k] = kind;
            }
            cost += cost(op);
            if (endsSegment(op)) {
                if (cost > 0 && reachable && segmentStart < n) {
                    charge[segmentStart] += cost;
                    segments++;
                }
                if (endsReachability(op)) {
                    reachable = false;
                } else if (op == OpCode.END) {
                    OpCode opener = open.isEmpty() ? null : open.pop();
                    reachable = opener != OpCode.LOOP || reachable;
                } else if (isMerge(op)) {
                    reachable = true;
                }
                segmentStart = next(ins, k);
                cost = 0;
            }
        }
        if (cost > 0 && reachable && segmentStart < n) {
            charge[segmentStart] += cost;
            segments++;
        }
        return new Plan(charge, bulk, segments);
    }

    /** The index of the first instruction after {@code k} that is in the binary, or the size of the list. */
    private static int next(List<? extends Instruction> ins, int k) {
        for (int j = k + 1; j < ins.size(); j++) {
            if (ins.get(j).address() >= 0) {
                return j;
            }
        }
        return ins.size();
    }

    private static boolean opensConstruct(OpCode op) {
        switch (op.name()) {
            case "BLOCK":
            case "LOOP":
            case "IF":
            case "TRY":
            case "TRY_TABLE":
                return true;
            default:
                return false;
        }
    }

    /** Where control from elsewhere can arrive (besides the end of a block): dead code becomes reachable again. */
    private static boolean isMerge(OpCode op) {
        switch (op.name()) {
            case "ELSE":
            case "CATCH":
            case "CATCH_ALL":
            case "DELEGATE":
                return true;
            default:
                return false;
        }
    }

    /** Fuel for a bulk operation of {@code count} units (count is an unsigned 32-bit value). */
    public static long bulkCost(int count, int kind) {
        long n = Integer.toUnsignedLong(count);
        switch (kind) {
            case BULK_BYTES:
                return (n + BYTES_PER_UNIT - 1) / BYTES_PER_UNIT;
            case BULK_ELEMENTS:
                return n * FUEL_PER_ELEMENT;
            case BULK_PAGES:
                return n * FUEL_PER_PAGE;
            default:
                throw new IllegalArgumentException("unknown bulk kind " + kind);
        }
    }
}
