package io.llmtestbench.compiler.internal.gen;

import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.List;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * How wasm values live on the JVM: i32 and references as {@code int} (a reference is a function index, an
 * extern handle, or -1 for null, as in Chicory's runtime), i64 as {@code long}, f32 as {@code float}, f64 as
 * {@code double}. Boxed into a {@code long[]} (host calls, {@code Machine.call}) they are raw bits.
 */
final class JvmTypes {
    private JvmTypes() {}

    /** The null reference. */
    static final int REF_NULL = -1;

    static Type of(ValType t) {
        switch (t.opcode()) {
            case ValType.ID.I64:
                return Type.LONG_TYPE;
            case ValType.ID.F32:
                return Type.FLOAT_TYPE;
            case ValType.ID.F64:
                return Type.DOUBLE_TYPE;
            default:
                return Type.INT_TYPE;
        }
    }

    static boolean isReference(ValType t) {
        switch (t.opcode()) {
            case ValType.ID.I32:
            case ValType.ID.I64:
            case ValType.ID.F32:
            case ValType.ID.F64:
                return false;
            default:
                return true;
        }
    }

    static int size(ValType t) {
        return of(t).getSize();
    }

    static int slots(List<ValType> types) {
        int n = 0;
        for (ValType t : types) {
            n += size(t);
        }
        return n;
    }

    /** The JVM return type of a function type: void, the single result, or {@code long[]} for several. */
    static Type returnType(FunctionType type) {
        List<ValType> r = type.returns();
        if (r.isEmpty()) {
            return Type.VOID_TYPE;
        }
        return r.size() == 1 ? of(r.get(0)) : Type.getType(long[].class);
    }

    /** Most parameter slots passed one by one; a type with more passes them in a {@code long[]}. */
    static final int MAX_PARAM_SLOTS = 250;

    static boolean boxedParams(FunctionType type) {
        return slots(type.params()) > MAX_PARAM_SLOTS;
    }

    /** The descriptor of a wasm function's method: its parameters, then the machine. */
    static String functionDescriptor(FunctionType type, String machineInternalName) {
        StringBuilder d = new StringBuilder("(");
        if (boxedParams(type)) {
            d.append("[J");
        } else {
            for (ValType p : type.params()) {
                d.append(of(p).getDescriptor());
            }
        }
        d.append('L').append(machineInternalName).append(';').append(')');
        return d.append(returnType(type).getDescriptor()).toString();
    }

    static int load(Type t) {
        return t.getOpcode(Opcodes.ILOAD);
    }

    static int store(Type t) {
        return t.getOpcode(Opcodes.ISTORE);
    }
}
