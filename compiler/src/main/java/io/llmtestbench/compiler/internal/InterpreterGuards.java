package io.llmtestbench.compiler.internal;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.OpCode;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Makes the functions left to Chicory's interpreter (too big for one JVM method) compute what WebAssembly
 * says, where Chicory 1.7.5's interpreter does not. Compiled code is right in each case (its float helpers
 * are replaced by the runtime's {@code WasmFloat}); these are rewrites of the wasm of the interpreted
 * functions only, applied after metering, so the inserted instructions are never charged fuel.
 *
 * <ul>
 *   <li><b>Stores past 4 GiB.</b> A store's effective address is {@code base + offset} as a 33-bit sum; past
 *       4 GiB it traps. The interpreter adds the two as 32-bit ints for {@code i32.store8}, {@code i64.store8}
 *       and {@code i64.store32}, so a base near 2<sup>32</sup> wraps to a low address. Before each such store
 *       with a non-zero offset:
 *       <pre>
 *   local.set $value  local.tee $base  i32.const -offset  i32.ge_u
 *   if  i32.const -1  i32.load  drop  end      ;; the sum would wrap: trap, out of bounds
 *   local.get $base  local.get $value          ;; then the store as it was</pre>
 *       The load at 2<sup>32</sup> - 1 is out of bounds for every memory, so the trap is the same "out of
 *       bounds memory access" compiled code raises.
 *   <li><b>{@code i32.mul}</b> leaves the 64-bit product of its operands on the interpreter's stack, so a
 *       product that is 0 modulo 2<sup>32</sup> but not 0 takes an {@code if} or {@code br_if}. Each is
 *       followed by {@code i32.const 0  i32.add}, which the interpreter computes on {@code int}s.
 *   <li><b>{@code f32.abs}/{@code f64.abs}</b> use {@code Math.abs}, which on Java 17 keeps the sign of a
 *       NaN (and clears it once JIT-compiled). Replaced by clearing the sign bit of the reinterpreted bits.
 *   <li><b>{@code min}, {@code max}, {@code ceil}, {@code floor}, {@code trunc}, {@code nearest}, {@code sqrt}</b>
 *       return a signalling NaN operand unchanged, where WebAssembly requires a quiet (arithmetic) NaN. Each is
 *       followed by a select of the first NaN operand with its quiet bit set, as {@code WasmFloat} does.
 * </ul>
 */
public final class InterpreterGuards {
    private static final int SECTION_CODE = 10;

    /** Temporary locals appended to a guarded function: 2 × i32, 1 × i64, 2 × f32, 2 × f64. */
    private static final byte[] TEMP_LOCALS = {0x02, 0x7f, 0x01, 0x7e, 0x02, 0x7d, 0x02, 0x7c};

    private static final int I32_MUL = 0x6c;
    private static final int F32_ABS = 0x8b;
    private static final int F64_ABS = 0x99;

    private InterpreterGuards() {}

    /** Whether any of these functions (absolute indices) has an instruction this pass rewrites. */
    public static boolean needed(byte[] wasm, WasmModule module, Set<Integer> functions) {
        int imported = module.importSection().count(ExternalType.FUNCTION);
        for (int f : functions) {
            int i = f - imported;
            if (i >= 0 && i < module.functionSection().functionCount()
                    && !sites(wasm, module.codeSection().getFunctionBody(i)).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** Returns the module with these functions (absolute indices) guarded. */
    public static byte[] apply(byte[] wasm, WasmModule module, Set<Integer> functions) {
        int imported = module.importSection().count(ExternalType.FUNCTION);
        var out = new ByteArrayOutputStream(wasm.length + 1024);
        out.write(wasm, 0, 8);
        int pos = 8;
        while (pos < wasm.length) {
            int id = wasm[pos] & 0xff;
            Leb128.Read size = Leb128.readUnsigned(wasm, pos + 1);
            int start = size.next();
            int end = start + (int) size.value();
            if (id == SECTION_CODE) {
                byte[] code = rewriteCode(wasm, start, end, module, imported, functions);
                out.write(id);
                Leb128.writeUnsigned(out, code.length);
                out.writeBytes(code);
            } else {
                out.write(wasm, pos, end - pos);
            }
            pos = end;
        }
        return out.toByteArray();
    }

    private static byte[] rewriteCode(byte[] wasm, int start, int end, WasmModule module, int imported, Set<Integer> functions) {
        Leb128.Read count = Leb128.readUnsigned(wasm, start);
        var out = new ByteArrayOutputStream(end - start + 1024);
        Leb128.writeUnsigned(out, count.value());
        int pos = count.next();
        for (int i = 0; i < count.value(); i++) {
            Leb128.Read bodySize = Leb128.readUnsigned(wasm, pos);
            int bodyStart = bodySize.next();
            int bodyEnd = bodyStart + (int) bodySize.value();
            byte[] body = functions.contains(imported + i)
                    ? guard(wasm, bodyStart, bodyEnd, module, i)
                    : java.util.Arrays.copyOfRange(wasm, bodyStart, bodyEnd);
            Leb128.writeUnsigned(out, body.length);
            out.writeBytes(body);
            pos = bodyEnd;
        }
        return out.toByteArray();
    }

    /** Temporary local indices of one function. */
    private record Temps(int i32Base, int i32Value, int i64Value, int f32a, int f32b, int f64a, int f64b) {
        static Temps after(int base) {
            return new Temps(base, base + 1, base + 2, base + 3, base + 4, base + 5, base + 6);
        }
    }

    private static byte[] guard(byte[] wasm, int bodyStart, int bodyEnd, WasmModule module, int definedIndex) {
        FunctionBody body = module.codeSection().getFunctionBody(definedIndex);
        List<int[]> sites = sites(wasm, body);
        if (sites.isEmpty()) {
            return java.util.Arrays.copyOfRange(wasm, bodyStart, bodyEnd);
        }
        int first = body.instructions().stream()
                .mapToInt(AnnotatedInstruction::address).filter(a -> a >= 0).min().getAsInt();
        int params = module.typeSection().getType(module.functionSection().getFunctionType(definedIndex)).params().size();
        Temps t = Temps.after(params + body.localTypes().size());
        var out = new ByteArrayOutputStream(bodyEnd - bodyStart + sites.size() * 24 + 16);
        Leb128.Read groups = Leb128.readUnsigned(wasm, bodyStart);
        Leb128.writeUnsigned(out, groups.value() + 4);
        out.write(wasm, groups.next(), first - groups.next());
        out.writeBytes(TEMP_LOCALS);
        int cursor = first;
        for (int[] site : sites) {
            int at = site[0];
            int op = wasm[at] & 0xff;
            out.write(wasm, cursor, at - cursor);
            cursor = at;
            if (site[1] > 0) {
                guardStore(out, op, site[1], t);
                continue; // the store itself is copied with what follows
            }
            cursor = at + 1; // every other guarded instruction is one byte, replaced or followed below
            switch (op) {
                case I32_MUL:
                    out.write(op);
                    out.writeBytes(new byte[] {0x41, 0x00, 0x6a}); // i32.const 0  i32.add
                    break;
                case F32_ABS:
                    out.writeBytes(new byte[] {(byte) 0xbc, 0x41}); // i32.reinterpret_f32  i32.const
                    Leb128.writeSigned(out, 0x7fff_ffff);
                    out.writeBytes(new byte[] {0x71, (byte) 0xbe}); // i32.and  f32.reinterpret_i32
                    break;
                case F64_ABS:
                    out.writeBytes(new byte[] {(byte) 0xbd, 0x42}); // i64.reinterpret_f64  i64.const
                    Leb128.writeSigned(out, 0x7fff_ffff_ffff_ffffL);
                    out.writeBytes(new byte[] {(byte) 0x83, (byte) 0xbf}); // i64.and  f64.reinterpret_i64
                    break;
                default:
                    if (isBinaryNan(op)) {
                        quietBinary(out, op, t);
                    } else {
                        quietUnary(out, op, t);
                    }
            }
        }
        out.write(wasm, cursor, bodyEnd - cursor);
        return out.toByteArray();
    }

    private static void guardStore(ByteArrayOutputStream out, int op, int offset, Temps t) {
        int value = op == 0x3a ? t.i32Value() : t.i64Value();
        out.write(0x21); // local.set $value
        Leb128.writeUnsigned(out, value);
        out.write(0x22); // local.tee $base
        Leb128.writeUnsigned(out, t.i32Base());
        out.write(0x41); // i32.const -offset
        Leb128.writeSigned(out, -offset);
        out.write(0x4f); // i32.ge_u
        out.writeBytes(new byte[] {0x04, 0x40}); // if (no result)
        out.writeBytes(new byte[] {0x41, 0x7f}); // i32.const -1
        out.writeBytes(new byte[] {0x28, 0x02, 0x00}); // i32.load align=4 offset=0: out of bounds
        out.write(0x1a); // drop
        out.write(0x0b); // end
        out.write(0x20); // local.get $base
        Leb128.writeUnsigned(out, t.i32Base());
        out.write(0x20); // local.get $value
        Leb128.writeUnsigned(out, value);
    }

    private static boolean isF64(int op) {
        return op >= 0x99;
    }

    /** Pushes the NaN in local {@code l} with its quiet bit set. */
    private static void quietOf(ByteArrayOutputStream out, int local, boolean f64) {
        out.write(0x20);
        Leb128.writeUnsigned(out, local);
        if (f64) {
            out.writeBytes(new byte[] {(byte) 0xbd, 0x42}); // i64.reinterpret_f64  i64.const
            Leb128.writeSigned(out, 0x0008_0000_0000_0000L);
            out.writeBytes(new byte[] {(byte) 0x84, (byte) 0xbf}); // i64.or  f64.reinterpret_i64
        } else {
            out.writeBytes(new byte[] {(byte) 0xbc, 0x41}); // i32.reinterpret_f32  i32.const
            Leb128.writeSigned(out, 0x0040_0000);
            out.writeBytes(new byte[] {0x72, (byte) 0xbe}); // i32.or  f32.reinterpret_i32
        }
    }

    /** Pushes whether the float in local {@code l} is a NaN. */
    private static void isNan(ByteArrayOutputStream out, int local, boolean f64) {
        out.write(0x20);
        Leb128.writeUnsigned(out, local);
        out.write(0x20);
        Leb128.writeUnsigned(out, local);
        out.write(f64 ? 0x62 : 0x5c); // f64.ne / f32.ne
    }

    /** x → isNaN(x) ? quiet(x) : op(x). */
    private static void quietUnary(ByteArrayOutputStream out, int op, Temps t) {
        boolean f64 = isF64(op);
        int x = f64 ? t.f64a() : t.f32a();
        int r = f64 ? t.f64b() : t.f32b();
        out.write(0x22); // local.tee x
        Leb128.writeUnsigned(out, x);
        out.write(op);
        out.write(0x21); // local.set r
        Leb128.writeUnsigned(out, r);
        quietOf(out, x, f64);
        out.write(0x20); // local.get r
        Leb128.writeUnsigned(out, r);
        isNan(out, x, f64);
        out.write(0x1b); // select
    }

    /** a b → isNaN(a) ? quiet(a) : isNaN(b) ? quiet(b) : op(a, b). */
    private static void quietBinary(ByteArrayOutputStream out, int op, Temps t) {
        boolean f64 = isF64(op);
        int a = f64 ? t.f64a() : t.f32a();
        int b = f64 ? t.f64b() : t.f32b();
        out.write(0x21); // local.set b
        Leb128.writeUnsigned(out, b);
        out.write(0x21); // local.set a
        Leb128.writeUnsigned(out, a);
        quietOf(out, a, f64);
        quietOf(out, b, f64);
        out.write(0x20);
        Leb128.writeUnsigned(out, a);
        out.write(0x20);
        Leb128.writeUnsigned(out, b);
        out.write(op);
        isNan(out, b, f64);
        out.write(0x1b); // select: isNaN(b) ? quiet(b) : op(a, b)
        isNan(out, a, f64);
        out.write(0x1b); // select: isNaN(a) ? quiet(a) : ...
    }

    private static boolean isBinaryNan(int op) {
        return op == 0x96 || op == 0x97 || op == 0xa4 || op == 0xa5; // f32.min f32.max f64.min f64.max
    }

    /**
     * The instructions of a body this pass rewrites, in order: {address, offset} for a store that can wrap
     * (offset > 0), {address, 0} for the others.
     */
    private static List<int[]> sites(byte[] wasm, FunctionBody body) {
        List<int[]> sites = new ArrayList<>();
        for (AnnotatedInstruction ins : body.instructions()) {
            if (ins.address() < 0) {
                continue;
            }
            OpCode op = ins.opcode();
            if (op == OpCode.I32_STORE8 || op == OpCode.I64_STORE8 || op == OpCode.I64_STORE32) {
                long offset = memargOffset(wasm, ins.address() + 1);
                if (offset > 0) {
                    sites.add(new int[] {ins.address(), (int) offset});
                }
            } else if (rewritten(op)) {
                sites.add(new int[] {ins.address(), 0});
            }
        }
        return sites;
    }

    private static boolean rewritten(OpCode op) {
        switch (op) {
            case I32_MUL:
            case F32_ABS:
            case F64_ABS:
            case F32_MIN:
            case F32_MAX:
            case F64_MIN:
            case F64_MAX:
            case F32_CEIL:
            case F32_FLOOR:
            case F32_TRUNC:
            case F32_NEAREST:
            case F32_SQRT:
            case F64_CEIL:
            case F64_FLOOR:
            case F64_TRUNC:
            case F64_NEAREST:
            case F64_SQRT:
                return true;
            default:
                return false;
        }
    }

    /** The offset of the memarg starting at {@code pos}: align (with the multi-memory bit), memory index, offset. */
    private static long memargOffset(byte[] wasm, int pos) {
        Leb128.Read align = Leb128.readUnsigned(wasm, pos);
        int next = align.next();
        if ((align.value() & 0x40) != 0) {
            next = Leb128.readUnsigned(wasm, next).next(); // memory index
        }
        return Leb128.readUnsigned(wasm, next).value();
    }
}
