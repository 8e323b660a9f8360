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
 * Makes the functions left to Chicory's interpreter trap where WebAssembly says they must.
 *
 * <p>A store's effective address is {@code base + offset} as a 33-bit sum; past 4 GiB it traps. Chicory
 * 1.7.5's interpreter adds the two as 32-bit ints for {@code i32.store8}, {@code i64.store8} and
 * {@code i64.store32}, so a base near 2<sup>32</sup> wraps around and the store lands at a low address of the
 * plugin's memory instead of trapping (compiled code is right). Before each such store with a non-zero
 * offset, in the given functions only, this inserts:
 *
 * <pre>
 *   local.set $value  local.tee $base  i32.const -offset  i32.ge_u
 *   if  i32.const -1  i32.load  drop  end      ;; the sum would wrap: trap, out of bounds
 *   local.get $base  local.get $value          ;; then the store as it was
 * </pre>
 *
 * The load at address 2<sup>32</sup> - 1 is out of bounds for every memory, so the trap is the same
 * "out of bounds memory access" compiled code raises. The inserted instructions are not charged fuel (they
 * are not in the module the plugin author wrote).
 */
public final class StoreGuards {
    private static final int SECTION_CODE = 10;
    private static final int I32_STORE8 = 0x3a;
    private static final int I64_STORE8 = 0x3c;
    private static final int I64_STORE32 = 0x3e;

    private StoreGuards() {}

    /** Whether any of these functions (absolute indices) has a store this pass would guard. */
    public static boolean needed(byte[] wasm, WasmModule module, Set<Integer> functions) {
        int imported = module.importSection().count(ExternalType.FUNCTION);
        for (int f : functions) {
            int i = f - imported;
            if (i >= 0 && i < module.functionSection().functionCount()
                    && !guardedStores(wasm, module.codeSection().getFunctionBody(i)).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** Returns the module with guards before the affected stores of these functions (absolute indices). */
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

    private static byte[] guard(byte[] wasm, int bodyStart, int bodyEnd, WasmModule module, int definedIndex) {
        FunctionBody body = module.codeSection().getFunctionBody(definedIndex);
        List<int[]> stores = guardedStores(wasm, body);
        if (stores.isEmpty()) {
            return java.util.Arrays.copyOfRange(wasm, bodyStart, bodyEnd);
        }
        int first = body.instructions().stream()
                .mapToInt(AnnotatedInstruction::address).filter(a -> a >= 0).min().getAsInt();
        int params = module.typeSection().getType(module.functionSection().getFunctionType(definedIndex)).params().size();
        int base = params + body.localTypes().size();
        int i32Base = base;
        int i32Value = base + 1;
        int i64Value = base + 2;
        var out = new ByteArrayOutputStream(bodyEnd - bodyStart + stores.size() * 24 + 8);
        Leb128.Read groups = Leb128.readUnsigned(wasm, bodyStart);
        Leb128.writeUnsigned(out, groups.value() + 2);
        out.write(wasm, groups.next(), first - groups.next());
        out.writeBytes(new byte[] {0x02, 0x7f, 0x01, 0x7e}); // 2 × i32, 1 × i64
        int cursor = first;
        for (int[] store : stores) {
            out.write(wasm, cursor, store[0] - cursor);
            cursor = store[0];
            int value = (wasm[store[0]] & 0xff) == I32_STORE8 ? i32Value : i64Value;
            out.write(0x21); // local.set $value
            Leb128.writeUnsigned(out, value);
            out.write(0x22); // local.tee $base
            Leb128.writeUnsigned(out, i32Base);
            out.write(0x41); // i32.const -offset
            Leb128.writeSigned(out, -store[1]);
            out.write(0x4f); // i32.ge_u
            out.writeBytes(new byte[] {0x04, 0x40}); // if (no result)
            out.writeBytes(new byte[] {0x41, 0x7f}); // i32.const -1
            out.writeBytes(new byte[] {0x28, 0x02, 0x00}); // i32.load align=4 offset=0: out of bounds
            out.write(0x1a); // drop
            out.write(0x0b); // end
            out.write(0x20); // local.get $base
            Leb128.writeUnsigned(out, i32Base);
            out.write(0x20); // local.get $value
            Leb128.writeUnsigned(out, value);
        }
        out.write(wasm, cursor, bodyEnd - cursor);
        return out.toByteArray();
    }

    /** The stores of a body that can wrap in the interpreter: {address, offset}, offset > 0, in order. */
    private static List<int[]> guardedStores(byte[] wasm, FunctionBody body) {
        List<int[]> stores = new ArrayList<>();
        for (AnnotatedInstruction ins : body.instructions()) {
            if (ins.address() >= 0 && isGuarded(ins.opcode())) {
                long offset = memargOffset(wasm, ins.address() + 1);
                if (offset > 0) {
                    stores.add(new int[] {ins.address(), (int) offset});
                }
            }
        }
        return stores;
    }

    private static boolean isGuarded(OpCode op) {
        return op == OpCode.I32_STORE8 || op == OpCode.I64_STORE8 || op == OpCode.I64_STORE32;
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
