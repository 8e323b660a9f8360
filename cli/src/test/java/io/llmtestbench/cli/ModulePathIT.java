package io.llmtestbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The {@code llmtb} command run as named modules ({@code java -p ... -m io.llmtestbench.cli/...}) instead of from the
 * shaded jar: each module reads only what its module-info requires and sees only what the others export, and plugin
 * classes, defined in their own loader's unnamed module, still link against the runtime's guest entry points (the
 * runtime exports that one package to each plugin loader as it creates it). Without that export, or with a module
 * missing a {@code requires}, these runs fail with an {@code IllegalAccessError} or a resolution error.
 */
class ModulePathIT {

    @Test
    void aMeteredPluginCompilesLoadsAndRunsAsNamedModules() {
        var r = Llmtb.runAsModules("run", Llmtb.plugin("similarity-evaluator").toString(),
                "--input", "{\"text\":\"Paris is the capital of France\",\"expected\":\"Paris\"}", "--config", "{\"threshold\":0.1}");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().path("data").path("passed").asBoolean()).isTrue();
        assertThat(r.json().path("metadata").path("fuel_used").asLong()).isPositive();
    }

    @Test
    void aPluginJarCompiledAndRunAsNamedModules() throws IOException {
        Path jar = Llmtb.work("modules").resolve("similarity.jar");
        Files.deleteIfExists(jar);
        var compile = Llmtb.runAsModules("compile", Llmtb.plugin("similarity-evaluator").toString(), "-o", jar.toString());
        assertThat(compile.exit()).as(compile.toString()).isZero();
        var run = Llmtb.runAsModules("run", jar.toString(), "--input", "{\"text\":\"Paris\",\"expected\":\"Paris\"}");
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.json().path("data").path("score").asDouble()).isEqualTo(1.0);
    }

    @Test
    void limitsAndWasiWorkAsNamedModules() {
        var fuel = Llmtb.runAsModules("run", Llmtb.plugin("loop_forever").toString(), "--input", "{}", "--max-instructions", "100000");
        assertThat(fuel.exit()).as(fuel.toString()).isEqualTo(1);
        assertThat(fuel.json().path("error").path("kind").asText()).as(fuel.toString()).isEqualTo("FUEL_EXHAUSTED");
        var deadline = Llmtb.runAsModules("run", Llmtb.plugin("loop_forever").toString(), "--input", "{}",
                "--max-instructions", "1000000000000000", "--timeout-ms", "300");
        assertThat(deadline.json().path("error").path("kind").asText()).as(deadline.toString()).isEqualTo("TIMEOUT");

        var wasi = Llmtb.runAsModules("run", Llmtb.plugin("wasi_without_permission").toString(), "--input", "{}", "--enable-wasi");
        assertThat(wasi.exit()).as(wasi.toString()).isZero();
        assertThat(wasi.json().path("data").path("wrote").asBoolean()).isTrue();
    }
}
