package io.llmtestbench.compiler.internal;

import java.util.List;

/**
 * Checks, on a module's raw bytes and before Chicory's parser sees them, that every count and length the parser
 * allocates for fits in the bytes that follow it: names (custom sections, imports, exports, the name section),
 * function types' parameters and results, recursive groups, subtypes' supertypes and structs' fields, element
 * segments' vectors and data segments' bytes. Chicory 1.7.5 allocates an array of the declared size before it
 * reads: a 327-byte module declaring a function type of 2<sup>30</sup> parameters ran a 2 GB host out of heap
 * in {@code Parser.parseFunctionType}, and a name or a data segment declaring 2 GB did the same on a 1 GB one.
 * Every element of a vector takes at least one byte, so a count larger than the bytes left is malformed (the
 * spec's "unexpected end" or "length out of bounds"), and is refused here as the parser would, without the
 * allocation.
 *
 * <p>The walk decodes only the structure of those sections. Where it meets an encoding it does not know (a
 * constant expression with an instruction beyond the extended-constant set, for example) it stops checking that
 * section and leaves the rest to the parser, which refuses what it cannot read.
 */
public final class DeclaredSizes {
    /** What is wrong, and where: the section's name and the offset of the count or length. */
    public record Problem(String section, int offset, String message) {
        /** E.g. {@code in the type section at offset 0xc: a function type's parameters declares ...}. */
        public String describe() {
            return "in the " + section + " section at offset 0x" + Integer.toHexString(offset) + ": " + message;
        }
    }

    private static final String[] NAMES = {"custom", "type", "import", "function", "table", "memory", "global",
        "export", "start", "element", "code", "data", "data count", "tag"};

    private DeclaredSizes() {}

    /** The first count or length that does not fit, or null when all do (or the module is not readable as such). */
    public static Problem check(byte[] wasm) {
        // section by section, as the parser goes: a broken section further on does not spare the ones before it
        for (WasmBinary.Section s : WasmBinary.readableSections(wasm)) {
            Walk w = new Walk(wasm, s);
            try {
                switch (s.id()) {
                    case 0 -> w.custom();
                    case 1 -> w.types();
                    case 2 -> w.imports();
                    case 7 -> w.exports();
                    case 9 -> w.elements();
                    case 11 -> w.data();
                    default -> {
                        // nothing the parser sizes from a count (the code section's are ModuleLimits')
                    }
                }
            } catch (Oversized e) {
                return new Problem(s.id() < NAMES.length ? NAMES[s.id()] : "section " + s.id(), e.at, e.getMessage());
            } catch (Unknown | IllegalArgumentException | IndexOutOfBoundsException e) {
                // an encoding this walk does not decode, or bytes that end early: the parser's verdict
            }
        }
        return null;
    }

    /** A count or length past the end of its section. */
    private static final class Oversized extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int at;

        Oversized(int at, String message) {
            super(message, null, false, false);
            this.at = at;
        }
    }

    /** Something this walk does not decode: stop checking the section. */
    private static final class Unknown extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unknown() {
            super(null, null, false, false);
        }
    }

    private static final class Walk {
        private final byte[] wasm;
        /** Where the section, or the name section's subsection being read, ends. */
        private int end;
        private int pos;

        Walk(byte[] wasm, WasmBinary.Section s) {
            this.wasm = wasm;
            this.pos = s.start();
            this.end = s.end();
        }

        long u32() {
            Leb128.Read r = Leb128.readUnsigned(wasm, pos);
            if (r.next() > end) {
                throw new Unknown();
            }
            pos = r.next();
            return r.value();
        }

        int u8() {
            if (pos >= end) {
                throw new Unknown();
            }
            return wasm[pos++] & 0xff;
        }

        /** A vector's count: each element takes at least a byte, so at most the bytes left. */
        long count(String what) {
            int at = pos;
            long n = u32();
            if (n > end - pos) {
                throw new Oversized(at, what + " declares " + n + " entries, more than the " + (end - pos)
                        + " bytes left in the section");
            }
            return n;
        }

        /** A byte length, and skips the bytes. */
        void bytes(String what) {
            int at = pos;
            long n = u32();
            if (n > end - pos) {
                throw new Oversized(at, what + " of " + n + " bytes, more than the " + (end - pos) + " bytes left in the section");
            }
            pos += (int) n;
        }

        void name() {
            bytes("a name");
        }

        void valType() {
            if (pos >= end) {
                throw new Unknown();
            }
            pos = WasmBinary.skipValType(wasm, pos);
        }

        void limits() {
            int flags = u8();
            if (flags > 0x07) {
                throw new Unknown();
            }
            u32();
            if ((flags & 0x01) != 0) {
                u32();
            }
        }

        /** A constant expression up to its {@code end}; the extended-constant set, as Chicory parses initialisers. */
        void constExpr() {
            while (true) {
                int op = u8();
                switch (op) {
                    case 0x0b -> {
                        return;
                    }
                    case 0x41, 0x42, 0x23, 0xd2 -> skipLeb();
                    case 0xd0 -> skipLeb(); // ref.null heap type (s33)
                    case 0x43 -> pos += 4;
                    case 0x44 -> pos += 8;
                    case 0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e -> {
                        // i32/i64 add, sub, mul
                    }
                    default -> throw new Unknown();
                }
            }
        }

        void skipLeb() {
            for (int i = 0; i < 10; i++) {
                if ((u8() & 0x80) == 0) {
                    return;
                }
            }
            throw new Unknown();
        }

        void custom() {
            int nameAt = pos;
            long len = u32();
            if (len > end - pos) {
                throw new Oversized(nameAt, "the section's name of " + len + " bytes, more than the " + (end - pos)
                        + " bytes left in the section");
            }
            boolean isNames = len == 4 && wasm[pos] == 'n' && wasm[pos + 1] == 'a' && wasm[pos + 2] == 'm' && wasm[pos + 3] == 'e';
            pos += (int) len;
            if (!isNames) {
                return;
            }
            int sectionEnd = end;
            while (pos < sectionEnd) {
                int id = u8();
                int sizeAt = pos;
                long size = u32();
                if (size > sectionEnd - pos) {
                    throw new Oversized(sizeAt, "the name section's subsection " + id + " of " + size
                            + " bytes, more than the " + (sectionEnd - pos) + " bytes left in the section");
                }
                int next = pos + (int) size;
                end = next; // Chicory reads each subsection it knows from a slice of that size
                switch (id) {
                    case 0 -> name();
                    case 1, 5, 6, 7, 8, 9, 11 -> { // name maps: functions, tables, memories, globals, segments, tags
                        for (long i = count("a name map"); i > 0; i--) {
                            u32();
                            name();
                        }
                    }
                    case 2, 3 -> { // indirect name maps: locals, labels
                        for (long i = count("an indirect name map"); i > 0; i--) {
                            u32();
                            for (long k = count("a name map"); k > 0; k--) {
                                u32();
                                name();
                            }
                        }
                    }
                    default -> {
                        // skipped by Chicory
                    }
                }
                end = sectionEnd;
                pos = next;
            }
        }

        void types() {
            for (long i = count("the type section"); i > 0; i--) {
                int form = u8();
                if (form == 0x4e) {
                    for (long k = count("a recursive type group"); k > 0; k--) {
                        subType(u8());
                    }
                } else {
                    subType(form);
                }
            }
        }

        void subType(int form) {
            if (form == 0x50 || form == 0x4f) {
                for (long k = count("a subtype's supertypes"); k > 0; k--) {
                    u32();
                }
                compType(u8());
            } else {
                compType(form);
            }
        }

        void compType(int form) {
            switch (form) {
                case 0x60 -> {
                    for (long k = count("a function type's parameters"); k > 0; k--) {
                        valType();
                    }
                    for (long k = count("a function type's results"); k > 0; k--) {
                        valType();
                    }
                }
                case 0x5f -> {
                    for (long k = count("a struct type's fields"); k > 0; k--) {
                        valType(); // a value type or a packed i8/i16 (one byte)
                        u8();
                    }
                }
                case 0x5e -> {
                    valType();
                    u8();
                }
                default -> throw new Unknown();
            }
        }

        void imports() {
            for (long i = count("the import section"); i > 0; i--) {
                name();
                name();
                switch (u8()) {
                    case 0x00 -> u32();
                    case 0x01 -> {
                        valType();
                        limits();
                    }
                    case 0x02 -> limits();
                    case 0x03 -> {
                        valType();
                        u8();
                    }
                    case 0x04 -> {
                        u8();
                        u32();
                    }
                    default -> throw new Unknown();
                }
            }
        }

        void exports() {
            for (long i = count("the export section"); i > 0; i--) {
                name();
                u8();
                u32();
            }
        }

        void elements() {
            for (long i = count("the element section"); i > 0; i--) {
                long flags = u32();
                if (flags > 7) {
                    throw new Unknown();
                }
                if (flags == 2 || flags == 6) {
                    u32(); // table index
                }
                if ((flags & 0x01) == 0) {
                    constExpr(); // active: the offset
                }
                boolean exprs = (flags & 0x04) != 0;
                if (flags != 0 && flags != 4) {
                    if (exprs) {
                        valType(); // reference type
                    } else {
                        u8(); // element kind
                    }
                }
                long n = count("an element segment");
                for (long k = n; k > 0; k--) {
                    if (exprs) {
                        constExpr();
                    } else {
                        u32();
                    }
                }
            }
        }

        void data() {
            for (long i = count("the data section"); i > 0; i--) {
                long flags = u32();
                if (flags == 2) {
                    u32(); // memory index
                }
                if (flags == 0 || flags == 2) {
                    constExpr();
                } else if (flags != 1) {
                    throw new Unknown();
                }
                bytes("a data segment");
            }
        }
    }
}
