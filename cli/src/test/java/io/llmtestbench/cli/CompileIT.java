package io.llmtestbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/** {@code llmtb compile}, through the real jar. */
class CompileIT {

    @Test
    void compilesAPluginJarThatRunAndTheRuntimeLoad() throws IOException {
        Path jar = Llmtb.work("compile").resolve("out/similarity.jar");
        Files.deleteIfExists(jar);
        var r = Llmtb.run("compile", Llmtb.plugin("similarity-evaluator").toString(), "-o", jar.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(jar).isRegularFile();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            assertThat(zip.getEntry("META-INF/llmtb/index.json")).isNotNull();
            assertThat(zip.getEntry("META-INF/llmtb/plugins/similarity-evaluator/plugin.json")).isNotNull();
            assertThat(zip.getEntry("META-INF/llmtb/plugins/similarity-evaluator/module.wasm")).isNotNull();
        }
        assertThat(r.stdout()).contains("similarity-evaluator");

        var run = Llmtb.run("run", jar.toString(), "--input", "{\"text\":\"Paris\",\"expected\":\"Paris\"}");
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.json().path("data").path("score").asDouble()).isEqualTo(1.0);

        var inspect = Llmtb.run("inspect", jar.toString(), "--format", "json");
        assertThat(inspect.json().path("origin").asText()).isEqualTo("jar");
    }

    @Test
    void outputIsReproducible() throws IOException {
        Path a = Llmtb.work("compile").resolve("a.jar");
        Path b = Llmtb.work("compile").resolve("b.jar");
        assertThat(Llmtb.run("compile", Llmtb.plugin("echo").toString(), "-o", a.toString()).exit()).isZero();
        assertThat(Llmtb.run("compile", Llmtb.plugin("echo").toString(), "-o", b.toString()).exit()).isZero();
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    }

    @Test
    void invalidWasmExits1WithKindAndWhere() throws IOException {
        Path bad = Llmtb.work("compile").resolve("truncated.wasm");
        Files.write(bad, new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0, 1, 5});
        Path jar = Llmtb.work("compile").resolve("truncated.jar");
        Files.deleteIfExists(jar);
        var r = Llmtb.run("compile", bad.toString(), "-o", jar.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr()).contains("truncated.wasm", "MALFORMED", "section type", "offset 0x8");
        assertThat(r.stdout()).isEmpty();
        assertThat(jar).doesNotExist();

        Path notWasm = Llmtb.work("compile").resolve("text.wasm");
        Files.writeString(notWasm, "(module)");
        var r2 = Llmtb.run("compile", notWasm.toString(), "-o", jar.toString());
        assertThat(r2.exit()).isEqualTo(1);
        assertThat(r2.stderr()).contains("MALFORMED");
    }

    @Test
    void missingInputExits1AndMissingOutputFlagExits2() {
        var r = Llmtb.run("compile", "/no/such/plugin.wasm", "-o", Llmtb.work("compile").resolve("x.jar").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderr()).contains("no such file");

        var usage = Llmtb.run("compile", Llmtb.plugin("echo").toString());
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.stderr()).contains("--output");
    }

    @Test
    void unmeteredCodeIsRefusedUnlessAllowed() {
        Path jar = Llmtb.work("compile").resolve("unmetered.jar");
        var c = Llmtb.run("compile", Llmtb.plugin("echo").toString(), "-o", jar.toString(), "--no-metering");
        assertThat(c.exit()).as(c.toString()).isZero();
        assertThat(c.stdout()).contains("metering OFF");

        var refused = Llmtb.run("run", jar.toString(), "--input", "{}");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.json().path("error").path("kind").asText()).isEqualTo("INVALID_PLUGIN");

        var allowed = Llmtb.run("run", jar.toString(), "--input", "{\"a\":1}", "--allow-unmetered");
        assertThat(allowed.exit()).as(allowed.toString()).isZero();
        assertThat(allowed.json().path("data").path("a").asInt()).isEqualTo(1);
    }

    /** A module over a compile limit is refused naming the limit; --compile-limit raises it, for compile and run alike. */
    @Test
    void compileLimitRefusesNamingTheLimitAndTheOptionRaisesIt() throws IOException {
        Path jar = Llmtb.work("compile").resolve("limited.jar");
        Files.deleteIfExists(jar);
        String echo = Llmtb.plugin("echo").toString();
        var refused = Llmtb.run("compile", echo, "-o", jar.toString(), "--compile-limit", "maxFunctionBodyBytes=16");
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.stderr()).contains("LIMIT", "compile limit maxFunctionBodyBytes", "the limit is 16",
                "--compile-limit maxFunctionBodyBytes=N");
        assertThat(jar).doesNotExist();
        var raised = Llmtb.run("compile", echo, "-o", jar.toString(), "--compile-limit", "maxFunctionBodyBytes=16",
                "--compile-limit", "maxFunctionBodyBytes=1m");
        assertThat(raised.exit()).as(raised.toString()).isZero();

        var run = Llmtb.run("run", echo, "--no-cache", "--input", "{}", "--compile-limit", "maxFunctionBodyBytes=16");
        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.json().path("error").path("kind").asText()).isEqualTo("INVALID_PLUGIN");
        assertThat(run.json().path("error").path("message").asText()).contains("compile limit maxFunctionBodyBytes");

        var unknown = Llmtb.run("compile", echo, "-o", jar.toString(), "--compile-limit", "maxLocals=5");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("unknown compile limit 'maxLocals'", "maxLocalsPerFunction");
    }
}
