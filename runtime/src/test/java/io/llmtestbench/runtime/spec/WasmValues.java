package io.llmtestbench.runtime.spec;

import com.dylibso.chicory.wasm.types.Value;
import java.util.List;

/**
 * Spec values to and from Chicory's raw {@code long} representation. wast2json writes i32/i64 as unsigned
 * decimals and floats as the unsigned decimal of their bit pattern, so every conversion is bit-exact.
 */
final class WasmValues {
    private static final int F32_QUIET = 0x7fc00000;
    private static final long F64_QUIET = 0x7ff8000000000000L;

    private WasmValues() {}

    /** The raw argument for a spec value. */
    static long arg(SpecScript.Value v) {
        switch (v.type()) {
            case "i32":
                return (int) Long.parseLong(v.value());
            case "i64":
                return Long.parseUnsignedLong(v.value());
            case "f32":
                return (int) Long.parseLong(v.value());
            case "f64":
                return Long.parseUnsignedLong(v.value());
            case "externref":
            case "funcref":
                if (v.value() == null || v.value().equals("null")) {
                    return Value.REF_NULL_VALUE;
                }
                return Long.parseLong(v.value());
            default:
                throw new UnsupportedOperationException("value type " + v.type() + " is not supported");
        }
    }

    static long[] args(List<SpecScript.Value> values) {
        long[] out = new long[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = arg(values.get(i));
        }
        return out;
    }

    /** Whether a raw result matches the expectation, honouring nan:canonical and nan:arithmetic. */
    static boolean matches(SpecScript.Value expected, long actual) {
        String v = expected.value();
        switch (expected.type()) {
            case "i32":
                return (int) actual == (int) Long.parseLong(v);
            case "i64":
                return actual == Long.parseUnsignedLong(v);
            case "f32":
                {
                    int bits = (int) actual;
                    if (v.equals("nan:canonical")) {
                        return (bits & 0x7fffffff) == F32_QUIET;
                    }
                    if (v.equals("nan:arithmetic")) {
                        return (bits & F32_QUIET) == F32_QUIET;
                    }
                    return bits == (int) Long.parseLong(v);
                }
            case "f64":
                {
                    if (v.equals("nan:canonical")) {
                        return (actual & Long.MAX_VALUE) == F64_QUIET;
                    }
                    if (v.equals("nan:arithmetic")) {
                        return (actual & F64_QUIET) == F64_QUIET;
                    }
                    return actual == Long.parseUnsignedLong(v);
                }
            case "externref":
            case "funcref":
                if (v == null) {
                    return (int) actual != Value.REF_NULL_VALUE; // any non-null reference
                }
                if (v.equals("null")) {
                    return (int) actual == Value.REF_NULL_VALUE;
                }
                return (int) actual == (int) Long.parseLong(v);
            default:
                return false;
        }
    }

    /** A raw result, shown as the expectation's type would read it. */
    static String show(String type, long raw) {
        switch (type) {
            case "i32":
                return "i32:" + (int) raw + " (0x" + Integer.toHexString((int) raw) + ")";
            case "i64":
                return "i64:" + raw + " (0x" + Long.toHexString(raw) + ")";
            case "f32":
                return "f32:" + Float.intBitsToFloat((int) raw) + " (0x" + Integer.toHexString((int) raw) + ")";
            case "f64":
                return "f64:" + Double.longBitsToDouble(raw) + " (0x" + Long.toHexString(raw) + ")";
            default:
                return type + ":" + ((int) raw == Value.REF_NULL_VALUE ? "null" : Long.toString(raw));
        }
    }

    static String show(List<SpecScript.Value> expected, long[] actual) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < actual.length; i++) {
            String type = i < expected.size() ? expected.get(i).type() : "i64";
            b.append(i > 0 ? ", " : "").append(show(type, actual[i]));
        }
        return b.append(']').toString();
    }
}
