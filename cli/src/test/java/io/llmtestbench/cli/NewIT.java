package io.llmtestbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code llmtb new}: every template, in every language, builds with the one command {@code llmtb new} prints and
 * passes {@code llmtb run} on its sample input, giving output of its plugin type's contract (docs/plugin-abi.md §16).
 * A language whose toolchain is missing is skipped, saying so on stderr (CI installs every toolchain: .ci/run).
 */
class NewIT {
    private static final Pattern BUILD = Pattern.compile("(?m)^Build it:  cd (\\S+) && (.+)$");
    private static final Pattern RUN = Pattern.compile("(?m)^Run it:    llmtb run (\\S+) --input @sample-input\\.json$");
    /** One Cargo target directory for every Rust template: the crates they share (serde...) are compiled once. */
    private static final Path CARGO_TARGET = Llmtb.work("new-cargo-target").toAbsolutePath();

    @ParameterizedTest
    @EnumSource(NewCommand.Type.class)
    void watTemplateBuildsAndRuns(NewCommand.Type type) throws Exception {
        requireTool("WAT", "wat2wasm", "--version");
        buildAndRun(type, NewCommand.Lang.wat);
    }

    @ParameterizedTest
    @EnumSource(NewCommand.Type.class)
    void cTemplateBuildsAndRuns(NewCommand.Type type) throws Exception {
        requireTool("C", "make", "--version");
        requireTool("C", "clang", "--version");
        JsonNode out = buildAndRun(type, NewCommand.Lang.c);
        if (type == NewCommand.Type.evaluator) {
            assertThat(out.path("score").asDouble()).as("the sample's response contains its expected answer").isEqualTo(1.0);
        }
    }

    @ParameterizedTest
    @EnumSource(NewCommand.Type.class)
    void rustTemplateBuildsAndRuns(NewCommand.Type type) throws Exception {
        if (!NewCommand.Toolchain.hasWasmTarget("rustc") && !NewCommand.Toolchain.hasWasmTarget("/usr/bin/rustc")) {
            skip("Rust", "no rustc with the wasm32-unknown-unknown target");
        }
        JsonNode out = buildAndRun(type, NewCommand.Lang.rust);
        if (type == NewCommand.Type.evaluator) {
            assertThat(out.path("score").asDouble()).isEqualTo(1.0);
            assertThat(out.path("label").asText()).isEqualTo("match");
        }
    }

    @Test
    void theCTemplateBuildsWithoutLibcToo() throws Exception {
        requireTool("C", "make", "--version");
        requireTool("C", "clang", "--version");
        Path dir = fresh("new-c-nolibc");
        var created = Llmtb.run("new", "filter", "bare-filter", "--lang", "c", "--dir", dir.toString());
        assertThat(created.exit()).as(created.toString()).isZero();
        shell(dir, "make NO_LIBC=1", Map.of());
        var r = Llmtb.runIn(dir, "run", "bare-filter.wasm", "--input", "{\"text\":\"x\",\"scores\":{\"a\":0.2,\"b\":0.9}}");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().path("data").path("keep").asBoolean()).isFalse();
        assertThat(r.json().path("data").path("reason").asText()).isEqualTo("below 0.5: a=0.2");
        var many = Llmtb.runIn(dir, "run", "bare-filter.wasm", "--input", "{\"text\":\"x\",\"scores\":{\"a\":0.6}}", "--repeat", "200");
        assertThat(many.json().path("data").path("keep").asBoolean()).as(many.toString()).isTrue();
        assertThat(many.json().path("metadata").path("memory_used_bytes").asLong())
                .as("the allocator rewinds after each call: memory does not grow over 200 executions").isLessThan(1L << 20);
    }

    @Test
    void badNamesAndNonEmptyDirectoriesAreUsageErrors() throws IOException {
        var bad = Llmtb.run("new", "evaluator", "My Plugin", "--dir", fresh("new-bad").toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.stderr()).contains("must match [a-z0-9][a-z0-9._-]{0,63}");
        Path taken = fresh("new-taken");
        Files.writeString(taken.resolve("keep.txt"), "mine");
        var exists = Llmtb.run("new", "evaluator", "x", "--dir", taken.toString());
        assertThat(exists.exit()).isEqualTo(2);
        assertThat(exists.stderr()).contains("exists and is not empty");
        assertThat(taken.resolve("keep.txt")).hasContent("mine");
        var lang = Llmtb.run("new", "evaluator", "x", "--lang", "cobol", "--dir", fresh("new-lang").toString());
        assertThat(lang.exit()).isEqualTo(2);
        var type = Llmtb.run("new", "ranker", "x", "--dir", fresh("new-type").toString());
        assertThat(type.exit()).isEqualTo(2);
    }

    @Test
    void aRustProjectCarriesACopyOfThePdk() throws IOException {
        Path dir = fresh("new-rust-files");
        var created = Llmtb.run("new", "transform", "my.transform", "--lang", "rust", "--dir", dir.toString());
        assertThat(created.exit()).as(created.toString()).isZero();
        Path pdk = Llmtb.projectDir().resolve("pdk/rust");
        for (String f : NewCommand.RUST_PDK_FILES) {
            assertThat(dir.resolve("llmtb-pdk").resolve(f)).as(f).hasSameTextualContentAs(pdk.resolve(f));
        }
        assertThat(Files.readString(dir.resolve("Cargo.toml"))).contains("name = \"my-transform\"", "llmtb-pdk = { path = \"llmtb-pdk\" }");
        assertThat(created.stdout()).contains("target/wasm32-unknown-unknown/release/my_transform.wasm");
        assertThat(Files.readString(dir.resolve("src/lib.rs"))).contains("struct MyTransform", "Metadata::new(\"my.transform\"");
    }

    /** Creates the project, runs the printed build command, then the printed run command; returns the output data. */
    private static JsonNode buildAndRun(NewCommand.Type type, NewCommand.Lang lang) throws Exception {
        String name = "t-" + lang + "-" + type;
        Path dir = fresh("new-" + lang + "-" + type);
        var created = Llmtb.run("new", type.name(), name, "--lang", lang.name(), "--dir", dir.toString());
        assertThat(created.exit()).as(created.toString()).isZero();
        assertThat(created.stdout()).startsWith("Created " + type + " plugin '" + name + "'");
        assertThat(dir.resolve("sample-input.json")).isRegularFile();
        assertThat(dir.resolve("README.md")).isRegularFile();

        Matcher build = BUILD.matcher(created.stdout());
        Matcher run = RUN.matcher(created.stdout());
        assertThat(build.find()).as(created.stdout()).isTrue();
        assertThat(run.find()).as(created.stdout()).isTrue();
        assertThat(build.group(1)).isEqualTo(dir.toString());
        Map<String, String> env = lang == NewCommand.Lang.rust ? Map.of("CARGO_TARGET_DIR", CARGO_TARGET.toString()) : Map.of();
        shell(dir, build.group(2), env);

        String wasm = run.group(1);
        if (lang == NewCommand.Lang.rust) {
            // the shared CARGO_TARGET_DIR stands in for the project's target/
            assertThat(wasm).startsWith("target/");
            wasm = CARGO_TARGET.resolve(wasm.substring("target/".length())).toString();
        }
        var r = Llmtb.runIn(dir, "run", wasm, "--input", "@sample-input.json");
        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode data = r.json().path("data");
        checkContract(type, data);

        var inspect = Llmtb.runIn(dir, "inspect", wasm);
        assertThat(inspect.exit()).as(inspect.toString()).isZero();
        assertThat(inspect.stdout()).contains("Plugin:       " + name + " 0.1.0 (" + type + ")");
        return data;
    }

    /** The output contract of each plugin type (docs/plugin-abi.md §16). */
    private static void checkContract(NewCommand.Type type, JsonNode data) {
        switch (type) {
            case evaluator -> assertThat(data.path("score").asDouble(-1)).as(data.toString()).isBetween(0.0, 1.0);
            case provider -> {
                assertThat(data.path("text").isTextual()).as(data.toString()).isTrue();
                assertThat(data.path("model").isTextual()).isTrue();
                assertThat(data.path("finish_reason").asText()).isIn("stop", "length");
                assertThat(data.path("usage").path("prompt_tokens").canConvertToLong()).isTrue();
                assertThat(data.path("usage").path("completion_tokens").canConvertToLong()).isTrue();
            }
            case transform -> {
                assertThat(data.path("text").isTextual()).as(data.toString()).isTrue();
                assertThat(data.path("id").asText()).as("a transform copies the fields it does not change").isEqualTo("rec-0001");
            }
            case filter -> assertThat(data.path("keep").isBoolean()).as(data.toString()).isTrue();
            default -> throw new AssertionError(type);
        }
    }

    private static void shell(Path dir, String command, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.MINUTES)).as("`" + command + "` finished").isTrue();
        assertThat(p.exitValue()).as("`" + command + "` in " + dir + ":\n" + output).isZero();
    }

    private static void requireTool(String lang, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return;
            }
        } catch (IOException e) {
            // not installed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        skip(lang, command[0] + " is not installed");
    }

    private static void skip(String lang, String why) {
        String message = "SKIPPED: llmtb new --lang " + lang.toLowerCase(java.util.Locale.ROOT) + " end-to-end: " + why
                + " (CI installs it: .ci/run)";
        System.err.println("\n*** " + message + " ***\n");
        Assumptions.abort(message);
    }

    /** An empty directory under target/it-work (removed first if a previous run left it). */
    private static Path fresh(String name) {
        Path dir = Llmtb.work(name);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir)) {
                    Files.delete(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }
}
