package io.llmtestbench.runtime.spec;

import java.io.ByteArrayOutputStream;
import java.util.SplittableRandom;

/**
 * Generates random, valid wasm modules directly as binaries (no text format, no external tool): integer
 * arithmetic over i32/i64 locals, loads and stores, bounded loops, calls to a helper function, bulk memory
 * operations and {@code memory.grow}. Deterministic: the same seed gives the same bytes.
 *
 * <p>Module shape: one memory (1 page, max 2); {@code $helper (i32 i32) -> i32} (exported for odd seeds: a leaf
 * for even ones) and the exported {@code run (i32 i64) -> i64}, whose locals are {@code 0:i32 param, 1:i64 param, 2-4: i32, 5-7: i64,
 * 8-9: i32 loop counters}. Programs may trap (division by zero, integer overflow, an occasional unmasked
 * address): traps are part of what the engines must agree on.
 */
final class RandomModules {
    // Types and opcodes used.
    private static final int I32 = 0x7f;
    private static final int I64 = 0x7e;
    private static final int[] I32_LOCALS = {0, 2, 3, 4};
    private static final int[] I64_LOCALS = {1, 5, 6, 7};
    private static final int[] I32_BINOPS = {
        0x6a, 0x6b, 0x6c, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, // add sub mul and or xor shl shr_s shr_u rotl rotr
        0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f // eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u
    };
    private static final int[] I32_DIVOPS = {0x6d, 0x6e, 0x6f, 0x70}; // div_s div_u rem_s rem_u
    private static final int[] I64_BINOPS = {0x7c, 0x7d, 0x7e, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a};
    private static final int[] I64_DIVOPS = {0x7f, 0x80, 0x81, 0x82};
    private static final int[] I64_CMPOPS = {0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a}; // -> i32
    private static final int[] I32_UNOPS = {0x67, 0x68, 0x69, 0x45, 0xc0, 0xc1}; // clz ctz popcnt eqz extend8_s extend16_s
    private static final int[] I64_UNOPS = {0x79, 0x7a, 0x7b, 0xc2, 0xc3, 0xc4}; // clz ctz popcnt extend8/16/32_s

    private final SplittableRandom random;
    private final ByteArrayOutputStream code = new ByteArrayOutputStream();
    private final boolean huge;
    private final boolean dispatch;
    /**
     * Odd seeds export {@code $helper}; even seeds do not, which makes it a leaf (the generator's
     * {@code ModuleInfo.leaves}: no depth counted, no fuel checked in it) that {@code run} calls in its loops.
     */
    private final boolean exportHelper;
    private boolean phases;
    private int loops;
    private int budget;

    private RandomModules(long seed, boolean huge) {
        this(seed, huge, false);
    }

    private RandomModules(long seed, boolean huge, boolean dispatch) {
        this.exportHelper = (seed & 1) != 0;
        this.random = new SplittableRandom(seed);
        this.huge = huge;
        this.dispatch = dispatch;
    }

    /** The module for this seed. */
    static byte[] generate(long seed) {
        return new RandomModules(seed, false).module();
    }

    /**
     * A module whose {@code run} has thousands of statements: too big for one JVM method, so the compiler
     * leaves it to Chicory's interpreter (with its wasm-level metering calls still in it). These avoid every
     * trap (divisors made odd, no div_s, addresses and lengths masked) so that the whole body runs.
     */
    static byte[] generateHuge(long seed) {
        return new RandomModules(seed, true).module();
    }

    /**
     * A module whose {@code run} is an interpreter's dispatch loop, the shape C compilers give a {@code switch} in a
     * loop: a loop (at most 240 turns, counted in local 10; a turn the selector sends to no case goes round again) around a nest of 120-180 blocks with the {@code br_table}
     * innermost, each case (a third of them small) the code after the end of one block, ending in a branch back to the loop, a fall into
     * the next case, a jump to a later case, a branch out of the loop or a return. Too big for one JVM method, so
     * it is split; trap-free like {@link #generateHuge}, so that the whole loop runs.
     */
    static byte[] generateDispatch(long seed) {
        return new RandomModules(seed, true, true).module();
    }

    /**
     * A module whose {@code run} is a program's main: 6-8 loops one after the other (phases), each of 7-11
     * statements, one or more of them a loop (a loop nest). Between 4,000 and 8,000 bytes of bytecode, so it would fit in one
     * JVM method; the generator splits it into its loop nests (GenBackend's phase parts). Trap-free like
     * {@link #generateHuge}, so that every phase runs.
     */
    static byte[] generatePhases(long seed) {
        RandomModules r = new RandomModules(seed, true);
        r.phases = true;
        return r.module();
    }

    private void phase() {
        int counter = 8;
        op(0x41, 1 + random.nextInt(12)); // i32.const n (small, one-byte LEB)
        op(0x21, counter);
        op(0x03, 0x40); // loop
        int n = 7 + random.nextInt(5);
        int nest = random.nextInt(n); // a phase is a loop nest: one of its statements is a loop
        for (int i = 0; i < n; i++) {
            loops = 0;
            if (i == nest) {
                loop(1);
            } else {
                statement(1);
            }
        }
        latch(counter);
        op(0x0b); // end loop
    }

    private byte[] dispatchRun() {
        code.reset();
        var b = new ByteArrayOutputStream();
        // local groups: 3 x i32 (2-4), 3 x i64 (5-7), 2 x i32 (8-9 loop counters), 1 x i32 (10: turns of the loop)
        b.writeBytes(bytes(4, 3, I32, 3, I64, 2, I32, 1, I32));
        int n = 120 + random.nextInt(60);
        op(0x02, 0x40); // block $halt
        op(0x03, 0x40); // loop $next
        // br_if $halt (local 10 >= 240); local 10 += 1
        op(0x20, 10);
        op(0x41);
        sleb(code, 240);
        op(0x4f);
        op(0x0d, 1);
        op(0x20, 10);
        op(0x41, 1);
        op(0x6a);
        op(0x21, 10);
        for (int i = 0; i < n; i++) {
            op(0x02, 0x40);
        }
        // br_table over (local 2 ^ local 10 * 0x9e3779b1) % (n + 1): case j at depth j, else (n) the loop
        op(0x20, 2);
        op(0x20, 10);
        op(0x41);
        sleb(code, (int) 0x9e3779b1L);
        op(0x6c);
        op(0x73);
        op(0x41);
        sleb(code, n + 1);
        op(0x70);
        code.write(0x0e);
        uleb(code, n);
        for (int j = 0; j < n; j++) {
            uleb(code, j);
        }
        uleb(code, n);
        for (int j = 0; j < n; j++) {
            op(0x0b); // the end of block j: case j follows
            loops = 0;
            budget = 10 + random.nextInt(40);
            // A third of the cases are small (one statement or none), the others 1-4 statements: the planner keeps
            // the small ones in the method and gives the large ones to slices, so slices and inline cases alternate.
            int statements = random.nextInt(3) == 0 ? random.nextInt(2) : 1 + random.nextInt(4);
            for (int k = 0, m = statements; k < m && budget > 0; k++) {
                statement(0);
            }
            int toLoop = n - 1 - j; // blocks j+1 .. n-1 are still open
            int end = random.nextInt(80);
            if (end < 56) {
                op(0x0c, toLoop); // br $next
            } else if (end < 68) {
                // fall into the next case
            } else if (end < 78 && toLoop > 0) {
                op(0x0c, random.nextInt(toLoop)); // to a later case
            } else if (end == 78) {
                op(0x0c, toLoop + 1); // br $halt
            } else if (end == 79) {
                genI64(2);
                op(0x0f); // return
            } else {
                op(0x0c, toLoop);
            }
        }
        op(0x0c, 0); // br $next
        op(0x0b); // end loop
        op(0x0b); // end block $halt
        op(0x20, 5);
        op(0x20, 6);
        op(0x85);
        op(0x20, 10);
        op(0xad);
        op(0x7c);
        op(0x20, 2);
        op(0xad);
        op(0x85);
        op(0x0b);
        b.writeBytes(code.toByteArray());
        return b.toByteArray();
    }

    private byte[] module() {
        var m = new ByteArrayOutputStream();
        m.writeBytes(new byte[] {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00});
        // types: 0 = (i32 i32) -> i32, 1 = (i32 i64) -> i64
        section(m, 1, vec(2, bytes(0x60, 2, I32, I32, 1, I32, 0x60, 2, I32, I64, 1, I64)));
        section(m, 3, vec(2, bytes(0, 1))); // functions: helper: type 0, run: type 1
        section(m, 5, vec(1, bytes(0x01, 1, 2))); // memory min 1 max 2
        var export = new ByteArrayOutputStream();
        name(export, "run");
        export.write(0x00);
        uleb(export, 1);
        if (exportHelper) {
            name(export, "helper");
            export.write(0x00);
            uleb(export, 0);
        }
        section(m, 7, vec(exportHelper ? 2 : 1, export.toByteArray()));
        var codeSection = new ByteArrayOutputStream();
        body(codeSection, helper());
        body(codeSection, dispatch ? dispatchRun() : run());
        section(m, 10, vec(2, codeSection.toByteArray()));
        return m.toByteArray();
    }

    private byte[] helper() {
        code.reset();
        budget = 40;
        // locals: 0,1 params (i32); no others. A few i32 expressions over the params, stored and returned.
        var b = new ByteArrayOutputStream();
        b.write(0); // no local groups
        for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
            genI32Helper(2);
            op(0x21, random.nextInt(2)); // local.set 0/1
        }
        genI32Helper(2);
        op(0x0b); // end
        b.writeBytes(code.toByteArray());
        return b.toByteArray();
    }

    private void genI32Helper(int depth) {
        if (depth == 0 || random.nextInt(3) == 0) {
            if (random.nextBoolean()) {
                op(0x20, random.nextInt(2));
            } else {
                op(0x41);
                sleb(code, random.nextInt());
            }
            return;
        }
        genI32Helper(depth - 1);
        genI32Helper(depth - 1);
        op(I32_BINOPS[random.nextInt(11)]); // arithmetic only
    }

    private byte[] run() {
        code.reset();
        budget = huge ? 60_000 : 300 + random.nextInt(300);
        var b = new ByteArrayOutputStream();
        // local groups: 3 x i32 (2-4), 3 x i64 (5-7), 2 x i32 (8-9 loop counters)
        b.writeBytes(bytes(3, 3, I32, 3, I64, 2, I32));
        int statements = huge ? 6_000 : 5 + random.nextInt(20);
        if (phases) {
            for (int i = 0, n = 6 + random.nextInt(3); i < n; i++) {
                phase();
            }
            statements = 0;
        }
        for (int i = 0; i < statements && budget > 0; i++) {
            statement(0);
        }
        // result: mix the i64 locals with the i32 ones
        op(0x20, 5);
        op(0x20, 6);
        op(0x85); // i64.xor
        op(0x20, 7);
        op(0x7c); // i64.add
        op(0x20, 2);
        op(0xad); // i64.extend_i32_u
        op(0x85);
        op(0x0b);
        b.writeBytes(code.toByteArray());
        return b.toByteArray();
    }

    private void statement(int nesting) {
        budget--;
        int kind = random.nextInt(20);
        if (kind < 6) {
            genI32(3);
            if (random.nextBoolean()) {
                op(0x21, pick(I32_LOCALS)); // local.set
            } else {
                op(0x22, pick(I32_LOCALS)); // local.tee
                op(0x1a); // drop
            }
        } else if (kind < 11) {
            genI64(3);
            op(0x21, pick(I64_LOCALS));
        } else if (kind < 15) {
            store();
        } else if (kind < 17 && nesting < 2 && loops < 6) {
            loop(nesting);
        } else if (kind == 17) {
            bulk();
        } else if (kind == 18) {
            // memory.grow by 0 or 1 page: -1 once at the maximum; result folded into a local
            op(0x41, random.nextInt(2));
            op(0x40, 0);
            op(0x21, pick(I32_LOCALS));
        } else {
            // if/else on an i32 condition. Chicory 1.7.5's interpreter (the reference) multiplies i32s as longs
            // without wrapping and its `if` tests the whole long, so an i32.mul that wraps to 0 would take the
            // then branch there: the condition goes through i32.ne 0, which wraps it first.
            genI32(2);
            op(0x41, 0);
            op(0x47);
            op(0x04, 0x40);
            statement(nesting + 1);
            if (random.nextBoolean()) {
                op(0x05);
                statement(nesting + 1);
            }
            op(0x0b);
        }
    }

    private void loop(int nesting) {
        loops++;
        int counter = 8 + nesting;
        op(0x41, 1 + random.nextInt(12)); // i32.const n (small, one-byte LEB)
        op(0x21, counter);
        op(0x02, 0x40); // block
        op(0x03, 0x40); // loop
        for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
            statement(nesting + 1);
        }
        latch(counter);
        op(0x0b); // end loop
        op(0x0b); // end block
    }

    /** counter -= 1; br_if 0 (counter != 0): the latch of a loop counted down in local {@code counter}. */
    private void latch(int counter) {
        op(0x20, counter);
        op(0x41, 1);
        op(0x6b);
        op(0x22, counter);
        op(0x0d, 0); // br_if 0 (the loop)
    }

    private void store() {
        int kind = random.nextInt(5);
        // Chicory 1.7.5's interpreter (the reference) computes the address of i32.store8 and i64.store32 as
        // (int) (offset + base), so a negative base wraps into bounds instead of trapping: no unmasked
        // addresses for those two (our compiled code is checked against the spec in DifferentialTest).
        address(kind != 2 && kind != 4);
        switch (kind) {
            case 0:
                genI32(2);
                op(0x36, 2, offset()); // i32.store align=2
                break;
            case 1:
                genI64(2);
                op(0x37, 3, offset()); // i64.store align=3
                break;
            case 2:
                genI32(2);
                op(0x3a, 0, offset()); // i32.store8
                break;
            case 3:
                genI32(2);
                op(0x3b, 1, offset()); // i32.store16
                break;
            default:
                genI64(2);
                op(0x3e, 2, offset()); // i64.store32
        }
    }

    private void bulk() {
        // memory.fill / memory.copy over a small masked range
        address();
        if (random.nextBoolean()) {
            genI32(1);
            smallLength();
            code.writeBytes(bytes(0xfc, 11, 0)); // memory.fill 0
        } else {
            address();
            smallLength();
            code.writeBytes(bytes(0xfc, 10, 0, 0)); // memory.copy 0 0
        }
    }

    private void smallLength() {
        genI32(1);
        op(0x41);
        sleb(code, huge ? 0x0f : 0xff); // huge functions: never past the end of the first page
        op(0x71);
    }

    private void address() {
        address(true);
    }

    /**
     * An i32 address: masked into the first page (minus 16 bytes) except, rarely and when {@code mayWrap},
     * unmasked (then usually out of bounds, and base + offset may pass 2^32).
     */
    private void address(boolean mayWrap) {
        genI32(2);
        if (!mayWrap || huge || random.nextInt(150) != 0) {
            op(0x41);
            sleb(code, 0xfff0);
            op(0x71);
        }
    }

    private int offset() {
        return random.nextInt(8);
    }

    private void genI32(int depth) {
        budget--;
        if (depth == 0 || budget < 0 || random.nextInt(4) == 0) {
            switch (random.nextInt(3)) {
                case 0:
                    op(0x41);
                    sleb(code, constI32());
                    return;
                default:
                    op(0x20, pick(I32_LOCALS));
                    return;
            }
        }
        int kind = random.nextInt(14);
        if (kind < 5) {
            genI32(depth - 1);
            genI32(depth - 1);
            op(pick(I32_BINOPS));
        } else if (kind == 5) {
            genI32(depth - 1);
            genI32(depth - 1);
            if (huge || random.nextInt(10) != 0) { // usually a non-zero divisor
                op(0x41, 1);
                op(0x72); // or 1
            }
            // huge functions must run long: no div_s (INT_MIN / -1 traps), only traps-free with a non-zero divisor
            op(huge ? I32_DIVOPS[1 + random.nextInt(3)] : pick(I32_DIVOPS));
        } else if (kind == 6) {
            genI32(depth - 1);
            op(pick(I32_UNOPS));
        } else if (kind == 7) {
            genI64(depth - 1);
            op(0xa7); // i32.wrap_i64
        } else if (kind == 8) {
            genI64(depth - 1);
            genI64(depth - 1);
            op(pick(I64_CMPOPS));
        } else if (kind == 9) {
            genI32(depth - 1);
            genI32(depth - 1);
            genI32(depth - 1);
            op(0x1b); // select
        } else if (kind == 10) {
            address();
            int load = random.nextInt(5);
            int[] ops = {0x28, 0x2c, 0x2d, 0x2e, 0x2f}; // i32.load, load8_s, load8_u, load16_s, load16_u
            int[] align = {2, 0, 0, 1, 1};
            op(ops[load], align[load], offset());
        } else if (kind == 11) {
            genI32(depth - 1);
            genI32(depth - 1);
            op(0x10, 0); // call $helper
        } else if (kind == 12) {
            op(0x3f, 0); // memory.size
        } else {
            genI32(depth - 1);
            op(0x20, pick(I32_LOCALS));
            op(0x6a);
        }
    }

    private void genI64(int depth) {
        budget--;
        if (depth == 0 || budget < 0 || random.nextInt(4) == 0) {
            if (random.nextBoolean()) {
                op(0x42);
                sleb(code, constI64());
            } else {
                op(0x20, pick(I64_LOCALS));
            }
            return;
        }
        int kind = random.nextInt(9);
        if (kind < 4) {
            genI64(depth - 1);
            genI64(depth - 1);
            op(pick(I64_BINOPS));
        } else if (kind == 4) {
            genI64(depth - 1);
            genI64(depth - 1);
            if (huge || random.nextInt(10) != 0) {
                op(0x42, 1);
                op(0x84); // or 1
            }
            op(huge ? I64_DIVOPS[1 + random.nextInt(3)] : pick(I64_DIVOPS));
        } else if (kind == 5) {
            genI64(depth - 1);
            op(pick(I64_UNOPS));
        } else if (kind == 6) {
            genI32(depth - 1);
            op(random.nextBoolean() ? 0xac : 0xad); // i64.extend_i32_s / _u
        } else if (kind == 7) {
            address();
            int load = random.nextInt(4);
            int[] ops = {0x29, 0x30, 0x33, 0x35}; // i64.load, load8_s, load16_u, load32_u
            int[] align = {3, 0, 1, 2};
            op(ops[load], align[load], offset());
        } else {
            genI64(depth - 1);
            genI64(depth - 1);
            genI32(depth - 1);
            op(0x1b); // select
        }
    }

    private int constI32() {
        switch (random.nextInt(4)) {
            case 0:
                return random.nextInt(16);
            case 1:
                return pick(new int[] {0, -1, 1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0x80, 0xffff});
            default:
                return random.nextInt();
        }
    }

    private long constI64() {
        switch (random.nextInt(4)) {
            case 0:
                return random.nextInt(16);
            case 1:
                return new long[] {0, -1, 1, Long.MIN_VALUE, Long.MAX_VALUE, 0xffffffffL}[random.nextInt(6)];
            default:
                return random.nextLong();
        }
    }

    private int pick(int[] values) {
        return values[random.nextInt(values.length)];
    }

    /** Writes an opcode and its (single-byte or unsigned LEB) immediates. */
    private void op(int opcode, int... immediates) {
        code.write(opcode);
        for (int imm : immediates) {
            uleb(code, imm);
        }
    }

    // ---- encoding ---------------------------------------------------------------------------------------

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static byte[] vec(int count, byte[] items) {
        var out = new ByteArrayOutputStream();
        uleb(out, count);
        out.writeBytes(items);
        return out.toByteArray();
    }

    static void section(ByteArrayOutputStream m, int id, byte[] payload) {
        m.write(id);
        uleb(m, payload.length);
        m.writeBytes(payload);
    }

    private static void body(ByteArrayOutputStream out, byte[] body) {
        uleb(out, body.length);
        out.writeBytes(body);
    }

    private static void name(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        uleb(out, b.length);
        out.writeBytes(b);
    }

    static void uleb(ByteArrayOutputStream out, long value) {
        long v = value;
        do {
            int b = (int) (v & 0x7f);
            v >>>= 7;
            out.write(v != 0 ? b | 0x80 : b);
        } while (v != 0);
    }

    static void sleb(ByteArrayOutputStream out, long value) {
        long v = value;
        while (true) {
            int b = (int) (v & 0x7f);
            v >>= 7;
            boolean done = (v == 0 && (b & 0x40) == 0) || (v == -1 && (b & 0x40) != 0);
            out.write(done ? b : b | 0x80);
            if (done) {
                return;
            }
        }
    }
}
