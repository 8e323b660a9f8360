package io.llmtestbench.compiler.internal;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the bytecode length of every method in a class file (ASM does not expose it). A pre-compiled jar's load
 * computes its compilation report with it, in a fresh JVM's bytecode interpreter, over a class of some 350 KB: so it
 * reads the bytes in place and decodes only the constant pool strings it uses (the methods' names, descriptors and
 * attribute names), not all of them (issue #16 point 4).
 */
public final class ClassFiles {
    private ClassFiles() {}

    /** Method name + descriptor to the length of its Code attribute's bytecode. */
    public static Map<String, Integer> codeLengths(byte[] classFile) {
        try {
            return read(classFile);
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new UncheckedIOException(new java.io.EOFException("truncated class file"));
        }
    }

    private static Map<String, Integer> read(byte[] b) {
        int poolCount = u2(b, 8);
        int[] utf8 = new int[poolCount]; // offset of each Utf8 entry's length, 0 for other entries
        int p = 10;
        for (int i = 1; i < poolCount; i++) {
            int tag = b[p] & 0xff;
            switch (tag) {
                case 1:
                    utf8[i] = p + 1;
                    p += 3 + u2(b, p + 1);
                    break;
                case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18:
                    p += 5;
                    break;
                case 5: case 6:
                    p += 9;
                    i++;
                    break;
                case 7: case 8: case 16: case 19: case 20:
                    p += 3;
                    break;
                case 15:
                    p += 4;
                    break;
                default:
                    throw new IllegalArgumentException("bad constant pool tag " + tag);
            }
        }
        p += 6; // access, this, super
        p += 2 + 2 * u2(b, p); // interfaces
        int fields = u2(b, p);
        p += 2;
        for (int f = 0; f < fields; f++) {
            p = skipAttributes(b, p + 6);
        }
        int methods = u2(b, p);
        p += 2;
        Map<String, Integer> result = new LinkedHashMap<>();
        for (int m = 0; m < methods; m++) {
            String name = utf8(b, utf8, u2(b, p + 2));
            String desc = utf8(b, utf8, u2(b, p + 4));
            int attributes = u2(b, p + 6);
            p += 8;
            for (int a = 0; a < attributes; a++) {
                int length = u4(b, p + 2);
                if (isCode(b, utf8, u2(b, p))) {
                    int codeLength = u4(b, p + 10);
                    if (length < 8) {
                        throw new IllegalArgumentException("Code attribute of " + length + " bytes");
                    }
                    result.put(name + desc, codeLength);
                }
                p += 6 + length;
            }
        }
        if (p > b.length) {
            throw new ArrayIndexOutOfBoundsException(p);
        }
        return result;
    }

    private static int skipAttributes(byte[] b, int p) {
        int attributes = u2(b, p);
        p += 2;
        for (int a = 0; a < attributes; a++) {
            p += 6 + u4(b, p + 2);
        }
        return p;
    }

    private static final byte[] CODE = {0, 4, 'C', 'o', 'd', 'e'};

    /** Whether constant {@code index} is the Utf8 "Code" (compared in place). */
    private static boolean isCode(byte[] b, int[] utf8, int index) {
        int at = utf8[index];
        if (at == 0) {
            throw new IllegalArgumentException("constant " + index + " is not a Utf8");
        }
        for (int i = 0; i < CODE.length; i++) {
            if (b[at + i] != CODE[i]) {
                return false;
            }
        }
        return true;
    }

    /** Constant {@code index}, a Utf8 (modified UTF-8; plain ASCII decoded directly). */
    private static String utf8(byte[] b, int[] utf8, int index) {
        int at = utf8[index];
        if (at == 0) {
            throw new IllegalArgumentException("constant " + index + " is not a Utf8");
        }
        int length = u2(b, at);
        if (at + 2 + length > b.length) {
            throw new ArrayIndexOutOfBoundsException(at + 2 + length);
        }
        for (int i = at + 2; i < at + 2 + length; i++) {
            if (b[i] <= 0) { // not ASCII (or a zero byte, which modified UTF-8 never has): the JDK's decoder
                try {
                    return new DataInputStream(new ByteArrayInputStream(b, at, length + 2)).readUTF();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return new String(b, at + 2, length, StandardCharsets.ISO_8859_1);
    }

    private static int u2(byte[] b, int p) {
        return (b[p] & 0xff) << 8 | b[p + 1] & 0xff;
    }

    private static int u4(byte[] b, int p) {
        return (b[p] & 0xff) << 24 | (b[p + 1] & 0xff) << 16 | (b[p + 2] & 0xff) << 8 | b[p + 3] & 0xff;
    }
}
