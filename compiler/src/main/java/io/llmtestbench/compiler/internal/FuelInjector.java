package io.llmtestbench.compiler.internal;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionBody;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites a validated WebAssembly binary so that it meters itself.
 *
 * <p>Two functions are appended to the module (so no existing index moves): {@code $fuel (param i32)} and
 * {@code $bulk (param i32 i32)}. Every function body is cut into straight-line segments at each branch
 * and branch target; each segment starts with {@code i32.const <cost>; call $fuel}, where cost is the
 * static fuel of the segment's instructions ({@link CostModel}). Instructions whose work depends on an
 * operand (bulk memory and table operations, {@code memory.grow}) are preceded by a copy of that operand
 * and {@code call $bulk}. The bytecode transformer later replaces both calls with direct calls into the
 * runtime's meter, and also rewrites the two functions' own bodies, so that code run by the interpreter
 * fallback is metered the same way.
 *
 * <p>Working on the binary keeps the cost model in wasm terms (deterministic, independent of the JVM
 * translation) and lets any backend compile the result.
 */
public final class FuelInjector {

    /** The injected module and the indices of its two metering functions. */
    public record Result(byte[] wasm, int fuelFunction, int bulkFunction, long staticSegments) {}

    private static final int SECTION_TYPE = 1;
    private static final int SECTION_FUNCTION = 3;
    private static final int SECTION_CODE = 10;

    /** Functions appended to a metered module that defines any: the fuel function and the bulk function. */
    public static final int APPENDED_FUNCTIONS = 2;

    private FuelInjector() {}

    /** Returns null when the module defines no function (nothing to meter). */
    public static Result inject(byte[] wasm, WasmModule module) {
        int definedFunctions = module.functionSection().functionCount();
        if (definedFunctions == 0) {
            return null;
        }
        int importedFunctions = module.importSection().count(ExternalType.FUNCTION);
        int typeCount = module.typeSection().typeCount();
        int fuelFunction = importedFunctions + definedFunctions;
        int bulkFunction = fuelFunction + 1;
        int fuelType = typeCount;
        int bulkType = typeCount + 1;

        var out = new ByteArrayOutputStream(wasm.length + wasm.length / 4 + 64);
        out.write(wasm, 0, 8);
        int pos = 8;
        long segments = 0;
        boolean sawType = false;
        while (pos < wasm.length) {
            int id = wasm[pos] & 0xff;
            Leb128.Read size = Leb128.readUnsigned(wasm, pos + 1);
            int start = size.next();
            int end = start + (int) size.value();
            switch (id) {
                case SECTION_TYPE:
                    sawType = true;
                    writeSection(out, id, appendToVector(wasm, start, end, typeVector()));
                    break;
                case SECTION_FUNCTION:
                    {
                        var extra = new ByteArrayOutputStream();
                        Leb128.writeUnsigned(extra, fuelType);
                        Leb128.writeUnsigned(extra, bulkType);
                        writeSection(out, id, appendToVector(wasm, start, end, new Extra(2, extra.toByteArray())));
                        break;
                    }
                case SECTION_CODE:
                    {
                        var code = rewriteCode(wasm, start, end, module, importedFunctions, fuelFunction, bulkFunction);
                        segments = code.segments;
                        writeSection(out, id, code.bytes);
                        break;
                    }
                default:
                    out.write(wasm, pos, end - pos);
            }
            pos = end;
        }
        if (!sawType) {
            // defined functions always come with a type section; a module without one has no code.
            throw new IllegalStateException("module has functions but no type section");
        }
        return new Result(out.toByteArray(), fuelFunction, bulkFunction, segments);
    }

    private record Extra(int count, byte[] bytes) {}

    private static Extra typeVector() {
        // (func (param i32)) and (func (param i32 i32))
        return new Extra(2, new byte[] {0x60, 0x01, 0x7f, 0x00, 0x60, 0x02, 0x7f, 0x7f, 0x00});
    }

    private static byte[] appendToVector(byte[] wasm, int start, int end, Extra extra) {
        Leb128.Read count = Leb128.readUnsigned(wasm, start);
        var body = new ByteArrayOutputStream();
        Leb128.writeUnsigned(body, count.value() + extra.count());
        body.write(wasm, count.next(), end - count.next());
        body.writeBytes(extra.bytes());
        return body.toByteArray();
    }

    private static void writeSection(ByteArrayOutputStream out, int id, byte[] payload) {
        out.write(id);
        Leb128.writeUnsigned(out, payload.length);
        out.writeBytes(payload);
    }

    private record Code(byte[] bytes, long segments) {}

    private static Code rewriteCode(
            byte[] wasm, int start, int end, WasmModule module, int importedFunctions, int fuelFunction, int bulkFunction) {
        Leb128.Read count = Leb128.readUnsigned(wasm, start);
        int n = (int) count.value();
        var out = new ByteArrayOutputStream(end - start + n * 16);
        Leb128.writeUnsigned(out, n + 2L);
        int pos = count.next();
        long segments = 0;
        for (int i = 0; i < n; i++) {
            Leb128.Read bodySize = Leb128.readUnsigned(wasm, pos);
            int bodyStart = bodySize.next();
            int bodyEnd = bodyStart + (int) bodySize.value();
            FunctionBody body = module.codeSection().getFunctionBody(i);
            int paramCount =
                    module.typeSection()
                            .getType(module.functionSection().getFunctionType(i))
                            .params()
                            .size();
            var rewritten = new BodyRewriter(wasm, bodyStart, bodyEnd, body, paramCount, fuelFunction, bulkFunction);
            byte[] bytes = rewritten.rewrite();
            segments += rewritten.segments;
            Leb128.writeUnsigned(out, bytes.length);
            out.writeBytes(bytes);
            pos = bodyEnd;
        }
        // $fuel and $bulk: empty bodies; the bytecode transformer gives them their real meaning.
        out.writeBytes(new byte[] {0x02, 0x00, 0x0b});
        out.writeBytes(new byte[] {0x02, 0x00, 0x0b});
        return new Code(out.toByteArray(), segments);
    }

    /** Rewrites one function body. */
    private static final class BodyRewriter {
        private final byte[] wasm;
        private final int bodyStart;
        private final int bodyEnd;
        private final FunctionBody body;
        private final int paramCount;
        private final int fuelFunction;
        private final int bulkFunction;
        long segments;

        BodyRewriter(byte[] wasm, int bodyStart, int bodyEnd, FunctionBody body, int paramCount, int fuelFunction, int bulkFunction) {
            this.wasm = wasm;
            this.bodyStart = bodyStart;
            this.bodyEnd = bodyEnd;
            this.body = body;
            this.paramCount = paramCount;
            this.fuelFunction = fuelFunction;
            this.bulkFunction = bulkFunction;
        }

        byte[] rewrite() {
            List<AnnotatedInstruction> ins = body.instructions();
            int firstAddress = firstAddress(ins);
            // An insertion: bytes placed before the byte at `at`.
            List<int[]> charges = new ArrayList<>(); // {at, cost}
            List<int[]> bulks = new ArrayList<>(); // {at, kind}
            CostModel.Plan plan = CostModel.plan(ins);
            for (int k = 0; k < ins.size(); k++) {
                if (plan.charge()[k] > 0) {
                    charges.add(new int[] {ins.get(k).address(), plan.charge()[k]});
                }
                if (plan.bulk()[k] >= 0) {
                    bulks.add(new int[] {ins.get(k).address(), plan.bulk()[k]});
                }
            }
            segments = charges.size();

            int localsTemp = paramCount + body.localTypes().size();
            var out = new ByteArrayOutputStream((bodyEnd - bodyStart) + charges.size() * 8 + bulks.size() * 10 + 8);
            // Locals: copy the declared groups; add one i32 group for the bulk operand copy when needed.
            Leb128.Read groups = Leb128.readUnsigned(wasm, bodyStart);
            if (bulks.isEmpty()) {
                out.write(wasm, bodyStart, firstAddress - bodyStart);
            } else {
                Leb128.writeUnsigned(out, groups.value() + 1);
                out.write(wasm, groups.next(), firstAddress - groups.next());
                out.write(0x01);
                out.write(0x7f);
            }
            // Merge the two sorted insertion lists into the instruction stream. At one address a segment
            // charge comes before a bulk charge: the segment starts there, the bulk op is its first instruction.
            int ci = 0;
            int bi = 0;
            int cursor = firstAddress;
            while (ci < charges.size() || bi < bulks.size()) {
                int at;
                boolean charge;
                if (bi >= bulks.size() || (ci < charges.size() && charges.get(ci)[0] <= bulks.get(bi)[0])) {
                    at = charges.get(ci)[0];
                    charge = true;
                } else {
                    at = bulks.get(bi)[0];
                    charge = false;
                }
                out.write(wasm, cursor, at - cursor);
                cursor = at;
                if (charge) {
                    out.write(0x41); // i32.const
                    Leb128.writeSigned(out, charges.get(ci)[1]);
                    out.write(0x10); // call
                    Leb128.writeUnsigned(out, fuelFunction);
                    ci++;
                } else {
                    out.write(0x22); // local.tee
                    Leb128.writeUnsigned(out, localsTemp);
                    out.write(0x20); // local.get
                    Leb128.writeUnsigned(out, localsTemp);
                    out.write(0x41); // i32.const
                    Leb128.writeSigned(out, bulks.get(bi)[1]);
                    out.write(0x10); // call
                    Leb128.writeUnsigned(out, bulkFunction);
                    bi++;
                }
            }
            out.write(wasm, cursor, bodyEnd - cursor);
            return out.toByteArray();
        }

        private int firstAddress(List<AnnotatedInstruction> ins) {
            for (AnnotatedInstruction i : ins) {
                if (i.address() >= 0) {
                    return i.address();
                }
            }
            throw new IllegalStateException("function body without instructions");
        }
    }
}
