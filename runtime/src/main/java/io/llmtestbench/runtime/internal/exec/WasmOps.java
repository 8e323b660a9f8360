package io.llmtestbench.runtime.internal.exec;

/**
 * Numeric instructions generated code calls rather than inlines (unsigned 64-bit division, the conversions
 * between floats and integers that need range checks or unsigned arithmetic). Small and static, so C2 inlines
 * them; the common float-to-int conversions and all other arithmetic are inline bytecode.
 */
public final class WasmOps {
    private WasmOps() {}

    private static final float TWO_63_F = 9.223372036854775808E18f;
    private static final double TWO_63_D = 9.223372036854775808E18;
    private static final float TWO_64_F = 1.8446744073709551616E19f;
    private static final double TWO_64_D = 1.8446744073709551616E19;

    /** i64.div_u; division by zero throws {@link ArithmeticException}, as {@code ldiv} does. */
    public static long i64DivU(long a, long b) {
        if (b < 0) {
            return Long.compareUnsigned(a, b) < 0 ? 0 : 1;
        }
        if (a >= 0) {
            return a / b;
        }
        long q = ((a >>> 1) / b) << 1;
        long r = a - q * b;
        return q + (Long.compareUnsigned(r, b) >= 0 ? 1 : 0);
    }

    /** i64.rem_u. */
    public static long i64RemU(long a, long b) {
        if (b < 0) {
            return Long.compareUnsigned(a, b) < 0 ? a : a - b;
        }
        if (a >= 0) {
            return a % b;
        }
        long q = ((a >>> 1) / b) << 1;
        long r = a - q * b;
        return Long.compareUnsigned(r, b) >= 0 ? r - b : r;
    }

    private static RuntimeException badConversion(double x) {
        return x != x ? Traps.invalidConversion() : Traps.integerOverflow();
    }

    /** The trap of a float-to-int conversion of {@code x} that failed its range check: NaN or overflow. */
    public static RuntimeException conversionTrap(double x) {
        return badConversion(x);
    }

    public static int i32TruncF32U(float x) {
        if (!(x > -1.0f && x < 4294967296.0f)) {
            throw badConversion(x);
        }
        return (int) (long) x;
    }

    public static int i32TruncF64U(double x) {
        if (!(x > -1.0 && x < 4294967296.0)) {
            throw badConversion(x);
        }
        return (int) (long) x;
    }

    public static long i64TruncF32S(float x) {
        if (!(x >= -TWO_63_F && x < TWO_63_F)) {
            throw badConversion(x);
        }
        return (long) x;
    }

    public static long i64TruncF64S(double x) {
        if (!(x >= -TWO_63_D && x < TWO_63_D)) {
            throw badConversion(x);
        }
        return (long) x;
    }

    public static long i64TruncF32U(float x) {
        if (!(x > -1.0f && x < TWO_64_F)) {
            throw badConversion(x);
        }
        return x < TWO_63_F ? (long) x : ((long) (x - TWO_63_F)) ^ Long.MIN_VALUE;
    }

    public static long i64TruncF64U(double x) {
        if (!(x > -1.0 && x < TWO_64_D)) {
            throw badConversion(x);
        }
        return x < TWO_63_D ? (long) x : ((long) (x - TWO_63_D)) ^ Long.MIN_VALUE;
    }

    public static int i32TruncSatF32U(float x) {
        if (!(x > 0)) {
            return 0;
        }
        return x >= 4294967296.0f ? -1 : (int) (long) x;
    }

    public static int i32TruncSatF64U(double x) {
        if (!(x > 0)) {
            return 0;
        }
        return x >= 4294967296.0 ? -1 : (int) (long) x;
    }

    public static long i64TruncSatF32U(float x) {
        if (!(x > 0)) {
            return 0;
        }
        if (x >= TWO_64_F) {
            return -1;
        }
        return x < TWO_63_F ? (long) x : ((long) (x - TWO_63_F)) ^ Long.MIN_VALUE;
    }

    public static long i64TruncSatF64U(double x) {
        if (!(x > 0)) {
            return 0;
        }
        if (x >= TWO_64_D) {
            return -1;
        }
        return x < TWO_63_D ? (long) x : ((long) (x - TWO_63_D)) ^ Long.MIN_VALUE;
    }

    /** f32.convert_i64_u, correctly rounded: halve with a sticky bit, convert, double. */
    public static float f32ConvertI64U(long x) {
        if (x >= 0) {
            return (float) x;
        }
        return ((float) ((x >>> 1) | (x & 1))) * 2.0f;
    }

    /** f64.convert_i64_u, correctly rounded. */
    public static double f64ConvertI64U(long x) {
        if (x >= 0) {
            return (double) x;
        }
        return ((double) ((x >>> 1) | (x & 1))) * 2.0;
    }
}
