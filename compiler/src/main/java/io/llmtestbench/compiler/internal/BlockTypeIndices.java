package io.llmtestbench.compiler.internal;

import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Works around Chicory 1.7.5 misreading block types given as a type index from 64 to 127.
 *
 * <p>A block type ({@code block}, {@code loop}, {@code if}, {@code try}, {@code try_table}) is a signed LEB128
 * number: a negative one-byte value names a value type or the empty type, a non-negative one a type index.
 * Chicory reads it as an <em>unsigned</em> LEB128, which gives the same number for every index except those
 * whose value falls in the range of the one-byte codes, 64 to 127: index 64 reads as the empty type (0x40),
 * 127 as {@code i32} (0x7f), 99 and 100 as the GC reference prefixes (after which the decoder loses sync). A
 * valid module is then refused ("type mismatch") or fails validation with a {@code NullPointerException}.
 *
 * <p>The rewrite, done on the binary before Chicory sees it: every function type named by such a block type
 * is appended again to the type section at an index of 128 or more (padding with copies when the section is
 * shorter), and those block types are re-encoded with the new index. Nothing else changes: function types
 * are compared structurally (before the GC proposal's recursive groups, which this compiler does not take),
 * so a copy of a type means the same as the type, and only block-type immediates refer to the copies. A
 * module whose type section holds anything but plain function types is left as it is.
 */
public final class BlockTypeIndices {
    /** Type indices Chicory 1.7.5 misreads as block types. */
    static boolean misread(long index) {
        return index >= 64 && index <= 127;
    }

    private BlockTypeIndices() {}

    /** The module with every misread block-type index remapped, or the same array when there is none. */
    public static byte[] rewrite(byte[] wasm) {
        try {
            return rewriteOrNull(wasm);
        } catch (IllegalArgumentException | IndexOutOfBoundsException malformed) {
            return wasm; // Chicory's parser reports it
        }
    }

    private static byte[] rewriteOrNull(byte[] wasm) {
        List<WasmBinary.Section> sections = WasmBinary.sections(wasm);
        WasmBinary.Section types = WasmBinary.find(sections, WasmBinary.SECTION_TYPE);
        WasmBinary.Section code = WasmBinary.find(sections, WasmBinary.SECTION_CODE);
        if (types == null || code == null || WasmBinary.count(wasm, types) <= 64) {
            return wasm;
        }
        List<int[]> entries = funcTypes(wasm, types);
        if (entries == null) {
            return wasm;
        }
        // Find every misread block type: {position, length, index}.
        List<WasmBinary.Body> bodies = WasmBinary.bodies(wasm, code);
        List<long[]> sites = new java.util.ArrayList<>();
        for (WasmBinary.Body b : bodies) {
            boolean known = WasmBinary.walk(wasm, b.code(), b.end(), (op, at, imm, next) -> {
                if (op == 0x02 || op == 0x03 || op == 0x04 || op == 0x06 || op == 0x1F) {
                    long[] bt = WasmBinary.blockType(wasm, imm);
                    if (misread(bt[0]) && bt[0] < entries.size()) {
                        sites.add(new long[] {imm, bt[1] - imm, bt[0]});
                    }
                }
            });
            if (!known) {
                return wasm;
            }
        }
        if (sites.isEmpty()) {
            return wasm;
        }
        // New indices: append copies past 127.
        int next = entries.size();
        var appended = new ByteArrayOutputStream();
        int added = 0;
        Map<Long, Integer> remap = new LinkedHashMap<>();
        for (long[] s : sites) {
            if (remap.containsKey(s[2])) {
                continue;
            }
            while (misread(next)) {
                int[] e = entries.get((int) s[2]);
                appended.write(wasm, e[0], e[1] - e[0]);
                next++;
                added++;
            }
            int[] e = entries.get((int) s[2]);
            appended.write(wasm, e[0], e[1] - e[0]);
            remap.put(s[2], next++);
            added++;
        }
        var out = new ByteArrayOutputStream(wasm.length + appended.size() + sites.size() * 2 + 16);
        out.write(wasm, 0, 8);
        for (WasmBinary.Section s : sections) {
            if (s.id() == WasmBinary.SECTION_TYPE) {
                var payload = new ByteArrayOutputStream();
                Leb128.Read count = Leb128.readUnsigned(wasm, s.start());
                Leb128.writeUnsigned(payload, count.value() + added);
                payload.write(wasm, count.next(), s.end() - count.next());
                payload.writeBytes(appended.toByteArray());
                writeSection(out, s.id(), payload.toByteArray());
            } else if (s.id() == WasmBinary.SECTION_CODE) {
                writeSection(out, s.id(), rewriteCode(wasm, s, bodies, sites, remap));
            } else {
                out.write(wasm, s.headerStart(), s.end() - s.headerStart());
            }
        }
        return out.toByteArray();
    }

    private static byte[] rewriteCode(byte[] wasm, WasmBinary.Section code, List<WasmBinary.Body> bodies, List<long[]> sites,
            Map<Long, Integer> remap) {
        var out = new ByteArrayOutputStream(code.end() - code.start() + sites.size() * 2);
        Leb128.writeUnsigned(out, bodies.size());
        int k = 0;
        for (WasmBinary.Body b : bodies) {
            var body = new ByteArrayOutputStream(b.size() + 8);
            int cursor = b.bodyStart();
            while (k < sites.size() && sites.get(k)[0] < b.end()) {
                long[] s = sites.get(k++);
                body.write(wasm, cursor, (int) s[0] - cursor);
                Leb128.writeSigned(body, remap.get(s[2]));
                cursor = (int) (s[0] + s[1]);
            }
            body.write(wasm, cursor, b.end() - cursor);
            Leb128.writeUnsigned(out, body.size());
            out.writeBytes(body.toByteArray());
        }
        return out.toByteArray();
    }

    /** {start, end} of each type entry, or null if one is not a plain function type. */
    private static List<int[]> funcTypes(byte[] wasm, WasmBinary.Section types) {
        Leb128.Read count = Leb128.readUnsigned(wasm, types.start());
        if (count.value() > types.end() - count.next()) {
            return null;
        }
        List<int[]> entries = new java.util.ArrayList<>((int) count.value());
        int pos = count.next();
        for (long i = 0; i < count.value(); i++) {
            int start = pos;
            if ((wasm[pos++] & 0xff) != 0x60) {
                return null; // rec, sub, struct, array: GC types are not rewritten
            }
            for (int vec = 0; vec < 2; vec++) {
                Leb128.Read n = Leb128.readUnsigned(wasm, pos);
                pos = n.next();
                for (long j = 0; j < n.value(); j++) {
                    if (pos >= types.end()) {
                        return null;
                    }
                    pos = WasmBinary.skipValType(wasm, pos);
                }
            }
            entries.add(new int[] {start, pos});
        }
        return entries;
    }

    private static void writeSection(ByteArrayOutputStream out, int id, byte[] payload) {
        out.write(id);
        Leb128.writeUnsigned(out, payload.length);
        out.writeBytes(payload);
    }
}
