package io.llmtestbench.maven;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Small WebAssembly binaries for tests, written byte by byte (no wat2wasm needed). */
final class TestWasm {
    private TestWasm() {}

    /** A valid module exporting {@code small(i32) -> i32} that adds {@code k} (so different k, different SHA-256). */
    static byte[] small(int k) {
        return module(new byte[] {0x20, 0x00, 0x41, (byte) (k & 0x3f), 0x6a, 0x0b});
    }

    /**
     * A valid module exporting {@code small} and {@code big(i32) -> i32}, whose body repeats
     * {@code local.get 0; i32.const 1; i32.add; local.set 0} {@code repeats} times: about 4 bytes of JVM
     * bytecode each, so 2,500 make a method over the 8,000-byte HugeMethodLimit and 17,000 one over the JVM's
     * 64 KiB method limit (interpreted).
     */
    static byte[] withBigFunction(int repeats) {
        var body = new ByteArrayOutputStream();
        for (int i = 0; i < repeats; i++) {
            body.writeBytes(new byte[] {0x20, 0x00, 0x41, 0x01, 0x6a, 0x21, 0x00});
        }
        body.writeBytes(new byte[] {0x20, 0x00, 0x0b});
        return module(new byte[] {0x20, 0x00, 0x41, 0x01, 0x6a, 0x0b}, body.toByteArray());
    }

    /** Not a WebAssembly module at all. */
    static byte[] garbage() {
        return "this is not wasm".getBytes(StandardCharsets.US_ASCII);
    }

    /** Well-formed, but function 0 returns nothing where it promises an i32: fails validation. */
    static byte[] invalid() {
        return module(new byte[] {0x0b});
    }

    /** Functions of type (i32) -> i32 with these bodies (instructions ending with 0x0b), exported as small, big, f2... */
    static byte[] module(byte[]... bodies) {
        var out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00});
        section(out, 1, new byte[] {0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f});
        var funcs = new ByteArrayOutputStream();
        leb(funcs, bodies.length);
        for (int i = 0; i < bodies.length; i++) {
            funcs.write(0);
        }
        section(out, 3, funcs.toByteArray());
        var exports = new ByteArrayOutputStream();
        leb(exports, bodies.length);
        for (int i = 0; i < bodies.length; i++) {
            byte[] name = (i == 0 ? "small" : i == 1 ? "big" : "f" + i).getBytes(StandardCharsets.US_ASCII);
            leb(exports, name.length);
            exports.writeBytes(name);
            exports.write(0x00);
            leb(exports, i);
        }
        section(out, 7, exports.toByteArray());
        var code = new ByteArrayOutputStream();
        leb(code, bodies.length);
        for (byte[] body : bodies) {
            leb(code, body.length + 1);
            code.write(0x00); // no locals
            code.writeBytes(body);
        }
        section(out, 10, code.toByteArray());
        return out.toByteArray();
    }

    private static void section(ByteArrayOutputStream out, int id, byte[] content) {
        out.write(id);
        leb(out, content.length);
        out.writeBytes(content);
    }

    private static void leb(ByteArrayOutputStream out, long value) {
        do {
            int b = (int) (value & 0x7f);
            value >>>= 7;
            out.write(value != 0 ? b | 0x80 : b);
        } while (value != 0);
    }
}
