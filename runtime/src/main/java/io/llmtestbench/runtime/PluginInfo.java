package io.llmtestbench.runtime;

import io.llmtestbench.compiler.CompilerStamp;
import java.nio.file.Path;
import java.util.List;

/**
 * What the system knows about a loaded plugin.
 *
 * @param origin how its code was obtained: {@code "compiled"} (compiled on load), {@code "cache"} (served from
 *     the compile cache) or {@code "jar"} (a pre-compiled plugin jar)
 * @param hostImports the {@code env} host functions it imports
 * @param wasiImports the WASI functions it imports
 * @param interpretedFunctions functions too large to compile, run by the interpreter
 */
public record PluginInfo(PluginId id, PluginMetadata metadata, Path source, String origin, CompilerStamp stamp,
        ResourceLimits limits, List<String> hostImports, List<String> wasiImports, List<Integer> interpretedFunctions) {}
