package io.llmtestbench.runtime.limits;

import java.io.ByteArrayOutputStream;

/**
 * The compile-time denial of service of issue #13: functions declaring tens of thousands of locals, each local in a
 * declaration of its own (so the module stays small), and a body of many blocks that branch and touch locals. A JVM
 * code generator pays for such a function in proportion to locals × branch targets (one stack-map frame, as wide as
 * the locals, at every target): the first shape seen (a 335 KB module, ~67,000 locals per function) needed more than
 * 1 GB of heap and 23 s to compile before the compile limits existed.
 */
public final class LocalsBomb {
    private LocalsBomb() {}

    /** {@code functions} functions (the first exported as {@code run}), each with {@code locals} locals and {@code blocks} blocks. */
    public static byte[] module(int functions, int locals, int blocks) {
        var body = new ByteArrayOutputStream();
        leb(body, locals); // one declaration per local: 2 bytes each
        byte[] types = {0x7f, 0x7e, 0x7d, 0x7c};
        for (int i = 0; i < locals; i++) {
            body.write(1);
            body.write(types[i % 4]);
        }
        for (int b = 0; b < blocks; b++) {
            body.write(0x02); // block
            body.write(0x40);
            int local = (int) ((b * 7919L) % locals);
            body.write(0x20); // local.get
            leb(body, local);
            body.write(0x21); // local.set
            leb(body, local);
            body.write(0x41); // i32.const 0
            body.write(0x00);
            body.write(0x0d); // br_if 0
            body.write(0x00);
            body.write(0x0b); // end
        }
        body.write(0x0b);
        byte[] code = body.toByteArray();

        var out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00});
        section(out, 1, new byte[] {0x01, 0x60, 0x00, 0x00}); // (type (func))
        var funcs = new ByteArrayOutputStream();
        leb(funcs, functions);
        for (int i = 0; i < functions; i++) {
            funcs.write(0);
        }
        section(out, 3, funcs.toByteArray());
        section(out, 7, new byte[] {0x01, 0x03, 'r', 'u', 'n', 0x00, 0x00});
        var codes = new ByteArrayOutputStream();
        leb(codes, functions);
        for (int i = 0; i < functions; i++) {
            leb(codes, code.length);
            codes.writeBytes(code);
        }
        section(out, 10, codes.toByteArray());
        return out.toByteArray();
    }

    /** The shape of the issue: four functions of 67,000 locals and 1,000 blocks (a 0.6 MB module). */
    public static byte[] issueShape() {
        return module(4, 67_000, 1_000);
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
