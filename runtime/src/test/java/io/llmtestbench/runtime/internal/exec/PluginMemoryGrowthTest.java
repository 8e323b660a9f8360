package io.llmtestbench.runtime.internal.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code memory.grow} a page at a time (what a C or Rust allocator does as its heap fills) no longer copies the whole
 * memory on every grow: past {@link PluginMemory#EXACT_GROWS} grows the array keeps spare capacity, so growing to
 * N pages replaces it a logarithmic number of times, not N times (64 MiB grown a page at a time used to copy 32 GiB).
 * The spare capacity is invisible: the size, {@code memory.size}, every bound and every host access stop at the
 * size, and new pages are zero. Only where the accessors go through {@code Unsafe} (Java 17 to 23 here); through the
 * {@code VarHandle}s the array is the bound, so the memory grows exactly as before.
 */
class PluginMemoryGrowthTest {

    private static PluginMemory memory(int initial, int maximum, int cap) {
        return new PluginMemory(new MemoryLimits(initial, maximum), cap, new Budget(Budget.UNLIMITED, 100));
    }

    /** A memory of one page grown by one page eight times: nine pages in an array of ten (spare capacity). */
    private static PluginMemory grownEightPages() {
        PluginMemory m = memory(1, 1024, 1024);
        for (int k = 0; k < 8; k++) {
            m.grow(1);
        }
        return m;
    }

    @Test
    void growingAPageAtATimeReplacesTheArrayALogarithmicNumberOfTimes() {
        Assumptions.assumeTrue(PluginMemory.Direct.ON, "spare capacity only on the Unsafe path");
        PluginMemory m = memory(1, 1024, 1024);
        Set<byte[]> arrays = Collections.newSetFromMap(new IdentityHashMap<>());
        arrays.add(m.bytes);
        for (int pages = 1; pages < 1024; pages++) {
            assertThat(m.grow(1)).isEqualTo(pages);
            assertThat(m.pages()).isEqualTo(pages + 1);
            assertThat(m.size).isEqualTo((pages + 1) * 65536);
            assertThat(m.bytes.length).isGreaterThanOrEqualTo(m.size).isLessThanOrEqualTo(1024 * 65536);
            arrays.add(m.bytes);
        }
        // 4 exact grows, then a quarter more each time: 1.25^k reaches 1024 / 5 pages within 24 replacements
        assertThat(arrays.size()).isLessThan(32);
        assertThat(m.grow(1)).as("past the maximum").isEqualTo(-1);
        assertThat(m.growRefused()).isTrue();
        assertThat(m.pages()).isEqualTo(1024);
    }

    @Test
    void aPluginThatGrowsOnceOrTwiceKeepsNoSpareBytes() {
        PluginMemory m = memory(17, 65536, 1024);
        m.grow(1);
        m.grow(3);
        assertThat(m.size).isEqualTo(21 * 65536);
        assertThat(m.bytes.length).isEqualTo(m.size);
    }

    @Test
    void spareCapacityNeverPassesTheMaximumOrTheCap() {
        PluginMemory declared = memory(1, 10, 1024);
        PluginMemory capped = memory(1, 65536, 12);
        for (int k = 0; k < 9; k++) {
            declared.grow(1);
        }
        for (int k = 0; k < 11; k++) {
            capped.grow(1);
        }
        assertThat(declared.bytes.length).isEqualTo(10 * 65536);
        assertThat(capped.bytes.length).isEqualTo(12 * 65536);
    }

    @Test
    void theSpareCapacityIsInvisibleToTheHostAndToGeneratedCode() {
        Assumptions.assumeTrue(PluginMemory.Direct.ON, "spare capacity only on the Unsafe path");
        PluginMemory m = grownEightPages();
        int size = m.size;
        assertThat(m.bytes.length).as("spare capacity after 8 grows").isGreaterThan(size);
        m.writeByte(size - 1, (byte) 7);
        assertThat(m.read(size - 1)).isEqualTo((byte) 7);
        assertThatThrownBy(() -> m.read(size)).isInstanceOf(WasmRuntimeException.class)
                .hasMessageContaining("out of bounds memory access").hasMessageContaining("memory is " + size + " bytes");
        assertThatThrownBy(() -> m.writeI32(size - 2, 1)).isInstanceOf(WasmRuntimeException.class);
        assertThatThrownBy(() -> m.readBytes(size - 4, 5)).isInstanceOf(WasmRuntimeException.class);
        assertThatThrownBy(() -> m.fill(size - 1, 1, 2)).isInstanceOf(WasmRuntimeException.class);
        assertThatThrownBy(() -> m.copy(size - 1, 0, 2)).isInstanceOf(WasmRuntimeException.class);
        // what generated code calls, with the two fields it reads
        assertThat(PluginMemory.i8(size - 1, m.bytes, m.size)).isEqualTo((byte) 7);
        assertThatThrownBy(() -> PluginMemory.i8(size, m.bytes, m.size)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> PluginMemory.i32(size - 3, m.bytes, m.size)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> PluginMemory.i64Offset(size - 16, m.bytes, m.size, 9)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> PluginMemory.f64(size - 4, m.bytes, m.size, 1.0)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void pagesTakenFromSpareCapacityAreZeroEvenIfSomethingWroteThere() {
        Assumptions.assumeTrue(PluginMemory.Direct.ON, "spare capacity only on the Unsafe path");
        PluginMemory m = grownEightPages();
        int size = m.size;
        byte[] array = m.bytes;
        assertThat(array.length).isGreaterThanOrEqualTo(size + 65536);
        // only code other than the generator's could write here (a forged class); the memory must still grow zeroed
        java.util.Arrays.fill(array, size, array.length, (byte) 0x5A);
        assertThat(m.grow(1)).isEqualTo(size / 65536);
        assertThat(m.bytes).as("grown within the same array").isSameAs(array);
        assertThat(m.readBytes(size, 65536)).containsOnly((byte) 0);
    }

    @Test
    void throughTheVarHandlesEveryGrowIsExact() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Dllmtb.memoryAccess=varhandle", "-cp",
                System.getProperty("java.class.path"), VarHandleChild.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out.trim()).isEqualTo("direct=false spare=0 pages=101");
    }

    /** Grows a memory a page at a time 100 times through the VarHandle path; prints the most spare bytes seen. */
    public static final class VarHandleChild {
        public static void main(String[] args) {
            PluginMemory m = memory(1, 1024, 1024);
            long spare = 0;
            for (int k = 0; k < 100; k++) {
                m.grow(1);
                spare = Math.max(spare, m.bytes.length - m.size);
            }
            System.out.println("direct=" + PluginMemory.Direct.ON + " spare=" + spare + " pages=" + m.pages());
        }
    }
}
