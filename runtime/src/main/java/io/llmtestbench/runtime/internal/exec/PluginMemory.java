package io.llmtestbench.runtime.internal.exec;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.PassiveDataSegment;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The linear memory of a plugin instance: Chicory's {@link ByteArrayMemory} under a hard page cap, with
 * the instance's {@link Budget} attached so that generated code reaches its meter in one field load.
 *
 * <p>{@code memory.grow} past the cap returns -1, as the spec says; the cap applies whether or not the
 * module declares a maximum. Every method is forwarded, including the interface's default methods, so that
 * none falls back to the {@code lock()}-based defaults that {@code ByteArrayMemory} does not support.
 *
 * <p>Ranges are checked here, not by the delegate: {@code memory.fill}, {@code memory.copy},
 * {@code memory.init} and the host's range reads and writes treat address and length as unsigned 32-bit
 * numbers and trap with "out of bounds memory access" before writing anything when address + length passes
 * the end (Chicory 1.7.5 adds them as {@code int}s, so a sum past 2<sup>31</sup> passed its check, wrote
 * pages and then failed with a {@code NullPointerException}). Active data segments are dropped once they
 * are copied at instantiation, as the spec says, so a later {@code memory.init} from one traps.
 */
public final class PluginMemory implements Memory {
    private final ByteArrayMemory delegate;
    private final Budget budget;
    private final int capPages;
    private boolean growRefused;
    /** The instance's data segments (shared with it, so {@code data.drop} shows here); null before initialisation. */
    private DataSegment[] segments;

    /**
     * @param declared the module's limits
     * @param capPages the most pages this memory may ever have
     * @throws MemoryCapExceededException if the module's initial size is already above the cap
     */
    public PluginMemory(MemoryLimits declared, int capPages, Budget budget) {
        if (declared.initialPages() > capPages) {
            throw new MemoryCapExceededException(declared.initialPages(), capPages);
        }
        int max = Math.min(declared.maximumPages(), capPages);
        this.delegate = new ByteArrayMemory(new MemoryLimits(declared.initialPages(), max, declared.shared()));
        this.budget = budget;
        this.capPages = capPages;
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

    @Override
    public int grow(int delta) {
        int result = delegate.grow(delta);
        if (result < 0 && delta > 0) {
            growRefused = true;
        }
        return result;
    }

    @Override
    public int pages() {
        return delegate.pages();
    }

    @Override
    public int initialPages() {
        return delegate.initialPages();
    }

    @Override
    public int maximumPages() {
        return delegate.maximumPages();
    }

    @Override
    public boolean shared() {
        return delegate.shared();
    }

    @Override
    public Object lock(int a0) {
        return delegate.lock(a0);
    }

    @Override
    public int waitOn(int a0, int a1, long a2) {
        return delegate.waitOn(a0, a1, a2);
    }

    @Override
    public int waitOn(int a0, long a1, long a2) {
        return delegate.waitOn(a0, a1, a2);
    }

    @Override
    public int notify(int a0, int a1) {
        return delegate.notify(a0, a1);
    }

    @Override
    public void atomicFence() {
        delegate.atomicFence();
    }

    @Override
    public int atomicWait(int a0, int a1, long a2) {
        return delegate.atomicWait(a0, a1, a2);
    }

    @Override
    public int atomicWait(int a0, long a1, long a2) {
        return delegate.atomicWait(a0, a1, a2);
    }

    @Override
    public int atomicNotify(int a0, int a1) {
        return delegate.atomicNotify(a0, a1);
    }

    @Override
    public int atomicReadInt(int a0) {
        return delegate.atomicReadInt(a0);
    }

    @Override
    public long atomicReadLong(int a0) {
        return delegate.atomicReadLong(a0);
    }

    @Override
    public short atomicReadShort(int a0) {
        return delegate.atomicReadShort(a0);
    }

    @Override
    public byte atomicReadByte(int a0) {
        return delegate.atomicReadByte(a0);
    }

    @Override
    public void atomicWriteInt(int a0, int a1) {
        delegate.atomicWriteInt(a0, a1);
    }

    @Override
    public void atomicWriteLong(int a0, long a1) {
        delegate.atomicWriteLong(a0, a1);
    }

    @Override
    public void atomicWriteShort(int a0, short a1) {
        delegate.atomicWriteShort(a0, a1);
    }

    @Override
    public void atomicWriteByte(int a0, byte a1) {
        delegate.atomicWriteByte(a0, a1);
    }

    @Override
    public int atomicAddInt(int a0, int a1) {
        return delegate.atomicAddInt(a0, a1);
    }

    @Override
    public int atomicAndInt(int a0, int a1) {
        return delegate.atomicAndInt(a0, a1);
    }

    @Override
    public int atomicOrInt(int a0, int a1) {
        return delegate.atomicOrInt(a0, a1);
    }

    @Override
    public int atomicXorInt(int a0, int a1) {
        return delegate.atomicXorInt(a0, a1);
    }

    @Override
    public int atomicXchgInt(int a0, int a1) {
        return delegate.atomicXchgInt(a0, a1);
    }

    @Override
    public int atomicCmpxchgInt(int a0, int a1, int a2) {
        return delegate.atomicCmpxchgInt(a0, a1, a2);
    }

    @Override
    public long atomicAddLong(int a0, long a1) {
        return delegate.atomicAddLong(a0, a1);
    }

    @Override
    public long atomicAndLong(int a0, long a1) {
        return delegate.atomicAndLong(a0, a1);
    }

    @Override
    public long atomicOrLong(int a0, long a1) {
        return delegate.atomicOrLong(a0, a1);
    }

    @Override
    public long atomicXorLong(int a0, long a1) {
        return delegate.atomicXorLong(a0, a1);
    }

    @Override
    public long atomicXchgLong(int a0, long a1) {
        return delegate.atomicXchgLong(a0, a1);
    }

    @Override
    public long atomicCmpxchgLong(int a0, long a1, long a2) {
        return delegate.atomicCmpxchgLong(a0, a1, a2);
    }

    @Override
    public short atomicAddShort(int a0, short a1) {
        return delegate.atomicAddShort(a0, a1);
    }

    @Override
    public short atomicAndShort(int a0, short a1) {
        return delegate.atomicAndShort(a0, a1);
    }

    @Override
    public short atomicOrShort(int a0, short a1) {
        return delegate.atomicOrShort(a0, a1);
    }

    @Override
    public short atomicXorShort(int a0, short a1) {
        return delegate.atomicXorShort(a0, a1);
    }

    @Override
    public short atomicXchgShort(int a0, short a1) {
        return delegate.atomicXchgShort(a0, a1);
    }

    @Override
    public short atomicCmpxchgShort(int a0, short a1, short a2) {
        return delegate.atomicCmpxchgShort(a0, a1, a2);
    }

    @Override
    public byte atomicAddByte(int a0, byte a1) {
        return delegate.atomicAddByte(a0, a1);
    }

    @Override
    public byte atomicAndByte(int a0, byte a1) {
        return delegate.atomicAndByte(a0, a1);
    }

    @Override
    public byte atomicOrByte(int a0, byte a1) {
        return delegate.atomicOrByte(a0, a1);
    }

    @Override
    public byte atomicXorByte(int a0, byte a1) {
        return delegate.atomicXorByte(a0, a1);
    }

    @Override
    public byte atomicXchgByte(int a0, byte a1) {
        return delegate.atomicXchgByte(a0, a1);
    }

    @Override
    public byte atomicCmpxchgByte(int a0, byte a1, byte a2) {
        return delegate.atomicCmpxchgByte(a0, a1, a2);
    }

    @Override
    public void initialize(Instance instance, DataSegment[] dataSegments) {
        initialize(instance, dataSegments, 0);
    }

    /**
     * Copies the active segments of this memory (the delegate checks their bounds and fails instantiation),
     * then drops them: after instantiation an active segment behaves like a dropped passive one.
     */
    @Override
    public void initialize(Instance instance, DataSegment[] dataSegments, int memoryIndex) {
        delegate.initialize(instance, dataSegments, memoryIndex);
        segments = dataSegments;
        if (dataSegments != null) {
            for (int i = 0; i < dataSegments.length; i++) {
                if (dataSegments[i] instanceof ActiveDataSegment
                        && ((ActiveDataSegment) dataSegments[i]).index() == memoryIndex) {
                    dataSegments[i] = PassiveDataSegment.EMPTY;
                }
            }
        }
    }

    /** {@code memory.init}: source and destination ranges checked (unsigned) before anything is written. */
    @Override
    public void initPassiveSegment(int segment, int dest, int offset, int size) {
        byte[] data = segments[segment].data();
        long end = Integer.toUnsignedLong(offset) + Integer.toUnsignedLong(size);
        if (end > data.length) {
            throw outOfBounds("memory.init of " + Integer.toUnsignedString(size) + " bytes from offset "
                    + Integer.toUnsignedString(offset) + " of data segment " + segment + " (" + data.length + " bytes"
                    + (data.length == 0 ? ", dropped or empty" : "") + ")");
        }
        checkRange("memory.init", dest, size);
        if (size != 0) {
            delegate.write(dest, data, offset, size);
        }
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
        return new String(readBytes(addr, len), charset);
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
        return new String(readBytes(addr, c - addr), charset);
    }

    @Override
    public String readCString(int addr) {
        return readCString(addr, StandardCharsets.UTF_8);
    }

    @Override
    public void write(int addr, byte[] data) {
        write(addr, data, 0, data.length);
    }

    @Override
    public void write(int addr, byte[] data, int offset, int size) {
        java.util.Objects.checkFromIndexSize(offset, size, data.length);
        checkRange("write", addr, size);
        delegate.write(addr, data, offset, size);
    }

    @Override
    public byte read(int a0) {
        return delegate.read(a0);
    }

    @Override
    public byte[] readBytes(int addr, int len) {
        checkRange("read", addr, len);
        return delegate.readBytes(addr, len);
    }

    @Override
    public void writeI32(int a0, int a1) {
        delegate.writeI32(a0, a1);
    }

    @Override
    public int readInt(int a0) {
        return delegate.readInt(a0);
    }

    @Override
    public long readI32(int a0) {
        return delegate.readI32(a0);
    }

    @Override
    public long readU32(int a0) {
        return delegate.readU32(a0);
    }

    @Override
    public void writeLong(int a0, long a1) {
        delegate.writeLong(a0, a1);
    }

    @Override
    public long readLong(int a0) {
        return delegate.readLong(a0);
    }

    @Override
    public long readI64(int a0) {
        return delegate.readI64(a0);
    }

    @Override
    public void writeShort(int a0, short a1) {
        delegate.writeShort(a0, a1);
    }

    @Override
    public short readShort(int a0) {
        return delegate.readShort(a0);
    }

    @Override
    public long readI16(int a0) {
        return delegate.readI16(a0);
    }

    @Override
    public long readU16(int a0) {
        return delegate.readU16(a0);
    }

    @Override
    public void writeByte(int a0, byte a1) {
        delegate.writeByte(a0, a1);
    }

    @Override
    public long readU8(int a0) {
        return delegate.readU8(a0);
    }

    @Override
    public long readI8(int a0) {
        return delegate.readI8(a0);
    }

    @Override
    public void writeF32(int a0, float a1) {
        delegate.writeF32(a0, a1);
    }

    @Override
    public long readF32(int a0) {
        return delegate.readF32(a0);
    }

    @Override
    public float readFloat(int a0) {
        return delegate.readFloat(a0);
    }

    @Override
    public void writeF64(int a0, double a1) {
        delegate.writeF64(a0, a1);
    }

    @Override
    public double readDouble(int a0) {
        return delegate.readDouble(a0);
    }

    @Override
    public long readF64(int a0) {
        return delegate.readF64(a0);
    }

    @Override
    public void zero() {
        delegate.zero();
    }

    /**
     * {@code memory.fill}: Chicory passes {@code toIndex = fromIndex + size} computed as an {@code int}, so
     * {@code toIndex - fromIndex} is the operand again, read here as unsigned.
     */
    @Override
    public void fill(byte value, int fromIndex, int toIndex) {
        int size = toIndex - fromIndex;
        checkRange("memory.fill", fromIndex, size);
        if (size != 0) {
            delegate.fill(value, fromIndex, toIndex);
        }
    }

    @Override
    public void copy(int dest, int src, int size) {
        checkRange("memory.copy", src, size);
        checkRange("memory.copy", dest, size);
        if (size != 0) {
            delegate.copy(dest, src, size);
        }
    }

    /** Traps unless [addr, addr + size), both unsigned 32-bit, lies inside the memory. */
    private void checkRange(String what, int addr, int size) {
        long limit = (long) delegate.pages() * PAGE_SIZE;
        if (Integer.toUnsignedLong(addr) + Integer.toUnsignedLong(size) > limit) {
            throw outOfBounds(what + " of " + Integer.toUnsignedString(size) + " bytes at address "
                    + Integer.toUnsignedString(addr) + " (memory is " + limit + " bytes)");
        }
    }

    private static WasmRuntimeException outOfBounds(String detail) {
        return new WasmRuntimeException("out of bounds memory access: " + detail);
    }

    @Override
    public void drop(int a0) {
        delegate.drop(a0);
    }
}
