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

    /** Both checks on one output; true when it passes. */
    private static boolean same(byte[] out) {
        Throwable tree = catchThrowable(() -> OutputCheck.parse("p", out));
        Throwable bytes = catchThrowable(() -> OutputCheck.check("p", out));
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
