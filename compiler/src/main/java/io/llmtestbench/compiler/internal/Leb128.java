package io.llmtestbench.compiler.internal;

import java.io.ByteArrayOutputStream;

/** LEB128 reading and writing over a byte array, as the WebAssembly binary format uses it. */
final class Leb128 {
    private Leb128() {}

    /** A decoded unsigned value and the offset just past it. */
    record Read(long value, int next) {}

    static Read readUnsigned(byte[] bytes, int offset) {
        long result = 0;
        int shift = 0;
        int pos = offset;
        while (true) {
            if (pos >= bytes.length) {
                throw new IllegalArgumentException("truncated LEB128 at offset " + offset);
            }
            int b = bytes[pos++] & 0xff;
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return new Read(result, pos);
            }
            shift += 7;
            if (shift > 35) {
                throw new IllegalArgumentException("LEB128 too long at offset " + offset);
            }
        }
    }

    static void writeUnsigned(ByteArrayOutputStream out, long value) {
        long v = value;
        do {
            int b = (int) (v & 0x7f);
            v >>>= 7;
            if (v != 0) {
                b |= 0x80;
            }
            out.write(b);
        } while (v != 0);
    }

    static void writeSigned(ByteArrayOutputStream out, long value) {
        long v = value;
        boolean more = true;
        while (more) {
            int b = (int) (v & 0x7f);
            v >>= 7;
            if ((v == 0 && (b & 0x40) == 0) || (v == -1 && (b & 0x40) != 0)) {
                more = false;
            } else {
                b |= 0x80;
            }
            out.write(b);
        }
    }
}
