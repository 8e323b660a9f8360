package io.llmtestbench.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link PluginArtifact#isBinaryName} (every class a jar's manifest lists must have one) checks each part with a loop,
 * not an {@code IntStream}, whose pipeline classes the load path otherwise loads for it alone (issue #16 point 4): the
 * same answer as the stream it replaced, for names that are and are not binary names, outside ASCII included.
 */
class BinaryNameTest {

    @Test
    void theSameAnswerAsTheStream() {
        List<String> names = List.of("a", "llmtb.gen.m5099bc772210baae.Module", "a.b.C$1", "_x.$y", "\u00e9t\u00e9.Cl\u00e4sse",
                "\u540d\u524d.T", "", ".", "a.", ".a", "a..b", "1a", "a.1b", "a-b", "a/b", "a b", "a.b;", "a.\u0000", "x\u0661",
                "a.b.c.d.e.f", "\ud835\udc00");
        for (String n : names) {
            assertThat(PluginArtifact.isBinaryName(n)).as(n).isEqualTo(byStream(n));
        }
        assertThat(PluginArtifact.isBinaryName("llmtb.gen.m5099bc772210baae.Module")).isTrue();
        assertThat(PluginArtifact.isBinaryName("a-b")).isFalse();
    }

    /** The check as it was. */
    private static boolean byStream(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (String part : name.split("\\.", -1)) {
            if (part.isEmpty() || !Character.isJavaIdentifierStart(part.charAt(0))
                    || !part.chars().skip(1).allMatch(Character::isJavaIdentifierPart)) {
                return false;
            }
        }
        return true;
    }
}
