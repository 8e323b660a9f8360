package io.llmtestbench.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmtestbench.runtime.internal.registry.Semver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The version rules on their own; OriginalGuideTest checks them through loading real plugins. */
class VersionsTest {
    @Test
    void apiVersionFormsGiveMajorAndMinor() {
        assertThat(Versions.apiVersion("1.0.0")).isEqualTo(new Versions.ApiVersion("1.0.0", 1, 0));
        assertThat(Versions.apiVersion("1.1.9")).isEqualTo(new Versions.ApiVersion("1.1.9", 1, 1));
        assertThat(Versions.apiVersion("1.1")).isEqualTo(new Versions.ApiVersion("1.1", 1, 1));
        assertThat(Versions.apiVersion("1")).isEqualTo(new Versions.ApiVersion("1", 1, 0));
        assertThat(Versions.apiVersion("1.10").compatible()).as("minor ten").isFalse();
        assertThat(Versions.apiVersion("1.1.0").compatible()).isTrue();
        assertThatThrownBy(() -> Versions.apiVersion("12345.0")).isInstanceOf(Versions.InvalidVersion.class);
        assertThatThrownBy(() -> Versions.apiVersion((String) null)).hasMessageContaining("api_version null is not an ABI version");
    }

    @Test
    void theVersionRuleIsTheRegistrysParser() {
        for (String v : new String[] {"1.0.0", "1.0.0-rc.1", "1.0.0-0.3.7", "1.0.0-x-y-z.--", "1.0.0+20130313144700"}) {
            assertThat(Versions.version(v)).isEqualTo(Semver.parse(v));
        }
        for (String v : new String[] {"01.0.0", "1.01.0", "1.0.01", "1.0.0-01", "1.0.0-rc..1", "1.0.0+", " 1.0.0", "1.0"}) {
            assertThatThrownBy(() -> Versions.version(v)).as(v).isInstanceOf(Versions.InvalidVersion.class);
            assertThatThrownBy(() -> Semver.parse(v)).as(v).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void messagesShowTheValueEscapedAndShortened() {
        assertThatThrownBy(() -> Versions.version("1.0\n\"x\""))
                .hasMessageStartingWith("metadata version \"1.0\\u000a\\\"x\\\"\" is not a semantic version");
        assertThatThrownBy(() -> Versions.version("9".repeat(300)))
                .hasMessage("metadata version \"" + "9".repeat(80) + "…\" is 300 characters long; at most 256 are accepted");
    }

    /**
     * One place per rule: in the runtime's main code only {@link Versions} parses a plugin's {@code version} or
     * {@code api_version} ({@code Semver.parse}/{@code tryParse}, {@code PluginAbi.parseApiVersion}); everything else
     * (loading, the registry's index, handles) asks {@code Versions}, so a version accepted at load is one the
     * registry can order and route by.
     */
    @Test
    void onlyVersionsParsesPluginVersions() throws IOException {
        Path main = Path.of("src/main/java");
        Pattern parse = Pattern.compile("Semver\\s*\\.\\s*(parse|tryParse)\\s*\\(|parseApiVersion\\s*\\(");
        List<String> callers;
        try (Stream<Path> files = Files.walk(main)) {
            callers = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.endsWith(Path.of("internal/Versions.java")) && !p.endsWith(Path.of("internal/registry/Semver.java")))
                    .filter(p -> {
                        try {
                            return parse.matcher(Files.readString(p)).find();
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .map(p -> main.relativize(p).toString())
                    .toList();
        }
        assertThat(Files.isRegularFile(main.resolve("io/llmtestbench/runtime/internal/Versions.java"))).isTrue();
        assertThat(callers).as("runtime sources parsing plugin versions outside Versions").isEmpty();
    }
}
