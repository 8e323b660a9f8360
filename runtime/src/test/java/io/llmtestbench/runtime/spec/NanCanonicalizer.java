package io.llmtestbench.runtime.spec;

import io.llmtestbench.compiler.internal.WasmBinary;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a module's float results deterministic where the spec lets them vary, so that engines can be compared bit
 * for bit everywhere else. After every instruction whose NaN result is nondeterministic (arithmetic, {@code sqrt},
 * {@code min}/{@code max}, rounding, {@code demote}/{@code promote}) it inserts
 * {@code local.set $t  local.get $t  fNN.const nan  local.get $t  local.get $t  fNN.eq  select}: a NaN becomes the
 * canonical NaN, any other value passes unchanged. Instructions the spec defines bit for bit on NaNs ({@code abs},
 * {@code neg}, {@code copysign}, reinterpretations, loads and stores) are left alone, so a wrong sign or payload
 * there still shows. The same rewritten module runs in every engine; like binaryen's {@code --denan}, but only where
 * needed and to the canonical NaN instead of 0.
 */
final class NanCanonicalizer {
    private static final byte[] F32_NAN = {0x00, 0x00, (byte) 0xc0, 0x7f};
    private static final byte[] F64_NAN = {0, 0, 0, 0, 0, 0, (byte) 0xf8, 0x7f};

    private NanCanonicalizer() {}

    /** 32 for an f32-producing nondeterministic instruction, 64 for f64, 0 otherwise. */
    static int nondeterministic(int opcode) {
        switch (opcode) {
            case 0x8d: case 0x8e: case 0x8f: case 0x90: case 0x91: // f32.ceil floor trunc nearest sqrt
            case 0x92: case 0x93: case 0x94: case 0x95: case 0x96: case 0x97: // f32.add sub mul div min max
            case 0xb6: // f32.demote_f64
                return 32;
            case 0x9b: case 0x9c: case 0x9d: case 0x9e: case 0x9f: // f64.ceil floor trunc nearest sqrt
            case 0xa0: case 0xa1: case 0xa2: case 0xa3: case 0xa4: case 0xa5: // f64.add sub mul div min max
            case 0xbb: // f64.promote_f32
                return 64;
            default:
                return 0;
        }
    }

    /** The rewritten module; the module itself when it has no such instruction or holds opcodes this cannot walk. */
    static byte[] canonicalize(byte[] wasm) {
        try {
            return rewrite(wasm);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            // encodings this reader does not know, e.g. binaryen 108's pre-standard typed references as block
            // types ((ref 3) as 0x6b 0x03): left as they are, the oracle then compares NaN-ness only where it must
            return wasm;
        }
    }

    private static byte[] rewrite(byte[] wasm) {
        List<WasmBinary.Section> sections = WasmBinary.sections(wasm);
        WasmBinary.Section code = WasmBinary.find(sections, WasmBinary.SECTION_CODE);
        if (code == null) {
            return wasm;
        }
        List<Integer> params;
        try {
            params = paramCounts(wasm, sections);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return wasm; // types this reader does not know (typed references): left as they are
        }
        List<WasmBinary.Body> bodies = WasmBinary.bodies(wasm, code);
        var section = new ByteArrayOutputStream(code.end() - code.start() + 1024);
        ObservedModule.uleb(section, bodies.size());
        boolean changed = false;
        for (WasmBinary.Body b : bodies) {
            List<int[]> sites = new ArrayList<>(); // {position after the instruction, 32|64}
            boolean known = WasmBinary.walk(wasm, b.code(), b.end(), (op, at, imm, next) -> {
                int kind = nondeterministic(op);
                if (kind != 0) {
                    sites.add(new int[] {next, kind});
                }
            });
            if (!known) {
                return wasm;
            }
            if (sites.isEmpty()) {
                section.write(wasm, b.start(), b.end() - b.start());
                continue;
            }
            changed = true;
            int f32 = params.get(b.index()) + (int) b.locals();
            int f64 = f32 + 1;
            var body = new ByteArrayOutputStream(b.size() + sites.size() * 16);
            // local declarations: one more group of f32 and one of f64
            int groupsEnd = b.bodyStart();
            long groups = 0;
            for (int shift = 0; ; shift += 7) {
                int x = wasm[groupsEnd++] & 0xff;
                groups |= (long) (x & 0x7f) << shift;
                if ((x & 0x80) == 0) {
                    break;
                }
            }
            ObservedModule.uleb(body, groups + 2);
            body.write(wasm, groupsEnd, b.code() - groupsEnd);
            body.writeBytes(new byte[] {0x01, 0x7d, 0x01, 0x7c});
            int cursor = b.code();
            for (int[] site : sites) {
                body.write(wasm, cursor, site[0] - cursor);
                cursor = site[0];
                boolean is64 = site[1] == 64;
                int t = is64 ? f64 : f32;
                body.write(0x21);
                ObservedModule.uleb(body, t);
                body.write(0x20);
                ObservedModule.uleb(body, t);
                body.write(is64 ? 0x44 : 0x43);
                body.writeBytes(is64 ? F64_NAN : F32_NAN);
                for (int k = 0; k < 2; k++) {
                    body.write(0x20);
                    ObservedModule.uleb(body, t);
                }
                body.write(is64 ? 0x61 : 0x5b); // fNN.eq: false only for a NaN
                body.write(0x1b); // select
            }
            body.write(wasm, cursor, b.end() - cursor);
            ObservedModule.uleb(section, body.size());
            section.writeBytes(body.toByteArray());
        }
        if (!changed) {
            return wasm;
        }
        var out = new ByteArrayOutputStream(wasm.length + section.size());
        out.write(wasm, 0, 8);
        for (WasmBinary.Section s : sections) {
            if (s == code) {
                ObservedModule.section(out, WasmBinary.SECTION_CODE, section.toByteArray());
            } else {
                out.write(wasm, s.headerStart(), s.end() - s.headerStart());
            }
        }
        return out.toByteArray();
    }

    /** The parameter count of every defined function. */
    private static List<Integer> paramCounts(byte[] wasm, List<WasmBinary.Section> sections) {
        List<Integer> typeParams = new ArrayList<>();
        WasmBinary.Section types = WasmBinary.find(sections, WasmBinary.SECTION_TYPE);
        if (types != null) {
            int[] pos = {types.start()};
            long n = readU32(wasm, pos);
            for (long i = 0; i < n; i++) {
                if ((wasm[pos[0]++] & 0xff) != 0x60) {
                    throw new IllegalArgumentException("not a function type at " + (pos[0] - 1));
                }
                long p = readU32(wasm, pos);
                pos[0] += (int) p; // single-byte value types (no typed references here)
                long r = readU32(wasm, pos);
                pos[0] += (int) r;
                typeParams.add((int) p);
            }
        }
        List<Integer> params = new ArrayList<>();
        WasmBinary.Section functions = WasmBinary.find(sections, WasmBinary.SECTION_FUNCTION);
        if (functions != null) {
            int[] pos = {functions.start()};
            long n = readU32(wasm, pos);
            for (long i = 0; i < n; i++) {
                params.add(typeParams.get((int) readU32(wasm, pos)));
            }
        }
        return params;
    }

    static long readU32(byte[] wasm, int[] pos) {
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            int x = wasm[pos[0]++] & 0xff;
            value |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return value;
            }
        }
    }
}
