package io.llmtestbench.runtime.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the spec suite is looked for, and what happens when it is not there (issue #20). */
class SpecSuiteLocationTest {
    @TempDir
    Path tmp;

    private Path suite(String name) throws IOException {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir.resolve("json/i32"));
        Files.writeString(dir.resolve("json/i32/spec.json"), "{\"commands\": []}");
        return dir;
    }

    @Test
    void theOrderIsThePropertyThenTheVariableThenTheSharedDirectory() throws IOException {
        Path property = suite("property");
        Path env = suite("env");
        Path shared = suite("shared");
        assertThat(SpecSuite.find(property.toString(), env.toString(), shared, false)).contains(property.resolve("json"));
        assertThat(SpecSuite.find(null, env.toString(), shared, false)).contains(env.resolve("json"));
        assertThat(SpecSuite.find("", " ", shared, false)).contains(shared.resolve("json"));
    }

    @Test
    void nothingFoundIsASkipUnlessRequired() {
        Path missing = tmp.resolve("no-shared");
        assertThat(SpecSuite.find(null, null, missing, false)).isEmpty();
        assertThatThrownBy(() -> SpecSuite.find(null, null, missing, true)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("-Dspec.testsuite.required=true").hasMessageContaining(missing.toString())
                .hasMessageContaining("tools/spec-testsuite.sh");
    }

    @Test
    void aConfiguredLocationWithoutTheSuiteFailsEvenWhenTheSharedOneExists() throws IOException {
        Path shared = suite("shared");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> SpecSuite.find(empty.toString(), null, shared, false)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("-Dspec.testsuite.dir=" + empty).hasMessageContaining(empty.resolve("json") + "/<script>/spec.json");
        assertThatThrownBy(() -> SpecSuite.find(null, empty.toString(), shared, false)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("$WASM_SPEC_TESTSUITE=" + empty);
    }

    @Test
    void theSkipLineIsOneLineSayingWhatHowManyAndHow() {
        String line = SpecSuite.skipLine();
        assertThat(line).doesNotContain("\n").startsWith("[WARNING] SPEC SUITE SKIPPED: ")
                .contains("56,905 commands", "205 scripts", "-Dspec.testsuite.dir", "$WASM_SPEC_TESTSUITE",
                        "tools/spec-testsuite.sh <checkout of github.com/WebAssembly/testsuite> <dir>");
    }
}
