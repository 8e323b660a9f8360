package io.llmtestbench.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.llmtestbench.runtime.ErrorKind;
import io.llmtestbench.runtime.PluginException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The tree-less output check accepts and refuses exactly what the tree parse does, with the same message. */
class OutputCheckTest {
    @ParameterizedTest
    @ValueSource(strings = {
        "{\"a\": [1, 2.5, true, null, \"x\"]}", "\"just a string\"", "42", "  {\"padded\": 1}  ", "{\"a\": \"\\u00e9\\n\"}",
        "{\"a\": 1} trailing", "{\"a\": 1}{\"b\": 2}", "{\"a\": }", "{\"a\": 1", "", "   ", "[1, 2,]", "{'a': 1}",
        "{\"a\": \"control \u0001 char\"}", "\u0000{}", "\u0000\u0000\u0000{}", "{}\u0000", "\ufeff{\"bom\": 1}",
        "{\"a\": NaN}", "{\"a\": 01}", "{\"a\": \"\\x\"}", "nul", "{\"a\": 1e999}", "{\"a\": -}", "{\"a\": \"unterminated}",
        "[[[[[[[[[[]]]]]]]]]]", "{\"a\": [1, {\"b\": [2, {\"c\": \"Grüße ✓ 😀\"}]}]}", "{\"a\":1,}", "{\"a\" 1}", "1 2",
        "{\"dup\": 1, \"dup\": 2}", "{\"a\": tru}", "{\"a\": \"\\ud800\"}",
    })
    void agreesWithTheTreeParse(String output) {
        same(output.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void agreesOnInvalidUtf8() {
        same(new byte[] {'"', (byte) 0xC3, '"'}); // truncated sequence
        same(new byte[] {'"', (byte) 0xC0, (byte) 0xAF, '"', ' '}); // overlong
        same(new byte[] {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'}); // a surrogate
        same(new byte[] {'"', (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"'}); // past U+10FFFF
        same(new byte[] {'{', '"', 'a', '"', ':', (byte) 0xFF, '}'}); // not UTF-8 at all, outside a string
    }

    /** Random mutations of valid outputs: byte flips, cuts and insertions of JSON-significant bytes. */
    @Test
    void agreesOnMutatedOutputs() {
        byte[][] seeds = {
            "{\"score\": 0.75, \"passed\": true, \"details\": {\"tokens\": [1, 2, 3], \"label\": \"ok\"}}".getBytes(StandardCharsets.UTF_8),
            "{\"text\": \"Grüße, \\\"quoted\\\" \\u00e9\", \"n\": -1.5e-3, \"x\": null}".getBytes(StandardCharsets.UTF_8),
        };
        byte[] alphabet = "{}[]\",:\\ 0-e.tfn\u0000\n".getBytes(StandardCharsets.UTF_8);
        SplittableRandom random = new SplittableRandom(16);
        List<byte[]> cases = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            byte[] b = seeds[random.nextInt(seeds.length)].clone();
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt(b.length);
                switch (random.nextInt(3)) {
                    case 0 -> b[at] = alphabet[random.nextInt(alphabet.length)];
                    case 1 -> b = java.util.Arrays.copyOf(b, Math.max(0, at));
                    default -> b[at] = (byte) random.nextInt(256);
                }
                if (b.length == 0) {
                    break;
                }
            }
            cases.add(b);
        }
        int refused = 0;
        for (byte[] c : cases) {
            refused += same(c) ? 0 : 1;
        }
        assertThat(refused).as("most mutations break the JSON").isGreaterThan(1000).isLessThan(cases.size());
    }

    /**
     * An output's tree takes host heap per value (about 80 bytes for an empty object): the values are bounded, one per 16
     * bytes of max_output_bytes and at least 65,536, and both checks count them alike, at any depth. A 16 MiB output of
     * {@code [{},{},...]} took about 1 GB of heap before (MisbehavingPluginsTest runs it as a plugin).
     */
    @Test
    void theNumberOfValuesIsBoundedAndBothChecksCountThemAlike() {
        assertThat(OutputCheck.maxValues(16 * 1024 * 1024)).isEqualTo(1_048_576);
        assertThat(OutputCheck.maxValues(1024)).isEqualTo(65_536);
        int max = OutputCheck.maxValues(1024);
        // [ {}, {}, ... ]: the array is a value too
        assertThat(same(array(max - 1, "{}"), max)).as("exactly the limit").isTrue();
        assertThat(same(array(max, "{}"), max)).as("one over").isFalse();
        assertThat(same(array(max - 1, "[]"), max)).isTrue();
        assertThat(same(array(max, "0"), max)).isFalse();
        String nested = "{\"a\":" + new String(array(max - 3, "\"x\""), StandardCharsets.UTF_8) + ",\"b\":null}";
        assertThat(same(nested.getBytes(StandardCharsets.UTF_8), max)).as("object, array, its elements and the null").isTrue();
        Throwable e = catchThrowable(() -> OutputCheck.check("p", array(max, "{}"), max));
        assertThat(e).isInstanceOfSatisfying(PluginException.class, pe -> assertThat(pe.kind()).isEqualTo(ErrorKind.INVALID_OUTPUT))
                .hasMessageContaining("bytes holding more than 65536 JSON values (at most one value per 16 bytes of max_output_bytes")
                .hasMessageContaining("raise it with ResourceLimits.maxOutputBytes");
    }

    /** Outputs nest at most MAX_DEPTH levels, counted alike by both checks, for objects and arrays. */
    @Test
    void theDepthIsBoundedAndBothChecksCountItAlike() {
        int max = OutputCheck.MAX_DEPTH;
        assertThat(same(("[".repeat(max) + "]".repeat(max)).getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(same(("[".repeat(max + 1) + "]".repeat(max + 1)).getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(same(("{\"a\":".repeat(max) + "1" + "}".repeat(max)).getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(same(("[{\"a\":".repeat(max / 2) + "[1]" + "}]".repeat(max / 2)).getBytes(StandardCharsets.UTF_8))).isFalse();
        // siblings do not add up: depth is nesting, not count
        assertThat(same(("[" + "[".repeat(max - 1) + "]".repeat(max - 1) + "," + "[".repeat(max - 1) + "]".repeat(max - 1) + "]")
                .getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(catchThrowable(() -> OutputCheck.parse("p", ("[".repeat(5000) + "]".repeat(5000)).getBytes(StandardCharsets.UTF_8), 1 << 20)))
                .hasMessageContaining("nesting arrays and objects more than 900 levels deep");
    }

    /** {@code [e,e,...]} with n elements. */
    private static byte[] array(int n, String element) {
        StringBuilder b = new StringBuilder(n * (element.length() + 1) + 2).append('[');
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append(element);
        }
        return b.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Both checks on one output; true when it passes. */
    private static boolean same(byte[] out) {
        return same(out, OutputCheck.maxValues(io.llmtestbench.runtime.ResourceLimits.DEFAULT_MAX_OUTPUT_BYTES));
    }

    private static boolean same(byte[] out, int maxValues) {
        Throwable tree = catchThrowable(() -> OutputCheck.parse("p", out, maxValues));
        Throwable bytes = catchThrowable(() -> OutputCheck.check("p", out, maxValues));
        String shown = new String(out, StandardCharsets.UTF_8);
        if (tree == null) {
            assertThat(bytes).as("accepted by the tree parse: %s", shown).isNull();
            return true;
        }
        assertThat(tree).isInstanceOfSatisfying(PluginException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_OUTPUT));
        assertThat(bytes).as("refused by the tree parse: %s", shown).isNotNull().hasMessage(tree.getMessage());
        assertThat(bytes.getClass()).isEqualTo(tree.getClass());
        return false;
    }
}
