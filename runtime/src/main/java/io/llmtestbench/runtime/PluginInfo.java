package io.llmtestbench.runtime;

import io.llmtestbench.compiler.CompilationReport;
import io.llmtestbench.compiler.CompilerStamp;
import java.nio.file.Path;
import java.util.List;

/**
 * What the system knows about a loaded plugin.
 *
 * @param source the file it was loaded from, or null for a plugin found on the class path
 * @param origin how its code was obtained: {@code "compiled"} (compiled on load), {@code "cache"} (served from
 *     the compile cache) or {@code "jar"} (a pre-compiled plugin jar)
 * @param hostImports the {@code env} host functions it imports
 * @param wasiImports the WASI functions it imports
 * @param compilation what its code is: each wasm function and generated method with its size, the functions left to
 *     the interpreter, the methods too large for the JIT (from the compiler when compiled on load; read back from the
 *     artifact otherwise, without compile time or metering points)
 */
public record PluginInfo(PluginId id, PluginMetadata metadata, Path source, String origin, CompilerStamp stamp,
        ResourceLimits limits, List<String> hostImports, List<String> wasiImports, CompilationReport compilation) {}
