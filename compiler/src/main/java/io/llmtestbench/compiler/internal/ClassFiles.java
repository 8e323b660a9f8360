package io.llmtestbench.compiler.internal;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the bytecode length of every method in a class file (ASM does not expose it). */
public final class ClassFiles {
    private ClassFiles() {}

    /** Method name + descriptor to the length of its Code attribute's bytecode. */
    public static Map<String, Integer> codeLengths(byte[] classFile) {
        try (var in = new DataInputStream(new ByteArrayInputStream(classFile))) {
            in.readInt(); // magic
            in.readUnsignedShort();
            in.readUnsignedShort();
            int poolCount = in.readUnsignedShort();
            String[] utf8 = new String[poolCount];
            for (int i = 1; i < poolCount; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1:
                        utf8[i] = in.readUTF();
                        break;
                    case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18:
                        in.skipNBytes(4);
                        break;
                    case 5: case 6:
                        in.skipNBytes(8);
                        i++;
                        break;
                    case 7: case 8: case 16: case 19: case 20:
                        in.skipNBytes(2);
                        break;
                    case 15:
                        in.skipNBytes(3);
                        break;
                    default:
                        throw new IllegalArgumentException("bad constant pool tag " + tag);
                }
            }
            in.skipNBytes(6); // access, this, super
            int interfaces = in.readUnsignedShort();
            in.skipNBytes(2L * interfaces);
            int fields = in.readUnsignedShort();
            for (int f = 0; f < fields; f++) {
                in.skipNBytes(6);
                skipAttributes(in);
            }
            int methods = in.readUnsignedShort();
            Map<String, Integer> result = new LinkedHashMap<>();
            for (int m = 0; m < methods; m++) {
                in.skipNBytes(2);
                String name = utf8[in.readUnsignedShort()];
                String desc = utf8[in.readUnsignedShort()];
                int attributes = in.readUnsignedShort();
                for (int a = 0; a < attributes; a++) {
                    String attrName = utf8[in.readUnsignedShort()];
                    int length = in.readInt();
                    if ("Code".equals(attrName)) {
                        in.skipNBytes(4);
                        int codeLength = in.readInt();
                        result.put(name + desc, codeLength);
                        in.skipNBytes(length - 8L);
                    } else {
                        in.skipNBytes(length);
                    }
                }
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void skipAttributes(DataInputStream in) throws IOException {
        int attributes = in.readUnsignedShort();
        for (int a = 0; a < attributes; a++) {
            in.skipNBytes(2);
            in.skipNBytes(in.readInt());
        }
    }
}
