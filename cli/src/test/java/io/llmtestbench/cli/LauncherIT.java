package io.llmtestbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The {@code llmtb} launcher script's start-up work: the first {@code run} writes an AppCDS archive of the classes it
 * loaded into {@code $XDG_CACHE_HOME/llmtb/cds/}, later commands load the runtime's classes from it, and neither
 * changes what the command prints (stdout the same JSON, nothing on stderr). {@code LLMTB_CDS=off} turns it off.
 */
class LauncherIT {
    private static final String INPUT = "{\"text\":\"Paris is the capital of France\",\"expected\":\"Paris\"}";

    @Test
    void theFirstRunWritesAClassDataArchiveThatLaterRunsLoadFromWithTheSameOutput() throws Exception {
        Path home = Llmtb.work("launcher-cds").toAbsolutePath();
        deleteTree(home);
        Path cds = home.resolve("llmtb/cds");
        Path classLog = home.resolve("classes.log");

        Result first = launch(home, null, "run", Llmtb.plugin("similarity-evaluator").toString(), "--input", INPUT);
        assertThat(first.exit).as(first.toString()).isZero();
        assertThat(first.stderr).as(first.toString()).isEmpty();
        assertThat(archives(cds)).as("the archive the first run wrote").hasSize(1);

        Result second = launch(home, "-Xlog:class+load=info:file=" + classLog, "run",
                Llmtb.plugin("similarity-evaluator").toString(), "--input", INPUT);
        assertThat(second.exit).as(second.toString()).isZero();
        assertThat(second.stderr).as(second.toString()).isEmpty();
        assertThat(withoutTimes(second.stdout)).isEqualTo(withoutTimes(first.stdout));
        String loaded = Files.readString(classLog);
        assertThat(loaded).as("the runtime's classes come from the archive")
                .containsPattern("io\\.llmtestbench\\.runtime\\.PluginSystem source: shared objects file \\(top\\)");

        Files.delete(classLog);
        Result off = launch(home, "-Xlog:class+load=info:file=" + classLog, "run",
                Llmtb.plugin("similarity-evaluator").toString(), "--input", INPUT, "LLMTB_CDS=off");
        assertThat(off.exit).as(off.toString()).isZero();
        assertThat(Files.readString(classLog)).doesNotContain("shared objects file (top)");
    }

    private static String withoutTimes(String json) {
        return json.replaceAll("\"execution_time_ms\":\\d+", "");
    }

    private static List<Path> archives(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("llmtb-[0-9a-f]+\\.jsa")).toList();
        }
    }

    private record Result(List<String> command, int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            return String.join(" ", command) + "\n  exit " + exit + "\n  stdout: " + stdout + "\n  stderr: " + stderr;
        }
    }

    /** Runs the launcher with XDG_CACHE_HOME={@code home}; a last argument of the form NAME=VALUE is set in its environment. */
    private static Result launch(Path home, String javaOpts, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Llmtb.projectDir().resolve("llmtb").toString());
        String env = null;
        for (String a : args) {
            if (a.matches("[A-Z_]+=.*")) {
                env = a;
            } else {
                cmd.add(a);
            }
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LLMTB_JAR", Llmtb.jar().toAbsolutePath().toString());
        pb.environment().put("XDG_CACHE_HOME", home.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("LLMTB_CACHE_DIR", Llmtb.work("cache").toAbsolutePath().toString());
        pb.environment().remove("LLMTB_JAVA_OPTS");
        if (javaOpts != null) {
            pb.environment().put("LLMTB_JAVA_OPTS", javaOpts);
        }
        if (env != null) {
            int eq = env.indexOf('=');
            pb.environment().put(env.substring(0, eq), env.substring(eq + 1));
        }
        Process p = pb.start();
        p.getOutputStream().close();
        var out = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return new Result(cmd, p.exitValue(), out.join(), err.join());
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
