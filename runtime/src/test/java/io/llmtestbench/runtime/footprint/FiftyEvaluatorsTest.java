package io.llmtestbench.runtime.footprint;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmtestbench.runtime.TestPlugins;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue #16 point 5: 50 live instances of the similarity evaluator (one loaded plugin, its pool started to 50, executing
 * in bursts of 50 threads) fit in a JVM of 256 MiB of heap, with the heap they use after a full GC reported.
 */
class FiftyEvaluatorsTest {

    @Test
    void fiftyLiveEvaluatorInstancesFitIn256MibOfHeap() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xmx256m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), FiftyEvaluatorsHost.class.getName(),
                TestPlugins.wasm("similarity-evaluator").toAbsolutePath().toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        Map<String, String> r = new HashMap<>();
        for (String line : out.split("\\R")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.matches("[A-Za-z]+=.*")) {
                r.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        assertThat(r).as(out).containsEntry("instances", "50").containsEntry("failures", "0").containsEntry("maxHeapMb", "256")
                .doesNotContainKey("error");
        assertThat(Long.parseLong(r.get("heapUsedMb"))).as(out).isLessThan(256);
        System.out.println("[footprint] 50 live evaluator instances in 256 MiB of heap: " + r);
    }
}
