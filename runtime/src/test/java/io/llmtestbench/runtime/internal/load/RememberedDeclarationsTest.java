package io.llmtestbench.runtime.internal.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.WasmModule;
import io.llmtestbench.runtime.TestPlugins;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RememberedDeclarations}: the form reads back as exactly the declarations the parser read, for every test
 * plugin; a form that is damaged in any byte, or written for another module, compiler or format, is not used; a
 * form whose checksum matches but that does not read is not used either (and reading never throws).
 */
class RememberedDeclarationsTest {
    private static final String SHA = "ab".repeat(32);
    private static final String STAMP = "llmtb-test;module=" + SHA;

    @Test
    void theFormReadsBackAsTheParsedDeclarationsForEveryTestPlugin() throws Exception {
        int compared = 0;
        for (Path p : testPlugins()) {
            byte[] wasm = Files.readAllBytes(p);
            WasmModule parsed;
            try {
                parsed = InstantiationRecipe.parseDeclarations(wasm);
            } catch (ChicoryException e) {
                continue; // (the refusals are InstantiationRecipeTest's)
            }
            String at = p.getFileName().toString();
            byte[] form = RememberedDeclarations.encode(parsed, SHA, STAMP, wasm.length);
            assertThat(form).as(at + ": expressible").isNotNull();
            WasmModule back = RememberedDeclarations.decode(form, SHA, STAMP, wasm.length);
            assertThat(back).as(at).isEqualTo(parsed);
            // every part of each section, as the sections' own equals may not compare all of it
            assertThat(back.typeSection()).as(at).isEqualTo(parsed.typeSection());
            assertThat(back.importSection()).as(at).isEqualTo(parsed.importSection());
            assertThat(back.memorySection()).as(at).isEqualTo(parsed.memorySection());
            assertThat(back.globalSection()).as(at).isEqualTo(parsed.globalSection());
            assertThat(back.exportSection()).as(at).isEqualTo(parsed.exportSection());
            assertThat(back.elementSection()).as(at).isEqualTo(parsed.elementSection());
            assertThat(back.codeSection().functionBodyCount()).as(at).isEqualTo(parsed.codeSection().functionBodyCount());
            assertThat(back.codeSection().isRequiresDataCount()).as(at).isEqualTo(parsed.codeSection().isRequiresDataCount());
            for (int i = 0; i < parsed.dataSection().dataSegmentCount(); i++) {
                assertThat(back.dataSection().getDataSegment(i).data()).as(at + " data " + i)
                        .isEqualTo(parsed.dataSection().getDataSegment(i).data());
            }
            // and the form of what was read back is the same form, byte for byte
            assertThat(RememberedDeclarations.encode(back, SHA, STAMP, wasm.length)).as(at).isEqualTo(form);
            compared++;
        }
        assertThat(compared).isGreaterThan(10);
    }

    @Test
    void aFormDamagedInAnyByteIsNotUsed() throws Exception {
        for (String plugin : List.of("echo", "similarity-evaluator")) {
            byte[] wasm = Files.readAllBytes(TestPlugins.wasm(plugin));
            byte[] form = RememberedDeclarations.encode(InstantiationRecipe.parseDeclarations(wasm), SHA, STAMP, wasm.length);
            int step = Math.max(1, form.length / 2000);
            int tried = 0;
            for (int i = 0; i < form.length; i += step) {
                for (int bit : new int[] {0x01, 0x80}) {
                    byte[] damaged = form.clone();
                    damaged[i] ^= (byte) bit;
                    assertThat(RememberedDeclarations.decode(damaged, SHA, STAMP, wasm.length))
                            .as(plugin + ": byte " + i + " flipped").isNull();
                    tried++;
                }
            }
            assertThat(tried).isGreaterThan(500);
            for (int cut = 0; cut < form.length; cut += Math.max(1, form.length / 200)) {
                assertThat(RememberedDeclarations.decode(Arrays.copyOf(form, cut), SHA, STAMP, wasm.length))
                        .as(plugin + ": cut to " + cut + " bytes").isNull();
            }
        }
    }

    @Test
    void aFormForAnotherModuleCompilerOrFormatIsNotUsed() throws Exception {
        byte[] wasm = Files.readAllBytes(TestPlugins.wasm("echo"));
        WasmModule parsed = InstantiationRecipe.parseDeclarations(wasm);
        byte[] form = RememberedDeclarations.encode(parsed, SHA, STAMP, wasm.length);
        assertThat(RememberedDeclarations.decode(form, SHA, STAMP, wasm.length)).isEqualTo(parsed);
        assertThat(RememberedDeclarations.decode(form, "cd".repeat(32), STAMP, wasm.length)).as("another module").isNull();
        assertThat(RememberedDeclarations.decode(form, SHA, "llmtb-other;module=" + SHA, wasm.length)).as("another compiler").isNull();
        assertThat(RememberedDeclarations.decode(form, SHA, STAMP, wasm.length + 1)).as("another length").isNull();
        // another format version, with a checksum that matches it
        byte[] other = form.clone();
        ByteBuffer.wrap(other).putInt(8, RememberedDeclarations.FORMAT + 1);
        assertThat(RememberedDeclarations.decode(withChecksum(other), SHA, STAMP, wasm.length)).as("another format").isNull();
    }

    @Test
    void aFormWhoseChecksumMatchesButThatDoesNotReadIsNotUsed(@TempDir Path cache) throws Exception {
        byte[] wasm = Files.readAllBytes(TestPlugins.wasm("similarity-evaluator"));
        WasmModule parsed = InstantiationRecipe.parseDeclarations(wasm);
        byte[] form = RememberedDeclarations.encode(parsed, SHA, STAMP, wasm.length);
        int header = 8 + 4 + 4 + STAMP.length() + 4 + SHA.length() + 4;
        // the payload cut short (every few bytes), or with one more byte, each given a matching checksum
        for (int cut = header; cut < form.length - 8; cut += 97) {
            byte[] shorter = Arrays.copyOf(Arrays.copyOf(form, cut), cut + 8);
            assertThatThrownBy(() -> RememberedDeclarations.decode(withChecksum(shorter), SHA, STAMP, wasm.length))
                    .as("payload cut at " + cut).isInstanceOf(RuntimeException.class);
        }
        byte[] longer = Arrays.copyOf(form, form.length + 1);
        System.arraycopy(form, form.length - 8, longer, form.length - 7, 8);
        longer[form.length - 8] = 0;
        assertThatThrownBy(() -> RememberedDeclarations.decode(withChecksum(longer), SHA, STAMP, wasm.length))
                .isInstanceOf(IllegalArgumentException.class);
        // a huge count: refused before it allocates
        byte[] huge = form.clone();
        ByteBuffer.wrap(huge).putInt(header, Integer.MAX_VALUE); // the type count
        assertThatThrownBy(() -> RememberedDeclarations.decode(withChecksum(huge), SHA, STAMP, wasm.length))
                .isInstanceOf(IllegalArgumentException.class);

        // through the cache directory: none of these is used, and none throws
        RememberedDeclarations remembered = new RememberedDeclarations(cache);
        assertThat(remembered.recall(SHA, STAMP, wasm)).as("nothing remembered yet").isNull();
        remembered.remember(SHA, STAMP, wasm, parsed);
        Path file = RememberedDeclarations.file(cache, SHA);
        assertThat(file).exists();
        assertThat(remembered.recall(SHA, STAMP, wasm)).isEqualTo(parsed);
        assertThat(remembered.recalled()).isEqualTo(1);
        for (byte[] bad : List.of(new byte[0], new byte[] {1, 2, 3}, withChecksum(huge), Arrays.copyOf(form, form.length / 2))) {
            Files.write(file, bad);
            assertThat(remembered.recall(SHA, STAMP, wasm)).isNull();
        }
        Files.delete(file);
        Files.createDirectory(file); // not a file at all
        assertThat(remembered.recall(SHA, STAMP, wasm)).isNull();
        assertThat(remembered.recalled()).isEqualTo(1);
        assertThat(new RememberedDeclarations(null).recall(SHA, STAMP, wasm)).as("no cache directory").isNull();
    }

    /** {@code form} with its last 8 bytes set to the CRC-32 of the rest, as the writer does. */
    private static byte[] withChecksum(byte[] form) {
        CRC32 crc = new CRC32();
        crc.update(form, 0, form.length - 8);
        ByteBuffer.wrap(form).putLong(form.length - 8, crc.getValue());
        return form;
    }

    private static List<Path> testPlugins() throws Exception {
        try (Stream<Path> s = Files.list(TestPlugins.dir())) {
            return s.filter(p -> p.toString().endsWith(".wasm")).sorted().toList();
        }
    }
}
