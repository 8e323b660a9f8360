package io.llmtestbench.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmtestbench.compiler.internal.DeclaredSizes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Modules of a few bytes that declare a count or a length far beyond their size. Chicory 1.7.5's parser allocates
 * what they declare before it reads: each of these ran a 1 or 2 GB JVM out of heap in {@code WasmCompiler.compile}
 * (and so in {@code loadPlugin}). They are refused as malformed, naming what was declared, without the allocation.
 */
class DeclaredSizesTest {
    private static final long COUNT = (1L << 28) + 5;
    private static final long LENGTH = 0x7ffffff0L;

    static byte[] leb(long v) {
        var out = new ByteArrayOutputStream();
        do {
            int b = (int) (v & 0x7f);
            v >>>= 7;
            out.write(v == 0 ? b : b | 0x80);
        } while (v != 0);
        return out.toByteArray();
    }

    static byte[] cat(Object... parts) {
        var out = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof byte[] b) {
                out.writeBytes(b);
            } else if (p instanceof String s) {
                out.writeBytes(s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            } else {
                out.write((Integer) p);
            }
        }
        return out.toByteArray();
    }

    static byte[] section(int id, Object... content) {
        byte[] body = cat(content);
        return cat(id, leb(body.length), body);
    }

    static byte[] module(byte[]... sections) {
        return cat(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0}, cat((Object[]) sections));
    }

    private static final byte[] TYPE = section(1, 1, 0x60, 0, 0);
    private static final byte[] FUNC = section(3, 1, 0);
    private static final byte[] CODE = section(10, 1, 2, 0, 0x0b);
    private static final byte[] TABLE = section(4, 1, 0x70, 0, 1);
    private static final byte[] MEMORY = section(5, 1, 0, 1);

    static Stream<Arguments> oversized() {
        return Stream.of(
                Arguments.of("function type parameters", module(section(1, 1, 0x60, leb(COUNT), 0x7f)),
                        "type section at offset 0xc: a function type's parameters declares 268435461 entries, more than the 1 bytes left"),
                Arguments.of("function type results", module(section(1, 1, 0x60, 0, leb(COUNT), 0x7f)),
                        "a function type's results declares 268435461 entries"),
                Arguments.of("recursive type group", module(section(1, 1, 0x4e, leb(COUNT), 0x60, 0, 0)),
                        "a recursive type group declares 268435461 entries"),
                Arguments.of("subtype's supertypes", module(section(1, 1, 0x50, leb(COUNT), 0, 0x60, 0, 0)),
                        "a subtype's supertypes declares 268435461 entries"),
                Arguments.of("element segment of functions", module(TYPE, FUNC, TABLE,
                                section(9, 1, 0, 0x41, 0, 0x0b, leb(COUNT), 0), CODE),
                        "element section at offset 0x1f: an element segment declares 268435461 entries"),
                Arguments.of("element segment of expressions", module(TYPE, FUNC, TABLE,
                                section(9, 1, 5, 0x70, leb(COUNT), 0xd2, 0, 0x0b), CODE),
                        "an element segment declares 268435461 entries"),
                Arguments.of("passive data segment", module(MEMORY, section(11, 1, 1, leb(LENGTH), "abc")),
                        "data section at offset 0x11: a data segment of 2147483632 bytes, more than the 3 bytes left"),
                Arguments.of("active data segment", module(MEMORY, section(11, 1, 0, 0x41, 0, 0x0b, leb(LENGTH), "abc")),
                        "a data segment of 2147483632 bytes"),
                Arguments.of("custom section name", module(section(0, leb(LENGTH), "abc")),
                        "custom section at offset 0xa: the section's name of 2147483632 bytes"),
                Arguments.of("import name", module(TYPE, section(2, 1, leb(LENGTH), "a")),
                        "import section at offset 0x11: a name of 2147483632 bytes"),
                Arguments.of("export name", module(TYPE, FUNC, section(7, 1, leb(LENGTH), "a", 0, 0), CODE),
                        "export section at offset 0x15: a name of 2147483632 bytes"),
                Arguments.of("module name in the name section", module(TYPE, FUNC, CODE,
                                section(0, 4, "name", 0, 6, leb(LENGTH), "a")),
                        "a name of 2147483632 bytes, more than the 1 bytes left"),
                Arguments.of("function name in the name section", module(TYPE, FUNC, CODE,
                                section(0, 4, "name", 1, 8, 1, 0, leb(LENGTH), "a")),
                        "a name of 2147483632 bytes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oversized")
    void aCountOrLengthPastTheEndOfItsSectionIsMalformed(String what, byte[] wasm, String message) {
        assertThatThrownBy(() -> WasmCompiler.compile(wasm, CompilerOptions.defaults()))
                .isInstanceOfSatisfying(CompilationException.class,
                        e -> assertThat(e.kind()).isEqualTo(CompilationException.Kind.MALFORMED))
                .hasMessageStartingWith("malformed module: in the ")
                .hasMessageContaining(message);
        assertThatThrownBy(() -> WasmCompiler.validate(wasm)).isInstanceOf(CompilationException.class);
    }

    @Test
    void aBrokenSectionFurtherOnDoesNotSpareTheOnesBeforeIt() {
        // grow_memory_bomb.wasm mutated: a function type of 2^30 parameters, and a later section that runs past the end
        // of the module. The parser reads the type section first (and ran out of heap there); the check went by the
        // whole section list, found it broken, and left the module to the parser
        assertThatThrownBy(() -> WasmCompiler.compile(TestWasm.bytes("function_type_of_2p30_params.wasm"), CompilerOptions.defaults()))
                .isInstanceOfSatisfying(CompilationException.class,
                        e -> assertThat(e.kind()).isEqualTo(CompilationException.Kind.MALFORMED))
                .hasMessageContaining("a function type's parameters declares 1073741824 entries");
    }

    @Test
    void theSameDeclarationsThatFitAreLeftToTheParser() throws Exception {
        // the same shapes with what they declare present: nothing to refuse here
        assertThat(DeclaredSizes.check(module(section(1, 1, 0x60, 2, 0x7f, 0x7e, 1, 0x7f)))).isNull();
        assertThat(DeclaredSizes.check(module(TYPE, FUNC, TABLE, section(9, 1, 0, 0x41, 0, 0x0b, 1, 0), CODE))).isNull();
        assertThat(DeclaredSizes.check(module(MEMORY, section(11, 1, 1, 3, "abc")))).isNull();
        assertThat(DeclaredSizes.check(module(TYPE, FUNC, CODE, section(0, 4, "name", 1, 4, 1, 0, 1, "f")))).isNull();
        assertThat(WasmCompiler.compile(module(TYPE, FUNC, TABLE, section(9, 1, 0, 0x41, 0, 0x0b, 1, 0), CODE),
                CompilerOptions.defaults()).classes()).isNotEmpty();
    }

    static Stream<Path> realModules() throws IOException {
        Path plugins = Path.of(System.getProperty("llmtb.testplugins.dir", "../test-plugins/wasm"));
        Path kernels = Path.of("../benchmarks/src/main/resources/kernels");
        try (Stream<Path> a = Files.list(plugins); Stream<Path> b = Files.exists(kernels) ? Files.list(kernels) : Stream.empty()) {
            return Stream.concat(a.toList().stream(), b.toList().stream()).filter(p -> p.toString().endsWith(".wasm")).sorted();
        }
    }

    @ParameterizedTest
    @MethodSource("realModules")
    void everyTestPluginAndKernelPasses(Path wasm) throws IOException {
        assertThat(DeclaredSizes.check(Files.readAllBytes(wasm))).isNull();
    }
}
