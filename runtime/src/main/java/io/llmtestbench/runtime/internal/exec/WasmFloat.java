package io.llmtestbench.runtime.internal.exec;

/**
 * Spec-exact replacements for the float helpers of Chicory 1.7.5 that follow {@code java.lang.Math} where
 * WebAssembly differs: a NaN result must be a quiet NaN (Java returns a signalling NaN operand as it is),
 * and {@code abs} must only clear the sign bit (also of a NaN). Generated code calls these instead of
 * Chicory's {@code OpcodeImpl} methods of the same name and signature (see the compiler's
 * {@code RuntimeContract.FLOAT_HELPERS}).
 */
public final class WasmFloat {
    private WasmFloat() {}

    private static float quiet(float x) {
        return Float.intBitsToFloat(Float.floatToRawIntBits(x) | 0x0040_0000);
    }

    private static double quiet(double x) {
        return Double.longBitsToDouble(Double.doubleToRawLongBits(x) | 0x0008_0000_0000_0000L);
    }

    public static float F32_ABS(float x) {
        return Float.intBitsToFloat(Float.floatToRawIntBits(x) & 0x7fff_ffff);
    }

    public static double F64_ABS(double x) {
        return Double.longBitsToDouble(Double.doubleToRawLongBits(x) & 0x7fff_ffff_ffff_ffffL);
    }

    public static float F32_MIN(float a, float b) {
        if (a != a) {
            return quiet(a);
        }
        return b != b ? quiet(b) : Math.min(a, b);
    }

    public static float F32_MAX(float a, float b) {
        if (a != a) {
            return quiet(a);
        }
        return b != b ? quiet(b) : Math.max(a, b);
    }

    public static double F64_MIN(double a, double b) {
        if (a != a) {
            return quiet(a);
        }
        return b != b ? quiet(b) : Math.min(a, b);
    }

    public static double F64_MAX(double a, double b) {
        if (a != a) {
            return quiet(a);
        }
        return b != b ? quiet(b) : Math.max(a, b);
    }

    public static float F32_CEIL(float x) {
        return x != x ? quiet(x) : (float) Math.ceil(x);
    }

    public static float F32_FLOOR(float x) {
        return x != x ? quiet(x) : (float) Math.floor(x);
    }

    public static float F32_TRUNC(float x) {
        if (x != x) {
            return quiet(x);
        }
        return (float) (x < 0 ? Math.ceil(x) : Math.floor(x));
    }

    public static float F32_NEAREST(float x) {
        return x != x ? quiet(x) : (float) Math.rint(x);
    }

    public static float F32_SQRT(float x) {
        return x != x ? quiet(x) : (float) Math.sqrt(x);
    }

    public static double F64_CEIL(double x) {
        return x != x ? quiet(x) : Math.ceil(x);
    }

    public static double F64_FLOOR(double x) {
        return x != x ? quiet(x) : Math.floor(x);
    }

    public static double F64_TRUNC(double x) {
        if (x != x) {
            return quiet(x);
        }
        return x < 0 ? Math.ceil(x) : Math.floor(x);
    }

    public static double F64_NEAREST(double x) {
        return x != x ? quiet(x) : Math.rint(x);
    }

    public static double F64_SQRT(double x) {
        return x != x ? quiet(x) : Math.sqrt(x);
    }
}
