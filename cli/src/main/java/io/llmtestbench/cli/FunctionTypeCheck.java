package io.llmtestbench.cli;

import com.dylibso.chicory.wasm.types.FunctionType;
import io.llmtestbench.abi.PluginAbi;
import java.util.Map;
import java.util.Optional;

/** Compares an export's signature with the ABI's. */
final class FunctionTypeCheck {
    private FunctionTypeCheck() {}

    /** The expected WAT signature when {@code item} is a required export with a different one. */
    static Optional<String> expected(WasmView.Item item, Map<String, FunctionType> required) {
        FunctionType t = required.get(item.name());
        if (t == null) {
            return Optional.empty();
        }
        String want = PluginAbi.wat(t);
        return item.kind().equals("func") && item.signature().equals(want) ? Optional.empty() : Optional.of(want);
    }
}
