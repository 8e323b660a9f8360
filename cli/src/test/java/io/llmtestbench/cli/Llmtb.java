package io.llmtestbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real executable jar ({@code java -jar target/llmtb.jar ...}) the way users and outside test suites
 * do, and captures exit code, stdout and stderr separately. Paths come from system properties set by failsafe.
 */
final class Llmtb {
    static final ObjectMapper JSON = new ObjectMapper();

    /** The outcome of one command. */
    record Result(List<String> command, int exit, String stdout, String stderr) {
        JsonNode json() {
            try {
                return JSON.readTree(stdout);
            } catch (IOException e) {
                throw new AssertionError("stdout is not JSON: " + this, e);
            }
        }

        @Override
        public String toString() {
            return String.join(" ", command) + "\n  exit " + exit + "\n  stdout: " + stdout + "\n  stderr: " + stderr;
        }
    }

    private Llmtb() {}

    static Path jar() {
        Path jar = Path.of(required("llmtb.jar"));
        assertThat(jar).as("the shaded jar (built by package, before integration-test)").isRegularFile();
        return jar;
    }

    static Path testPlugins() {
        Path dir = Path.of(required("llmtb.testplugins.dir"));
        assertThat(dir).as("test plugins directory (test-plugins/wasm, built by test-plugins/build.sh)").isDirectory();
        return dir;
    }

    static Path plugin(String name) {
        Path p = testPlugins().resolve(name + ".wasm");
        assertThat(p).as("test plugin " + name).isRegularFile();
        return p;
    }

    static Path projectDir() {
        return Path.of(required("llmtb.project.dir"));
    }

    /** A scratch directory under target/it-work. */
    static Path work(String name) {
        Path dir = Path.of(System.getProperty("llmtb.work.dir", "target/it-work")).resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    private static String required(String property) {
        String v = System.getProperty(property);
        assertThat(v).as("system property " + property + " (set by maven-failsafe-plugin)").isNotBlank();
        return v;
    }

    static Result run(String... args) {
        return run(null, Map.of(), args);
    }

    static Result runIn(Path dir, String... args) {
        return run(dir, Map.of(), args);
    }

    /** Runs the jar with a private compile cache (under target/it-work), in {@code dir} (or the current directory). */
    static Result run(Path dir, Map<String, String> env, String... args) {
        return launch(List.of("-jar", jar().toString()), dir, env, args);
    }

    /**
     * Runs the command as named modules rather than from the shaded jar: {@code java -p <module path> -m
     * io.llmtestbench.cli/io.llmtestbench.cli.Main ...}, the module path being this module's classes and its
     * dependencies' jars (each with its module-info), as failsafe passes them in {@code llmtb.module.path}.
     */
    static Result runAsModules(String... args) {
        return launch(List.of("-p", required("llmtb.module.path"), "-m", "io.llmtestbench.cli/io.llmtestbench.cli.Main"),
                null, Map.of(), args);
    }

    private static Result launch(List<String> launcher, Path dir, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:+UseSerialGC");
        int shown = cmd.size() + launcher.size();
        cmd.addAll(launcher);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.environment().put("LLMTB_CACHE_DIR", work("cache").toAbsolutePath().toString());
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            CompletableFuture<String> out = drain(p.getInputStream());
            CompletableFuture<String> err = drain(p.getErrorStream());
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + cmd);
            }
            return new Result(cmd.subList(shown, cmd.size()), p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
