package io.llmtestbench.runtime.internal.load;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.TypeInsnNode;

/**
 * What the code of one class file references, read straight from its bytes (JVM specification chapter 4, the class
 * file format, and chapter 6, the instruction set) for {@link ClassReferenceVerifier}: per method, in file order,
 * every instruction that names a constant-pool entry, each distinct one once per class (a generated class makes tens of
 * thousands of calls to a few hundred members), the types its exception handlers catch, the classes its stack-map
 * frames name, and what generated code never contains (invokedynamic, multianewarray, monitors, method-handle,
 * method-type and dynamic constants, code attributes other than the stack-map table and debug tables).
 *
 * <p>Why not ASM's tree: building an instruction list of a 370 KB class (ASM's {@code ClassReader.readCode}, a 5 KB
 * method the JIT compiles late) and walking it took ~110 ms of a fresh JVM's first load; this reader is one short loop
 * over the code bytes. It walks the instructions the way the JVM does (each starts where the previous one ends, from
 * offset 0, switch padding relative to the code's start), so it sees every instruction the JVM will execute; anything
 * it cannot read is a refusal. The rest of the class (flags, fields, method declarations, class attributes) is still
 * ASM's, read without code.
 */
public final class ClassFileCode {
    /** One method's code: its distinct references (ASM nodes, for the checker's rules) and what may never appear. */
    static final class MethodCode {
        final String name;
        final String desc;
        final List<AbstractInsnNode> references = new ArrayList<>();
        final List<String> catchTypes = new ArrayList<>();
        final List<String> frameTypes = new ArrayList<>();
        /** Reasons to refuse found in the code, in the checker's words. */
        final List<String> forbidden = new ArrayList<>();

        MethodCode(String name, String desc) {
            this.name = name;
            this.desc = desc;
        }
    }

    private static final int UTF8 = 1, INTEGER = 3, FLOAT = 4, LONG = 5, DOUBLE = 6, CLASS = 7, STRING = 8,
            FIELDREF = 9, METHODREF = 10, INTERFACE_METHODREF = 11, NAME_AND_TYPE = 12, METHOD_HANDLE = 15,
            METHOD_TYPE = 16, DYNAMIC = 17, INVOKE_DYNAMIC = 18, MODULE = 19, PACKAGE = 20;

    private final byte[] b;
    private final int[] offsets; // of each constant-pool entry's tag
    private final String[] utf8;
    private final List<MethodCode> methods = new ArrayList<>();
    private final Set<Long> seen = new HashSet<>();
    /** Where the fields start (after the constant pool, flags, names and interfaces). */
    private final int fieldsAt;

    private ClassFileCode(byte[] bytes) {
        this.b = bytes;
        if (u4(0) != 0xCAFEBABE) {
            throw new IllegalArgumentException("not a class file");
        }
        int count = u2(8);
        offsets = new int[count];
        utf8 = new String[count];
        int p = 10;
        for (int i = 1; i < count; i++) {
            offsets[i] = p;
            int tag = u1(p);
            switch (tag) {
                case UTF8: p += 3 + u2(p + 1); break;
                case INTEGER: case FLOAT: case FIELDREF: case METHODREF: case INTERFACE_METHODREF: case NAME_AND_TYPE:
                case DYNAMIC: case INVOKE_DYNAMIC: p += 5; break;
                case LONG: case DOUBLE: p += 9; i++; break;
                case CLASS: case STRING: case METHOD_TYPE: case MODULE: case PACKAGE: p += 3; break;
                case METHOD_HANDLE: p += 4; break;
                default: throw new IllegalArgumentException("constant " + i + " has unknown tag " + tag);
            }
        }
        p += 6; // access, this, super
        p += 2 + 2 * u2(p); // interfaces
        fieldsAt = p;
    }

    /** Every method's code in file order; throws a {@link RuntimeException} when the class file cannot be read. */
    static List<MethodCode> read(byte[] classFile) {
        ClassFileCode c = new ClassFileCode(classFile);
        c.methods(c.skipFields());
        return c.methods;
    }

    /**
     * The string constant ({@code ConstantValue} attribute) of the first field named {@code name}, or null when there
     * is none: how a load reads a class's compiler stamp without ASM (whose classes, compiled for Java 5, the JVM
     * verifies with its slow old verifier and an AppCDS archive cannot hold). Throws a {@link RuntimeException} when
     * the class file cannot be read that far.
     */
    public static String stringConstant(byte[] classFile, String name) {
        ClassFileCode c = new ClassFileCode(classFile);
        String found = null;
        int p = c.fieldsAt;
        int fields = c.u2(p);
        p += 2;
        for (int f = 0; f < fields; f++) {
            boolean named = found == null && c.utf8(c.u2(p + 2)).equals(name);
            int attributes = c.u2(p + 6);
            p += 8;
            for (int a = 0; a < attributes; a++) {
                int length = c.u4(p + 2);
                if (length < 0 || p + 6 + length > classFile.length) {
                    throw new IllegalArgumentException("attribute of field " + f + " is truncated");
                }
                if (named && length == 2 && c.utf8(c.u2(p)).equals("ConstantValue") && c.tag(c.u2(p + 6)) == STRING) {
                    found = c.utf8(c.u2(c.offsets[c.u2(p + 6)] + 1));
                }
                p += 6 + length;
            }
        }
        // the rest of the class file must be there: methods and class attributes, each within the file, to its end
        int methods = c.u2(p);
        p += 2;
        for (int m = 0; m < methods; m++) {
            p = c.skipAttributes(p + 6);
        }
        p = c.skipAttributes(p);
        if (p != classFile.length) {
            throw new IllegalArgumentException("the class file has " + (classFile.length - p) + " bytes past its end");
        }
        return found;
    }

    private int skipFields() {
        int p = fieldsAt;
        int fields = u2(p);
        p += 2;
        for (int f = 0; f < fields; f++) {
            p = skipAttributes(p + 6);
        }
        return p;
    }

    private void methods(int p) {
        int count2 = u2(p);
        p += 2;
        for (int m = 0; m < count2; m++) {
            MethodCode method = new MethodCode(utf8(u2(p + 2)), utf8(u2(p + 4)));
            methods.add(method);
            int attributes = u2(p + 6);
            p += 8;
            boolean hasCode = false;
            for (int a = 0; a < attributes; a++) {
                int length = u4(p + 2);
                if (length < 0 || p + 6 + length > b.length) {
                    throw new IllegalArgumentException("attribute of method " + method.name + " is truncated");
                }
                if (utf8(u2(p)).equals("Code")) {
                    if (hasCode) {
                        throw new IllegalArgumentException("method " + method.name + " has two Code attributes");
                    }
                    hasCode = true;
                    code(method, p + 6, p + 6 + length);
                }
                p += 6 + length;
            }
        }
    }

    private int skipAttributes(int p) {
        int n = u2(p);
        p += 2;
        for (int a = 0; a < n; a++) {
            int length = u4(p + 2);
            if (length < 0 || p + 6 + length > b.length) {
                throw new IllegalArgumentException("attribute is truncated");
            }
            p += 6 + length;
        }
        return p;
    }

    /** One Code attribute's body, from {@code start} (max_stack) to {@code end}. */
    private void code(MethodCode m, int start, int end) {
        int flag = m.name.equals("<init>") ? 1 : m.name.equals("<clinit>") ? 2 : 0;
        int length = u4(start + 4);
        int code = start + 8;
        if (length <= 0 || code + length > end) {
            throw new IllegalArgumentException("code of method " + m.name + " is truncated");
        }
        int limit = code + length;
        int pc = code;
        while (pc < limit) {
            int op = u1(pc);
            int size;
            switch (op) {
                case Opcodes.BIPUSH: case Opcodes.NEWARRAY: case Opcodes.RET:
                case Opcodes.ILOAD: case Opcodes.LLOAD: case Opcodes.FLOAD: case Opcodes.DLOAD: case Opcodes.ALOAD:
                case Opcodes.ISTORE: case Opcodes.LSTORE: case Opcodes.FSTORE: case Opcodes.DSTORE: case Opcodes.ASTORE:
                    size = 2;
                    break;
                case Opcodes.LDC:
                    constant(m, op, u1(pc + 1));
                    size = 2;
                    break;
                case Opcodes.LDC + 1: // ldc_w
                case Opcodes.LDC + 2: // ldc2_w
                    constant(m, op, u2(pc + 1));
                    size = 3;
                    break;
                case Opcodes.SIPUSH: case Opcodes.IINC:
                case Opcodes.IFEQ: case Opcodes.IFNE: case Opcodes.IFLT: case Opcodes.IFGE: case Opcodes.IFGT: case Opcodes.IFLE:
                case Opcodes.IF_ICMPEQ: case Opcodes.IF_ICMPNE: case Opcodes.IF_ICMPLT: case Opcodes.IF_ICMPGE:
                case Opcodes.IF_ICMPGT: case Opcodes.IF_ICMPLE: case Opcodes.IF_ACMPEQ: case Opcodes.IF_ACMPNE:
                case Opcodes.GOTO: case Opcodes.JSR: case Opcodes.IFNULL: case Opcodes.IFNONNULL:
                    size = 3;
                    break;
                case Opcodes.GETSTATIC: case Opcodes.PUTSTATIC: case Opcodes.GETFIELD: case Opcodes.PUTFIELD:
                    member(m, op, u2(pc + 1), op == Opcodes.PUTFIELD || op == Opcodes.PUTSTATIC ? flag : 0);
                    size = 3;
                    break;
                case Opcodes.INVOKEVIRTUAL: case Opcodes.INVOKESPECIAL: case Opcodes.INVOKESTATIC:
                    member(m, op, u2(pc + 1), 0);
                    size = 3;
                    break;
                case Opcodes.INVOKEINTERFACE:
                    member(m, op, u2(pc + 1), 0);
                    size = 5;
                    break;
                case Opcodes.INVOKEDYNAMIC:
                    forbid(m, "uses invokedynamic, which generated code never does");
                    size = 5;
                    break;
                case Opcodes.NEW: case Opcodes.ANEWARRAY: case Opcodes.CHECKCAST: case Opcodes.INSTANCEOF:
                    type(m, op, u2(pc + 1));
                    size = 3;
                    break;
                case Opcodes.MULTIANEWARRAY:
                    forbid(m, "uses multianewarray, which generated code never does");
                    size = 4;
                    break;
                case Opcodes.MONITORENTER: case Opcodes.MONITOREXIT:
                    forbid(m, "uses a monitor, which generated code never does");
                    size = 1;
                    break;
                case 0xc8: case 0xc9: // goto_w, jsr_w
                    size = 5;
                    break;
                case 0xc4: // wide
                    size = u1(pc + 1) == Opcodes.IINC ? 6 : 4;
                    break;
                case Opcodes.TABLESWITCH: {
                    int p = code + ((pc - code + 4) & ~3); // default, low, high: 4-byte aligned from the code's start
                    long entries = (long) u4(p + 8) - u4(p + 4) + 1;
                    if (entries < 0 || p + 12 + entries * 4 > limit) {
                        throw new IllegalArgumentException("tableswitch in method " + m.name + " is malformed");
                    }
                    size = (int) (p + 12 + entries * 4 - pc);
                    break;
                }
                case Opcodes.LOOKUPSWITCH: {
                    int p = code + ((pc - code + 4) & ~3);
                    long pairs = u4(p + 4);
                    if (pairs < 0 || p + 8 + pairs * 8 > limit) {
                        throw new IllegalArgumentException("lookupswitch in method " + m.name + " is malformed");
                    }
                    size = (int) (p + 8 + pairs * 8 - pc);
                    break;
                }
                default:
                    if (op > 0xc9) { // past jsr_w: breakpoint, impdep1/2 and unassigned opcodes
                        throw new IllegalArgumentException("method " + m.name + " has unknown opcode " + op);
                    }
                    size = 1; // every other opcode is one byte
            }
            pc += size;
        }
        if (pc != limit) {
            throw new IllegalArgumentException("the last instruction of method " + m.name + " runs past its code");
        }
        int p = limit;
        int handlers = u2(p);
        p += 2;
        for (int h = 0; h < handlers; h++) {
            int type = u2(p + 6);
            if (type != 0 && seen.add(key(0xff, type, 0))) {
                m.catchTypes.add(className(type));
            }
            p += 8;
        }
        int attributes = u2(p);
        p += 2;
        for (int a = 0; a < attributes; a++) {
            String name = utf8(u2(p));
            int len = u4(p + 2);
            if (len < 0 || p + 6 + len > end) {
                throw new IllegalArgumentException("code attribute of method " + m.name + " is truncated");
            }
            switch (name) {
                case "StackMapTable": frames(m, p + 6, p + 6 + len); break;
                case "LineNumberTable": case "LocalVariableTable": case "LocalVariableTypeTable": break; // debug only
                default: forbid(m, "has annotations or unknown attributes"); // type annotations included
            }
            p += 6 + len;
        }
        if (p != end) {
            throw new IllegalArgumentException("the Code attribute of method " + m.name + " has trailing bytes");
        }
    }

    /** The class names stack-map frames give as verification types (JVMS 4.7.4). */
    private void frames(MethodCode m, int p, int end) {
        int n = u2(p);
        p += 2;
        for (int f = 0; f < n; f++) {
            int type = u1(p++);
            if (type < 64) {
                continue; // same_frame
            } else if (type < 128) {
                p = verificationType(m, p); // same_locals_1_stack_item
            } else if (type < 247) {
                throw new IllegalArgumentException("method " + m.name + " has a stack-map frame of reserved type " + type);
            } else if (type == 247) {
                p = verificationType(m, p + 2);
            } else if (type <= 251) {
                p += 2; // chop, same_frame_extended
            } else if (type <= 254) {
                p += 2;
                for (int i = 0; i < type - 251; i++) {
                    p = verificationType(m, p);
                }
            } else { // full_frame
                p += 2;
                for (int part = 0; part < 2; part++) {
                    int count = u2(p);
                    p += 2;
                    for (int i = 0; i < count; i++) {
                        p = verificationType(m, p);
                    }
                }
            }
            if (p > end) {
                throw new IllegalArgumentException("the stack-map table of method " + m.name + " is truncated");
            }
        }
        if (p != end) {
            throw new IllegalArgumentException("the stack-map table of method " + m.name + " has trailing bytes");
        }
    }

    private int verificationType(MethodCode m, int p) {
        int tag = u1(p);
        if (tag == 7) { // Object_variable_info: a class constant
            int index = u2(p + 1);
            if (seen.add(key(0xfe, index, 0))) {
                m.frameTypes.add(className(index));
            }
            return p + 3;
        }
        if (tag == 8) { // Uninitialized_variable_info: an offset
            return p + 3;
        }
        if (tag > 8) {
            throw new IllegalArgumentException("method " + m.name + " has a stack-map verification type of tag " + tag);
        }
        return p + 1;
    }

    private static long key(int op, int index, int flag) {
        return ((long) op << 32) | ((long) index << 2) | flag;
    }

    private void forbid(MethodCode m, String why) {
        if (!m.forbidden.contains(why)) {
            m.forbidden.add(why);
        }
    }

    private void member(MethodCode m, int op, int index, int flag) {
        if (!seen.add(key(op, index, flag))) {
            return;
        }
        int tag = tag(index);
        boolean field = op <= Opcodes.PUTFIELD;
        if (field ? tag != FIELDREF : tag != METHODREF && tag != INTERFACE_METHODREF) {
            throw new IllegalArgumentException("method " + m.name + " has opcode " + op + " on constant " + index + " of tag " + tag);
        }
        int at = offsets[index];
        String owner = className(u2(at + 1));
        int nat = u2(at + 3);
        if (tag(nat) != NAME_AND_TYPE) {
            throw new IllegalArgumentException("constant " + index + " names no name-and-type");
        }
        String name = utf8(u2(offsets[nat] + 1));
        String desc = utf8(u2(offsets[nat] + 3));
        // two calls, not one of a conditional expression: the JVM's verifier would load both node classes (ASM's, Java 5
        // class files, verified the old slow way) to merge their types whenever this class is linked, for a stamp too
        if (field) {
            m.references.add(new FieldInsnNode(op, owner, name, desc));
        } else {
            m.references.add(new MethodInsnNode(op, owner, name, desc, tag == INTERFACE_METHODREF));
        }
    }

    private void type(MethodCode m, int op, int index) {
        if (seen.add(key(op, index, 0))) {
            m.references.add(new TypeInsnNode(op, className(index)));
        }
    }

    private void constant(MethodCode m, int op, int index) {
        int tag = tag(index);
        switch (tag) {
            case CLASS:
                if (seen.add(key(Opcodes.LDC, index, 0))) {
                    m.references.add(new LdcInsnNode(Type.getObjectType(className(index))));
                }
                break;
            case METHOD_TYPE:
                forbid(m, "loads a method type constant, which generated code never does");
                break;
            case METHOD_HANDLE: case DYNAMIC:
                forbid(m, "loads a method handle or dynamic constant, which generated code never does");
                break;
            case INTEGER: case FLOAT: case LONG: case DOUBLE: case STRING:
                break;
            default:
                throw new IllegalArgumentException("method " + m.name + " loads constant " + index + " of tag " + tag);
        }
    }

    private int tag(int index) {
        if (index <= 0 || index >= offsets.length || offsets[index] == 0) {
            throw new IllegalArgumentException("constant index " + index + " is out of range");
        }
        return u1(offsets[index]);
    }

    private String className(int index) {
        if (tag(index) != CLASS) {
            throw new IllegalArgumentException("constant " + index + " is not a class");
        }
        return utf8(u2(offsets[index] + 1));
    }

    /** A CONSTANT_Utf8 entry, decoded from the JVM's modified UTF-8 (JVMS 4.4.7). */
    private String utf8(int index) {
        if (tag(index) != UTF8) {
            throw new IllegalArgumentException("constant " + index + " is not a string");
        }
        String s = utf8[index];
        if (s != null) {
            return s;
        }
        int p = offsets[index] + 3;
        int end = p + u2(offsets[index] + 1);
        char[] out = new char[end - p];
        int n = 0;
        while (p < end) {
            int c = b[p++] & 0xff;
            if (c < 0x80 && c != 0) {
                out[n++] = (char) c;
            } else if ((c & 0xe0) == 0xc0 && p < end && (b[p] & 0xc0) == 0x80) {
                out[n++] = (char) (((c & 0x1f) << 6) | (b[p++] & 0x3f));
            } else if ((c & 0xf0) == 0xe0 && p + 1 < end && (b[p] & 0xc0) == 0x80 && (b[p + 1] & 0xc0) == 0x80) {
                out[n++] = (char) (((c & 0x0f) << 12) | ((b[p] & 0x3f) << 6) | (b[p + 1] & 0x3f));
                p += 2;
            } else {
                throw new IllegalArgumentException("constant " + index + " is not modified UTF-8");
            }
        }
        s = new String(out, 0, n);
        utf8[index] = s;
        return s;
    }

    private int u1(int p) {
        return b[p] & 0xff;
    }

    private int u2(int p) {
        return ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
    }

    private int u4(int p) {
        return ((b[p] & 0xff) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
    }
}
