package io.llmtestbench.compiler.internal.gen;

import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the wasm loops the generator runs in chunks: innermost loops that step an {@code i32} local by a constant
 * and branch back on comparing it with a bound that does not change in the loop (clang's {@code for} loops:
 * {@code i += s; br_if 0 (i != n)}, {@code (i < n)}, {@code (i >u n)}, a count down to zero...).
 *
 * <p>Why (RATIONALE.md, "Why are counted loops run in chunks?"): a test of the fuel or of the deadline flag on every
 * trip keeps C2 from unrolling a loop and from removing its range checks. A chunked loop checks once, at its header,
 * then computes how many trips it may run before the next check ({@code limit}) and runs them as an inner loop whose
 * only back-edge is {@code i < limit} (or {@code i > limit} counting down): a counted loop for C2, whatever the
 * wasm's own latch was. When the inner test fails, the wasm's own condition decides between the header (check
 * again, new limit) and leaving the loop. The inner test implies the wasm's condition, so it never continues a loop
 * the wasm would leave; and it allows at most {@code fuel / maxTripCost} trips, so every check it skips would have
 * found the fuel at or above zero: fuel, its checks and where it runs out are exactly as before.
 *
 * <p>A loop qualifies when, in its body (the instructions between its {@code loop} and {@code end}):
 * <ul>
 *   <li>there is no other loop, no call, and nothing that charges the budget itself or stores the fuel (bulk
 *       memory and table instructions, {@code memory.grow}, exceptions, GC, SIMD): only integer and float
 *       arithmetic, loads and stores, locals, globals, {@code select}, blocks, {@code if}s and branches;</li>
 *   <li>the only branch back to it is one {@code br_if 0} at the body's top level (the latch);</li>
 *   <li>the latch's condition is {@code local.get i; (local.get n | i32.const c); <compare>} (either order), or the
 *       same after {@code local.tee i} of the step, or {@code i} itself (non-zero), where {@code i} is written once
 *       in the body, at its top level before the latch, as {@code i = i + s} (or {@code i - c}), and {@code n} not
 *       at all;</li>
 *   <li>the compare goes the loop's way: {@code !=}, {@code <}, {@code <=} (signed or unsigned) counting up,
 *       {@code !=}, {@code >}, {@code >=} counting down.</li>
 * </ul>
 * Or, instead of the last three: the only branch back is an unconditional {@code br 0}, the body's last
 * instruction (clang's rotated loop whose exit test sits in its middle, {@code br_if} out of the loop: sha256's
 * rounds, a search until a sentinel), and some local is written once in the body, at its top level, as
 * {@code i = i + s}. The inner test {@code i < limit} then only counts trips (at most {@code fuel / maxTripCost}
 * from the header, never past the int range's end); when it fails the loop goes back to its header, as the wasm's
 * {@code br} does, and it is left only the way the wasm leaves it. Without the chunks such a loop checks the fuel on
 * every trip, which was most of what metering cost sha256 (benchmarks/RESULTS.md, "Loops with an unconditional latch
 * run in chunks").
 */
final class CountedLoops {
    private CountedLoops() {}

    /**
     * One chunked loop.
     *
     * @param start index of its {@code loop}
     * @param end index of its {@code end}
     * @param latch index of its {@code br_if 0}
     * @param iv the stepped local
     * @param step its constant step (not 0)
     * @param compare the latch's comparison as {@code iv OP bound} after the step: {@code I32_NE}, {@code I32_LT_S},
     *     {@code I32_LE_U}... (operands swapped in the wasm are mirrored here)
     * @param boundLocal the bound's local, or -1 for the constant {@code boundConst}
     * @param boundConst the bound when constant
     * @param maxTripCost the most fuel one trip can charge: every charge inside the body, once
     * @param always the latch is an unconditional {@code br 0} (the loop leaves only by a branch out of its body):
     *     no compare, no bound; {@code compare} is then {@code I32_NE} and the bound zero, never read
     */
    record Loop(int start, int end, int latch, int iv, int step, OpCode compare, int boundLocal, int boundConst,
            int maxTripCost, boolean always) {
        boolean up() {
            return step > 0;
        }

        boolean unsigned() {
            switch (compare) {
                case I32_LT_U:
                case I32_LE_U:
                case I32_GT_U:
                case I32_GE_U:
                    return true;
                default:
                    return false;
            }
        }

        /**
         * What the bound is moved by so that the inner test can be strict: {@code <=} allows one more, {@code >=}
         * one less.
         */
        int boundAdjust() {
            switch (compare) {
                case I32_LE_S:
                case I32_LE_U:
                    return 1;
                case I32_GE_S:
                case I32_GE_U:
                    return -1;
                default:
                    return 0;
            }
        }
    }

    /** A trip of a chunked loop costs at most this much fuel; a costlier body gains nothing from chunks. */
    static final int MAX_TRIP_COST = 4096;

    /**
     * The loops of one function body that qualify, by the index of their {@code loop}.
     *
     * @param charge the metering plan's charge before each instruction, or null when the code is not metered
     */
    static Map<Integer, Loop> find(List<AnnotatedInstruction> code, ValType[] localTypes, int[] charge) {
        Map<Integer, Loop> loops = new HashMap<>();
        int[] endOf = matchEnds(code);
        for (int i = 0; i < code.size(); i++) {
            if (code.get(i).opcode() == OpCode.LOOP && endOf[i] > i) {
                Loop l = analyse(code, localTypes, charge, i, endOf[i]);
                if (l != null) {
                    loops.put(i, l);
                }
            }
        }
        return loops;
    }

    /** The index of the {@code end} of every {@code block}, {@code loop} and {@code if}; -1 elsewhere. */
    static int[] matchEnds(List<AnnotatedInstruction> code) {
        int[] end = new int[code.size()];
        java.util.Arrays.fill(end, -1);
        int[] open = new int[code.size() + 1];
        int depth = 0;
        for (int i = 0; i < code.size(); i++) {
            switch (code.get(i).opcode()) {
                case BLOCK:
                case LOOP:
                case IF:
                case TRY_TABLE:
                    open[depth++] = i;
                    break;
                case END:
                    if (depth > 0) {
                        end[open[--depth]] = i;
                    }
                    break;
                default:
                    break;
            }
        }
        return end;
    }

    private static Loop analyse(List<AnnotatedInstruction> code, ValType[] localTypes, int[] charge, int start, int end) {
        if (code.get(start).operand(0) != 0x40) {
            return null; // a loop with parameters or results: keep the general form
        }
        BitSet written = new BitSet();
        int depth = 0;
        int latch = -1;
        long cost = 0;
        for (int j = start + 1; j < end; j++) {
            AnnotatedInstruction ins = code.get(j);
            if (ins.address() < 0) {
                return null;
            }
            if (charge != null) {
                cost += charge[j];
            }
            OpCode op = ins.opcode();
            switch (op) {
                case BLOCK:
                case IF:
                    depth++;
                    break;
                case END:
                    depth--;
                    break;
                case BR:
                    if (ins.operand(0) == depth) {
                        // An unconditional latch: the body's last instruction, at its top level (a rotated loop
                        // that leaves by a br_if from its middle, as clang writes a loop whose exit test is not
                        // at its end).
                        if (depth != 0 || latch >= 0 || j + 1 != end) {
                            return null;
                        }
                        latch = j;
                    }
                    break;
                case BR_IF:
                    if (ins.operand(0) == depth) {
                        if (depth != 0 || latch >= 0) {
                            return null;
                        }
                        latch = j;
                    }
                    break;
                case BR_TABLE:
                    for (long target : ins.operands()) {
                        if (target == depth) {
                            return null;
                        }
                    }
                    break;
                case LOCAL_SET:
                case LOCAL_TEE:
                    written.set((int) ins.operand(0));
                    break;
                default:
                    if (!pure(op)) {
                        return null;
                    }
            }
        }
        if (charge != null) {
            cost += charge[end];
        }
        if (latch < 0 || cost > MAX_TRIP_COST || (charge != null && cost < 1)) {
            return null;
        }
        if (code.get(latch).opcode() == OpCode.BR) {
            return unconditional(code, localTypes, start, end, latch, (int) cost, written);
        }
        return latchOf(code, localTypes, start, end, latch, (int) cost, written);
    }

    /**
     * A loop whose latch is an unconditional {@code br 0}: its variable is the first local written once in the body,
     * at its top level, as {@code i = i + s}. The inner loop's test then only counts trips; the loop is left as the
     * wasm leaves it, by a branch out of its body.
     */
    private static Loop unconditional(List<AnnotatedInstruction> code, ValType[] localTypes, int start, int end,
            int latch, int cost, BitSet written) {
        for (int iv = written.nextSetBit(0); iv >= 0; iv = written.nextSetBit(iv + 1)) {
            Loop l = loop(code, localTypes, start, end, latch, cost, written, iv, null, null, -1);
            if (l != null) {
                return l;
            }
        }
        return null;
    }

    /** Instructions that neither leave the loop's straight-line world nor touch the budget. */
    private static boolean pure(OpCode op) {
        switch (op) {
            case NOP:
            case LOCAL_GET:
            case ELSE:
            case RETURN:
            case UNREACHABLE:
            case DROP:
            case SELECT:
            case SELECT_T:
            case GLOBAL_GET:
            case GLOBAL_SET:
            case MEMORY_SIZE:
            case REF_NULL:
            case REF_IS_NULL:
            case REF_FUNC:
                return true;
            default:
                String name = op.name();
                return name.startsWith("I32_") || name.startsWith("I64_") || name.startsWith("F32_")
                        || name.startsWith("F64_");
        }
    }

    private static Loop latchOf(List<AnnotatedInstruction> code, ValType[] localTypes, int start, int end, int latch,
            int cost, BitSet written) {
        // The condition: [a, b, compare] (with or without the step's tee in it) or [tee i] / [get i] (non-zero).
        AnnotatedInstruction c = code.get(latch - 1);
        if (c.opcode() == OpCode.LOCAL_TEE || c.opcode() == OpCode.LOCAL_GET) {
            int stepAt = c.opcode() == OpCode.LOCAL_TEE ? latch - 1 : -1;
            return loop(code, localTypes, start, end, latch, cost, written, (int) c.operand(0), OpCode.I32_NE, null,
                    stepAt);
        }
        if (!comparison(c.opcode()) || latch - 3 <= start) {
            return null;
        }
        AnnotatedInstruction a = code.get(latch - 3);
        AnnotatedInstruction b = code.get(latch - 2);
        if (b.opcode() == OpCode.LOCAL_TEE && (a.opcode() == OpCode.I32_ADD || a.opcode() == OpCode.I32_SUB)) {
            // [X, get i, const s, add, tee i, cmp]: X OP i'
            if (latch - 6 <= start) {
                return null;
            }
            return loop(code, localTypes, start, end, latch, cost, written, (int) b.operand(0), mirror(c.opcode()),
                    code.get(latch - 6), latch - 2);
        }
        if (a.opcode() == OpCode.LOCAL_TEE) {
            // [get i, const s, add, tee i, X, cmp]: i' OP X
            return loop(code, localTypes, start, end, latch, cost, written, (int) a.operand(0), c.opcode(), b,
                    latch - 3);
        }
        // [get i, X, cmp] or [X, get i, cmp]: the stepped one of the two is the loop's variable.
        Loop l = null;
        if (a.opcode() == OpCode.LOCAL_GET) {
            l = loop(code, localTypes, start, end, latch, cost, written, (int) a.operand(0), c.opcode(), b, -1);
        }
        if (l == null && b.opcode() == OpCode.LOCAL_GET) {
            l = loop(code, localTypes, start, end, latch, cost, written, (int) b.operand(0), mirror(c.opcode()), a,
                    -1);
        }
        return l;
    }

    /**
     * The loop when {@code iv OP bound} is its latch's condition after the step: {@code bound} an operand
     * instruction (null for zero), {@code stepAt} the write the condition reads (-1: any single write); {@code compare}
     * null for an unconditional latch.
     */
    private static Loop loop(List<AnnotatedInstruction> code, ValType[] localTypes, int start, int end, int latch,
            int cost, BitSet written, int iv, OpCode compare, AnnotatedInstruction bound, int stepAt) {
        boolean always = compare == null;
        if (always) {
            compare = OpCode.I32_NE;
        }
        int boundLocal = -1;
        int boundConst = 0;
        if (bound != null) {
            if (!operand(bound, iv)) {
                return null;
            }
            boundLocal = bound.opcode() == OpCode.LOCAL_GET ? (int) bound.operand(0) : -1;
            boundConst = bound.opcode() == OpCode.I32_CONST ? (int) bound.operand(0) : 0;
        }
        if (iv >= localTypes.length || !ValType.I32.equals(localTypes[iv])) {
            return null;
        }
        if (boundLocal >= 0 && (written.get(boundLocal) || !ValType.I32.equals(localTypes[boundLocal]))) {
            return null;
        }
        // The one write of iv: at the top level, before the latch, i = i + s.
        int write = -1;
        int depth = 0;
        for (int j = start + 1; j < end; j++) {
            OpCode op = code.get(j).opcode();
            if (op == OpCode.BLOCK || op == OpCode.IF) {
                depth++;
            } else if (op == OpCode.END) {
                depth--;
            } else if ((op == OpCode.LOCAL_SET || op == OpCode.LOCAL_TEE) && code.get(j).operand(0) == iv) {
                if (write >= 0 || depth != 0 || j > latch) {
                    return null;
                }
                write = j;
            }
        }
        if (write < 0 || (stepAt >= 0 && write != stepAt)) {
            return null;
        }
        Integer step = stepOf(code, start, write, iv);
        if (step == null || step == 0 || step == Integer.MIN_VALUE) {
            return null;
        }
        boolean up = step > 0;
        switch (compare) {
            case I32_NE:
                break;
            case I32_LT_S:
            case I32_LE_S:
            case I32_LT_U:
            case I32_LE_U:
                if (!up) {
                    return null;
                }
                break;
            case I32_GT_S:
            case I32_GE_S:
            case I32_GT_U:
            case I32_GE_U:
                if (up) {
                    return null;
                }
                break;
            default:
                return null;
        }
        return new Loop(start, end, latch, iv, step, compare, boundLocal, boundConst, cost, always);
    }

    /** {@code x} is a bound operand: a constant, or a local other than {@code iv}. */
    private static boolean operand(AnnotatedInstruction x, int iv) {
        return x.opcode() == OpCode.I32_CONST || x.opcode() == OpCode.LOCAL_GET && x.operand(0) != iv;
    }

    /** The step of {@code iv = iv + s} written at {@code write}, or null when the write is not of that form. */
    private static Integer stepOf(List<AnnotatedInstruction> code, int start, int write, int iv) {
        if (write - 3 <= start) {
            return null;
        }
        AnnotatedInstruction a = code.get(write - 3);
        AnnotatedInstruction b = code.get(write - 2);
        OpCode op = code.get(write - 1).opcode();
        AnnotatedInstruction k;
        if (a.opcode() == OpCode.LOCAL_GET && a.operand(0) == iv && b.opcode() == OpCode.I32_CONST) {
            k = b;
        } else if (op == OpCode.I32_ADD && b.opcode() == OpCode.LOCAL_GET && b.operand(0) == iv
                && a.opcode() == OpCode.I32_CONST) {
            k = a;
        } else {
            return null;
        }
        int s = (int) k.operand(0);
        if (op == OpCode.I32_ADD) {
            return s;
        }
        if (op == OpCode.I32_SUB && k == b && s != Integer.MIN_VALUE) {
            return -s;
        }
        return null;
    }

    private static boolean comparison(OpCode op) {
        switch (op) {
            case I32_NE:
            case I32_LT_S:
            case I32_LT_U:
            case I32_LE_S:
            case I32_LE_U:
            case I32_GT_S:
            case I32_GT_U:
            case I32_GE_S:
            case I32_GE_U:
                return true;
            default:
                return false;
        }
    }

    /** {@code a OP b} as {@code b OP' a}. */
    private static OpCode mirror(OpCode op) {
        switch (op) {
            case I32_LT_S: return OpCode.I32_GT_S;
            case I32_LT_U: return OpCode.I32_GT_U;
            case I32_LE_S: return OpCode.I32_GE_S;
            case I32_LE_U: return OpCode.I32_GE_U;
            case I32_GT_S: return OpCode.I32_LT_S;
            case I32_GT_U: return OpCode.I32_LT_U;
            case I32_GE_S: return OpCode.I32_LE_S;
            case I32_GE_U: return OpCode.I32_LE_U;
            default: return op;
        }
    }
}
