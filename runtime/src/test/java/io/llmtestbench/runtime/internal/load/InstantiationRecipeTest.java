package io.llmtestbench.runtime.internal.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.InvalidException;
import com.dylibso.chicory.wasm.MalformedException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.llmtestbench.runtime.TestPlugins;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link InstantiationRecipe#parseDeclarations}: the module's declarations as the full parse reads and validates them,
 * without decoding the code section (issue #16 point 4).
 */
class InstantiationRecipeTest {
    private static final byte[] HEADER = {0, 'a', 's', 'm', 1, 0, 0, 0};
    private static final byte[] TYPES = section(1, 1, 0x60, 0, 1, 0x7f); // (func (result i32))
    private static final byte[] ONE_FUNCTION = section(3, 1, 0);
    private static final byte[] EXPORT_F = section(7, 1, 1, 'f', 0, 0);

    @Test
    void declarationsAreWhatTheFullParseReads() throws Exception {
        List<Path> modules;
        try (Stream<Path> s = Files.list(TestPlugins.dir())) {
            modules = s.filter(p -> p.toString().endsWith(".wasm")).sorted().toList();
        }
        int compared = 0;
        for (Path p : modules) {
            byte[] wasm = Files.readAllBytes(p);
            WasmModule full;
            try {
                full = InstantiationRecipe.of(Parser.parse(wasm));
            } catch (ChicoryException e) {
                continue; // (every committed test plugin parses; the refusals are the other tests')
            }
            WasmModule decl = InstantiationRecipe.parseDeclarations(wasm);
            String at = p.getFileName().toString();
            assertThat(decl.typeSection()).as(at).isEqualTo(full.typeSection());
            assertThat(decl.importSection()).as(at).isEqualTo(full.importSection());
            assertThat(decl.functionSection()).as(at).isEqualTo(full.functionSection());
            assertThat(decl.tableSection()).as(at).isEqualTo(full.tableSection());
            assertThat(decl.memorySection()).as(at).isEqualTo(full.memorySection());
            assertThat(decl.globalSection()).as(at).isEqualTo(full.globalSection());
            assertThat(decl.exportSection()).as(at).isEqualTo(full.exportSection());
            assertThat(decl.startSection()).as(at).isEqualTo(full.startSection());
            assertThat(decl.elementSection()).as(at).isEqualTo(full.elementSection());
            assertThat(decl.dataSection()).as(at).isEqualTo(full.dataSection());
            assertThat(decl.dataCountSection()).as(at).isEqualTo(full.dataCountSection());
            assertThat(decl.codeSection().functionBodyCount()).as(at).isEqualTo(full.codeSection().functionBodyCount());
            compared++;
        }
        assertThat(compared).isGreaterThan(10);
    }

    @Test
    void theCodeSectionIsNotDecoded() {
        // i32.const 1 replaced by two bytes that are no instruction at all: the full parse refuses the module
        byte[] wasm = module(TYPES, ONE_FUNCTION, EXPORT_F, section(10, 1, 4, 0, 0xff, 0xff, 0x0b));
        assertThatThrownBy(() -> Parser.parse(wasm)).isInstanceOf(ChicoryException.class);
        WasmModule decl = InstantiationRecipe.parseDeclarations(wasm);
        assertThat(decl.functionSection().functionCount()).isEqualTo(1);
        assertThat(decl.exportSection().getExport(0).name()).isEqualTo("f");
        // and the well-formed module reads the same
        byte[] good = module(TYPES, ONE_FUNCTION, EXPORT_F, section(10, 1, 4, 0, 0x41, 1, 0x0b));
        assertThat(InstantiationRecipe.parseDeclarations(good).exportSection()).isEqualTo(Parser.parse(good).exportSection());
    }

    @Test
    void declarationsAreStillValidated() {
        // two functions declared, one body
        byte[] mismatch = module(TYPES, section(3, 2, 0, 0), section(10, 1, 4, 0, 0x41, 1, 0x0b));
        assertThatThrownBy(() -> InstantiationRecipe.parseDeclarations(mismatch)).isInstanceOf(MalformedException.class)
                .hasMessageContaining("inconsistent lengths");
        // an i32 global initialised by an i64 constant
        byte[] badGlobal = module(section(6, 1, 0x7f, 0, 0x42, 0, 0x0b));
        assertThatThrownBy(() -> Parser.parse(badGlobal)).isInstanceOf(InvalidException.class);
        assertThatThrownBy(() -> InstantiationRecipe.parseDeclarations(badGlobal)).isInstanceOf(InvalidException.class);
        // a start function that takes or returns values
        byte[] badStart = module(TYPES, ONE_FUNCTION, section(8, 0), section(10, 1, 4, 0, 0x41, 1, 0x0b));
        assertThatThrownBy(() -> Parser.parse(badStart)).isInstanceOf(InvalidException.class);
        assertThatThrownBy(() -> InstantiationRecipe.parseDeclarations(badStart)).isInstanceOf(InvalidException.class);
        // truncated framing
        byte[] truncated = module(TYPES, new byte[] {3, 5, 1});
        assertThatThrownBy(() -> InstantiationRecipe.parseDeclarations(truncated)).isInstanceOf(ChicoryException.class);
    }

    @Test
    void aDeclaredSizePastTheEndIsMalformedBeforeTheParserAllocatesIt() {
        // a pre-compiled jar's module.wasm is parsed here: a function type of 2^28 + 5 parameters in a module of 16 bytes
        // (Chicory 1.7.5 allocates the list before reading it: a 1 GB heap ran out)
        byte[] wasm = module(section(1, 1, 0x60, 0x85, 0x80, 0x80, 0x80, 0x01, 0x7f));
        assertThatThrownBy(() -> InstantiationRecipe.parseDeclarations(wasm)).isInstanceOf(MalformedException.class)
                .hasMessageContaining("a function type's parameters declares 268435461 entries, more than the 1 bytes left");
    }

    private static byte[] section(int id, int... payload) {
        byte[] s = new byte[payload.length + 2];
        s[0] = (byte) id;
        s[1] = (byte) payload.length;
        for (int i = 0; i < payload.length; i++) {
            s[i + 2] = (byte) payload[i];
        }
        return s;
    }

    private static byte[] module(byte[]... sections) {
        var out = new ByteArrayOutputStream();
        out.writeBytes(HEADER);
        for (byte[] s : sections) {
            out.writeBytes(s);
        }
        return out.toByteArray();
    }
}
