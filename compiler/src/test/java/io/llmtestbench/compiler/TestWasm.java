package io.llmtestbench.compiler;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads the committed test modules under src/test/resources/wasm (each built from the .wat beside it). */
final class TestWasm {
    private TestWasm() {}

    static byte[] bytes(String name) {
        try (InputStream in = TestWasm.class.getResourceAsStream("/wasm/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test module " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
