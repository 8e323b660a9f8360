package io.llmtestbench.runtime.spec;

import io.llmtestbench.compiler.internal.CostModel;
import io.llmtestbench.compiler.internal.WasmBinary;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites a module so that an engine reachable only through its exports (V8) shows everything the oracle compares:
 * every memory is exported as {@code "\0m<i>"}, and every global gets an exported getter function {@code "\0g<i>"}
 * returning its bits as an integer (so that a float's NaN payload never passes through JavaScript). Only appends:
 * no existing index moves, nothing the module does changes.
 *
 * <p>{@link #countingFuel} turns a metered module (as {@code WasmCompiler} injected it) into one that adds up its own
 * charges in an extra global, the exact fuel oracle run by V8.
 */
final class ObservedModule {
    /** Export name of memory {@code i}. */
    static String memoryExport(int i) {
        return "\u0000m" + i;
    }

    /** Export name of the getter of global {@code i}. */
    static String globalGetter(int i) {
        return "\u0000g" + i;
    }

    private static final int[] ORDER = new int[14];

    static {
        // standard section order: type import function table memory tag global export start element datacount code data
        int[] ids = {1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11};
        for (int i = 0; i < ids.length; i++) {
            ORDER[ids[i]] = i + 1;
        }
    }

    /** What the module holds, as the rewrite needs it. */
    record Shape(int importedFunctions, int definedFunctions, int types, List<Integer> globalTypes, int memories) {}

    private ObservedModule() {}

    /**
     * @param globalTypes the value type byte of every global, imported ones first
     * @param memories imported plus defined memories
     */
    static byte[] observe(byte[] wasm, Shape shape) {
        return append(wasm, shape, shape.globalTypes().size(), null, null);
    }

    /**
     * The metered module with its two metering functions (the last two defined: {@code $fuel (param i32)} and
     * {@code $bulk (param i32 i32)}) adding what they charge to a new mutable i64 global, index
     * {@code shape.globalTypes().size()}, observable like the others.
     */
    static byte[] countingFuel(byte[] meteredWasm, Shape shape) {
        int counter = shape.globalTypes().size();
        var fuel = new ByteArrayOutputStream();
        // global.get C  local.get 0  i64.extend_i32_u  i64.add  global.set C
        fuel.write(0x00);
        fuel.write(0x23);
        uleb(fuel, counter);
        fuel.writeBytes(new byte[] {0x20, 0x00, (byte) 0xad, 0x7c, 0x24});
        uleb(fuel, counter);
        fuel.write(0x0b);
        // global.get C  (count as u64) (if (result i64) (kind == BYTES) (then (count + unit - 1) / unit)
        //   (else count * (kind == ELEMENTS ? perElement : perPage)))  i64.add  global.set C
        var bulk = new ByteArrayOutputStream();
        bulk.write(0x00);
        bulk.write(0x23);
        uleb(bulk, counter);
        bulk.writeBytes(new byte[] {0x20, 0x01, 0x41}); // local.get kind  i32.const BULK_BYTES
        sleb(bulk, CostModel.BULK_BYTES);
        bulk.writeBytes(new byte[] {0x46, 0x04, 0x7e}); // i32.eq  if (result i64)
        bulk.writeBytes(new byte[] {0x20, 0x00, (byte) 0xad, 0x42}); // count as u64  i64.const unit - 1
        sleb(bulk, CostModel.BYTES_PER_UNIT - 1);
        bulk.writeBytes(new byte[] {0x7c, 0x42}); // i64.add  i64.const unit
        sleb(bulk, CostModel.BYTES_PER_UNIT);
        bulk.write(0x80); // i64.div_u
        bulk.write(0x05); // else
        bulk.writeBytes(new byte[] {0x20, 0x00, (byte) 0xad, 0x42}); // count as u64  i64.const perElement
        sleb(bulk, CostModel.FUEL_PER_ELEMENT);
        bulk.write(0x42); // i64.const perPage
        sleb(bulk, CostModel.FUEL_PER_PAGE);
        bulk.writeBytes(new byte[] {0x20, 0x01, 0x41}); // local.get kind  i32.const BULK_ELEMENTS
        sleb(bulk, CostModel.BULK_ELEMENTS);
        bulk.writeBytes(new byte[] {0x46, 0x1b, 0x7e}); // i32.eq  select  i64.mul
        bulk.write(0x0b); // end
        bulk.writeBytes(new byte[] {0x7c, 0x24}); // i64.add  global.set C
        uleb(bulk, counter);
        bulk.write(0x0b);
        return append(meteredWasm, shape, counter + 1, fuel.toByteArray(), bulk.toByteArray());
    }

    private static byte[] append(byte[] wasm, Shape shape, int globalCount, byte[] fuelBody, byte[] bulkBody) {
        List<WasmBinary.Section> sections = WasmBinary.sections(wasm);
        // New types: () -> t for each getter result type used, appended after the module's types.
        List<Integer> getterTypes = new ArrayList<>();
        List<Integer> typeOfGetter = new ArrayList<>();
        for (int g = 0; g < globalCount; g++) {
            int t = g < shape.globalTypes().size() ? shape.globalTypes().get(g) : 0x7e;
            int r = t == 0x7d ? 0x7f : t == 0x7c ? 0x7e : t; // floats as integer bits
            int k = getterTypes.indexOf(r);
            if (k < 0) {
                getterTypes.add(r);
                k = getterTypes.size() - 1;
            }
            typeOfGetter.add(shape.types() + k);
        }
        int firstGetter = shape.importedFunctions() + shape.definedFunctions();
        var types = new ByteArrayOutputStream();
        for (int r : getterTypes) {
            types.writeBytes(new byte[] {0x60, 0x00, 0x01, (byte) r});
        }
        var functions = new ByteArrayOutputStream();
        var bodies = new ByteArrayOutputStream();
        var exports = new ByteArrayOutputStream();
        for (int g = 0; g < globalCount; g++) {
            uleb(functions, typeOfGetter.get(g));
            var body = new ByteArrayOutputStream();
            body.write(0x00);
            body.write(0x23);
            uleb(body, g);
            int t = g < shape.globalTypes().size() ? shape.globalTypes().get(g) : 0x7e;
            if (t == 0x7d) {
                body.write(0xbc); // i32.reinterpret_f32
            } else if (t == 0x7c) {
                body.write(0xbd); // i64.reinterpret_f64
            }
            body.write(0x0b);
            uleb(bodies, body.size());
            bodies.writeBytes(body.toByteArray());
            name(exports, globalGetter(g));
            exports.write(0x00);
            uleb(exports, firstGetter + g);
        }
        for (int m = 0; m < shape.memories(); m++) {
            name(exports, memoryExport(m));
            exports.write(0x02);
            uleb(exports, m);
        }
        int addedExports = globalCount + shape.memories();

        var out = new ByteArrayOutputStream(wasm.length + bodies.size() + exports.size() + 256);
        out.write(wasm, 0, 8);
        boolean[] done = new boolean[14];
        for (WasmBinary.Section s : sections) {
            // insert the sections the module lacks before the first one that comes after them
            if (s.id() != 0 && s.id() < ORDER.length) {
                emitMissing(out, done, ORDER[s.id()], types, getterTypes.size(), functions, globalCount, exports, addedExports,
                        bodies, globalCount, fuelBody);
            }
            switch (s.id()) {
                case 1:
                    vector(out, 1, wasm, s, getterTypes.size(), types.toByteArray());
                    done[1] = true;
                    break;
                case 3:
                    vector(out, 3, wasm, s, globalCount, functions.toByteArray());
                    done[3] = true;
                    break;
                case 6:
                    vector(out, 6, wasm, s, fuelBody != null ? 1 : 0, counterGlobal(fuelBody));
                    done[6] = true;
                    break;
                case 7:
                    vector(out, 7, wasm, s, addedExports, exports.toByteArray());
                    done[7] = true;
                    break;
                case 10:
                    code(out, wasm, s, globalCount, bodies.toByteArray(), fuelBody, bulkBody);
                    done[10] = true;
                    break;
                default:
                    out.write(wasm, s.headerStart(), s.end() - s.headerStart());
            }
        }
        emitMissing(out, done, Integer.MAX_VALUE, types, getterTypes.size(), functions, globalCount, exports, addedExports,
                bodies, globalCount, fuelBody);
        return out.toByteArray();
    }

    private static byte[] counterGlobal(byte[] fuelBody) {
        // (global (mut i64) (i64.const 0))
        return fuelBody == null ? new byte[0] : new byte[] {0x7e, 0x01, 0x42, 0x00, 0x0b};
    }

    /** Writes, in order, every section we add that the module lacks and that comes before {@code rank}. */
    private static void emitMissing(ByteArrayOutputStream out, boolean[] done, int rank, ByteArrayOutputStream types,
            int typeCount, ByteArrayOutputStream functions, int functionCount, ByteArrayOutputStream exports, int exportCount,
            ByteArrayOutputStream bodies, int bodyCount, byte[] fuelBody) {
        int[][] ours = {{1, typeCount}, {3, functionCount}, {6, fuelBody != null ? 1 : 0}, {7, exportCount}, {10, bodyCount}};
        for (int[] o : ours) {
            int id = o[0];
            if (done[id] || ORDER[id] >= rank) {
                continue;
            }
            done[id] = true;
            if (o[1] == 0) {
                continue;
            }
            byte[] items = id == 1 ? types.toByteArray() : id == 3 ? functions.toByteArray() : id == 6 ? counterGlobal(fuelBody)
                    : id == 7 ? exports.toByteArray() : bodies.toByteArray();
            var payload = new ByteArrayOutputStream();
            uleb(payload, o[1]);
            payload.writeBytes(items);
            section(out, id, payload.toByteArray());
        }
    }

    private static void vector(ByteArrayOutputStream out, int id, byte[] wasm, WasmBinary.Section s, int added, byte[] items) {
        long count = WasmBinary.count(wasm, s);
        int after = s.start() + ulebSize(wasm, s.start());
        var payload = new ByteArrayOutputStream();
        uleb(payload, count + added);
        payload.write(wasm, after, s.end() - after);
        payload.writeBytes(items);
        section(out, id, payload.toByteArray());
    }

    private static void code(ByteArrayOutputStream out, byte[] wasm, WasmBinary.Section s, int added, byte[] items,
            byte[] fuelBody, byte[] bulkBody) {
        List<WasmBinary.Body> existing = WasmBinary.bodies(wasm, s);
        var payload = new ByteArrayOutputStream();
        uleb(payload, existing.size() + added);
        for (int i = 0; i < existing.size(); i++) {
            WasmBinary.Body b = existing.get(i);
            byte[] replacement = fuelBody == null ? null : i == existing.size() - 2 ? fuelBody : i == existing.size() - 1 ? bulkBody : null;
            if (replacement != null) {
                uleb(payload, replacement.length);
                payload.writeBytes(replacement);
            } else {
                payload.write(wasm, b.start(), b.end() - b.start());
            }
        }
        payload.writeBytes(items);
        section(out, 10, payload.toByteArray());
    }

    private static int ulebSize(byte[] wasm, int pos) {
        int p = pos;
        while ((wasm[p] & 0x80) != 0) {
            p++;
        }
        return p - pos + 1;
    }

    static void section(ByteArrayOutputStream out, int id, byte[] payload) {
        out.write(id);
        uleb(out, payload.length);
        out.writeBytes(payload);
    }

    static void name(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
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
            if ((v == 0 && (b & 0x40) == 0) || (v == -1 && (b & 0x40) != 0)) {
                out.write(b);
                return;
            }
            out.write(b | 0x80);
        }
    }
}
