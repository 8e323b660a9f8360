package io.llmtestbench.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmtestbench.runtime.PluginLoadException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How the metadata check shows a plugin's values in its refusals: the name and type ({@code MetadataValidator}, in
 * single quotes) and the version and api_version ({@code Versions}, in double quotes) go through one helper,
 * {@link LogText#quoted}: cut after 80 characters but never inside a surrogate pair, control characters and lone
 * surrogates escaped. HostileModulesTest checks names through loading real modules.
 */
class MetadataValidatorTest {
    private static final String SMILE = "\ud83d\ude00"; // one code point, two chars

    @Test
    void aValueCutAtTheLimitNeverSplitsASurrogatePair() {
        // the pair straddles the cut (chars 79 and 80): the message shows 79 characters, not half the pair
        String name = refusal("n".repeat(79) + SMILE + "n", "1.0.0");
        assertThat(name).contains("metadata name '" + "n".repeat(79) + "…' (82 characters) must match");
        assertThat(hasLoneSurrogate(name)).as(name).isFalse();
        String version = refusal("p", "1".repeat(79) + SMILE + "1");
        assertThat(version).contains("metadata version \"" + "1".repeat(79) + "…\" is not a semantic version");
        assertThat(hasLoneSurrogate(version)).as(version).isFalse();
        String longVersion = refusal("p", "1".repeat(79) + SMILE + "1".repeat(300));
        assertThat(longVersion).contains("metadata version \"" + "1".repeat(79) + "…\" is 381 characters long");
        assertThat(hasLoneSurrogate(longVersion)).as(longVersion).isFalse();
        assertThatThrownBy(() -> Versions.apiVersion("1".repeat(79) + SMILE + "1"))
                .hasMessageStartingWith("metadata api_version \"" + "1".repeat(79) + "…\" is not an ABI version")
                .satisfies(e -> assertThat(hasLoneSurrogate(e.getMessage())).isFalse());
        // a pair that ends at the cut is shown whole
        assertThat(refusal("n".repeat(78) + SMILE + "nn", "1.0.0")).contains("'" + "n".repeat(78) + SMILE + "…' (82 characters)");
        assertThat(refusal("p", "1".repeat(78) + SMILE + "11")).contains("\"" + "1".repeat(78) + SMILE + "…\"");
    }

    @Test
    void controlCharactersAndLoneSurrogatesAreEscapedInNamesAndVersionsAlike() {
        // a newline, a C1 control (NEL), the line separator and a lone surrogate: each written as \\uXXXX by both paths
        String odd = "\n\u0085\u2028\ud800";
        String escaped = "\\u000a\\u0085\\u2028\\ud800";
        String name = refusal("a" + odd + "b", "1.0.0");
        assertThat(name).contains("metadata name 'a" + escaped + "b' must match");
        String version = refusal("p", "1.0.0" + odd);
        assertThat(version).contains("metadata version \"1.0.0" + escaped + "\" is not a semantic version");
        assertThatThrownBy(() -> Versions.apiVersion("1" + odd)).hasMessageStartingWith("metadata api_version \"1" + escaped + "\" is not");
        for (String message : List.of(name, version)) {
            assertThat(message).as(message).doesNotContain("\n", "\u0085", "\u2028");
            assertThat(hasLoneSurrogate(message)).as(message).isFalse();
        }
        // each path escapes its own quote, and the backslash
        assertThat(refusal("a'b\\c", "1.0.0")).contains("metadata name 'a\\'b\\\\c' must match");
        assertThat(refusal("p", "1\"0\\")).contains("metadata version \"1\\\"0\\\\\" is not");
    }

    private static String refusal(String name, String version) {
        String json = "{\"name\":" + string(name) + ",\"version\":" + string(version)
                + ",\"plugin_type\":\"transform\",\"api_version\":\"1.0\"}";
        var validator = new MetadataValidator(new AbiCheck.Imports(List.of(), List.of()));
        try {
            validator.parse(json.getBytes(StandardCharsets.UTF_8), "p.wasm", 1000);
        } catch (PluginLoadException e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted " + json);
    }

    /** {@code s} as a JSON string, every char but ASCII letters, digits and dots as a \\u escape (lone surrogates too). */
    private static String string(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            boolean plain = c < 0x80 && (Character.isLetterOrDigit(c) || c == '.');
            b.append(plain ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return b.append('"').toString();
    }

    /** Whether {@code s} holds a surrogate that is not half of a pair (codePoints() gives those as themselves). */
    private static boolean hasLoneSurrogate(String s) {
        return s.codePoints().anyMatch(c -> c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE);
    }
}
