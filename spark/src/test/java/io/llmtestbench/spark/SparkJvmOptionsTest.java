package io.llmtestbench.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The JVM options Spark needs are written twice (the tests' argLine in spark/pom.xml, spark/bin/llmtb-spark): equal. */
class SparkJvmOptionsTest {
    @Test
    void theLauncherPassesTheOptionsTheTestsRunWith() throws Exception {
        String script = Files.readString(SparkTests.project().resolve("spark/bin/llmtb-spark"));
        Matcher m = Pattern.compile("SPARK_JVM_OPTIONS=\"([^\"]*)\"").matcher(script);
        assertThat(m.find()).isTrue();
        String pom = System.getProperty("llmtb.spark.jvm.options");
        assertThat(pom).isNotBlank();
        assertThat(m.group(1)).isEqualTo(pom);
        // and this JVM really has them (the argLine): Spark started in the other tests needs java.base/java.nio open
        assertThat(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments())
                .contains("--add-opens=java.base/java.nio=ALL-UNNAMED");
    }

    @Test
    void jsonLinesAreCutAsTheCliCutsThem() {
        org.apache.hadoop.io.Text t = new org.apache.hadoop.io.Text(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}', '\r'});
        assertThat(LlmtbSpark.lineBytes(0, t)).containsExactly('{', '}');
        assertThat(LlmtbSpark.lineBytes(10, t)).containsExactly((byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}');
        assertThat(LlmtbSpark.blank(new byte[] {' ', '\t', '\r'})).isTrue();
        assertThat(LlmtbSpark.blank(new byte[] {' ', 'x'})).isFalse();
    }

    @Test
    void taskSlotsOfALocalMaster() {
        assertThat(io.llmtestbench.spark.internal.ExecutorPlugins.localThreads("local", 8)).isEqualTo(1);
        assertThat(io.llmtestbench.spark.internal.ExecutorPlugins.localThreads("local[3]", 8)).isEqualTo(3);
        assertThat(io.llmtestbench.spark.internal.ExecutorPlugins.localThreads("local[*]", 8)).isEqualTo(8);
        assertThat(io.llmtestbench.spark.internal.ExecutorPlugins.localThreads("local[4,2]", 8)).isEqualTo(4);
        assertThat(io.llmtestbench.spark.internal.ExecutorPlugins.localThreads("spark://host:7077", 8)).isEqualTo(8);
    }
}
