package io.llmtestbench.runtime.internal;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** The key-value state of one plugin: shared by its instances, isolated from other plugins, bounded in bytes. */
final class PluginState {
    static final int MAX_KEY_BYTES = 256;

    private final Map<String, byte[]> values = new HashMap<>();
    private final long capBytes;
    private long usedBytes;

    PluginState(long capBytes) {
        this.capBytes = capBytes;
    }

    /** 0 stored; -4 would exceed the cap. */
    synchronized int put(byte[] key, byte[] value) {
        String k = new String(key, StandardCharsets.ISO_8859_1);
        byte[] old = values.get(k);
        long next = usedBytes - (old == null ? 0 : key.length + old.length) + key.length + value.length;
        if (next > capBytes) {
            return -4;
        }
        values.put(k, value);
        usedBytes = next;
        return 0;
    }

    /**
     * Stores {@code value} if the current value equals {@code expected} byte for byte ({@code null}: if the key is
     * absent), atomically with respect to every other call: 0 stored; 1 not stored (the current value differs); -4
     * would exceed the cap (nothing changed).
     */
    synchronized int compareAndSet(byte[] key, byte[] expected, byte[] value) {
        byte[] current = values.get(new String(key, StandardCharsets.ISO_8859_1));
        if (expected == null ? current != null : current == null || !java.util.Arrays.equals(current, expected)) {
            return 1;
        }
        return put(key, value);
    }

    synchronized byte[] get(byte[] key) {
        return values.get(new String(key, StandardCharsets.ISO_8859_1));
    }

    /** The cap on the sum of key and value lengths. */
    long capBytes() {
        return capBytes;
    }

    synchronized long usedBytes() {
        return usedBytes;
    }
}
