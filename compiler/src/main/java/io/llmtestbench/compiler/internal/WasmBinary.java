package io.llmtestbench.compiler.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * A minimal reader of the WebAssembly binary format for the passes that must run before Chicory parses a
 * module (compile limits, block-type indices): section boundaries, function bodies with their local
 * declarations, and a walk over instructions that decodes only immediates' lengths. It allocates nothing per
 * instruction. Malformed input ends in {@link IllegalArgumentException}; the caller then leaves the module to
 * Chicory's parser, which reports it properly.
 */
public final class WasmBinary {
    public static final int SECTION_TYPE = 1;
    public static final int SECTION_FUNCTION = 3;
    public static final int SECTION_CODE = 10;

    /** A section: its id, where its header starts, where its payload starts and ends. */
    public record Section(int id, int headerStart, int start, int end) {}

    /**
     * One function body of the code section.
     *
     * @param start offset of the body's size field
     * @param bodyStart offset of the first byte after the size (the local declarations)
     * @param code offset of the first instruction
     * @param end offset just past the body
     * @param locals declared locals (the sum of every group's count; parameters not included)
     */
    public record Body(int index, int start, int bodyStart, int code, int end, long locals) {
        public int size() {
            return end - bodyStart;
        }
    }

    /** Sees one instruction: its opcode ({@code 0xFC00 | sub} etc. for prefixed ones) and where it lies. */
    public interface Visitor {
        void instruction(int opcode, int at, int immediates, int next);
    }

    private WasmBinary() {}

    /** The sections of a module with a valid header, in order. */
    public static List<Section> sections(byte[] wasm) {
        if (!hasHeader(wasm)) {
            throw new IllegalArgumentException("not a WebAssembly binary");
        }
        List<Section> sections = readableSections(wasm);
        int end = sections.isEmpty() ? 8 : sections.get(sections.size() - 1).end();
        if (end < wasm.length) {
            throw new IllegalArgumentException("section " + (wasm[end] & 0xff) + " at offset " + end + " cannot be read or runs past the end");
        }
        return sections;
    }

    private static boolean hasHeader(byte[] wasm) {
        return wasm.length >= 8 && wasm[0] == 0 && wasm[1] == 'a' && wasm[2] == 's' && wasm[3] == 'm';
    }

    /**
     * The module's sections up to the first whose header or size cannot be read (none without a valid header): what
     * the parser, which goes section by section, reads before it meets a broken one.
     */
    public static List<Section> readableSections(byte[] wasm) {
        List<Section> sections = new ArrayList<>();
        if (!hasHeader(wasm)) {
            return sections;
        }
        int pos = 8;
        try {
            while (pos < wasm.length) {
                Leb128.Read size = Leb128.readUnsigned(wasm, pos + 1);
                long end = size.next() + size.value();
                if (end > wasm.length) {
                    break;
                }
                sections.add(new Section(wasm[pos] & 0xff, pos, size.next(), (int) end));
                pos = (int) end;
            }
        } catch (IllegalArgumentException | IndexOutOfBoundsException malformed) {
            // the parser reports it, after the sections before it
        }
        return sections;
    }

    public static Section find(List<Section> sections, int id) {
        for (Section s : sections) {
            if (s.id() == id) {
                return s;
            }
        }
        return null;
    }

    /** The number of entries of a vector section (its leading count). */
    public static long count(byte[] wasm, Section s) {
        return Leb128.readUnsigned(wasm, s.start()).value();
    }

    /**
     * The bodies of the code section, with their local counts read from the declarations. Stops at a count
     * that cannot fit (each body needs at least one byte), so a forged count costs nothing.
     */
    public static List<Body> bodies(byte[] wasm, Section code) {
        Leb128.Read count = Leb128.readUnsigned(wasm, code.start());
        if (count.value() > code.end() - count.next()) {
            throw new IllegalArgumentException("code section count " + count.value() + " larger than the section");
        }
        int n = (int) count.value();
        List<Body> bodies = new ArrayList<>(n);
        int pos = count.next();
        for (int i = 0; i < n; i++) {
            Leb128.Read size = Leb128.readUnsigned(wasm, pos);
            long end = size.next() + size.value();
            if (end > code.end()) {
                throw new IllegalArgumentException("function body " + i + " runs past the code section");
            }
            Leb128.Read groups = Leb128.readUnsigned(wasm, size.next());
            int p = groups.next();
            long locals = 0;
            for (long g = 0; g < groups.value() && p < end; g++) {
                Leb128.Read c = Leb128.readUnsigned(wasm, p);
                locals += c.value();
                p = skipValType(wasm, c.next());
            }
            bodies.add(new Body(i, pos, size.next(), p, (int) end, locals));
            pos = (int) end;
        }
        return bodies;
    }

    /**
     * Walks the instructions in {@code [from, end)}. Returns false, having stopped, at an opcode this reader
     * does not know (SIMD, GC and other proposals the compiler does not take): the caller then leaves the
     * module as it is.
     */
    public static boolean walk(byte[] wasm, int from, int end, Visitor visitor) {
        int pos = from;
        while (pos < end) {
            int at = pos;
            int op = wasm[pos++] & 0xff;
            int imm = pos;
            switch (op) {
                case 0x00: case 0x01: case 0x05: case 0x0A: case 0x0B: case 0x0F: case 0x19: case 0x1A: case 0x1B:
                case 0xD1: case 0xD3: case 0xD5:
                    break;
                case 0x02: case 0x03: case 0x04: case 0x06:
                    pos = skipBlockType(wasm, pos);
                    break;
                case 0x07: case 0x08: case 0x09: case 0x0C: case 0x0D: case 0x10: case 0x12: case 0x14: case 0x15:
                case 0x18: case 0x20: case 0x21: case 0x22: case 0x23: case 0x24: case 0x25: case 0x26: case 0xD2:
                case 0xD4: case 0xD6:
                    pos = skipU32(wasm, pos);
                    break;
                case 0x0E: {
                    Leb128.Read n = Leb128.readUnsigned(wasm, pos);
                    pos = n.next();
                    if (n.value() > end - pos) {
                        throw new IllegalArgumentException("br_table count larger than the body");
                    }
                    for (long i = 0; i <= n.value(); i++) {
                        pos = skipU32(wasm, pos);
                    }
                    break;
                }
                case 0x11: case 0x13:
                    pos = skipU32(wasm, skipU32(wasm, pos));
                    break;
                case 0x1C: {
                    Leb128.Read n = Leb128.readUnsigned(wasm, pos);
                    pos = n.next();
                    for (long i = 0; i < n.value() && pos < end; i++) {
                        pos = skipValType(wasm, pos);
                    }
                    break;
                }
                case 0x1F: {
                    pos = skipBlockType(wasm, pos);
                    Leb128.Read n = Leb128.readUnsigned(wasm, pos);
                    pos = n.next();
                    for (long i = 0; i < n.value() && pos < end; i++) {
                        int kind = wasm[pos++] & 0xff;
                        if (kind == 0x00 || kind == 0x01) {
                            pos = skipU32(wasm, pos); // tag
                        }
                        pos = skipU32(wasm, pos); // label
                    }
                    break;
                }
                case 0x3F: case 0x40:
                    pos = skipU32(wasm, pos);
                    break;
                case 0x41:
                case 0x42:
                    pos = skipSigned(wasm, pos);
                    break;
                case 0x43:
                    pos += 4;
                    break;
                case 0x44:
                    pos += 8;
                    break;
                case 0xD0:
                    pos = skipHeapType(wasm, pos);
                    break;
                case 0xFC: {
                    Leb128.Read sub = Leb128.readUnsigned(wasm, pos);
                    pos = sub.next();
                    op = 0xFC00 | (int) Math.min(sub.value(), 0xff);
                    if (sub.value() <= 7) {
                        break;
                    }
                    switch ((int) sub.value()) {
                        case 8: case 10: case 12: case 14:
                            pos = skipU32(wasm, skipU32(wasm, pos));
                            break;
                        case 9: case 11: case 13: case 15: case 16: case 17:
                            pos = skipU32(wasm, pos);
                            break;
                        default:
                            return false;
                    }
                    break;
                }
                case 0xFE: {
                    Leb128.Read sub = Leb128.readUnsigned(wasm, pos);
                    pos = sub.next();
                    op = 0xFE00 | (int) Math.min(sub.value(), 0xff);
                    if (sub.value() == 3) {
                        pos++; // atomic.fence: one zero byte
                    } else if (sub.value() <= 0x4E) {
                        pos = skipMemarg(wasm, pos);
                    } else {
                        return false;
                    }
                    break;
                }
                default:
                    if (op >= 0x28 && op <= 0x3E) {
                        pos = skipMemarg(wasm, pos);
                    } else if (op >= 0x45 && op <= 0xC4) {
                        break; // numeric instructions without immediates
                    } else {
                        return false;
                    }
            }
            if (pos > end) {
                throw new IllegalArgumentException("instruction at " + at + " runs past the end of its body");
            }
            visitor.instruction(op, at, imm, pos);
        }
        return true;
    }

    /**
     * A block type at {@code pos}: the type index it names, or -1 for an empty or single-value type; the
     * second element is the offset just past it.
     */
    public static long[] blockType(byte[] wasm, int pos) {
        int b = wasm[pos] & 0xff;
        if (b == 0x40) {
            return new long[] {-1, pos + 1};
        }
        if ((b & 0x80) == 0 && (b & 0x40) != 0) {
            return new long[] {-1, skipValType(wasm, pos)}; // a negative one-byte s33: a value type
        }
        long value = 0;
        int shift = 0;
        int p = pos;
        int x;
        do {
            if (p >= wasm.length || shift > 35) {
                throw new IllegalArgumentException("bad block type at " + pos);
            }
            x = wasm[p++] & 0xff;
            value |= (long) (x & 0x7f) << shift;
            shift += 7;
        } while ((x & 0x80) != 0);
        if ((x & 0x40) != 0) {
            throw new IllegalArgumentException("negative block type index at " + pos);
        }
        return new long[] {value, p};
    }

    private static int skipBlockType(byte[] wasm, int pos) {
        return (int) blockType(wasm, pos)[1];
    }

    /** A value type: one byte, or a (nullable) reference to a heap type. */
    static int skipValType(byte[] wasm, int pos) {
        int b = wasm[pos] & 0xff;
        if (b == 0x63 || b == 0x64) {
            return skipHeapType(wasm, pos + 1);
        }
        return pos + 1;
    }

    private static int skipHeapType(byte[] wasm, int pos) {
        return skipSigned(wasm, pos);
    }

    private static int skipMemarg(byte[] wasm, int pos) {
        Leb128.Read flags = Leb128.readUnsigned(wasm, pos);
        int p = flags.next();
        if ((flags.value() & 0x40) != 0) {
            p = skipU32(wasm, p); // memory index (multi-memory)
        }
        return skipU32(wasm, p);
    }

    private static int skipU32(byte[] wasm, int pos) {
        return Leb128.readUnsigned(wasm, pos).next();
    }

    private static int skipSigned(byte[] wasm, int pos) {
        int p = pos;
        for (int i = 0; i < 10; i++) {
            if (p >= wasm.length) {
                throw new IllegalArgumentException("truncated LEB128 at " + pos);
            }
            if ((wasm[p++] & 0x80) == 0) {
                return p;
            }
        }
        throw new IllegalArgumentException("LEB128 too long at " + pos);
    }
}
