package io.llmtestbench.runtime.internal.exec;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ConstantEvaluators;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.UninstantiableException;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.PassiveDataSegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The linear memory of a plugin instance: one flat {@code byte[]} under a hard page cap, and the memory's
 * {@link #size} (the array may be longer: spare capacity for {@code memory.grow}), with the instance's {@link Budget}
 * attached.
 *
 * <p>Generated code reads {@link #bytes} and {@link #size} into locals and accesses memory through the little-endian
 * static accessors below ({@link #i32(int, byte[], int)}...): each checks that the whole access lies below the size
 * and in the array with {@code Objects.checkIndex} (a range check C2 can hoist out of loops) and then reads or writes
 * through {@code sun.misc.Unsafe} on Java 17 to 23 (x86-64, AArch64), through a little-endian {@link VarHandle}
 * elsewhere (see {@link Direct}). {@code memory.grow} changes the size and may replace the array (never resized in
 * place), so generated code reloads both fields after any call that can grow memory. Host functions, WASI and
 * Chicory's instantiation use the {@link Memory} methods, which see the same bytes and the same size.
 *
 * <p>{@code memory.grow} past the cap returns -1, as the spec says; the cap applies whether or not the
 * module declares a maximum, and can be at most {@link #MAX_PAGES} (a JVM array holds less than 2 GiB).
 * Addresses and lengths are unsigned 32-bit numbers: a range whose end passes the memory's size (computed
 * without overflow) is "out of bounds memory access", checked before anything is read or written.
 */
public final class PluginMemory implements Memory {
    /** The most pages one memory can have: the largest JVM array is just under 2 GiB. */
    public static final int MAX_PAGES = 32767;

    /**
     * Static offsets at or past this (the largest memory's size) never fit: the offset accessors refuse them, and
     * the generator turns such an access into a trap.
     */
    public static final int MAX_OFFSET = MAX_PAGES * PAGE_SIZE;

    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle F32 = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle F64 = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I8 = MethodHandles.arrayElementVarHandle(byte[].class);

    // Generated code's loads and stores. Each takes the address i, then the memory's bytes b and its size n (the fields
    // bytes and size, which generated code keeps in two locals, reloaded together after anything that may grow memory;
    // the address first because generated code has it on the stack already: it pushes b and n after it, no shuffle) and checks that
    // the whole access lies below n and in b: an address past the size, or negative (an unsigned address of 2 GiB or
    // more), throws IndexOutOfBoundsException, which the export boundary turns into "out of bounds memory access".
    // Through Unsafe, b may be longer than n (spare capacity, so growing is not a copy each time): one check against
    // the smaller of the two, so even a caller passing a forged n stays inside the array. Through the
    // VarHandles the memory has no spare capacity (grow allocates exactly there), n is the array's length, and the
    // VarHandle's own check against the array is the bound: a second check against n cost 9.5% geomean on ten kernels
    // on Temurin 25 (memmove +81%; benchmarks/RESULTS.md, "Spare capacity for memory.grow").
    //
    // Each one checks its index with Objects.checkIndex (an intrinsic C2 turns into a range check it can hoist) and
    // then reads or writes through Unsafe, where Direct.ON; else through the VarHandles. Why (RATIONALE.md, "Why do the
    // memory accessors use Unsafe on Java 17 to 23?"): C2 counts every inlined method's bytecode against one budget per
    // compilation (8,000 bytes, the root method's own size included; a @ForceInline JDK method counts 1, an intrinsic
    // nothing), and a VarHandle access inlines about 300 bytes of java.lang.invoke in all; in a large generated method
    // the budget ran out after a few accesses and the rest became calls. Counted as C2 counts, an access through
    // Unsafe costs 44-47 bytes, 64-67 at a static offset, and on Java 24+'s VarHandle path 68-74 and 96-103
    // (benchmarks/RESULTS.md, "A memory access's cost to C2's inlining budget"). Each accessor stays within 35 bytes
    // of bytecode (C1's and C2's size limit for inlining a call site whatever its frequency; MemoryAccessorsTest
    // checks it), the VarHandle path a call away. On the Unsafe path the bound is min(n & MAX_VALUE, b.length) - (size -
    // 1), one range check; the min is one value per memory, which C2 computes once where b and n are invariant. n's sign
    // bit is cleared so that the subtraction cannot wrap for a forged negative n; a byte's accessor, with nothing to
    // subtract, checks against min(n, b.length) (a negative n refuses every index) and stays within 35 bytes.

    public static byte i8(int i, byte[] b, int n) {
        if (!Direct.ON) {
            return b[i];
        }
        return Direct.U.getByte(b, Direct.BASE + Objects.checkIndex(i, Math.min(n, b.length)));
    }

    public static short i16(int i, byte[] b, int n) {
        if (!Direct.ON) {
            return i16Handle(b, i);
        }
        return Direct.U.getShort(b, Direct.offset(b, n, i, 2));
    }

    public static int i32(int i, byte[] b, int n) {
        if (!Direct.ON) {
            return i32Handle(b, i);
        }
        return Direct.U.getInt(b, Direct.offset(b, n, i, 4));
    }

    public static long i64(int i, byte[] b, int n) {
        if (!Direct.ON) {
            return i64Handle(b, i);
        }
        return Direct.U.getLong(b, Direct.offset(b, n, i, 8));
    }

    public static float f32(int i, byte[] b, int n) {
        if (!Direct.ON) {
            return f32Handle(b, i);
        }
        return Direct.U.getFloat(b, Direct.offset(b, n, i, 4));
    }

    public static double f64(int i, byte[] b, int n) {
        if (!Direct.ON) {
            return f64Handle(b, i);
        }
        return Direct.U.getDouble(b, Direct.offset(b, n, i, 8));
    }

    public static void i8(int i, byte[] b, int n, byte v) {
        if (!Direct.ON) {
            b[i] = v;
            return;
        }
        Direct.U.putByte(b, Direct.BASE + Objects.checkIndex(i, Math.min(n, b.length)), v);
    }

    public static void i16(int i, byte[] b, int n, short v) {
        if (!Direct.ON) {
            i16Handle(b, i, v);
            return;
        }
        Direct.U.putShort(b, Direct.offset(b, n, i, 2), v);
    }

    public static void i32(int i, byte[] b, int n, int v) {
        if (!Direct.ON) {
            i32Handle(b, i, v);
            return;
        }
        Direct.U.putInt(b, Direct.offset(b, n, i, 4), v);
    }

    public static void i64(int i, byte[] b, int n, long v) {
        if (!Direct.ON) {
            i64Handle(b, i, v);
            return;
        }
        Direct.U.putLong(b, Direct.offset(b, n, i, 8), v);
    }

    public static void f32(int i, byte[] b, int n, float v) {
        if (!Direct.ON) {
            f32Handle(b, i, v);
            return;
        }
        Direct.U.putFloat(b, Direct.offset(b, n, i, 4), v);
    }

    public static void f64(int i, byte[] b, int n, double v) {
        if (!Direct.ON) {
            f64Handle(b, i, v);
            return;
        }
        Direct.U.putDouble(b, Direct.offset(b, n, i, 8), v);
    }

    // The same loads and stores at a static offset (Direct.offset(b, n, i, o, size) below): the access's first byte is
    // at address i plus offset o, the effective address of wasm (33 bits: i is an unsigned address, so a negative int
    // is one of 2 GiB or more). One check covers the whole access, checkIndex(i, min(n & MAX_VALUE, length) - (o + size
    // - 1)): the index C2 sees is the raw address and the bound is invariant in a loop (a range check it can hoist); a negative i, or an
    // access whose end passes the size, throws IndexOutOfBoundsException. o itself is checked against MAX_OFFSET first
    // (a constant at every call site the generator writes, so C2 folds that check away): a hand-written caller passing
    // a negative or huge offset gets the exception too, never an access outside the array. That is the Unsafe path; on
    // the VarHandle path the accessor checks the address below 2 GiB and the offset (sum below), and the VarHandle the
    // access's end against the array, which is the memory's size there. RATIONALE.md, "Why do the memory accessors take
    // the static offset?".

    public static byte i8Offset(int i, byte[] b, int n, int o) {
        if (!Direct.ON) {
            return i8HandleAt(b, i, o);
        }
        return Direct.U.getByte(b, Direct.offset(b, n, i, o, 1));
    }

    public static short i16Offset(int i, byte[] b, int n, int o) {
        if (!Direct.ON) {
            return i16HandleAt(b, i, o);
        }
        return Direct.U.getShort(b, Direct.offset(b, n, i, o, 2));
    }

    public static int i32Offset(int i, byte[] b, int n, int o) {
        if (!Direct.ON) {
            return i32HandleAt(b, i, o);
        }
        return Direct.U.getInt(b, Direct.offset(b, n, i, o, 4));
    }

    public static long i64Offset(int i, byte[] b, int n, int o) {
        if (!Direct.ON) {
            return i64HandleAt(b, i, o);
        }
        return Direct.U.getLong(b, Direct.offset(b, n, i, o, 8));
    }

    public static float f32Offset(int i, byte[] b, int n, int o) {
        if (!Direct.ON) {
            return f32HandleAt(b, i, o);
        }
        return Direct.U.getFloat(b, Direct.offset(b, n, i, o, 4));
    }

    public static double f64Offset(int i, byte[] b, int n, int o) {
        if (!Direct.ON) {
            return f64HandleAt(b, i, o);
        }
        return Direct.U.getDouble(b, Direct.offset(b, n, i, o, 8));
    }

    public static void i8Offset(int i, byte[] b, int n, int o, byte v) {
        if (!Direct.ON) {
            i8HandleAt(b, i, o, v);
            return;
        }
        Direct.U.putByte(b, Direct.offset(b, n, i, o, 1), v);
    }

    public static void i16Offset(int i, byte[] b, int n, int o, short v) {
        if (!Direct.ON) {
            i16HandleAt(b, i, o, v);
            return;
        }
        Direct.U.putShort(b, Direct.offset(b, n, i, o, 2), v);
    }

    public static void i32Offset(int i, byte[] b, int n, int o, int v) {
        if (!Direct.ON) {
            i32HandleAt(b, i, o, v);
            return;
        }
        Direct.U.putInt(b, Direct.offset(b, n, i, o, 4), v);
    }

    public static void i64Offset(int i, byte[] b, int n, int o, long v) {
        if (!Direct.ON) {
            i64HandleAt(b, i, o, v);
            return;
        }
        Direct.U.putLong(b, Direct.offset(b, n, i, o, 8), v);
    }

    public static void f32Offset(int i, byte[] b, int n, int o, float v) {
        if (!Direct.ON) {
            f32HandleAt(b, i, o, v);
            return;
        }
        Direct.U.putFloat(b, Direct.offset(b, n, i, o, 4), v);
    }

    public static void f64Offset(int i, byte[] b, int n, int o, double v) {
        if (!Direct.ON) {
            f64HandleAt(b, i, o, v);
            return;
        }
        Direct.U.putDouble(b, Direct.offset(b, n, i, o, 8), v);
    }

    private static byte i8HandleAt(byte[] b, int i, int o) {
        return b[sum(i, o)];
    }

    private static void i8HandleAt(byte[] b, int i, int o, byte v) {
        b[sum(i, o)] = v;
    }

    private static short i16HandleAt(byte[] b, int i, int o) {
        return i16Handle(b, sum(i, o));
    }

    private static void i16HandleAt(byte[] b, int i, int o, short v) {
        i16Handle(b, sum(i, o), v);
    }

    private static int i32HandleAt(byte[] b, int i, int o) {
        return i32Handle(b, sum(i, o));
    }

    private static void i32HandleAt(byte[] b, int i, int o, int v) {
        i32Handle(b, sum(i, o), v);
    }

    private static long i64HandleAt(byte[] b, int i, int o) {
        return i64Handle(b, sum(i, o));
    }

    private static void i64HandleAt(byte[] b, int i, int o, long v) {
        i64Handle(b, sum(i, o), v);
    }

    private static float f32HandleAt(byte[] b, int i, int o) {
        return f32Handle(b, sum(i, o));
    }

    private static void f32HandleAt(byte[] b, int i, int o, float v) {
        f32Handle(b, sum(i, o), v);
    }

    private static double f64HandleAt(byte[] b, int i, int o) {
        return f64Handle(b, sum(i, o));
    }

    private static void f64HandleAt(byte[] b, int i, int o, double v) {
        f64Handle(b, sum(i, o), v);
    }

    /**
     * The index in {@code b} of the {@code size} bytes at address {@code i} plus offset {@code o}, for a memory of
     * {@code n} bytes; throws {@link IndexOutOfBoundsException} unless {@code o} is a valid static offset (below
     * {@link #MAX_OFFSET}) and all of the bytes are below {@code n} and inside the array. Both checks are
     * {@code checkIndex} (range checks to C2), and the first one folds away where {@code o} is a constant.
     */
    static int index(byte[] b, int n, int i, int o, int size) {
        return Objects.checkIndex(o, MAX_OFFSET)
                + Objects.checkIndex(i, Math.min(n & Integer.MAX_VALUE, b.length) - (o + (size - 1)));
    }

    /**
     * The index in {@code b} of the access at address {@code i} plus offset {@code o} on the {@code VarHandle} path,
     * where the {@code VarHandle} (or the array access, for a byte) checks the access's end against the array, which is
     * the memory's size on that path (no spare capacity): the int sum is the effective address when {@code i} is
     * non-negative (an unsigned address of 2 GiB or more never fits) and {@code o} a valid static offset; a sum past
     * {@code Integer.MAX_VALUE} wraps to a negative index, which that check refuses. Both checks here are against
     * constants.
     */
    static int sum(int i, int o) {
        return Objects.checkIndex(i, Integer.MAX_VALUE) + Objects.checkIndex(o, MAX_OFFSET);
    }

    private static short i16Handle(byte[] b, int i) {
        return (short) I16.get(b, i);
    }

    private static void i16Handle(byte[] b, int i, short v) {
        I16.set(b, i, v);
    }

    private static int i32Handle(byte[] b, int i) {
        return (int) I32.get(b, i);
    }

    private static void i32Handle(byte[] b, int i, int v) {
        I32.set(b, i, v);
    }

    private static long i64Handle(byte[] b, int i) {
        return (long) I64.get(b, i);
    }

    private static void i64Handle(byte[] b, int i, long v) {
        I64.set(b, i, v);
    }

    private static float f32Handle(byte[] b, int i) {
        return (float) F32.get(b, i);
    }

    private static void f32Handle(byte[] b, int i, float v) {
        F32.set(b, i, v);
    }

    private static double f64Handle(byte[] b, int i) {
        return (double) F64.get(b, i);
    }

    private static void f64Handle(byte[] b, int i, double v) {
        F64.set(b, i, v);
    }

    /**
     * Whether the accessors above go through {@code sun.misc.Unsafe}: on a little-endian x86-64 or AArch64 JVM (both
     * read and write unaligned words) before Java 24 (whose JVMs warn on stderr at the first such access, JEP 498),
     * unless {@code -Dllmtb.memoryAccess=varhandle} says otherwise. Each access checks its whole range in the array
     * first ({@code checkIndex(i, min(n - (size - 1), length - (size - 1)))}: a negative bound, an array shorter than
     * the access, rejects every index), so a read or write never leaves the array, whatever n the caller passes.
     */
    static final class Direct {
        static final boolean ON;
        static final sun.misc.Unsafe U;
        static final long BASE;

        static {
            sun.misc.Unsafe unsafe = null;
            String arch = System.getProperty("os.arch", "");
            boolean wanted = !"varhandle".equals(System.getProperty("llmtb.memoryAccess"))
                    && Runtime.version().feature() < 24
                    && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN
                    && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"));
            if (wanted) {
                try {
                    java.lang.reflect.Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
                    f.setAccessible(true);
                    unsafe = (sun.misc.Unsafe) f.get(null);
                    if (unsafe.arrayIndexScale(byte[].class) != 1) {
                        unsafe = null;
                    }
                } catch (ReflectiveOperationException | RuntimeException e) {
                    unsafe = null; // not available here: the VarHandles serve
                }
            }
            U = unsafe;
            ON = unsafe != null;
            BASE = unsafe == null ? 0 : unsafe.arrayBaseOffset(byte[].class);
        }

        /**
         * The address, for {@code Unsafe}, of the {@code size} bytes at index {@code i} of {@code b}, a memory of
         * {@code n} bytes; throws {@link IndexOutOfBoundsException} unless all of them are below {@code n} and inside
         * the array.
         */
        static long offset(byte[] b, int n, int i, int size) {
            return BASE + Objects.checkIndex(i, Math.min(n & Integer.MAX_VALUE, b.length) - (size - 1));
        }

        /**
         * The address, for {@code Unsafe}, of the {@code size} bytes at address {@code i} plus offset {@code o} of
         * {@code b}, a memory of {@code n} bytes; throws {@link IndexOutOfBoundsException} unless {@code o} is a valid
         * static offset (below {@link #MAX_OFFSET}) and all of the bytes are below {@code n} and inside the array.
         */
        static long offset(byte[] b, int n, int i, int o, int size) {
            return BASE + index(b, n, i, o, size);
        }

        private Direct() {}
    }

    /**
     * The memory's bytes: the first {@link #size} of them are the memory; the rest, if any, spare capacity that
     * {@code memory.grow} uses before it copies (always zero, never readable by wasm). Generated code reads this field.
     */
    public byte[] bytes;

    /**
     * The memory's size in bytes, a whole number of pages, at most {@code bytes.length}: the bound of every access.
     * Generated code reads this field with {@link #bytes}; both change only in {@link #grow}.
     */
    public int size;

    /** How many times {@link #grow} has added pages: past a few, a grow leaves spare capacity (see {@link #grow}). */
    private int grows;

    private final Budget budget;
    private final int capPages;
    private final int maximumPages;
    private final int initialPages;
    private final boolean shared;
    private boolean growRefused;
    /** The instance's data segments (shared with it, so {@code data.drop} shows here); null before initialisation. */
    private DataSegment[] segments;
    /** Waiters of {@code memory.atomic.wait}, by address (shared memories only). */
    private final Map<Integer, WaitQueue> waiters;

    /**
     * @param declared the module's limits
     * @param capPages the most pages this memory may ever have (at most {@link #MAX_PAGES})
     * @throws MemoryCapExceededException if the module's initial size is already above the cap
     */
    public PluginMemory(MemoryLimits declared, int capPages, Budget budget) {
        if (capPages < 0 || capPages > MAX_PAGES) {
            throw new IllegalArgumentException("memory cap of " + capPages + " pages: must be between 0 and " + MAX_PAGES
                    + " (2 GiB - 64 KiB, the largest JVM array)");
        }
        if (declared.initialPages() > capPages) {
            throw new MemoryCapExceededException(declared.initialPages(), capPages);
        }
        this.budget = budget;
        this.capPages = capPages;
        this.initialPages = declared.initialPages();
        this.maximumPages = (int) Math.min(Integer.toUnsignedLong(declared.maximumPages()), capPages);
        this.shared = declared.shared();
        this.bytes = new byte[initialPages * PAGE_SIZE];
        this.size = bytes.length;
        this.waiters = shared ? new HashMap<>() : null;
    }

    public Budget budget() {
        return budget;
    }

    public int capPages() {
        return capPages;
    }

    /** Whether a {@code memory.grow} was refused because of the cap (reset by {@link #clearGrowRefused()}). */
    public boolean growRefused() {
        return growRefused;
    }

    public void clearGrowRefused() {
        growRefused = false;
    }

    // ---- size ---------------------------------------------------------------------------------------------

    @Override
    public int pages() {
        return size >>> 16;
    }

    /**
     * {@code memory.grow}: the old size in pages, or -1 when the new size would pass the module's maximum or
     * the cap (or the JVM cannot allocate it). The new pages are zero. Generated code must reload
     * {@link #bytes} and {@link #size} afterwards.
     *
     * <p>The first {@value #EXACT_GROWS} grows allocate exactly the new size (a plugin that grows once or twice keeps
     * no spare bytes); after that a grow that needs a new array allocates a quarter more than asked, within the
     * maximum, so a program whose allocator grows memory a page at a time copies its memory a bounded number of times
     * per byte rather than once per grow (1,023 grows of one page copied 32 GiB before: 3.5 s, against 47 ms now;
     * benchmarks/RESULTS.md, "Spare capacity for memory.grow"). Only where the accessors go through {@code Unsafe} ({@link Direct#ON}): through the {@code VarHandle}s the
     * array's length is the bound, so there every grow allocates exactly, as before.
     */
    @Override
    public int grow(int delta) {
        int old = pages();
        long wanted = old + Integer.toUnsignedLong(delta);
        if (wanted > maximumPages) {
            if (delta != 0) {
                growRefused = true;
            }
            return -1;
        }
        if (delta != 0) {
            int newSize = (int) wanted * PAGE_SIZE;
            if (newSize > bytes.length) {
                long spare = Direct.ON && grows >= EXACT_GROWS ? wanted / 4 : 0;
                int capacity = (int) Math.min(wanted + spare, maximumPages) * PAGE_SIZE;
                try {
                    bytes = Arrays.copyOf(bytes, capacity);
                } catch (OutOfMemoryError e) {
                    try {
                        bytes = Arrays.copyOf(bytes, newSize);
                    } catch (OutOfMemoryError again) {
                        growRefused = true;
                        return -1;
                    }
                }
            } else if (!shared) {
                // Spare capacity is zero unless code other than the generator's wrote past the size; a shared
                // memory's other threads may already write the new pages once they see the new size, so no fill there.
                Arrays.fill(bytes, size, newSize, (byte) 0);
            }
            size = newSize;
            grows++;
        }
        return old;
    }

    /** Grows that allocate exactly the size asked for, before spare capacity is added (see {@link #grow}). */
    static final int EXACT_GROWS = 4;

    @Override
    public int initialPages() {
        return initialPages;
    }

    @Override
    public int maximumPages() {
        return maximumPages;
    }

    @Override
    public boolean shared() {
        return shared;
    }

    // ---- bounds -------------------------------------------------------------------------------------------

    private static RuntimeException outOfBounds(String what) {
        return new WasmRuntimeException("out of bounds memory access: " + what);
    }

    /** Checks {@code [addr, addr + size)} (both unsigned) against the memory; returns addr. */
    private int check(String what, int addr, int size) {
        if (Integer.toUnsignedLong(addr) + Integer.toUnsignedLong(size) > this.size) {
            throw outOfBounds(what + " of " + Integer.toUnsignedString(size) + " bytes at address "
                    + Integer.toUnsignedString(addr) + " (memory is " + this.size + " bytes)");
        }
        return addr;
    }

    // ---- instantiation and bulk operations ----------------------------------------------------------------

    @Override
    public void initialize(Instance instance, DataSegment[] dataSegments) {
        initialize(instance, dataSegments, 0);
    }

    /**
     * Copies the active segments of this memory (one out of bounds fails the instantiation), then drops them:
     * after instantiation an active segment behaves like a dropped passive one.
     */
    @Override
    public void initialize(Instance instance, DataSegment[] dataSegments, int memoryIndex) {
        segments = dataSegments;
        if (dataSegments == null) {
            return;
        }
        for (int i = 0; i < dataSegments.length; i++) {
            DataSegment s = dataSegments[i];
            if (s instanceof ActiveDataSegment && ((ActiveDataSegment) s).index() == memoryIndex) {
                var segment = (ActiveDataSegment) s;
                int offset = (int) ConstantEvaluators.computeConstantValue(instance, segment.offsetInstructions())[0];
                byte[] data = segment.data();
                if (Integer.toUnsignedLong(offset) + data.length > size) {
                    throw new UninstantiableException("out of bounds memory access: data segment " + i + " of "
                            + data.length + " bytes at address " + Integer.toUnsignedString(offset) + " (memory is "
                            + size + " bytes)");
                }
                System.arraycopy(data, 0, bytes, offset, data.length);
                dataSegments[i] = PassiveDataSegment.EMPTY;
            } else if (!(s instanceof ActiveDataSegment) && !(s instanceof PassiveDataSegment)) {
                throw new ChicoryException("Data segment should be active or passive: " + s);
            }
        }
    }

    /** {@code memory.init}: source and destination ranges checked (unsigned) before anything is written. */
    @Override
    public void initPassiveSegment(int segment, int dest, int offset, int size) {
        byte[] data = segments == null ? new byte[0] : segments[segment].data();
        if (Integer.toUnsignedLong(offset) + Integer.toUnsignedLong(size) > data.length) {
            throw outOfBounds("memory.init of " + Integer.toUnsignedString(size) + " bytes from offset "
                    + Integer.toUnsignedString(offset) + " of data segment " + segment + " (" + data.length + " bytes"
                    + (data.length == 0 ? ", dropped or empty" : "") + ")");
        }
        check("memory.init", dest, size);
        System.arraycopy(data, offset, bytes, dest, size);
    }

    /** {@code data.drop}. */
    @Override
    public void drop(int segment) {
        if (segments != null) {
            segments[segment] = PassiveDataSegment.EMPTY;
        }
    }

    /** {@code memory.fill} as the wasm instruction takes it: destination, byte value, length (unsigned). */
    public void fill(int dest, int value, int size) {
        check("memory.fill", dest, size);
        Arrays.fill(bytes, dest, dest + size, (byte) value);
    }

    /**
     * {@link Memory#fill}: Chicory passes {@code toIndex = fromIndex + size} computed as an {@code int}, so
     * {@code toIndex - fromIndex} is the size again, read here as unsigned.
     */
    @Override
    public void fill(byte value, int fromIndex, int toIndex) {
        fill(fromIndex, value, toIndex - fromIndex);
    }

    /** {@code memory.copy} within this memory; overlapping ranges copy as if through a temporary buffer. */
    @Override
    public void copy(int dest, int src, int size) {
        check("memory.copy", src, size);
        check("memory.copy", dest, size);
        System.arraycopy(bytes, src, bytes, dest, size);
    }

    /** {@code memory.copy} from another memory (multi-memory) into this one. */
    public void copyFrom(PluginMemory source, int dest, int src, int size) {
        source.check("memory.copy", src, size);
        check("memory.copy", dest, size);
        System.arraycopy(source.bytes, src, bytes, dest, size);
    }

    @Override
    public void zero() {
        Arrays.fill(bytes, (byte) 0);
    }

    // ---- host access --------------------------------------------------------------------------------------

    @Override
    public void write(int addr, byte[] data) {
        write(addr, data, 0, data.length);
    }

    @Override
    public void write(int addr, byte[] data, int offset, int size) {
        java.util.Objects.checkFromIndexSize(offset, size, data.length);
        check("write", addr, size);
        System.arraycopy(data, offset, bytes, addr, size);
    }

    @Override
    public byte read(int addr) {
        return bytes[check("read", addr, 1)];
    }

    @Override
    public byte[] readBytes(int addr, int len) {
        check("read", addr, len);
        return Arrays.copyOfRange(bytes, addr, addr + len);
    }

    @Override
    public void writeI32(int addr, int data) {
        I32.set(bytes, check("write", addr, 4), data);
    }

    @Override
    public int readInt(int addr) {
        return (int) I32.get(bytes, check("read", addr, 4));
    }

    @Override
    public long readI32(int addr) {
        return readInt(addr);
    }

    @Override
    public long readU32(int addr) {
        return Integer.toUnsignedLong(readInt(addr));
    }

    @Override
    public void writeLong(int addr, long data) {
        I64.set(bytes, check("write", addr, 8), data);
    }

    @Override
    public long readLong(int addr) {
        return (long) I64.get(bytes, check("read", addr, 8));
    }

    @Override
    public long readI64(int addr) {
        return readLong(addr);
    }

    @Override
    public void writeShort(int addr, short data) {
        I16.set(bytes, check("write", addr, 2), data);
    }

    @Override
    public short readShort(int addr) {
        return (short) I16.get(bytes, check("read", addr, 2));
    }

    @Override
    public long readI16(int addr) {
        return readShort(addr);
    }

    @Override
    public long readU16(int addr) {
        return readShort(addr) & 0xFFFFL;
    }

    @Override
    public void writeByte(int addr, byte data) {
        bytes[check("write", addr, 1)] = data;
    }

    @Override
    public long readU8(int addr) {
        return read(addr) & 0xFFL;
    }

    @Override
    public long readI8(int addr) {
        return read(addr);
    }

    @Override
    public void writeF32(int addr, float data) {
        writeI32(addr, Float.floatToRawIntBits(data));
    }

    @Override
    public long readF32(int addr) {
        return readInt(addr);
    }

    @Override
    public float readFloat(int addr) {
        return Float.intBitsToFloat(readInt(addr));
    }

    @Override
    public void writeF64(int addr, double data) {
        writeLong(addr, Double.doubleToRawLongBits(data));
    }

    @Override
    public double readDouble(int addr) {
        return Double.longBitsToDouble(readLong(addr));
    }

    @Override
    public long readF64(int addr) {
        return readLong(addr);
    }

    @Override
    public void writeString(int offset, String data, Charset charset) {
        write(offset, data.getBytes(charset));
    }

    @Override
    public void writeString(int offset, String data) {
        writeString(offset, data, StandardCharsets.UTF_8);
    }

    @Override
    public String readString(int addr, int len) {
        return readString(addr, len, StandardCharsets.UTF_8);
    }

    @Override
    public String readString(int addr, int len, Charset charset) {
        check("read", addr, len);
        return new String(bytes, addr, len, charset);
    }

    @Override
    public void writeCString(int offset, String str) {
        writeCString(offset, str, StandardCharsets.UTF_8);
    }

    @Override
    public void writeCString(int offset, String str, Charset charset) {
        writeString(offset, str + '\0', charset);
    }

    @Override
    public String readCString(int addr, Charset charset) {
        int c = addr;
        while (read(c) != 0) {
            c++;
        }
        return readString(addr, c - addr, charset);
    }

    @Override
    public String readCString(int addr) {
        return readCString(addr, StandardCharsets.UTF_8);
    }

    // ---- atomics (threads proposal) -----------------------------------------------------------------------

    private int atomicAddress(int addr, int size) {
        check("atomic access", addr, size);
        if ((addr & (size - 1)) != 0) {
            throw new WasmRuntimeException("unaligned atomic");
        }
        return addr;
    }

    @Override
    public void atomicFence() {
        VarHandle.fullFence();
    }

    @Override
    public byte atomicReadByte(int addr) {
        return (byte) I8.getVolatile(bytes, atomicAddress(addr, 1));
    }

    @Override
    public short atomicReadShort(int addr) {
        return (short) I16.getVolatile(bytes, atomicAddress(addr, 2));
    }

    @Override
    public int atomicReadInt(int addr) {
        return (int) I32.getVolatile(bytes, atomicAddress(addr, 4));
    }

    @Override
    public long atomicReadLong(int addr) {
        return (long) I64.getVolatile(bytes, atomicAddress(addr, 8));
    }

    @Override
    public void atomicWriteByte(int addr, byte value) {
        I8.setVolatile(bytes, atomicAddress(addr, 1), value);
    }

    @Override
    public void atomicWriteShort(int addr, short value) {
        I16.setVolatile(bytes, atomicAddress(addr, 2), value);
    }

    @Override
    public void atomicWriteInt(int addr, int value) {
        I32.setVolatile(bytes, atomicAddress(addr, 4), value);
    }

    @Override
    public void atomicWriteLong(int addr, long value) {
        I64.setVolatile(bytes, atomicAddress(addr, 8), value);
    }

    /** The read-modify-write operations of the threads proposal, by operator. */
    public enum Rmw { ADD, SUB, AND, OR, XOR, XCHG }

    /**
     * An atomic read-modify-write of {@code size} bytes (1, 2, 4 or 8) at an aligned address: returns the old
     * value zero-extended. Narrow accesses work on the whole aligned int or long that contains them.
     */
    public long atomicRmw(int addr, int size, Rmw op, long operand) {
        atomicAddress(addr, size);
        byte[] b = bytes;
        if (size == 8) {
            while (true) {
                long old = (long) I64.getVolatile(b, addr);
                if (I64.compareAndSet(b, addr, old, apply(op, old, operand))) {
                    return old;
                }
            }
        }
        if (size == 4) {
            while (true) {
                int old = (int) I32.getVolatile(b, addr);
                if (I32.compareAndSet(b, addr, old, (int) apply(op, old, operand))) {
                    return Integer.toUnsignedLong(old);
                }
            }
        }
        int aligned = addr & ~3;
        int shift = (addr & 3) * 8;
        long mask = size == 1 ? 0xFFL : 0xFFFFL;
        while (true) {
            int word = (int) I32.getVolatile(b, aligned);
            long old = (word >>> shift) & mask;
            long updated = apply(op, old, operand) & mask;
            int next = (int) ((word & ~(mask << shift)) | (updated << shift));
            if (I32.compareAndSet(b, aligned, word, next)) {
                return old;
            }
        }
    }

    private static long apply(Rmw op, long old, long operand) {
        switch (op) {
            case ADD: return old + operand;
            case SUB: return old - operand;
            case AND: return old & operand;
            case OR: return old | operand;
            case XOR: return old ^ operand;
            default: return operand;
        }
    }

    /**
     * An atomic compare-and-exchange of {@code size} bytes at an aligned address: compares the zero-extended
     * old value with {@code expected} truncated to the width; returns the old value zero-extended.
     */
    public long atomicCmpxchg(int addr, int size, long expected, long replacement) {
        atomicAddress(addr, size);
        byte[] b = bytes;
        if (size == 8) {
            return (long) I64.compareAndExchange(b, addr, expected, replacement);
        }
        long mask = size == 4 ? 0xFFFF_FFFFL : size == 2 ? 0xFFFFL : 0xFFL;
        long want = expected & mask;
        int aligned = addr & ~3;
        int shift = (addr & 3) * 8;
        while (true) {
            int word = (int) I32.getVolatile(b, aligned);
            long old = (Integer.toUnsignedLong(word) >>> shift) & mask;
            if (old != want) {
                return old;
            }
            long cleared = Integer.toUnsignedLong(word) & ~(mask << shift);
            int next = (int) (cleared | ((replacement & mask) << shift));
            if (I32.compareAndSet(b, aligned, word, next)) {
                return old;
            }
        }
    }

    @Override
    public byte atomicAddByte(int addr, byte delta) {
        return (byte) atomicRmw(addr, 1, Rmw.ADD, delta);
    }

    @Override
    public byte atomicAndByte(int addr, byte mask) {
        return (byte) atomicRmw(addr, 1, Rmw.AND, mask);
    }

    @Override
    public byte atomicOrByte(int addr, byte mask) {
        return (byte) atomicRmw(addr, 1, Rmw.OR, mask);
    }

    @Override
    public byte atomicXorByte(int addr, byte mask) {
        return (byte) atomicRmw(addr, 1, Rmw.XOR, mask);
    }

    @Override
    public byte atomicXchgByte(int addr, byte value) {
        return (byte) atomicRmw(addr, 1, Rmw.XCHG, value);
    }

    @Override
    public byte atomicCmpxchgByte(int addr, byte expected, byte replacement) {
        return (byte) atomicCmpxchg(addr, 1, expected, replacement);
    }

    @Override
    public short atomicAddShort(int addr, short delta) {
        return (short) atomicRmw(addr, 2, Rmw.ADD, delta);
    }

    @Override
    public short atomicAndShort(int addr, short mask) {
        return (short) atomicRmw(addr, 2, Rmw.AND, mask);
    }

    @Override
    public short atomicOrShort(int addr, short mask) {
        return (short) atomicRmw(addr, 2, Rmw.OR, mask);
    }

    @Override
    public short atomicXorShort(int addr, short mask) {
        return (short) atomicRmw(addr, 2, Rmw.XOR, mask);
    }

    @Override
    public short atomicXchgShort(int addr, short value) {
        return (short) atomicRmw(addr, 2, Rmw.XCHG, value);
    }

    @Override
    public short atomicCmpxchgShort(int addr, short expected, short replacement) {
        return (short) atomicCmpxchg(addr, 2, expected, replacement);
    }

    @Override
    public int atomicAddInt(int addr, int delta) {
        return (int) atomicRmw(addr, 4, Rmw.ADD, delta);
    }

    @Override
    public int atomicAndInt(int addr, int mask) {
        return (int) atomicRmw(addr, 4, Rmw.AND, mask);
    }

    @Override
    public int atomicOrInt(int addr, int mask) {
        return (int) atomicRmw(addr, 4, Rmw.OR, mask);
    }

    @Override
    public int atomicXorInt(int addr, int mask) {
        return (int) atomicRmw(addr, 4, Rmw.XOR, mask);
    }

    @Override
    public int atomicXchgInt(int addr, int value) {
        return (int) atomicRmw(addr, 4, Rmw.XCHG, value);
    }

    @Override
    public int atomicCmpxchgInt(int addr, int expected, int replacement) {
        return (int) atomicCmpxchg(addr, 4, expected, replacement);
    }

    @Override
    public long atomicAddLong(int addr, long delta) {
        return atomicRmw(addr, 8, Rmw.ADD, delta);
    }

    @Override
    public long atomicAndLong(int addr, long mask) {
        return atomicRmw(addr, 8, Rmw.AND, mask);
    }

    @Override
    public long atomicOrLong(int addr, long mask) {
        return atomicRmw(addr, 8, Rmw.OR, mask);
    }

    @Override
    public long atomicXorLong(int addr, long mask) {
        return atomicRmw(addr, 8, Rmw.XOR, mask);
    }

    @Override
    public long atomicXchgLong(int addr, long value) {
        return atomicRmw(addr, 8, Rmw.XCHG, value);
    }

    @Override
    public long atomicCmpxchgLong(int addr, long expected, long replacement) {
        return atomicCmpxchg(addr, 8, expected, replacement);
    }

    // ---- wait / notify ------------------------------------------------------------------------------------

    /** Threads waiting at one address, and wake-ups handed to them but not yet consumed. */
    private static final class WaitQueue {
        int waiting;
        int wakeups;
    }

    @Override
    public int atomicWait(int addr, int expected, long timeoutNanos) {
        atomicAddress(addr, 4);
        return await(addr, () -> atomicReadInt(addr) == expected, timeoutNanos);
    }

    @Override
    public int atomicWait(int addr, long expected, long timeoutNanos) {
        atomicAddress(addr, 8);
        return await(addr, () -> atomicReadLong(addr) == expected, timeoutNanos);
    }

    /**
     * How long a waiting thread sleeps between looks at its budget's stop flag: the deadline and cancellation end
     * a {@code memory.atomic.wait} (whose timeout may be forever) within about this long.
     */
    static final long WAIT_SLICE_NANOS = 10_000_000;

    /**
     * 0 woken, 1 value not as expected, 2 timed out; a negative timeout waits forever — but never past a stop the
     * budget was asked for (the execution's deadline, a cancellation), which ends the execution as at any check.
     */
    private int await(int addr, java.util.function.BooleanSupplier stillExpected, long timeoutNanos) {
        if (!shared) {
            throw new WasmRuntimeException("expected shared memory");
        }
        WaitQueue q;
        synchronized (waiters) {
            if (!stillExpected.getAsBoolean()) {
                return 1;
            }
            q = waiters.computeIfAbsent(addr, a -> new WaitQueue());
            q.waiting++;
        }
        long deadline = timeoutNanos < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutNanos;
        synchronized (q) {
            try {
                while (q.wakeups == 0) {
                    budget.checkStop();
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return 2;
                    }
                    long slice = Math.min(left, WAIT_SLICE_NANOS);
                    q.wait(slice / 1_000_000, (int) (slice % 1_000_000));
                }
                q.wakeups--;
                return 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ChicoryInterruptedException("Thread interrupted");
            } finally {
                q.waiting--;
            }
        }
    }

    @Override
    public int atomicNotify(int addr, int count) {
        atomicAddress(addr, 4);
        if (!shared) {
            return 0;
        }
        WaitQueue q;
        synchronized (waiters) {
            q = waiters.get(addr);
        }
        if (q == null) {
            return 0;
        }
        synchronized (q) {
            int woken = Math.min(q.waiting - q.wakeups, count < 0 ? Integer.MAX_VALUE : count);
            if (woken > 0) {
                q.wakeups += woken;
                q.notifyAll();
            }
            return Math.max(woken, 0);
        }
    }

    @Override
    @SuppressWarnings("removal")
    public Object lock(int address) {
        throw new UnsupportedOperationException("PluginMemory has no lock objects; use the atomic methods");
    }

    @Override
    @SuppressWarnings("removal")
    public int waitOn(int address, int expected, long timeout) {
        return atomicWait(address, expected, timeout);
    }

    @Override
    @SuppressWarnings("removal")
    public int waitOn(int address, long expected, long timeout) {
        return atomicWait(address, expected, timeout);
    }

    @Override
    @SuppressWarnings("removal")
    public int notify(int address, int maxThreads) {
        return atomicNotify(address, maxThreads);
    }
}
