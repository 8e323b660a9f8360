package io.llmtestbench.runtime.tamper;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a class file makes the JVM resolve, read straight from its bytes after the JVM specification
 * (chapter 4, the class file format; chapter 6, the instruction set), without ASM and without any code of the
 * runtime's verifier: the fuzzer's outside witness of what a mutant references. A reference is a
 * {@code (use, owner, name, descriptor)} tuple, {@code use} being the instruction's mnemonic ({@code invokestatic},
 * {@code getfield}, {@code new}, {@code ldc} ...) or the position in the class file ({@code extends},
 * {@code implements}, {@code catch}, {@code type} for a type in a field or method descriptor of the class,
 * {@code frame} for a class named by a stack-map frame, {@code throws}); name and descriptor are null for types.
 * Constants that reach arbitrary members (method handles, method types, dynamic constants, {@code invokedynamic})
 * are reported as uses {@code ldc-handle}, {@code ldc-methodtype}, {@code ldc-dynamic} and
 * {@code invokedynamic}.
 */
final class ClassFileScan {
    record Use(String use, String owner, String name, String desc) {
        @Override
        public String toString() {
            return use + " " + owner + (name == null ? "" : "." + name + (desc.startsWith("(") ? "" : ":") + desc);
        }
    }

    final String name;
    final String superName;
    final List<Use> uses = new ArrayList<>();

    private final Object[] pool;
    private final int[] tags;

    private static final int UTF8 = 1, INTEGER = 3, FLOAT = 4, LONG = 5, DOUBLE = 6, CLASS = 7, STRING = 8,
            FIELDREF = 9, METHODREF = 10, INTERFACE_METHODREF = 11, NAME_AND_TYPE = 12, METHOD_HANDLE = 15,
            METHOD_TYPE = 16, DYNAMIC = 17, INVOKE_DYNAMIC = 18, MODULE = 19, PACKAGE = 20;

    private ClassFileScan(byte[] bytes) throws IOException {
        var in = new DataInputStream(new ByteArrayInputStream(bytes));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        pool = new Object[count];
        tags = new int[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            tags[i] = tag;
            switch (tag) {
                case UTF8 -> pool[i] = in.readUTF();
                case INTEGER, FLOAT -> in.readInt();
                case LONG, DOUBLE -> {
                    in.readLong();
                    i++;
                }
                case CLASS, STRING, METHOD_TYPE, MODULE, PACKAGE -> pool[i] = new int[] {in.readUnsignedShort()};
                case FIELDREF, METHODREF, INTERFACE_METHODREF, NAME_AND_TYPE, DYNAMIC, INVOKE_DYNAMIC ->
                        pool[i] = new int[] {in.readUnsignedShort(), in.readUnsignedShort()};
                case METHOD_HANDLE -> pool[i] = new int[] {in.readUnsignedByte(), in.readUnsignedShort()};
                default -> throw new IOException("constant pool tag " + tag);
            }
        }
        in.readUnsignedShort(); // access
        name = className(in.readUnsignedShort());
        int superIndex = in.readUnsignedShort();
        superName = superIndex == 0 ? null : className(superIndex);
        if (superName != null) {
            uses.add(new Use("extends", superName, null, null));
        }
        int interfaces = in.readUnsignedShort();
        for (int i = 0; i < interfaces; i++) {
            uses.add(new Use("implements", className(in.readUnsignedShort()), null, null));
        }
        int fields = in.readUnsignedShort();
        for (int i = 0; i < fields; i++) {
            in.readUnsignedShort();
            in.readUnsignedShort();
            descriptorTypes(utf(in.readUnsignedShort()));
            skipAttributes(in);
        }
        int methods = in.readUnsignedShort();
        for (int i = 0; i < methods; i++) {
            in.readUnsignedShort();
            in.readUnsignedShort();
            descriptorTypes(utf(in.readUnsignedShort()));
            int attributes = in.readUnsignedShort();
            for (int a = 0; a < attributes; a++) {
                String attr = utf(in.readUnsignedShort());
                byte[] body = new byte[in.readInt()];
                in.readFully(body);
                if (attr.equals("Code")) {
                    code(body);
                } else if (attr.equals("Exceptions")) {
                    var e = new DataInputStream(new ByteArrayInputStream(body));
                    int n = e.readUnsignedShort();
                    for (int k = 0; k < n; k++) {
                        uses.add(new Use("throws", className(e.readUnsignedShort()), null, null));
                    }
                }
            }
        }
    }

    static ClassFileScan of(byte[] bytes) {
        try {
            return new ClassFileScan(bytes);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("unreadable class file: " + e, e);
        }
    }

    private String utf(int index) {
        return (String) pool[index];
    }

    private String className(int index) {
        return utf(((int[]) pool[index])[0]);
    }

    private static void skipAttributes(DataInputStream in) throws IOException {
        int n = in.readUnsignedShort();
        for (int i = 0; i < n; i++) {
            in.readUnsignedShort();
            in.skipNBytes(in.readInt() & 0xFFFFFFFFL);
        }
    }

    /** Object types in a field or method descriptor (array element types included), as uses "type". */
    private void descriptorTypes(String desc) {
        for (int i = 0; i < desc.length(); i++) {
            if (desc.charAt(i) == 'L') {
                int end = desc.indexOf(';', i);
                uses.add(new Use("type", desc.substring(i + 1, end), null, null));
                i = end;
            }
        }
    }

    private void member(String mnemonic, int index) {
        int[] ref = (int[]) pool[index];
        int[] nat = (int[]) pool[ref[1]];
        uses.add(new Use(mnemonic, className(ref[0]), utf(nat[0]), utf(nat[1])));
    }

    private void code(byte[] attribute) throws IOException {
        var in = new DataInputStream(new ByteArrayInputStream(attribute));
        in.readUnsignedShort();
        in.readUnsignedShort();
        byte[] code = new byte[in.readInt()];
        in.readFully(code);
        instructions(code);
        int handlers = in.readUnsignedShort();
        for (int i = 0; i < handlers; i++) {
            in.readUnsignedShort();
            in.readUnsignedShort();
            in.readUnsignedShort();
            int type = in.readUnsignedShort();
            if (type != 0) {
                uses.add(new Use("catch", className(type), null, null));
            }
        }
        int attributes = in.readUnsignedShort();
        for (int a = 0; a < attributes; a++) {
            String attr = utf(in.readUnsignedShort());
            byte[] body = new byte[in.readInt()];
            in.readFully(body);
            if (attr.equals("StackMapTable")) {
                stackMap(body);
            }
        }
    }

    private void stackMap(byte[] body) throws IOException {
        var in = new DataInputStream(new ByteArrayInputStream(body));
        int frames = in.readUnsignedShort();
        for (int f = 0; f < frames; f++) {
            int type = in.readUnsignedByte();
            if (type < 64) {
                continue;
            } else if (type < 128) {
                verificationType(in);
            } else if (type == 247) {
                in.readUnsignedShort();
                verificationType(in);
            } else if (type >= 248 && type <= 251) {
                in.readUnsignedShort();
            } else if (type >= 252 && type <= 254) {
                in.readUnsignedShort();
                for (int k = 0; k < type - 251; k++) {
                    verificationType(in);
                }
            } else if (type == 255) {
                in.readUnsignedShort();
                for (int part = 0; part < 2; part++) {
                    int n = in.readUnsignedShort();
                    for (int k = 0; k < n; k++) {
                        verificationType(in);
                    }
                }
            } else {
                throw new IOException("stack map frame type " + type);
            }
        }
    }

    private void verificationType(DataInputStream in) throws IOException {
        int tag = in.readUnsignedByte();
        if (tag == 7) {
            uses.add(new Use("frame", className(in.readUnsignedShort()), null, null));
        } else if (tag == 8) {
            in.readUnsignedShort();
        }
    }

    private static int u2(byte[] c, int at) {
        return (c[at] & 0xFF) << 8 | c[at + 1] & 0xFF;
    }

    private static int s4(byte[] c, int at) {
        return (c[at] & 0xFF) << 24 | (c[at + 1] & 0xFF) << 16 | (c[at + 2] & 0xFF) << 8 | c[at + 3] & 0xFF;
    }

    private void instructions(byte[] c) throws IOException {
        int pc = 0;
        while (pc < c.length) {
            int op = c[pc] & 0xFF;
            switch (op) {
                case 0x12 -> { // ldc
                    constant(c[pc + 1] & 0xFF);
                    pc += 2;
                }
                case 0x13, 0x14 -> { // ldc_w, ldc2_w
                    constant(u2(c, pc + 1));
                    pc += 3;
                }
                case 0xb2 -> { member("getstatic", u2(c, pc + 1)); pc += 3; }
                case 0xb3 -> { member("putstatic", u2(c, pc + 1)); pc += 3; }
                case 0xb4 -> { member("getfield", u2(c, pc + 1)); pc += 3; }
                case 0xb5 -> { member("putfield", u2(c, pc + 1)); pc += 3; }
                case 0xb6 -> { member("invokevirtual", u2(c, pc + 1)); pc += 3; }
                case 0xb7 -> { member("invokespecial", u2(c, pc + 1)); pc += 3; }
                case 0xb8 -> { member("invokestatic", u2(c, pc + 1)); pc += 3; }
                case 0xb9 -> { member("invokeinterface", u2(c, pc + 1)); pc += 5; }
                case 0xba -> {
                    int[] indy = (int[]) pool[u2(c, pc + 1)];
                    int[] nat = (int[]) pool[indy[1]];
                    uses.add(new Use("invokedynamic", "#" + indy[0], utf(nat[0]), utf(nat[1])));
                    pc += 5;
                }
                case 0xbb -> { uses.add(new Use("new", className(u2(c, pc + 1)), null, null)); pc += 3; }
                case 0xbd -> { uses.add(new Use("anewarray", className(u2(c, pc + 1)), null, null)); pc += 3; }
                case 0xc0 -> { uses.add(new Use("checkcast", className(u2(c, pc + 1)), null, null)); pc += 3; }
                case 0xc1 -> { uses.add(new Use("instanceof", className(u2(c, pc + 1)), null, null)); pc += 3; }
                case 0xc5 -> { uses.add(new Use("multianewarray", className(u2(c, pc + 1)), null, null)); pc += 4; }
                case 0xc2, 0xc3 -> { uses.add(new Use(op == 0xc2 ? "monitorenter" : "monitorexit", "-", null, null)); pc += 1; }
                case 0xaa -> { // tableswitch
                    int at = (pc + 4) & ~3;
                    int low = s4(c, at + 4);
                    int high = s4(c, at + 8);
                    pc = at + 12 + (high - low + 1) * 4;
                }
                case 0xab -> { // lookupswitch
                    int at = (pc + 4) & ~3;
                    pc = at + 8 + s4(c, at + 4) * 8;
                }
                case 0xc4 -> pc += (c[pc + 1] & 0xFF) == 0x84 ? 6 : 4; // wide
                default -> pc += length(op);
            }
        }
        if (pc != c.length) {
            throw new IOException("code runs past its end");
        }
    }

    /** Length of the fixed-size instructions not handled above. */
    private static int length(int op) throws IOException {
        if (op <= 0x0f || (op >= 0x1a && op <= 0x35) || (op >= 0x3b && op <= 0x83) || (op >= 0x85 && op <= 0x98)
                || (op >= 0xac && op <= 0xb1) || op == 0xbe || op == 0xbf) {
            return 1;
        }
        if (op == 0x10 || (op >= 0x15 && op <= 0x19) || (op >= 0x36 && op <= 0x3a) || op == 0xa9 || op == 0xbc) {
            return 2;
        }
        if (op == 0x11 || op == 0x84 || (op >= 0x99 && op <= 0xa8) || op == 0xc6 || op == 0xc7) {
            return 3;
        }
        if (op == 0xc8 || op == 0xc9) {
            return 5;
        }
        throw new IOException("opcode 0x" + Integer.toHexString(op));
    }

    private void constant(int index) {
        switch (tags[index]) {
            case CLASS -> uses.add(new Use("ldc", className(index), null, null));
            case METHOD_HANDLE -> {
                int[] h = (int[]) pool[index];
                int[] ref = (int[]) pool[h[1]];
                int[] nat = (int[]) pool[ref[1]];
                uses.add(new Use("ldc-handle", className(ref[0]), utf(nat[0]), utf(nat[1])));
            }
            case METHOD_TYPE -> uses.add(new Use("ldc-methodtype", utf(((int[]) pool[index])[0]), null, null));
            case DYNAMIC -> uses.add(new Use("ldc-dynamic", "#" + ((int[]) pool[index])[0], null, null));
            default -> { } // numbers and strings
        }
    }
}
