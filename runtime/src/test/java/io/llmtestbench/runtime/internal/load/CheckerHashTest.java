package io.llmtestbench.runtime.internal.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmtestbench.compiler.internal.CodeHash;
import org.junit.jupiter.api.Test;

class CheckerHashTest {

    /**
     * The checker's code hash, which keys every remembered verdict, is computed when the runtime is built and read
     * back from a resource (issue #16 point 4); it is the hash of the class files these tests run with, so a resource
     * left behind by an older build of the checker fails here instead of keeping its verdicts valid.
     */
    @Test
    void theBuiltCheckerHashIsTheHashOfTheseClasses() {
        String built = CodeHash.read(ReferenceVerdicts.class, ReferenceVerdicts.CHECKER_RESOURCE, ReferenceVerdicts.CHECKER_KEY);
        assertThat(built).as("the checker hash resource written by the build (exec-maven-plugin, ReferenceVerdicts.main)").isNotNull();
        assertThat(built).isEqualTo(ReferenceVerdicts.checkerHashOfClasses()).matches("[0-9a-f]{64}");
    }
}
