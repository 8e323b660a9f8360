package io.llmtestbench.runtime.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class VersionRangeTest {

    @Test
    void semverPrecedence() {
        List<String> ordered = List.of("0.9.9", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
                "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.2.0", "1.10.0", "2.0.0");
        for (int i = 0; i + 1 < ordered.size(); i++) {
            assertThat(Semver.parse(ordered.get(i))).as(ordered.get(i) + " < " + ordered.get(i + 1))
                    .isLessThan(Semver.parse(ordered.get(i + 1)));
        }
        assertThat(Semver.parse("1.0.0+build.5").compareTo(Semver.parse("1.0.0"))).isZero();
        assertThatThrownBy(() -> Semver.parse("1.0")).hasMessageContaining("not a semantic version");
        assertThatThrownBy(() -> Semver.parse("01.0.0")).isInstanceOf(IllegalArgumentException.class);
    }

    static Stream<Arguments> ranges() {
        return Stream.of(
                Arguments.of(null, "0.0.1 1.0.0 9.9.9", "1.0.0-rc.1"),
                Arguments.of("*", "0.0.1 2.0.0", "2.0.0-beta"),
                Arguments.of("1.2.3", "1.2.3", "1.2.4 1.2.2 1.2.3-rc.1"),
                Arguments.of("=1.2.3", "1.2.3", "1.2.4"),
                Arguments.of("1.2", "1.2.0 1.2.9", "1.3.0 1.1.9"),
                Arguments.of("1", "1.0.0 1.99.0", "2.0.0 0.9.0"),
                Arguments.of("^1.2.3", "1.2.3 1.9.0", "1.2.2 2.0.0 2.0.0-rc.1 1.3.0-rc.1"),
                Arguments.of("^1.2", "1.2.0 1.9.9", "1.1.9 2.0.0"),
                Arguments.of("^0.2.3", "0.2.3 0.2.9", "0.3.0 0.2.2"),
                Arguments.of("^0.0.3", "0.0.3", "0.0.4"),
                Arguments.of("~1.2.3", "1.2.3 1.2.9", "1.3.0 1.2.2"),
                Arguments.of("~1", "1.0.0 1.9.0", "2.0.0"),
                Arguments.of(">=1.2 <3", "1.2.0 2.9.9", "1.1.9 3.0.0"),
                Arguments.of(">= 1.2.0 < 2", "1.5.0", "2.0.0"),
                Arguments.of(">1.0.0", "1.0.1", "1.0.0"),
                Arguments.of("<=1.0.0", "1.0.0 0.1.0", "1.0.1"),
                Arguments.of(">=1.3.0-rc.1", "1.3.0-rc.2 1.3.0 2.0.0", "1.3.0-beta 1.4.0-rc.1"));
    }

    @ParameterizedTest
    @MethodSource("ranges")
    void rangesMatchWhatTheyDocument(String range, String matching, String notMatching) {
        VersionRange r = VersionRange.parse(range);
        for (String v : matching.split(" ")) {
            assertThat(r.matches(Semver.parse(v))).as(range + " matches " + v).isTrue();
        }
        for (String v : notMatching.split(" ")) {
            assertThat(r.matches(Semver.parse(v))).as(range + " does not match " + v).isFalse();
        }
    }

    @Test
    void badRangesAreRefusedShowingTheSyntax() {
        for (String bad : List.of("latest", "1.x", "^", ">=1.2 || 2", "1.2.3.4")) {
            assertThatThrownBy(() -> VersionRange.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("bad version range").hasMessageContaining("^1.2");
        }
    }
}
