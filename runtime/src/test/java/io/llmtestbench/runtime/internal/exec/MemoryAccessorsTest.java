package io.llmtestbench.runtime.internal.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.commons.CodeSizeEvaluator;

/**
 * The static accessors generated code reads and writes linear memory with ({@code PluginMemory.i32(int address, byte[],
 * int size)}..., and at a static offset {@code PluginMemory.i32Offset(int, byte[], int, int)}...) keep every access
 * below the memory's size and inside the array, in both of their implementations: through {@code Unsafe} after their
 * own index check (the default on Java 17 to 23 on x86-64 and AArch64) and through the little-endian VarHandles
 * ({@code -Dllmtb.memoryAccess=varhandle}, and Java 24 on, where the memory's size is always the array's length). For
 * every width, array lengths around the width, sizes below, at and past the array's length and negative (only a forged
 * caller passes those: the array still bounds the access) and indices around both ends: an access wholly inside reads and writes the little-endian bytes at that index and
 * nothing else; every other index throws {@link IndexOutOfBoundsException} (which the export boundary reports as "out
 * of bounds memory access") and leaves the array as it was.
 */
class MemoryAccessorsTest {

    private static final int[] LENGTHS = {0, 1, 2, 3, 4, 7, 8, 9, 65536};

    @Test
    void theDirectAccessorsAreWhatThisJvmUses() {
        boolean expected = Runtime.version().feature() < 24 && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN
                && List.of("amd64", "x86_64", "aarch64").contains(System.getProperty("os.arch"))
                && !"varhandle".equals(System.getProperty("llmtb.memoryAccess"));
        assertThat(PluginMemory.Direct.ON).isEqualTo(expected);
    }

    /**
     * Every accessor is at most 35 bytes of bytecode ({@code MaxInlineSize} and {@code C1MaxInlineSize}): C2 then
     * inlines it at any call site its budget allows, not only at hot ones, and C1 inlines it too.
     */
    @Test
    void everyAccessorIsSmallEnoughToInlineAtEveryCallSite() throws Exception {
        Map<String, Integer> sizes = new TreeMap<>();
        try (InputStream in = PluginMemory.class.getResourceAsStream("PluginMemory.class")) {
            new ClassReader(in.readAllBytes()).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                        String[] exceptions) {
                    boolean accessor = (access & Opcodes.ACC_PUBLIC) != 0 && (access & Opcodes.ACC_STATIC) != 0
                            && name.matches("[if](8|16|32|64)(Offset)?") && descriptor.startsWith("(I[BI");
                    if (!accessor) {
                        return null;
                    }
                    return new CodeSizeEvaluator(null) {
                        @Override
                        public void visitEnd() {
                            sizes.put(name + descriptor, getMinSize()); // the real size: no jump here needs a wide form
                        }
                    };
                }
            }, 0);
        }
        assertThat(sizes).hasSize(24);
        assertThat(sizes).allSatisfy((method, size) -> assertThat(size).as(method).isLessThanOrEqualTo(35));
    }

    @Test
    void everyAccessorStaysInsideTheArrayInThisJvm() {
        assertThat(check()).isEmpty();
    }

    @Test
    void everyAccessorStaysInsideTheArrayThroughTheVarHandles() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Dllmtb.memoryAccess=varhandle", "-cp",
                System.getProperty("java.class.path"), Child.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out.trim()).isEqualTo("direct=false problems=0");
        assertThat(p.exitValue()).isZero();
    }

    /**
     * The same checks once the JIT has compiled the accessors into a hot caller: a loop runs every width at indices
     * around the end of a small array often enough for C2 (and before it C1) to compile it, so a range check that
     * compiled code dropped or hoisted wrongly would read or write past the end here.
     */
    @Test
    void everyAccessorStaysInsideTheArrayOnceCompiled() {
        byte[] b = pattern(80); // a memory of 64 bytes with 16 bytes of spare capacity, which no access may touch
        byte[] spare = java.util.Arrays.copyOfRange(b, 64, 80);
        int n = 64;
        long sum = 0;
        int refused = 0;
        int rounds = 200_000;
        for (int round = 0; round < rounds; round++) {
            int i = 48 + (round & 15); // 48..63: some accesses fit, the rest pass the end
            try {
                sum += PluginMemory.i64(i, b, n);
            } catch (IndexOutOfBoundsException e) {
                refused++;
            }
            try {
                PluginMemory.i32(i, b, n, round);
            } catch (IndexOutOfBoundsException e) {
                refused++;
            }
            try {
                sum += PluginMemory.i16(i + 1, b, n);
            } catch (IndexOutOfBoundsException e) {
                refused++;
            }
            try {
                sum += PluginMemory.f64Offset(i - 8, b, n, 6) > 0 ? 1 : 2;
            } catch (IndexOutOfBoundsException e) {
                refused++;
            }
            try {
                PluginMemory.i8Offset(i, b, n, 3, (byte) round);
            } catch (IndexOutOfBoundsException e) {
                refused++;
            }
            try {
                PluginMemory.i8(i + 2, b, n, (byte) round);
            } catch (IndexOutOfBoundsException e) {
                refused++;
            }
        }
        // Per 16 rounds (i = 48..63): i64 fits at 48..56 (7 refused), i32 at 48..60 (3), i16 at i + 1 = 49..62 (2),
        // f64 at offset 6 from i - 8 = 40..55 at 40..50 (5), a byte at offset 3 at 48..60 (3), a byte at i + 2 = 50..63
        // (2).
        assertThat(refused).isEqualTo(rounds / 16 * (7 + 3 + 2 + 5 + 3 + 2));
        assertThat(sum).isNotZero();
        assertThat(java.util.Arrays.copyOfRange(b, 64, 80)).isEqualTo(spare);
        assertThat(check()).isEmpty();
    }

    /**
     * Java 24 and later print a warning on the first {@code sun.misc.Unsafe} memory access (JEP 498); there the
     * accessors use the VarHandles and touch no {@code Unsafe} method, so nothing is printed. Runs where such a JDK is
     * installed ({@code -Dllmtb.test.jdk24=<java home>}, else Temurin 25 at its Debian path).
     */
    @Test
    void aJava24JvmUsesTheVarHandlesAndPrintsNoWarning() throws Exception {
        Path home = Path.of(System.getProperty("llmtb.test.jdk24", "/usr/lib/jvm/temurin-25-jdk-amd64"));
        Path java = home.resolve("bin").resolve("java");
        Assumptions.assumeTrue(Files.isExecutable(java), "no Java 24+ JDK at " + home);
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"), Child.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out.trim()).isEqualTo("direct=false problems=0");
        assertThat(p.exitValue()).isZero();
    }

    /** Runs {@link #check()} in a JVM started with other properties, and prints what it found. */
    public static final class Child {
        public static void main(String[] args) {
            List<String> problems = check();
            problems.forEach(System.err::println);
            System.out.println("direct=" + PluginMemory.Direct.ON + " problems=" + problems.size());
        }
    }

    static List<String> check() {
        List<String> problems = new ArrayList<>();
        for (int width : new int[] {1, 2, 4, 8}) {
            for (int length : LENGTHS) {
                for (int n : sizes(length)) {
                    for (int i : new int[] {Integer.MIN_VALUE, -width, -1, 0, 1, n - width - 1, n - width, n - width + 1,
                            n - 1, n, length - width - 1, length - width, length - width + 1, length - 1, length,
                            length + 1, Integer.MAX_VALUE}) {
                        checkOne(problems, width, length, n, i);
                    }
                }
            }
        }
        checkOffsets(problems);
        return problems;
    }

    /**
     * Memory sizes to try with an array of {@code length} bytes: the whole array, less of it (spare capacity after
     * the memory), none, and more than the array or negative (only a forged caller passes those).
     */
    private static int[] sizes(int length) {
        return new int[] {length, Math.max(0, length - 1), Math.max(0, length - 5), length / 2, 0, length + 1,
            length + 8, Integer.MAX_VALUE, -1, Integer.MIN_VALUE};
    }

    /**
     * The bytes an access may touch. Through {@code Unsafe}: below the memory's size and inside the array (a negative
     * size, which only a forged caller passes, read with its sign bit cleared, as the accessors of more than a byte do;
     * a byte's accessor refuses every access with a negative size, so with one a refusal is no problem either).
     * Through the {@code VarHandle}s the memory has no spare capacity, its size is the array's length, and the array
     * is the bound.
     */
    private static long bound(int length, int n) {
        return PluginMemory.Direct.ON ? Math.min(n & Integer.MAX_VALUE, length) : length;
    }

    /** Offsets a generator writes and offsets only a hand-written caller could pass. */
    private static final int[] OFFSETS = {0, 1, 3, 8, 65535, PluginMemory.MAX_OFFSET - 8, PluginMemory.MAX_OFFSET - 1,
        PluginMemory.MAX_OFFSET, Integer.MAX_VALUE - 6, Integer.MAX_VALUE, -1, -8, Integer.MIN_VALUE};

    /**
     * The accessors at a static offset ({@code i32Offset(b, address, offset)}...): the access is the {@code width}
     * bytes at address + offset, computed without overflow (the address is unsigned: a negative int is an address of
     * 2 GiB or more), which must lie wholly in the array; any other access, and any offset outside 0 to
     * {@code MAX_OFFSET - 1}, throws and leaves the array as it was.
     */
    private static void checkOffsets(List<String> problems) {
        for (int width : new int[] {1, 2, 4, 8}) {
            for (int length : LENGTHS) {
                for (int n : new int[] {length, Math.max(0, length - 3), length + 8, Integer.MAX_VALUE}) {
                    for (int o : OFFSETS) {
                        for (long target : new long[] {0, 1, n - width - 1, n - width, n - width + 1, n - 1, n,
                                length - width - 1, length - width, length - width + 1, length - 1, length, length + 1}) {
                            checkOffset(problems, width, length, n, (int) (target - o), o);
                        }
                        for (int i : new int[] {Integer.MIN_VALUE, -width, -1, 0, 1, Integer.MAX_VALUE - 7,
                                Integer.MAX_VALUE}) {
                            checkOffset(problems, width, length, n, i, o);
                        }
                    }
                }
            }
        }
    }

    private static void checkOffset(List<String> problems, int width, int length, int n, int i, int o) {
        long address = Integer.toUnsignedLong(i) + o;
        boolean inside = o >= 0 && o < PluginMemory.MAX_OFFSET && address + width <= bound(length, n);
        for (String kind : new String[] {"int", "float"}) {
            if (kind.equals("float") && width <= 2) {
                continue;
            }
            String what = kind + width * 8 + " at " + Integer.toUnsignedString(i) + " + " + o + " of " + n + " in "
                    + length + ": ";
            byte[] b = pattern(length);
            try {
                long read = readOffset(kind, width, b, n, i, o);
                if (!inside) {
                    problems.add(what + "read outside the array or with an invalid offset");
                } else if (read != expected(b, (int) address, width)) {
                    problems.add(what + "read " + Long.toHexString(read) + ", expected "
                            + Long.toHexString(expected(b, (int) address, width)));
                }
            } catch (IndexOutOfBoundsException e) {
                if (inside && n >= 0) {
                    problems.add(what + "a read inside the array threw " + e);
                }
            }
            byte[] before = b.clone();
            long value = 0x8877665544332211L;
            try {
                writeOffset(kind, width, b, n, i, o, value);
                if (!inside) {
                    problems.add(what + "wrote outside the array or with an invalid offset");
                } else {
                    for (int k = 0; k < length; k++) {
                        byte want = k >= address && k < address + width ? (byte) (value >>> (8 * (k - address))) : before[k];
                        if (b[k] != want) {
                            problems.add(what + "byte " + k + " is " + b[k] + " after the write, expected " + want);
                            break;
                        }
                    }
                }
            } catch (IndexOutOfBoundsException e) {
                if (inside && n >= 0) {
                    problems.add(what + "a write inside the array threw " + e);
                } else if (!java.util.Arrays.equals(b, before)) {
                    problems.add(what + "a refused write changed the array");
                }
            }
        }
    }

    private static long readOffset(String kind, int width, byte[] b, int n, int i, int o) {
        if (kind.equals("float")) {
            return width == 4 ? Float.floatToRawIntBits(PluginMemory.f32Offset(i, b, n, o)) & 0xFFFF_FFFFL
                    : Double.doubleToRawLongBits(PluginMemory.f64Offset(i, b, n, o));
        }
        switch (width) {
            case 1:
                return PluginMemory.i8Offset(i, b, n, o) & 0xFFL;
            case 2:
                return PluginMemory.i16Offset(i, b, n, o) & 0xFFFFL;
            case 4:
                return PluginMemory.i32Offset(i, b, n, o) & 0xFFFF_FFFFL;
            default:
                return PluginMemory.i64Offset(i, b, n, o);
        }
    }

    private static void writeOffset(String kind, int width, byte[] b, int n, int i, int o, long v) {
        if (kind.equals("float")) {
            if (width == 4) {
                PluginMemory.f32Offset(i, b, n, o, Float.intBitsToFloat((int) v));
            } else {
                PluginMemory.f64Offset(i, b, n, o, Double.longBitsToDouble(v));
            }
            return;
        }
        switch (width) {
            case 1:
                PluginMemory.i8Offset(i, b, n, o, (byte) v);
                break;
            case 2:
                PluginMemory.i16Offset(i, b, n, o, (short) v);
                break;
            case 4:
                PluginMemory.i32Offset(i, b, n, o, (int) v);
                break;
            default:
                PluginMemory.i64Offset(i, b, n, o, v);
                break;
        }
    }

    private static void checkOne(List<String> problems, int width, int length, int n, int i) {
        boolean inside = i >= 0 && (long) i + width <= bound(length, n);
        for (String kind : new String[] {"int", "float"}) {
            if (kind.equals("float") && width <= 2) {
                continue;
            }
            String what = kind + width * 8 + " at " + i + " of " + n + " in " + length + ": ";
            byte[] b = pattern(length);
            try {
                long read = read(kind, width, b, n, i);
                if (!inside) {
                    problems.add(what + "read outside the array");
                } else if (read != expected(b, i, width)) {
                    problems.add(what + "read " + Long.toHexString(read) + ", expected " + Long.toHexString(expected(b, i, width)));
                }
            } catch (IndexOutOfBoundsException e) {
                if (inside && n >= 0) {
                    problems.add(what + "a read inside the array threw " + e);
                }
            }
            byte[] before = b.clone();
            long value = 0x8877665544332211L;
            try {
                write(kind, width, b, n, i, value);
                if (!inside) {
                    problems.add(what + "wrote outside the array");
                } else {
                    for (int k = 0; k < length; k++) {
                        byte want = k >= i && k < i + width ? (byte) (value >>> (8 * (k - i))) : before[k];
                        if (b[k] != want) {
                            problems.add(what + "byte " + k + " is " + b[k] + " after the write, expected " + want);
                            break;
                        }
                    }
                }
            } catch (IndexOutOfBoundsException e) {
                if (inside && n >= 0) {
                    problems.add(what + "a write inside the array threw " + e);
                } else if (!java.util.Arrays.equals(b, before)) {
                    problems.add(what + "a refused write changed the array");
                }
            }
        }
    }

    private static long read(String kind, int width, byte[] b, int n, int i) {
        if (kind.equals("float")) {
            return width == 4 ? Float.floatToRawIntBits(PluginMemory.f32(i, b, n)) & 0xFFFF_FFFFL
                    : Double.doubleToRawLongBits(PluginMemory.f64(i, b, n));
        }
        switch (width) {
            case 1:
                return PluginMemory.i8(i, b, n) & 0xFFL;
            case 2:
                return PluginMemory.i16(i, b, n) & 0xFFFFL;
            case 4:
                return PluginMemory.i32(i, b, n) & 0xFFFF_FFFFL;
            default:
                return PluginMemory.i64(i, b, n);
        }
    }

    private static void write(String kind, int width, byte[] b, int n, int i, long v) {
        if (kind.equals("float")) {
            if (width == 4) {
                PluginMemory.f32(i, b, n, Float.intBitsToFloat((int) v));
            } else {
                PluginMemory.f64(i, b, n, Double.longBitsToDouble(v));
            }
            return;
        }
        switch (width) {
            case 1:
                PluginMemory.i8(i, b, n, (byte) v);
                break;
            case 2:
                PluginMemory.i16(i, b, n, (short) v);
                break;
            case 4:
                PluginMemory.i32(i, b, n, (int) v);
                break;
            default:
                PluginMemory.i64(i, b, n, v);
                break;
        }
    }

    private static byte[] pattern(int length) {
        byte[] b = new byte[length];
        for (int k = 0; k < length; k++) {
            b[k] = (byte) (k * 31 + 7);
        }
        return b;
    }

    private static long expected(byte[] b, int i, int width) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        switch (width) {
            case 1:
                return bb.get(i) & 0xFFL;
            case 2:
                return bb.getShort(i) & 0xFFFFL;
            case 4:
                return bb.getInt(i) & 0xFFFF_FFFFL;
            default:
                return bb.getLong(i);
        }
    }
}
