package io.llmtestbench.compiler.internal.gen;

import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;

/**
 * Plans how a wasm function too large for one JIT-compilable JVM method is cut into parts.
 *
 * <p>HotSpot never compiles a method of more than 8,000 bytes of bytecode ({@code HugeMethodLimit}), and a
 * method near that size leaves C2 no inlining budget. So a function whose method would exceed the target is
 * split at structured regions, top down: first whole constructs (a {@code block}, {@code loop} or {@code if}
 * with everything in it), chosen so that the hot path crosses few methods: one enclosed by no loop of the
 * method before one that is (a loop that fits moves whole, with its induction variable and its memory
 * accesses), the smallest that makes the method fit (the method keeps all it can, each part is as large as it
 * can be, and so there are few levels of parts), and a part's cost to its caller counted with its exit switch
 * and the locals it moves through the frame; then, where straight-line code alone is too large, runs of
 * consecutive instructions cut where the operand stack is lowest. Parts nest: a part may call parts of its
 * own. A dispatch nest (a {@code switch} in a loop, as C compilers write it) is cut differently, into slices of
 * consecutive cases that are parts with several entries, all called from the method that keeps the dispatch
 * ({@link Planner#slices}).
 *
 * <p>A part is a static method {@code int func_N$k(params..., long[] frame, Machine m)}: its parameters are
 * the operand-stack values it consumes; it returns 0 when control falls out of its end (its results are then
 * in the frame) or {@code d + 1} for a branch to the construct {@code d} levels outside it (the branch's
 * values in the frame), a {@code return} being a branch to the function. The caller re-issues that branch.
 * Wasm locals used by any part live in the frame between calls; each method works on copies in JVM locals,
 * written back before it calls a part that reads them and at its exit, and reloaded after a part that writes
 * them. A slice takes one more parameter before the frame, its entry: the block whose end the dispatch (or a
 * case falling through) arrived at.
 */
final class Splitter {
    /** A JVM method must stay at or below this many bytes of bytecode to be JIT-compiled (HotSpot's default). */
    static final int HUGE_METHOD_LIMIT = 8000;
    /** Constructs smaller than this are not worth a call. */
    private static final int MIN_PART = 160;
    /** Estimated bytes a part call adds to its caller, besides moving locals and results. */
    private static final int CALL_COST = 24;
    private static final int PER_LOCAL = 8;
    /** A chain of fewer blocks than this is not treated as a dispatch nest ({@link Planner#slices}). */
    private static final int MIN_CHAIN = 8;

    private Splitter() {}

    /** What the emitter saw in one pass over the function as one method. */
    static final class Measure {
        /** Bytecode offset where instruction i starts (the end offset at index n). */
        final int[] offset;
        /** Operand stack types before instruction i; null where i is unreachable. */
        final List<List<ValType>> stackAt;
        /** The lowest stack height while instruction i ran (its operands popped). */
        final int[] lowWater;
        /** Branch types of the constructs enclosing instruction i, innermost first. */
        final List<List<List<ValType>>> exitsAt;

        Measure(int n) {
            offset = new int[n + 1];
            lowWater = new int[n];
            stackAt = new ArrayList<>(n);
            exitsAt = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                stackAt.add(null);
                exitsAt.add(null);
            }
        }
    }

    /** A part: instructions {@code [start, end)} in a method of their own. */
    static final class Region {
        final int id;
        final int start;
        final int end;
        final List<ValType> params;
        final List<ValType> results;
        final boolean fallsThrough;
        /** Branch types of the constructs enclosing the part, innermost first (the function's last). */
        final List<List<ValType>> exits;
        /** Exit depths some branch in the part takes. */
        final BitSet exitsUsed = new BitSet();
        Region parent;
        final List<Region> children = new ArrayList<>();
        /** Locals the part's own code (not its sub-parts) reads or writes; and writes. */
        final BitSet used = new BitSet();
        final BitSet written = new BitSet();
        /** With its sub-parts. */
        final BitSet usedAll = new BitSet();
        final BitSet writtenAll = new BitSet();
        /** Whether it can grow memory (its callers reload their view of memory after it). */
        boolean mayGrow;
        /**
         * 0, or for a slice of a dispatch nest ({@link Planner#slices}): the number of blocks that end inside it,
         * which are its entries. It starts at the end of the first; entry j is the end of the j-th, innermost
         * first, and {@code exits.get(j)} is that block.
         */
        int entries;

        Region(int id, int start, int end, List<ValType> params, List<ValType> results, boolean fallsThrough,
                List<List<ValType>> exits) {
            this.id = id;
            this.start = start;
            this.end = end;
            this.params = params;
            this.results = results;
            this.fallsThrough = fallsThrough;
            this.exits = exits;
        }
    }

    /** The parts of one function. */
    static final class Plan {
        final List<Region> regions = new ArrayList<>();
        /** Parts called from the function's own method. */
        final List<Region> top = new ArrayList<>();
        /** Locals kept in the frame (used by some part), and each one's frame index. */
        final BitSet shared = new BitSet();
        final int[] frameIndex;
        /** Where results and branch values are passed, and the frame's length. */
        int resultBase;
        int frameSize;

        Plan(int locals) {
            frameIndex = new int[locals];
        }

        /** The part that {@code caller} (null: the function's own method) calls at instruction i, or null. */
        Region childAt(Region caller, int i) {
            for (Region r : caller == null ? top : caller.children) {
                if (r.start == i) {
                    return r;
                }
            }
            return null;
        }
    }

    /** A construct of the body, or the body itself (open = -1). */
    private static final class Node {
        final int open;
        int elseAt = -1;
        int end;
        final List<Node> children = new ArrayList<>();
        int fitted;
        /** Its inline size when last measured ({@link Planner#inline}). */
        int size;
        /** What a call to it as a part costs its caller ({@link Planner#callCost(Node)}); -1: not known yet. */
        int callCost = -1;
        /** The construct around it (null: the body). */
        Node parent;
        /** Whether a construct inside it is outlined. */
        boolean holdsPart;
        /** The size it must fit in when made to fit in place, inside its method (0: the target). */
        int limit;
        Region outlined;
        /** Bytes of its body that slices of a dispatch nest take off it, less their calls ({@link Planner#slices}). */
        int tailSaved;

        Node(int open) {
            this.open = open;
        }
    }

    /** One thing in a body: an instruction, a construct, or a run already outlined. */
    private static final class Item {
        final int start;
        final int end;
        int size;
        final Node node;
        Region region;

        Item(int start, int end, int size, Node node) {
            this.start = start;
            this.end = end;
            this.size = size;
            this.node = node;
        }
    }

    private static final class Planner {
        final List<AnnotatedInstruction> code;
        final Measure m;
        final int target;
        final ModuleInfo mod;
        final Plan plan;
        final int n;

        final boolean topDown;
        /** Whether dispatch nests are cut into slices, sibling parts ({@link #slices}). */
        final boolean siblings;

        Planner(List<AnnotatedInstruction> code, Measure m, int target, ModuleInfo mod, int locals, boolean topDown,
                boolean siblings) {
            this.topDown = topDown;
            this.siblings = siblings;
            this.code = code;
            this.m = m;
            this.target = target;
            this.mod = mod;
            this.plan = new Plan(locals);
            this.n = code.size();
        }

        int raw(int a, int b) {
            return m.offset[b] - m.offset[a];
        }

        int height(int i) {
            return m.stackAt.get(i).size();
        }

        /** The lowest the stack goes below instruction {@code start}'s height while the items run. */
        int low(List<Item> items) {
            int low = Integer.MAX_VALUE;
            for (Item it : items) {
                if (m.stackAt.get(it.start) == null) {
                    continue;
                }
                if (it.region != null && it.node == null) {
                    low = Math.min(low, height(it.start) - it.region.params.size());
                } else if (it.node != null) {
                    low = Math.min(low, height(it.start) - consumed(it.node.open));
                } else {
                    low = Math.min(low, m.lowWater[it.start]);
                }
            }
            return low;
        }

        /** Operand values a construct takes from the stack: its parameters, and an if's condition. */
        int consumed(int open) {
            AnnotatedInstruction ins = code.get(open);
            long t = ins.operand(0);
            int params = t == 0x40 || ValType.isValid(t) ? 0 : mod.type((int) t).params().size();
            return params + (ins.opcode() == OpCode.IF ? 1 : 0);
        }

        Region region(int start, int end, int low) {
            List<ValType> atStart = m.stackAt.get(start);
            List<ValType> params = List.copyOf(atStart.subList(low, atStart.size()));
            List<ValType> atEnd = end < n ? m.stackAt.get(end) : null;
            boolean falls = atEnd != null;
            List<ValType> results = falls ? List.copyOf(atEnd.subList(low, atEnd.size())) : List.of();
            var r = new Region(plan.regions.size() + 1, start, end, params, results, falls, m.exitsAt.get(start));
            plan.regions.add(r);
            return r;
        }

        Node tree() {
            Node root = new Node(-1);
            root.end = n - 1;
            List<Node> open = new ArrayList<>();
            open.add(root);
            for (int i = 0; i < n - 1; i++) {
                switch (code.get(i).opcode()) {
                    case BLOCK:
                    case LOOP:
                    case IF: {
                        Node c = new Node(i);
                        c.parent = open.get(open.size() - 1);
                        c.parent.children.add(c);
                        open.add(c);
                        break;
                    }
                    case ELSE:
                        open.get(open.size() - 1).elseAt = i;
                        break;
                    case END:
                        open.remove(open.size() - 1).end = i;
                        break;
                    default:
                        break;
                }
            }
            return root;
        }

        /**
         * The second way to fit a node, top down; returns its inline size.
         * Each step outlines the construct that costs the hot path least: one enclosed by the fewest loops of
         * this method (a part called from inside a loop is a call, frame traffic and an exit switch on every
         * iteration; a whole loop outlined crosses once per entry), and among those the smallest that brings
         * the node within the target, so that this method keeps as much as it can. In an interpreter's
         * dispatch (a loop around a nest of a hundred blocks, the {@code br_table} innermost), that keeps the
         * outer cases here and gives the inner ones to parts of the largest size, the fewest levels deep;
         * filling parts from the inside out instead leaves this method nearly empty and every case a level
         * deeper. Only when no construct will do is straight-line code cut into runs.
         */
        int fit(Node node) {
            int limit = node.limit > 0 ? node.limit : target;
            int size = inline(node);
            boolean inPlace = false;
            while (size > limit) {
                Node pick = choose(node, size - limit, fittingGain(node) >= size - limit);
                if (pick == null && !inPlace) {
                    // No construct is worth a part of its own as it is: make each construct too large fit in place
                    // (its parts a level down), then choose again among what is left.
                    inPlace = true;
                    for (Node c : node.children) {
                        if (c.outlined == null && c.size > target) {
                            // Room for it in this method: what the rest of the node leaves of the limit.
                            int room = limit - (size - c.size);
                            c.limit = room >= target / 4 ? room : target;
                            fit(c);
                            size = inline(node);
                        }
                    }
                    size = inline(node);
                    continue;
                }
                if (pick == null) {
                    break;
                }
                List<Item> self = List.of(new Item(pick.open, pick.end + 1, inline(pick), pick));
                pick.outlined = region(pick.open, pick.end + 1, low(self));
                for (Node a = pick.parent; a != null; a = a.parent) {
                    a.holdsPart = true;
                }
                fit(pick);
                size = inline(node);
            }
            if (size > limit) {
                for (Node c : node.children) {
                    if (c.outlined == null) {
                        c.fitted = inline(c);
                    }
                }
                size = runsOfBodies(node, size, limit);
            }
            node.fitted = size;
            return size;
        }

        /**
         * The node's bytes in its method: its own code, its constructs inline unless outlined (then a call).
         * Records each measured node's size in {@link Node#size} for {@link #choose}.
         */
        int inline(Node node) {
            int start = node.open < 0 ? 0 : node.open;
            int size = raw(start, node.end + 1);
            for (Node c : node.children) {
                int inner = c.outlined != null ? callCost(c.outlined) : inline(c);
                size -= raw(c.open, c.end + 1) - inner;
            }
            size -= node.tailSaved;
            node.size = size;
            return size;
        }

        /**
         * The construct inside {@code node} (not inside a part already) to outline next so that the node shrinks
         * by {@code excess}, among those that fit the target and hold no part when {@code fittingOnly} (see
         * {@link #fittingGain}), by these keys in order: one that shrinks it enough; one that holds no part yet
         * (outlining it would move those parts a level deeper); one that fits the target as one part; for those,
         * the fewest loops of this method around it (so a loop that fits moves whole); then the smallest one that
         * is enough, so this method keeps all it can (else the largest). Null if none is worth a call.
         */
        Node choose(Node node, int excess, boolean fittingOnly) {
            Node best = null;
            long bestKey = Long.MAX_VALUE;
            List<Node> stack = new ArrayList<>(node.children);
            List<Integer> depths = new ArrayList<>();
            int outer = node.open >= 0 && code.get(node.open).opcode() == OpCode.LOOP ? 1 : 0;
            for (int i = 0; i < stack.size(); i++) {
                depths.add(outer);
            }
            while (!stack.isEmpty()) {
                Node d = stack.remove(stack.size() - 1);
                int depth = depths.remove(depths.size() - 1);
                if (d.outlined != null) {
                    continue;
                }
                int gain = d.size - callCost(d);
                boolean fits = d.size <= target;
                // A construct too large for one part that leaves this method little of its own would only add a
                // level: its constructs are the candidates instead.
                if (d.size >= MIN_PART && gain > 0 && m.stackAt.get(d.open) != null
                        && (fits || node.size - d.size >= target / 4)
                        && (!fittingOnly || fits && !holdsPart(d))) {
                    boolean enough = gain >= excess;
                    long key = (enough ? 0L : 1L) << 60
                            | (holdsPart(d) ? 1L : 0L) << 59
                            | (fits ? 0L : 1L) << 58
                            | (long) (fits ? Math.min(depth, 255) : 0) << 50
                            | (enough ? d.size : (1L << 40) - d.size);
                    if (key < bestKey) {
                        best = d;
                        bestKey = key;
                    }
                }
                int inner = depth + (code.get(d.open).opcode() == OpCode.LOOP ? 1 : 0);
                for (Node c : d.children) {
                    stack.add(c);
                    depths.add(inner);
                }
            }
            return best;
        }

        /**
         * What outlining only constructs that fit the target as one part and hold no part could take off the node
         * (the outermost such constructs). When that is not enough, as in an interpreter's dispatch where one nest
         * holds nearly everything, the node gives the smallest construct that is enough to a part of its own
         * even if that part must be split again: the node keeps the outer part of the nest, the part the middle,
         * its own part the rest.
         */
        int fittingGain(Node node) {
            int gain = 0;
            List<Node> stack = new ArrayList<>(node.children);
            while (!stack.isEmpty()) {
                Node d = stack.remove(stack.size() - 1);
                if (d.outlined != null) {
                    continue;
                }
                if (d.size <= target && d.size >= MIN_PART && m.stackAt.get(d.open) != null && !holdsPart(d)) {
                    gain += Math.max(0, d.size - callCost(d));
                } else {
                    stack.addAll(d.children);
                }
            }
            return gain;
        }

        /** Whether a construct holds a part already. */
        boolean holdsPart(Node d) {
            return d.holdsPart;
        }

        /**
         * What calling a construct as a part adds to its caller: the call, the switch on its exit code (an entry
         * per construct outside it that it branches to) and the wasm locals it uses moved through the frame.
         */
        int callCost(Node d) {
            if (d.callCost < 0) {
                java.util.BitSet exits = new java.util.BitSet();
                java.util.BitSet locals = new java.util.BitSet();
                int depth = 0;
                for (int i = d.open + 1; i < d.end; i++) {
                    AnnotatedInstruction ins = code.get(i);
                    switch (ins.opcode()) {
                        case BLOCK:
                        case LOOP:
                        case IF:
                            depth++;
                            break;
                        case END:
                            depth--;
                            break;
                        case BR:
                        case BR_IF:
                            if (ins.operand(0) > depth) {
                                exits.set((int) Math.min(ins.operand(0) - depth, 1 << 20));
                            }
                            break;
                        case BR_TABLE:
                            for (long t : ins.operands()) {
                                if (t > depth) {
                                    exits.set((int) Math.min(t - depth, 1 << 20));
                                }
                            }
                            break;
                        case RETURN:
                            exits.set(0);
                            break;
                        case LOCAL_GET:
                        case LOCAL_SET:
                        case LOCAL_TEE:
                            locals.set((int) ins.operand(0));
                            break;
                        default:
                            break;
                    }
                }
                d.callCost = CALL_COST + 4 * exits.cardinality() + PER_LOCAL * locals.cardinality();
            }
            return d.callCost;
        }

        /**
         * The first way to fit a node, bottom up: its constructs are made to fit first, then whole constructs are
         * outlined largest first, then runs. Parts fill from the inside out; a nest that is one construct inside
         * another (an interpreter's dispatch) ends with this method nearly empty, every level of the nest a part
         * as full as the target allows.
         */
        int fitBottomUp(Node node) {
            int start = node.open < 0 ? 0 : node.open;
            int size = raw(start, node.end + 1);
            for (Node c : node.children) {
                size -= raw(c.open, c.end + 1) - fitBottomUp(c);
            }
            if (size > target) {
                List<Node> bySize = new ArrayList<>(node.children);
                bySize.sort(Comparator.comparingInt((Node c) -> c.fitted).reversed());
                for (Node c : bySize) {
                    if (size <= target || c.fitted < MIN_PART) {
                        break;
                    }
                    if (m.stackAt.get(c.open) == null) {
                        continue;
                    }
                    List<Item> self = List.of(new Item(c.open, c.end + 1, c.fitted, c));
                    c.outlined = region(c.open, c.end + 1, low(self));
                    size -= c.fitted - callCost(c.outlined);
                }
            }
            if (size > target) {
                size = runsOfBodies(node, size, target);
            }
            node.fitted = size;
            return size;
        }

        /**
         * Both ways' last resort, when straight-line code alone is too large: outlines runs of each body of the
         * node (both arms of an {@code if}) until it fits {@code limit}; returns its new inline size. Each
         * child's {@link Node#fitted} must be its current inline size.
         */
        int runsOfBodies(Node node, int size, int limit) {
            int bodyStart = node.open < 0 ? 0 : node.open + 1;
            if (node.elseAt >= 0) {
                size = runs(node, bodyStart, node.elseAt, size, limit);
                return runs(node, node.elseAt + 1, node.end, size, limit);
            }
            return runs(node, bodyStart, node.end, size, limit);
        }

        /**
         * The sibling way to fit the function, tried as a third plan: cuts the cases of each dispatch nest into
         * slices, each slice a part of its own called from the method that holds the nest, until that method fits.
         * A dispatch nest is what C compilers make of a {@code switch} (an interpreter's, an emulator's, a
         * parser's): a chain of blocks each the first thing in the next, the {@code br_table} innermost, each case
         * the code after the end of one block up to the end of the next. Outlining constructs can only cut such a
         * chain into levels, the dispatch innermost, so that every dispatch crosses every level; a slice instead
         * is a run of consecutive cases with the block ends between them, entered at the case the dispatch chose
         * (a part with several entries: its first parameter). The method keeps the loop, the dispatch and the
         * cases it has room for, the smallest ({@link #sliceChain}); every other case is one call away. Returns the
         * function's size in its method.
         */
        int slices(Node root) {
            int size = inline(root);
            List<Node> stack = new ArrayList<>();
            stack.add(root);
            List<List<Node>> chains = new ArrayList<>();
            while (!stack.isEmpty()) {
                Node node = stack.remove(stack.size() - 1);
                if (link(node) && (node.parent == null || !link(node.parent) || node.parent.children.get(0) != node)) {
                    // The outermost block of a chain: collect it inward.
                    List<Node> chain = new ArrayList<>();
                    for (Node x = node; link(x); x = x.children.get(0)) {
                        chain.add(0, x);
                    }
                    chain.add(0, chain.get(0).children.get(0));
                    if (chain.size() >= MIN_CHAIN) {
                        chains.add(chain);
                    }
                }
                stack.addAll(node.children);
            }
            // chain.get(0) is the innermost block; case j is the code from the end of block j to the end of block j+1.
            // The largest nest first; a nest inside a case already given to a slice stays in that slice.
            chains.sort(Comparator.comparingInt((List<Node> c) -> raw(c.get(c.size() - 1).open, c.get(c.size() - 1).end)).reversed());
            BitSet taken = new BitSet();
            for (List<Node> chain : chains) {
                if (taken.get(chain.get(chain.size() - 1).open)) {
                    continue;
                }
                size = sliceChain(root, chain, size, taken);
            }
            return inline(root);
        }

        /**
         * Cuts one dispatch nest's cases into slices until the method fits, the largest cases out first: the
         * cases of at least some size go out, in runs of consecutive ones (each run one slice, or several where it
         * is longer than a part may be), and the size is lowered until the method fits. So the method keeps the
         * most cases it has room for, the small ones, whatever their place in the nest; an interpreter's frequent
         * operations (loads, stores, moves, compares, jumps) are its small cases, its rare ones (calls, block
         * operations, multi-word arithmetic) the large ones. Cases between two runs go out with them when they
         * are smaller than a call of the second run (the method shrinks more that way). Returns the method's size.
         */
        int sliceChain(Node root, List<Node> chain, int size, BitSet taken) {
            int cases = chain.size() - 1; // case j: from the end of block j to the end of block j + 1
            int[] bytes = new int[cases];
            for (int j = 0; j < cases; j++) {
                bytes[j] = raw(chain.get(j).end, chain.get(j + 1).end);
            }
            // The cases by size, largest first (of equal ones the outermost first).
            List<Integer> order = new ArrayList<>();
            for (int j = cases - 1; j >= 0; j--) {
                order.add(j);
            }
            order.sort(Comparator.comparingInt((Integer j) -> bytes[j]).reversed());
            BitSet out = new BitSet();
            List<int[]> runs = null;
            for (int k = 0; k < cases && size > target; k++) {
                if (bytes[order.get(k)] > target * 4 / 5) {
                    continue; // a case larger than a part may be stays: a slice of it would not fit a method
                }
                out.set(order.get(k));
                runs = runsOf(chain, bytes, out);
                int after = size;
                for (int[] run : runs) {
                    after += sliceCost(chain, run[0], run[1]) - raw(chain.get(run[0]).end, chain.get(run[1] + 1).end);
                }
                if (after <= target) {
                    break;
                }
            }
            if (runs == null) {
                return size;
            }
            for (int[] run : runs) {
                int a = run[0];
                int b = run[1];
                int start = chain.get(a).end;
                int end = chain.get(b + 1).end;
                List<List<ValType>> exits = new ArrayList<>();
                exits.add(List.of());
                exits.addAll(m.exitsAt.get(start + 1));
                List<ValType> atEnd = m.stackAt.get(end);
                int height = m.stackAt.get(start + 1).size();
                boolean falls = atEnd != null;
                List<ValType> results = falls ? List.copyOf(atEnd.subList(height, atEnd.size())) : List.of();
                var r = new Region(plan.regions.size() + 1, start, end, List.of(), results, falls, exits);
                r.entries = b - a + 1;
                plan.regions.add(r);
                taken.set(start, end);
                for (int j = a; j <= b; j++) {
                    Node owner = chain.get(j + 1);
                    owner.tailSaved += raw(chain.get(j).end, owner.end);
                    for (Node x = owner; x != null; x = x.parent) {
                        x.holdsPart = true;
                    }
                }
                chain.get(b + 1).tailSaved -= sliceCost(chain, a, b);
            }
            return inline(root);
        }

        /**
         * The slices that take a nest's cases in {@code out}: runs {a, b} of consecutive ones, each starting where
         * a case is reached (so the part knows the constructs around it), none longer than a part may be, none too
         * small to be worth a call.
         */
        List<int[]> runsOf(List<Node> chain, int[] bytes, BitSet out) {
            int limit = target * 4 / 5;
            List<int[]> joined = new ArrayList<>();
            for (int j = out.nextSetBit(0); j >= 0; j = out.nextSetBit(j + 1)) {
                int b = out.nextClearBit(j) - 1;
                joined.add(new int[] {j, b});
                j = b;
            }
            List<int[]> runs = new ArrayList<>();
            for (int[] run : joined) {
                // Outermost first, each as long as a part may be.
                int b = run[1];
                while (b >= run[0]) {
                    int a = b;
                    int total = bytes[b];
                    while (a > run[0] && total + bytes[a - 1] <= limit) {
                        a--;
                        total += bytes[a];
                    }
                    int next = a - 1;
                    while (a <= b && m.stackAt.get(chain.get(a).end + 1) == null) {
                        a++;
                    }
                    if (a <= b) {
                        int length = raw(chain.get(a).end, chain.get(b + 1).end);
                        if (length >= MIN_PART && length > sliceCost(chain, a, b)) {
                            runs.add(new int[] {a, b});
                        }
                    }
                    b = next;
                }
            }
            return runs;
        }

        /** What calling the slice of cases a..b costs the method: the call, an entry per case, the exit switch, the locals. */
        int sliceCost(List<Node> chain, int a, int b) {
            return CALL_COST + 6 * (b - a + 1) + runCost(chain.get(a).end + 1, chain.get(b + 1).end);
        }

        /** Whether a node is a link of a dispatch nest: a block without parameters or results whose first instruction is a block. */
        boolean link(Node x) {
            return voidBlock(x) && !x.children.isEmpty() && x.children.get(0).open == x.open + 1
                    && voidBlock(x.children.get(0));
        }

        boolean voidBlock(Node x) {
            return x.open >= 0 && code.get(x.open).opcode() == OpCode.BLOCK && code.get(x.open).operand(0) == 0x40;
        }

        /** What calling the run {@code [from, to)} of one body as a part costs its caller, as {@link #callCost(Node)}. */
        int runCost(int from, int to) {
            BitSet exits = new BitSet();
            BitSet locals = new BitSet();
            int depth = 0;
            for (int i = from; i < to; i++) {
                AnnotatedInstruction ins = code.get(i);
                switch (ins.opcode()) {
                    case BLOCK:
                    case LOOP:
                    case IF:
                        depth++;
                        break;
                    case END:
                        depth--;
                        break;
                    case BR:
                    case BR_IF:
                        if (ins.operand(0) >= depth) {
                            exits.set((int) Math.min(ins.operand(0) - depth, 1 << 20));
                        }
                        break;
                    case BR_TABLE:
                        for (long t : ins.operands()) {
                            if (t >= depth) {
                                exits.set((int) Math.min(t - depth, 1 << 20));
                            }
                        }
                        break;
                    case RETURN:
                        exits.set(1 << 21);
                        break;
                    case LOCAL_GET:
                    case LOCAL_SET:
                    case LOCAL_TEE:
                        locals.set((int) ins.operand(0));
                        break;
                    default:
                        break;
                }
            }
            return CALL_COST + 4 * exits.cardinality() + PER_LOCAL * locals.cardinality();
        }

        int callCost(Region r) {
            return CALL_COST + PER_LOCAL * (r.results.size() + Math.min(r.exits.size(), 4) * 2);
        }

        /** Outlines runs of the items of body {@code [from, to)} of the node until the node fits. */
        int runs(Node node, int from, int to, int nodeSize, int limit) {
            List<Item> items = new ArrayList<>();
            int ci = 0;
            List<Node> kids = node.children;
            for (int i = from; i < to; ) {
                while (ci < kids.size() && kids.get(ci).open < i) {
                    ci++;
                }
                if (ci < kids.size() && kids.get(ci).open == i) {
                    Node c = kids.get(ci);
                    Item it = new Item(c.open, c.end + 1, c.outlined != null ? callCost(c.outlined) : c.fitted, c);
                    it.region = c.outlined;
                    items.add(it);
                    i = c.end + 1;
                } else {
                    items.add(new Item(i, i + 1, raw(i, i + 1), null));
                    i++;
                }
            }
            int body = 0;
            for (Item it : items) {
                body += it.size;
            }
            int rest = nodeSize - body;
            while (rest + body > limit && items.size() > 1) {
                List<Item> next = new ArrayList<>();
                int chunk = Math.max(MIN_PART, Math.min(target / 2, (limit - rest) / 2));
                int k = 0;
                boolean progress = false;
                while (k < items.size()) {
                    int j = cut(items, k, chunk);
                    if (j - k >= 2 && m.stackAt.get(items.get(k).start) != null) {
                        List<Item> run = items.subList(k, j);
                        int runSize = 0;
                        for (Item it : run) {
                            runSize += it.size;
                        }
                        Region r = region(items.get(k).start, items.get(j - 1).end, low(run));
                        Item merged = new Item(r.start, r.end, callCost(r), null);
                        merged.region = r;
                        next.add(merged);
                        progress = true;
                        body += merged.size - runSize;
                    } else {
                        next.addAll(items.subList(k, j));
                    }
                    k = j;
                }
                if (!progress) {
                    break;
                }
                items = next;
            }
            // Register what stays inline: outlined constructs and runs are parts called by this node.
            return rest + body;
        }

        /**
         * Where the run starting at item k ends: after about {@code chunk} bytes, at the reachable item
         * boundary with the lowest stack in the window, so that few values cross it.
         */
        int cut(List<Item> items, int k, int chunk) {
            int size = 0;
            int j = k;
            int best = -1;
            int bestHeight = Integer.MAX_VALUE;
            while (j < items.size()) {
                size += items.get(j).size;
                j++;
                if (size >= chunk / 2 && j < items.size()) {
                    List<ValType> at = m.stackAt.get(items.get(j).start);
                    if (at != null && at.size() <= bestHeight) {
                        best = j;
                        bestHeight = at.size();
                    }
                }
                if (size >= chunk && best > 0) {
                    return best;
                }
            }
            return items.size();
        }

        Plan run() {
            if (siblings) {
                // Only slices: a construct outlined as well could hold part of a slice and not all of it.
                if (slices(tree()) > target || plan.regions.isEmpty()) {
                    return null;
                }
            } else if (topDown) {
                fit(tree());
            } else {
                fitBottomUp(tree());
            }
            // Parts nest: each one's parent is the smallest part containing it (null: the function's method).
            List<Region> sorted = new ArrayList<>(plan.regions);
            sorted.sort(Comparator.comparingInt((Region r) -> r.start).thenComparing(Comparator.comparingInt((Region r) -> r.end).reversed()));
            List<Region> open = new ArrayList<>();
            for (Region r : sorted) {
                while (!open.isEmpty() && open.get(open.size() - 1).end <= r.start) {
                    open.remove(open.size() - 1);
                }
                r.parent = open.isEmpty() ? null : open.get(open.size() - 1);
                (r.parent == null ? plan.top : r.parent.children).add(r);
                open.add(r);
            }
            for (Region r : plan.regions) {
                scan(r);
            }
            for (Region r : plan.top) {
                close(r);
            }
            int index = 0;
            for (int l = plan.shared.nextSetBit(0); l >= 0; l = plan.shared.nextSetBit(l + 1)) {
                plan.frameIndex[l] = index++;
            }
            plan.resultBase = index;
            int slots = 0;
            for (Region r : plan.regions) {
                slots = Math.max(slots, r.results.size());
                for (List<ValType> e : r.exits) {
                    slots = Math.max(slots, e.size());
                }
            }
            plan.frameSize = index + slots;
            return plan;
        }

        /** Direct local uses, exits and memory growth of a part. */
        void scan(Region r) {
            int depth = 0;
            for (int i = r.start; i < r.end; i++) {
                AnnotatedInstruction ins = code.get(i);
                boolean direct = true;
                for (Region c : r.children) {
                    if (c.start <= i && i < c.end) {
                        direct = false;
                        break;
                    }
                }
                switch (ins.opcode()) {
                    case BLOCK:
                    case LOOP:
                    case IF:
                        depth++;
                        break;
                    case END:
                        depth--;
                        break;
                    case LOCAL_GET:
                        if (direct) {
                            r.used.set((int) ins.operand(0));
                        }
                        break;
                    case LOCAL_SET:
                    case LOCAL_TEE:
                        if (direct) {
                            r.used.set((int) ins.operand(0));
                            r.written.set((int) ins.operand(0));
                        }
                        break;
                    case BR:
                    case BR_IF:
                        exit(r, (int) ins.operand(0) - depth);
                        break;
                    case BR_TABLE:
                        for (long d : ins.operands()) {
                            exit(r, (int) d - depth);
                        }
                        break;
                    case RETURN:
                    case RETURN_CALL:
                    case RETURN_CALL_INDIRECT:
                        r.exitsUsed.set(r.exits.size() - 1);
                        break;
                    case MEMORY_GROW:
                    case CALL_INDIRECT:
                        r.mayGrow = true;
                        break;
                    case CALL:
                        if (mod.mayGrowMemory.get((int) ins.operand(0))) {
                            r.mayGrow = true;
                        }
                        break;
                    default:
                        break;
                }
                if (ins.opcode() == OpCode.RETURN_CALL && mod.mayGrowMemory.get((int) ins.operand(0))) {
                    r.mayGrow = true;
                }
                if (ins.opcode() == OpCode.RETURN_CALL_INDIRECT) {
                    r.mayGrow = true;
                }
            }
            plan.shared.or(r.used);
        }

        void exit(Region r, int d) {
            if (d >= r.entries) {
                r.exitsUsed.set(d);
            }
        }

        /** Transitive sets. */
        void close(Region r) {
            r.usedAll.or(r.used);
            r.writtenAll.or(r.written);
            for (Region c : r.children) {
                close(c);
                r.usedAll.or(c.usedAll);
                r.writtenAll.or(c.writtenAll);
                r.mayGrow |= c.mayGrow;
            }
        }
    }

    /**
     * Plans the parts of a function whose single method measured {@code m}, aiming at {@code target} bytes. A
     * function whose dispatch nests can be cut into slices that make it fit ({@link Planner#slices}) gets that
     * plan: the dispatch stays in the function's method, each case at most one call away (measured on prog_emu:
     * benchmarks/RESULTS.md, "Dispatch nests cut into slices"). Otherwise both other ways (bottom up and top
     * down), keeping the plan whose code lies fewer levels of parts deep ({@link #depthCost}). Which is better
     * depends on the function's shape: top down keeps a nest's outer cases in the method; bottom up keeps a long
     * function of many mid-sized constructs flat.
     */
    static Plan plan(List<AnnotatedInstruction> code, Measure m, int target, ModuleInfo mod, int locals) {
        Plan siblings = new Planner(code, m, target, mod, locals, true, true).run();
        if (siblings != null) {
            return siblings;
        }
        Plan bottomUp = new Planner(code, m, target, mod, locals, false, false).run();
        Plan topDown = new Planner(code, m, target, mod, locals, true, false).run();
        return depthCost(topDown, m) < depthCost(bottomUp, m) ? topDown : bottomUp;
    }

    /**
     * The bytes of each part's own code (without its sub-parts) times the number of levels of parts it lies
     * below the function's method: each level is a call, the frame traffic and an exit switch for whatever
     * runs there. A plan's cost in the hot path, as far as the planner can tell without a profile.
     */
    static long depthCost(Plan plan, Measure m) {
        long cost = 0;
        for (Region r : plan.regions) {
            long own = m.offset[r.end] - m.offset[r.start];
            for (Region c : r.children) {
                own -= m.offset[c.end] - m.offset[c.start];
            }
            int depth = 0;
            for (Region p = r; p != null; p = p.parent) {
                depth++;
            }
            cost += own * depth;
        }
        return cost;
    }
}
