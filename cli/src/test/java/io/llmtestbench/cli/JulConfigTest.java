package io.llmtestbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * In a JVM of its own, {@code llmtb} leaves java.util.logging alone until something uses it (a one-shot run never
 * does), and whatever then logs through it (Chicory's default logger, jline) is still at the level --verbose chose:
 * WARNING and above on stderr, INFO too with --verbose.
 */
class JulConfigTest {
    private static String host(String... args) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new java.util.ArrayList<>(List.of(java.toString(), "-Xlog:class+load=info:stdout",
                "-cp", System.getProperty("java.class.path"), JulHost.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void javaUtilLoggingIsConfiguredWhenFirstUsedAtTheChosenLevel() throws Exception {
        String quiet = host();
        assertThat(quiet).contains("WARNING-RECORD").doesNotContain("INFO-RECORD");
        int configured = quiet.indexOf("] io.llmtestbench.cli.JulConfig ");
        int used = quiet.indexOf("WARNING-RECORD");
        int logManager = quiet.indexOf("] java.util.logging.LogManager ");
        assertThat(logManager).as("java.util.logging initialised by the first logger, not by configureLogging")
                .isGreaterThan(quiet.indexOf("LOGGING-CONFIGURED")).isPositive();
        assertThat(configured).as("JulConfig loaded, when logging is first used").isPositive().isLessThan(used);
        String verbose = host("verbose");
        assertThat(verbose).contains("INFO-RECORD", "WARNING-RECORD");
    }
}
