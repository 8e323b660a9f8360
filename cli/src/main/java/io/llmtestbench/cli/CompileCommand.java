package io.llmtestbench.cli;

import io.llmtestbench.compiler.CompilationException;
import io.llmtestbench.compiler.CompilationReport;
import io.llmtestbench.compiler.CompiledModule;
import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.compiler.PluginArtifact;
import io.llmtestbench.compiler.WasmCompiler;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code llmtb compile <plugin.wasm>... -o <plugin.jar> [--no-metering]}. */
@Command(name = "compile", mixinStandardHelpOptions = true,
        description = {
            "Compiles WebAssembly plugins ahead of time into a pre-compiled plugin jar, which `run`, `inspect`, "
                    + "`eval` and the runtime load without compiling.",
            "Each plugin's id in the jar is its file name without .wasm, lower-cased (PluginArtifact.idFor)."
        })
final class CompileCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "<plugin.wasm>", description = "The module(s) to compile.")
    List<Path> inputs;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "<plugin.jar>", description = "The jar to write.")
    Path output;

    @Option(names = "--no-metering",
            description = "Do not inject fuel metering (trusted code and benchmarks only: the runtime refuses "
                    + "unmetered code unless told otherwise, and --max-instructions cannot stop it).")
    boolean noMetering;

    @Mixin
    CompileLimitOptions compileLimits = new CompileLimitOptions();

    @Override
    public Integer call() {
        PrintStream out = System.out;
        PrintStream err = System.err;
        CompilerOptions options;
        try {
            options = CompilerOptions.defaults().withMetering(!noMetering).withLimits(compileLimits.build());
        } catch (IllegalArgumentException e) {
            err.println("llmtb compile: " + e.getMessage());
            return Main.USAGE;
        }
        List<PluginArtifact.Entry> entries = new ArrayList<>();
        Map<String, Path> ids = new LinkedHashMap<>();
        List<String> lines = new ArrayList<>();
        for (Path input : inputs) {
            String fileName = input.getFileName() == null ? input.toString() : input.getFileName().toString();
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(input);
            } catch (NoSuchFileException e) {
                err.println("llmtb compile: " + input + ": no such file");
                return Main.FAILURE;
            } catch (IOException e) {
                err.println("llmtb compile: " + input + ": cannot read: " + e.getMessage());
                return Main.FAILURE;
            }
            CompiledModule module;
            try {
                module = WasmCompiler.compile(bytes, options);
            } catch (CompilationException e) {
                err.println("llmtb compile: " + input + ": " + describe(e));
                return Main.FAILURE;
            }
            String id = PluginArtifact.idFor(fileName);
            Path clash = ids.putIfAbsent(id, input);
            if (clash != null) {
                err.println("llmtb compile: " + input + " and " + clash + " would both get the id '" + id + "' in the jar");
                return Main.FAILURE;
            }
            entries.add(PluginArtifact.Entry.of(id, fileName, module));
            lines.addAll(summary(input, id, bytes.length, module));
        }
        try {
            write(output, entries);
        } catch (IOException e) {
            err.println("llmtb compile: cannot write " + output + ": " + e.getMessage());
            return Main.FAILURE;
        }
        lines.forEach(out::println);
        out.println("Wrote " + output + " (" + entries.size() + (entries.size() == 1 ? " plugin" : " plugins") + ", metering "
                + (noMetering ? "OFF" : "on") + ")");
        out.flush();
        return Main.OK;
    }

    /** "MALFORMED (section code, function 3, offset 0x1f): message". */
    static String describe(CompilationException e) {
        List<String> where = new ArrayList<>();
        if (e.section() != null) {
            where.add("section " + e.section());
        }
        if (e.functionIndex() >= 0) {
            where.add("function " + e.functionIndex());
        }
        if (e.offset() >= 0) {
            where.add("offset 0x" + Long.toHexString(e.offset()));
        }
        return e.kind().name() + (where.isEmpty() ? "" : " (" + String.join(", ", where) + ")") + ": " + e.getMessage();
    }

    private static List<String> summary(Path input, String id, int wasmBytes, CompiledModule module) {
        CompilationReport r = module.report();
        long bytecode = module.classes().values().stream().mapToLong(b -> b.length).sum();
        List<String> lines = new ArrayList<>();
        lines.add("Compiled " + input + " -> id '" + id + "': " + wasmBytes + " bytes of wasm, " + r.definedFunctions()
                + " functions, " + module.classes().size() + " classes (" + bytecode + " bytes), " + r.compileMillis() + " ms");
        if (!r.interpretedFunctions().isEmpty()) {
            lines.add("  note: " + r.interpretedFunctions().size() + " function(s) too large for a JVM method run in the interpreter: "
                    + new java.util.TreeSet<>(r.interpretedFunctions()));
        }
        if (!r.largeMethods().isEmpty()) {
            lines.add("  note: " + r.largeMethods().size() + " generated method(s) over HotSpot's HugeMethodLimit ("
                    + CompilationReport.HUGE_METHOD_LIMIT + " bytes of bytecode) will never be JIT-compiled; see `llmtb inspect`");
        }
        return lines;
    }

    /** Writes next to the target, then moves into place: a failed write never leaves half a jar. */
    private static void write(Path output, List<PluginArtifact.Entry> entries) throws IOException {
        Path abs = output.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        // Not Files.createTempFile: its owner-only permissions would stick to the jar.
        Path tmp = (dir == null ? Path.of(".") : dir).resolve("." + abs.getFileName() + "." + ProcessHandle.current().pid()
                + "." + System.nanoTime() + ".tmp");
        try {
            try (OutputStream o = Files.newOutputStream(tmp, java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE)) {
                PluginArtifact.writeJar(o, entries);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
