package io.llmtestbench.compiler.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.wasm.ChicoryException;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link CodeSizes}'s count of imported functions, read from the import section's bytes without Chicory's parser
 * (a pre-compiled jar's load computes its report, and a load with remembered declarations loads no parser: issue #16
 * point 4): the same count as Chicory's for every test plugin and benchmark kernel and for imports of every kind, and
 * Chicory's where the section has a form the reader does not know.
 */
class CodeSizesTest {
    private static final byte[] HEADER = {0, 'a', 's', 'm', 1, 0, 0, 0};

    @Test
    void theImportedFunctionsAreChicorysCountForEveryTestPluginAndKernel() throws Exception {
        int compared = 0;
        for (Path p : modules()) {
            byte[] wasm = Files.readAllBytes(p);
            int chicory;
            try {
                chicory = CodeSizes.importedFunctionsByChicory(wasm);
            } catch (ChicoryException e) {
                continue;
            }
            assertThat(CodeSizes.countFunctionImports(wasm)).as(p.getFileName().toString()).isEqualTo(chicory);
            compared++;
        }
        assertThat(compared).isGreaterThan(20);
    }

    @Test
    void importsOfEveryKindAreRead() {
        // a custom section first; then: env.f (func 0), env.t (table funcref 1..2), env.m (memory 1, max 3),
        // env.g (global i64 mutable), env.e (tag of type 0), env.h (func 0), env.x (table externref, no max),
        // env.n (memory shared, flags 3)
        byte[] wasm = module(
                section(0, 1, 'c', 9),
                section(1, 1, 0x60, 0, 0),
                section(2, 8,
                        1, 'e', 1, 'f', 0, 0,
                        1, 'e', 1, 't', 1, 0x70, 1, 1, 2,
                        1, 'e', 1, 'm', 2, 1, 1, 3,
                        1, 'e', 1, 'g', 3, 0x7e, 1,
                        1, 'e', 1, 'e', 4, 0, 0,
                        1, 'e', 1, 'h', 0, 0,
                        1, 'e', 1, 'x', 1, 0x6f, 0, 0,
                        1, 'e', 1, 'n', 2, 3, 1, 2));
        assertThat(CodeSizes.countFunctionImports(wasm)).isEqualTo(2);
        assertThat(CodeSizes.importedFunctions(wasm)).isEqualTo(2);
        assertThat(CodeSizes.countFunctionImports(module(section(1, 1, 0x60, 0, 0)))).as("no import section").isZero();
    }

    @Test
    void aFormTheReaderDoesNotKnowIsCountedByChicory() {
        // a global of a typed reference type (ref null 0): not read here; 0x63 is its prefix
        byte[] typed = module(section(1, 1, 0x60, 0, 0), section(2, 2, 1, 'e', 1, 'f', 0, 0, 1, 'e', 1, 'g', 3, 0x63, 0, 0));
        assertThat(CodeSizes.countFunctionImports(typed)).isEqualTo(-1);
        // a section whose size does not match its imports
        byte[] sized = module(section(1, 1, 0x60, 0, 0), section(2, 1, 1, 'e', 1, 'f', 0, 0, 0));
        assertThat(CodeSizes.countFunctionImports(sized)).isEqualTo(-1);
        byte[] good = module(section(1, 1, 0x60, 0, 0), section(2, 1, 1, 'e', 1, 'f', 0, 0));
        assertThat(CodeSizes.importedFunctions(good)).isEqualTo(CodeSizes.importedFunctionsByChicory(good)).isEqualTo(1);
    }

    private static List<Path> modules() throws Exception {
        List<Path> all = new ArrayList<>();
        for (String dir : List.of(System.getProperty("llmtb.testplugins.dir", "../test-plugins/wasm"),
                System.getProperty("llmtb.kernels.dir", "../benchmarks/src/main/resources/kernels"))) {
            try (Stream<Path> s = Files.list(Path.of(dir))) {
                all.addAll(s.filter(p -> p.toString().endsWith(".wasm")).sorted().toList());
            }
        }
        return all;
    }

    private static byte[] section(int id, int... content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(id);
        out.write(content.length); // every test section is under 128 bytes
        for (int b : content) {
            out.write(b);
        }
        return out.toByteArray();
    }

    private static byte[] module(byte[]... sections) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(HEADER);
        for (byte[] s : sections) {
            out.writeBytes(s);
        }
        return out.toByteArray();
    }
}
