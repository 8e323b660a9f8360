package io.llmtestbench.runtime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Complete ABI v1 plugins written byte by byte, for tests that need one plugin per variant of a detail
 * (metadata text, what {@code plugin_execute} leaves in the buffer and the length cell) without a WAT file
 * each. Memory: 2 pages; the metadata at address 16, a message after it; the heap (a bump allocator that
 * rewinds when every block is freed) from 64 KiB.
 */
final class AbiModules {
    private AbiModules() {}

    private static final int DATA = 16;
    private static final int HEAP = 65536;

    /** An echo plugin (output = input) whose {@code plugin_metadata} returns these bytes. */
    static byte[] withMetadata(String metadataJson) {
        return module(metadataJson.getBytes(StandardCharsets.UTF_8), echoBody());
    }

    /** A well-formed transform's metadata with this name, version and api_version (raw JSON values). */
    static String metadata(String name, String versionJson, String apiVersionJson) {
        return "{\"name\":\"" + name + "\",\"version\":" + versionJson + ",\"plugin_type\":\"transform\",\"api_version\":"
                + apiVersionJson + "}";
    }

    /**
     * A plugin whose {@code plugin_execute} returns {@code code} after: filling the whole output buffer with
     * {@code fill} bytes (when not negative), copying {@code message} to its start, and storing {@code cell} in the
     * length cell (when not null; otherwise the cell is left holding the capacity, as the original guide's
     * {@code return RESULT_INVALID_INPUT;} does).
     */
    static byte[] failing(String name, int code, byte[] message, Integer cell, int fill) {
        byte[] meta = metadata(name, "\"1.0.0\"", "\"1.0\"").getBytes(StandardCharsets.UTF_8);
        int messageAt = align(DATA + meta.length);
        var b = new ByteArrayOutputStream();
        if (fill >= 0) { // memory.fill(out, fill, load(cell))
            local(b, 0x20, 2);
            i32(b, fill);
            local(b, 0x20, 3);
            b.writeBytes(new byte[] {0x28, 0x02, 0x00}); // i32.load
            b.writeBytes(new byte[] {(byte) 0xfc, 0x0b, 0x00});
        }
        local(b, 0x20, 2); // memory.copy(out, message, len)
        i32(b, messageAt);
        i32(b, message.length);
        b.writeBytes(new byte[] {(byte) 0xfc, 0x0a, 0x00, 0x00});
        if (cell != null) {
            local(b, 0x20, 3);
            i32(b, cell);
            b.writeBytes(new byte[] {0x36, 0x02, 0x00}); // i32.store
        }
        i32(b, code);
        b.write(0x0b);
        return module(meta, body(0, b.toByteArray()), message, messageAt);
    }

    private static byte[] echoBody() {
        var b = new ByteArrayOutputStream();
        local(b, 0x20, 2); // memory.copy(out, in, in_len)
        local(b, 0x20, 0);
        local(b, 0x20, 1);
        b.writeBytes(new byte[] {(byte) 0xfc, 0x0a, 0x00, 0x00});
        local(b, 0x20, 3); // store(cell, in_len)
        local(b, 0x20, 1);
        b.writeBytes(new byte[] {0x36, 0x02, 0x00});
        i32(b, 0);
        b.write(0x0b);
        return body(0, b.toByteArray());
    }

    private static byte[] module(byte[] metadata, byte[] executeBody) {
        return module(metadata, executeBody, new byte[0], align(DATA + metadata.length));
    }

    private static byte[] module(byte[] metadata, byte[] executeBody, byte[] extra, int extraAt) {
        if (extraAt + extra.length > HEAP) {
            throw new IllegalArgumentException("metadata and message must fit below 64 KiB");
        }
        var out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00});
        section(out, 1, concat(new byte[] {0x05},
                new byte[] {0x60, 0x01, 0x7f, 0x01, 0x7f}, // 0 alloc
                new byte[] {0x60, 0x02, 0x7f, 0x7f, 0x00}, // 1 free
                new byte[] {0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f}, // 2 metadata, init
                new byte[] {0x60, 0x04, 0x7f, 0x7f, 0x7f, 0x7f, 0x01, 0x7f}, // 3 execute
                new byte[] {0x60, 0x00, 0x01, 0x7f})); // 4 shutdown
        section(out, 3, new byte[] {0x06, 0x00, 0x01, 0x02, 0x02, 0x03, 0x04});
        section(out, 5, new byte[] {0x01, 0x00, 0x02});
        var globals = new ByteArrayOutputStream();
        globals.write(2);
        globals.writeBytes(new byte[] {0x7f, 0x01}); // $heap
        i32(globals, HEAP);
        globals.write(0x0b);
        globals.writeBytes(new byte[] {0x7f, 0x01, 0x41, 0x00, 0x0b}); // $live
        section(out, 6, globals.toByteArray());
        var exports = new ByteArrayOutputStream();
        exports.write(7);
        export(exports, "memory", 2, 0);
        String[] names = {"plugin_alloc", "plugin_free", "plugin_metadata", "plugin_init", "plugin_execute", "plugin_shutdown"};
        for (int i = 0; i < names.length; i++) {
            export(exports, names[i], 0, i);
        }
        section(out, 7, exports.toByteArray());
        var code = new ByteArrayOutputStream();
        code.write(6);
        code.writeBytes(allocBody());
        code.writeBytes(freeBody());
        code.writeBytes(metadataBody(metadata.length));
        code.writeBytes(body(0, new byte[] {0x41, 0x00, 0x0b})); // init
        code.writeBytes(executeBody);
        code.writeBytes(body(0, new byte[] {0x41, 0x00, 0x0b})); // shutdown
        section(out, 10, code.toByteArray());
        var data = new ByteArrayOutputStream();
        data.write(extra.length > 0 ? 2 : 1);
        segment(data, DATA, metadata);
        if (extra.length > 0) {
            segment(data, extraAt, extra);
        }
        section(out, 11, data.toByteArray());
        return out.toByteArray();
    }

    /** plugin_alloc(size): bump by size rounded up to 8, growing memory as needed; 0 if it cannot grow. */
    private static byte[] allocBody() {
        var b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0x23, 0x00, 0x21, 0x01}); // ptr = heap
        b.writeBytes(new byte[] {0x23, 0x00, 0x20, 0x00, 0x6a, 0x41, 0x07, 0x6a, 0x41, 0x78, 0x71, 0x24, 0x00}); // heap = (heap+size+7)&-8
        b.writeBytes(new byte[] {0x02, 0x40}); // block
        b.writeBytes(new byte[] {0x23, 0x00}); // pages needed - memory.size
        i32(b, 65535);
        b.writeBytes(new byte[] {0x6a, 0x41, 0x10, 0x76, 0x3f, 0x00, 0x6b, 0x22, 0x02});
        b.writeBytes(new byte[] {0x41, 0x00, 0x4c, 0x0d, 0x00}); // <= 0: br_if out
        b.writeBytes(new byte[] {0x20, 0x02, 0x40, 0x00, 0x41, 0x7f, 0x47, 0x0d, 0x00}); // grow != -1: br_if out
        b.writeBytes(new byte[] {0x41, 0x00, 0x0f}); // return 0
        b.write(0x0b); // end block
        b.writeBytes(new byte[] {0x23, 0x01, 0x41, 0x01, 0x6a, 0x24, 0x01}); // live++
        b.writeBytes(new byte[] {0x20, 0x01, 0x0b});
        return body(2, b.toByteArray());
    }

    /** plugin_free: live--; when nothing is live, the heap rewinds. */
    private static byte[] freeBody() {
        var b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0x23, 0x01, 0x41, 0x01, 0x6b, 0x24, 0x01});
        b.writeBytes(new byte[] {0x02, 0x40, 0x23, 0x01, 0x0d, 0x00});
        i32(b, HEAP);
        b.writeBytes(new byte[] {0x24, 0x00, 0x0b, 0x0b});
        return body(0, b.toByteArray());
    }

    private static byte[] metadataBody(int length) {
        var b = new ByteArrayOutputStream();
        local(b, 0x20, 0);
        i32(b, DATA);
        i32(b, length);
        b.writeBytes(new byte[] {(byte) 0xfc, 0x0a, 0x00, 0x00});
        local(b, 0x20, 1);
        i32(b, length);
        b.writeBytes(new byte[] {0x36, 0x02, 0x00});
        i32(b, 0);
        b.write(0x0b);
        return body(0, b.toByteArray());
    }

    private static int align(int n) {
        return (n + 7) & -8;
    }

    private static byte[] body(int i32Locals, byte[] instructions) {
        var b = new ByteArrayOutputStream();
        if (i32Locals == 0) {
            b.write(0);
        } else {
            b.writeBytes(new byte[] {0x01, (byte) i32Locals, 0x7f});
        }
        b.writeBytes(instructions);
        var out = new ByteArrayOutputStream();
        uleb(out, b.size());
        out.writeBytes(b.toByteArray());
        return out.toByteArray();
    }

    private static void segment(ByteArrayOutputStream out, int at, byte[] bytes) {
        out.write(0x00);
        i32(out, at);
        out.write(0x0b);
        uleb(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static void export(ByteArrayOutputStream out, String name, int kind, int index) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        uleb(out, n.length);
        out.writeBytes(n);
        out.write(kind);
        uleb(out, index);
    }

    private static void local(ByteArrayOutputStream out, int op, int index) {
        out.write(op);
        uleb(out, index);
    }

    private static void i32(ByteArrayOutputStream out, long value) {
        out.write(0x41);
        sleb(out, value);
    }

    private static void section(ByteArrayOutputStream out, int id, byte[] content) {
        out.write(id);
        uleb(out, content.length);
        out.writeBytes(content);
    }

    private static byte[] concat(byte[]... parts) {
        var out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static void uleb(ByteArrayOutputStream out, long value) {
        do {
            int b = (int) (value & 0x7f);
            value >>>= 7;
            out.write(value != 0 ? b | 0x80 : b);
        } while (value != 0);
    }

    private static void sleb(ByteArrayOutputStream out, long value) {
        while (true) {
            int b = (int) (value & 0x7f);
            value >>= 7;
            if ((value == 0 && (b & 0x40) == 0) || (value == -1 && (b & 0x40) != 0)) {
                out.write(b);
                return;
            }
            out.write(b | 0x80);
        }
    }
}
