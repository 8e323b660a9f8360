package io.llmtestbench.cli;

import io.llmtestbench.compiler.CompileLimits;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --compile-limit NAME=VALUE}: raises (or lowers) one of the {@link CompileLimits} a .wasm is compiled under. */
final class CompileLimitOptions {
    @Option(names = "--compile-limit", paramLabel = "NAME=VALUE", mapFallbackValue = "",
            description = "Changes a compile limit for .wasm plugins (repeatable): maxModuleBytes, maxFunctionBodyBytes, "
                    + "maxLocalsPerFunction, maxTotalLocals, maxFunctions, maxTypes, maxLocalsTimesControlPerFunction, "
                    + "maxLocalsTimesControlTotal, maxNestingDepth, maxGlobalsAndTables; VALUE may end in k or m "
                    + "(e.g. --compile-limit maxModuleBytes=32m). A module over a limit is refused, naming it.")
    Map<String, String> values = new LinkedHashMap<>();

    /** @throws IllegalArgumentException for an unknown name or a bad value */
    CompileLimits build() {
        CompileLimits limits = CompileLimits.defaults();
        for (Map.Entry<String, String> e : values.entrySet()) {
            try {
                limits = limits.with(e.getKey(), e.getValue());
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException("--compile-limit " + e.getKey() + "=" + e.getValue() + ": " + bad.getMessage());
            }
        }
        return limits;
    }
}
