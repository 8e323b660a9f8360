package io.llmtestbench.runtime.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmtestbench.compiler.CompilerOptions;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Regression scripts for the divergences the independent oracle found ({@code src/test/resources/oracle/regressions}:
 * each {@code <name>.wast} with its wabt {@code wast2json} conversion in {@code <name>/}). Every command of every
 * script must pass on our compiled code, metered and unmetered, through the same runner as the spec suite; the
 * oracle's own test also runs them through V8, which checks the scripts' expectations.
 */
class RegressionScriptsTest {
    static final List<Engine> ENGINES = List.of(
            new Engine.Compiled(CompilerOptions.defaults()),
            new Engine.Compiled(CompilerOptions.defaults().withMetering(false)));

    /** The directory of the converted regression scripts. */
    static Path root() {
        try {
            return Path.of(RegressionScriptsTest.class.getResource("/oracle/regressions").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<SpecScript> scripts() {
        List<SpecScript> scripts = SpecScript.loadAll(root());
        assertThat(scripts).as("regression scripts under %s", root()).isNotEmpty();
        return scripts;
    }

    @TestFactory
    Stream<DynamicNode> everyCommandPasses() {
        List<DynamicNode> containers = new ArrayList<>();
        for (SpecScript script : scripts()) {
            List<DynamicTest> tests = new ArrayList<>();
            for (Engine engine : ENGINES) {
                tests.add(DynamicTest.dynamicTest(engine.name(), () -> {
                    ScriptRunner.Run run = SpecThreads.runOnBigStack(() -> ScriptRunner.run(script, engine, false));
                    List<String> failures = new ArrayList<>();
                    for (ScriptRunner.Outcome o : run.outcomes()) {
                        if (o.status() != ScriptRunner.Status.PASSED) {
                            failures.add(script.wastName() + ":" + o.command().line() + " " + o.command().describe() + ": " + o.detail());
                        }
                    }
                    assertThat(failures).as("failed commands").isEmpty();
                    assertThat(run.outcomes()).as("commands run").isNotEmpty();
                }));
            }
            containers.add(DynamicContainer.dynamicContainer(script.wastName(), tests));
        }
        return containers.stream();
    }
}
