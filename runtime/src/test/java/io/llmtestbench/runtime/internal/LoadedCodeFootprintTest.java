package io.llmtestbench.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.llmtestbench.compiler.CompiledModule;
import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.compiler.PluginArtifact;
import io.llmtestbench.compiler.WasmCompiler;
import io.llmtestbench.runtime.TestPlugins;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A loaded plugin keeps what instantiation needs and no more: no parsed instructions, no
 * custom sections, no class bytes once its classes are defined (issue #22; the retained heap itself is measured by
 * {@code benchmarks/soak.sh footprint}).
 */
class LoadedCodeFootprintTest {
    private static long instructions(WasmModule m) {
        return Arrays.stream(m.codeSection().functionBodies()).mapToLong(b -> b.instructions().size()).sum();
    }

    @Test
    void theLoadedModuleHasNoInstructionsAndTheLoaderNoClassBytes() throws Exception {
        byte[] wasm = Files.readAllBytes(TestPlugins.wasm("similarity-evaluator"));
        CompiledModule compiled = WasmCompiler.compile(wasm, CompilerOptions.defaults());
        WasmModule parsed = Parser.parse(compiled.wasm());
        assertThat(instructions(parsed)).as("what the parser makes").isGreaterThan(10_000);

        LoadedCode code = LoadedCode.define("similarity-evaluator.wasm", PluginArtifact.Entry.of("e", "e.wasm", compiled), true);
        WasmModule kept = code.module();
        assertThat(instructions(kept)).isZero();
        assertThat(kept.customSections()).isEmpty();
        assertThat(kept.codeSection().functionBodyCount()).isEqualTo(parsed.codeSection().functionBodyCount());
        // what instantiation reads is all there
        assertThat(kept.dataSection().dataSegmentCount()).isEqualTo(parsed.dataSection().dataSegmentCount());
        assertThat(kept.elementSection().elementCount()).isEqualTo(parsed.elementSection().elementCount());
        assertThat(kept.globalSection().globalCount()).isEqualTo(parsed.globalSection().globalCount());
        assertThat(kept.exportSection().exportCount()).isEqualTo(parsed.exportSection().exportCount());
        assertThat(kept.importSection().importCount()).isEqualTo(parsed.importSection().importCount());

        Field bytes = code.classLoader().getClass().getDeclaredField("classes");
        bytes.setAccessible(true);
        assertThat((Map<?, ?>) bytes.get(code.classLoader())).as("class bytes kept after definition").isEmpty();
        assertThat(code.classLoader().loadClass(compiled.mainClass())).isNotNull();
    }
}
