package io.llmtestbench.maven;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WasmFileScannerTest {

    @Test
    void antStylePatterns() {
        assertThat(WasmFileScanner.matches("**/*.wasm", "a.wasm")).isTrue();
        assertThat(WasmFileScanner.matches("**/*.wasm", "x/y/a.wasm")).isTrue();
        assertThat(WasmFileScanner.matches("**/*.wasm", "a.wat")).isFalse();
        assertThat(WasmFileScanner.matches("*.wasm", "a.wasm")).isTrue();
        assertThat(WasmFileScanner.matches("*.wasm", "x/a.wasm")).isFalse();
        assertThat(WasmFileScanner.matches("x/**", "x/a/b.wasm")).isTrue();
        assertThat(WasmFileScanner.matches("x/", "x/a/b.wasm")).isTrue();
        assertThat(WasmFileScanner.matches("x/**/b.wasm", "x/b.wasm")).isTrue();
        assertThat(WasmFileScanner.matches("?.wasm", "a.wasm")).isTrue();
        assertThat(WasmFileScanner.matches("?.wasm", "ab.wasm")).isFalse();
        assertThat(WasmFileScanner.matches("broken-(1)+.wasm", "broken-(1)+.wasm")).isTrue();
        assertThat(WasmFileScanner.matches("./a.wasm", "a.wasm")).isTrue();
    }

    @Test
    void scansSortedWithExcludes(@TempDir Path dir) throws Exception {
        for (String f : List.of("b.wasm", "a.wasm", "sub/c.wasm", "sub/skip.wasm", "readme.md")) {
            Files.createDirectories(dir.resolve(f).getParent());
            Files.write(dir.resolve(f), new byte[0]);
        }
        assertThat(WasmFileScanner.scan(dir, null, null)).containsExactly("a.wasm", "b.wasm", "sub/c.wasm", "sub/skip.wasm");
        assertThat(WasmFileScanner.scan(dir, List.of("*.wasm"), null)).containsExactly("a.wasm", "b.wasm");
        assertThat(WasmFileScanner.scan(dir, List.of(), List.of("sub/skip.wasm", "b.*"))).containsExactly("a.wasm", "sub/c.wasm");
        assertThat(WasmFileScanner.scan(dir.resolve("missing"), null, null)).isEmpty();
    }
}
