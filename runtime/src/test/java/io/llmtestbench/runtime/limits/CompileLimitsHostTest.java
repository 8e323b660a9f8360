package io.llmtestbench.runtime.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmtestbench.compiler.CompilationException;
import io.llmtestbench.compiler.CompileLimits;
import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.compiler.WasmCompiler;
import io.llmtestbench.runtime.ErrorKind;
import io.llmtestbench.runtime.PluginLoadException;
import io.llmtestbench.runtime.PluginSystem;
import io.llmtestbench.runtime.TestPlugins;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compile-time denial of service of issue #13 — functions of ~67,000 locals, which needed more than 1 GB of heap
 * and 23 s to compile — is refused by the compile limits within 10 s in a JVM of 256 MB of heap, while the same host
 * keeps serving another plugin; a system configured with higher limits accepts what the defaults refuse.
 */
class CompileLimitsHostTest {

    @Test
    void theIssuesLocalsShapeIsRefusedQuicklyIn256MbWhileTheHostKeepsServing() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xmx256m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
                CompileBombHost.class.getName(), TestPlugins.wasm("echo").toAbsolutePath().toString(), "3000")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        Map<String, String> r = new HashMap<>();
        for (String line : out.split("\\R")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.matches("[A-Za-z]+=.*")) {
                r.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        assertThat(r).as(out).doesNotContainKey("loaded").containsEntry("failure", "none").containsEntry("maxHeapMb", "256");
        assertThat(r.get("kind")).isEqualTo("INVALID_PLUGIN/INVALID");
        assertThat(r.get("message")).contains("maxLocalsPerFunction", "declares 67000 locals", "the limit is 10000",
                "--compile-limit maxLocalsPerFunction=");
        assertThat(Long.parseLong(r.get("firstRefusalMs"))).as(out).isLessThan(10_000);
        assertThat(Long.parseLong(r.get("refusals"))).as(out).isGreaterThan(1);
        assertThat(Long.parseLong(r.get("executionsDuring"))).as("executions served while loading: %s", out).isGreaterThan(0);
        System.out.println("[compile limits] in 256 MB of heap: " + r);
    }

    @Test
    void aModuleFileOverTheSizeLimitIsRefusedWithoutReadingIt(@TempDir Path dir) throws Exception {
        // a sparse file of 3 GiB that starts like a module: reading it first ended in OutOfMemoryError ("Required array
        // size too large"), and a 600 MB one ran a 1 GB host out of heap before the size limit was looked at
        Path file = dir.resolve("huge.wasm");
        try (var f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.write(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
            f.setLength(3L << 30);
        }
        try (PluginSystem system = PluginSystem.builder().cacheDir(null).build()) {
            assertThatThrownBy(() -> system.loadPlugin(file)).isInstanceOfSatisfying(PluginLoadException.class,
                            e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_PLUGIN))
                    .hasMessageContaining("compile limit maxModuleBytes: the module is " + (3L << 30) + " bytes, the limit is "
                            + CompileLimits.DEFAULT_MAX_MODULE_BYTES);
        }
    }

    @Test
    void aSystemWithRaisedLimitsCompilesWhatTheDefaultsRefuse(@TempDir Path dir) throws Exception {
        byte[] wasm = LocalsBomb.module(1, 20, 100);
        Path file = dir.resolve("blocks.wasm");
        Files.write(file, wasm);
        CompileLimits tight = CompileLimits.defaults().withMaxLocalsTimesControlPerFunction(1_000);
        try (PluginSystem system = PluginSystem.builder().cacheDir(null).compileLimits(tight).build()) {
            try {
                system.loadPlugin(file);
                throw new AssertionError("loaded");
            } catch (PluginLoadException e) {
                assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_PLUGIN);
                assertThat(e.getMessage()).contains("maxLocalsTimesControlPerFunction", "20 locals", "301 control instructions",
                        "PluginSystem.builder().compileLimits(");
            }
        }
        // the same module compiles under the defaults (it is no plugin: loading it would fail later, at the ABI check)
        assertThat(WasmCompiler.compile(wasm, CompilerOptions.defaults()).classes()).isNotEmpty();
    }

    @Test
    void theShapeIsRefusedByTheCompilerBeforeParsing() {
        long t0 = System.nanoTime();
        try {
            WasmCompiler.compile(LocalsBomb.issueShape(), CompilerOptions.defaults());
            throw new AssertionError("compiled");
        } catch (CompilationException e) {
            assertThat(e.kind()).isEqualTo(CompilationException.Kind.LIMIT);
            assertThat(e.functionIndex()).isEqualTo(0);
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(2_000);
        assertThat(LocalsBomb.issueShape().length).as("at least the issue's 335 KB").isGreaterThan(335_000);
    }
}
