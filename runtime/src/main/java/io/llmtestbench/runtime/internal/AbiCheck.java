package io.llmtestbench.runtime.internal;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Import;
import io.llmtestbench.abi.AbiProblem;
import io.llmtestbench.abi.PluginAbi;
import io.llmtestbench.runtime.PluginLoadException.Stage;
import java.util.ArrayList;
import java.util.List;

/**
 * Refuses a module that is not a plugin before anything runs: the first error of {@link PluginAbi#check} (the
 * one implementation of the ABI's structural rules, shared with the build tools), and WASI imports when WASI is
 * not enabled. Every refusal names the export or import and shows what was expected; all are
 * {@link Stage#UNLINKABLE}.
 */
public final class AbiCheck {
    private AbiCheck() {}

    /** What a plugin module imports, sorted by kind, for {@code inspect} and permissions. */
    public record Imports(List<String> hostFunctions, List<String> wasiFunctions) {}

    public static Imports check(String label, WasmModule module, boolean enableWasi) {
        for (AbiProblem problem : PluginAbi.check(module)) {
            if (problem.isError()) {
                throw Failures.load(Stage.UNLINKABLE, label, problem.message(), null);
            }
        }
        List<String> host = new ArrayList<>();
        List<String> wasi = new ArrayList<>();
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imp = module.importSection().getImport(i);
            if (imp.module().equals(PluginAbi.HOST_MODULE)) {
                host.add(imp.name());
            } else {
                if (!enableWasi) {
                    throw Failures.load(Stage.UNLINKABLE, label, "imports WASI function `" + imp.module() + "."
                            + imp.name() + "` but WASI is not enabled (SystemOptions.enableWasi; llmtb run --enable-wasi)", null);
                }
                wasi.add(imp.name());
            }
        }
        return new Imports(List.copyOf(host), List.copyOf(wasi));
    }
}
