package io.llmtestbench.maven;

import io.llmtestbench.compiler.CompilationException;
import io.llmtestbench.compiler.CompilationReport;
import io.llmtestbench.compiler.CompiledModule;
import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.compiler.PluginArtifact;
import io.llmtestbench.compiler.WasmCompiler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.maven.plugin.logging.Log;

/**
 * What {@code llmtb:wasm-compile} does, without Maven: finds the .wasm inputs, compiles those that changed
 * (reusing the cached output of the others), and writes ONE pre-compiled plugin artifact, in the layout of
 * {@link PluginArtifact#files}, into the output directory. Files whose bytes are already there are not
 * rewritten, and files a previous run wrote that are no longer part of the artifact are deleted.
 */
final class WasmCompileTask {

    /** Everything the goal is configured with. Paths are absolute. */
    record Settings(
            Path baseDirectory,
            Path wasmDirectory,
            List<String> includes,
            List<String> excludes,
            List<PluginMapping> mappings,
            boolean metering,
            boolean failOnWarning,
            boolean force,
            Path outputDirectory,
            Path stateDirectory) {

        Settings {
            Objects.requireNonNull(wasmDirectory, "wasmDirectory");
            Objects.requireNonNull(outputDirectory, "outputDirectory");
            Objects.requireNonNull(stateDirectory, "stateDirectory");
            includes = includes == null ? List.of() : List.copyOf(includes);
            excludes = excludes == null ? List.of() : List.copyOf(excludes);
            mappings = mappings == null ? List.of() : List.copyOf(mappings);
        }
    }

    /** What a run did: plugin ids compiled and reused, files written and deleted, warnings logged. */
    record Result(List<String> compiled, List<String> upToDate, int filesWritten, int filesDeleted, List<String> warnings) {}

    /** A build failure: configuration errors, modules that do not compile, or warnings with failOnWarning. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }
    }

    /** One input with its resolved plugin id and class name (null: derived from the module's SHA-256). */
    record Input(String relativePath, Path file, String id, String className) {
        String fileName() {
            int slash = relativePath.lastIndexOf('/');
            return slash < 0 ? relativePath : relativePath.substring(slash + 1);
        }
    }

    static final Pattern ID = Pattern.compile("[a-z0-9_][a-z0-9._-]*");
    private static final Pattern JAVA_NAME =
            Pattern.compile("\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*(\\.\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)*");
    private static final String CACHE_DIR = "cache";

    private final Settings settings;
    private final Log log;

    WasmCompileTask(Settings settings, Log log) {
        this.settings = settings;
        this.log = log;
    }

    Result run() throws Failure, IOException {
        Path outDir = settings.outputDirectory();
        Path stateDir = settings.stateDirectory();
        List<String> found = WasmFileScanner.scan(settings.wasmDirectory(), settings.includes(), settings.excludes());
        BuildState previous = BuildState.load(stateDir);
        BuildState next = new BuildState();
        next.outputDirectory = outDir.toString();

        if (found.isEmpty()) {
            log.info("No .wasm files in " + display(settings.wasmDirectory())
                    + (Files.isDirectory(settings.wasmDirectory()) ? " match " + includesText() : " (no such directory)")
                    + "; nothing to compile");
            if (!settings.mappings().isEmpty()) {
                throw new Failure("<plugins> configures " + settings.mappings().size()
                        + " plugin(s), but there are no .wasm files to compile");
            }
            int deleted = deleteStale(previous, Set.of());
            if (Files.exists(stateDir.resolve(BuildState.FILE))) {
                next.save(stateDir);
            }
            return new Result(List.of(), List.of(), 0, deleted, List.of());
        }

        List<Input> inputs = resolve(found);
        log.info("Compiling " + inputs.size() + " wasm module(s) from " + display(settings.wasmDirectory()) + " into "
                + display(outDir) + " (metering " + (settings.metering() ? "on" : "off") + ")");

        // Compile what changed; reuse the rest. Every failure is reported, not just the first.
        List<PluginArtifact.Entry> entries = new ArrayList<>();
        List<String> compiled = new ArrayList<>();
        List<String> upToDate = new ArrayList<>();
        List<String> upToDateFiles = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Input input : inputs) {
            byte[] wasm = Files.readAllBytes(input.file());
            String key = key(input, WasmCompiler.sha256(wasm));
            PluginArtifact.Entry entry = settings.force() ? null : reuse(previous.inputs.get(input.relativePath()), input, key);
            if (entry != null) {
                log.debug(input.relativePath() + " is up to date (plugin '" + input.id() + "')");
                upToDate.add(input.id());
                upToDateFiles.add(input.relativePath());
            } else {
                CompiledModule module;
                try {
                    module = WasmCompiler.compile(wasm, new CompilerOptions(settings.metering(), input.className()));
                } catch (CompilationException e) {
                    String message = display(input.file()) + ": " + e.kind() + ": " + e.getMessage();
                    log.error("Cannot compile " + message);
                    failures.add(message);
                    continue;
                } catch (RuntimeException e) {
                    String message = display(input.file()) + ": INTERNAL: " + e;
                    log.error("Cannot compile " + message, e);
                    failures.add(message);
                    continue;
                }
                entry = PluginArtifact.Entry.of(input.id(), input.relativePath(), module);
                log.info("Compiled " + input.relativePath() + " -> plugin '" + input.id() + "' (" + module.mainClass() + ", "
                        + module.classes().size() + " classes, " + module.report().compileMillis() + " ms)");
                compiled.add(input.id());
                writeCache(stateDir, input.id(), entry);
            }
            entries.add(entry);
            next.inputs.put(input.relativePath(), new BuildState.Input(key, input.id(), cacheName(input.id())));
        }

        if (!upToDateFiles.isEmpty()) {
            log.info(upToDateFiles.size() + " module(s) up to date, not recompiled: " + String.join(", ", upToDateFiles));
        }

        // Until the output directory is written, it still holds what the previous run wrote.
        next.outputs.addAll(previous.outputs);
        next.outputDirectory = previous.outputDirectory != null ? previous.outputDirectory : outDir.toString();
        next.save(stateDir);
        deleteUnusedCaches(stateDir, next);

        if (!failures.isEmpty()) {
            throw new Failure(failures.size() == 1
                    ? "Cannot compile " + failures.get(0)
                    : failures.size() + " wasm modules do not compile:\n  " + String.join("\n  ", failures));
        }

        checkClassNames(entries);
        List<String> warnings = warnings(entries);
        if (settings.failOnWarning() && !warnings.isEmpty()) {
            throw new Failure(warnings.size() + " compilation warning(s) and failOnWarning is set:\n  "
                    + String.join("\n  ", warnings));
        }

        // Write the artifact: one index for all plugins; only files whose bytes changed.
        Map<String, byte[]> files = PluginArtifact.files(entries);
        int written = 0;
        for (var f : files.entrySet()) {
            Path target = outDir.resolve(f.getKey());
            if (Files.isRegularFile(target) && Files.size(target) == f.getValue().length
                    && Arrays.equals(Files.readAllBytes(target), f.getValue())) {
                continue;
            }
            Files.createDirectories(target.getParent());
            Files.write(target, f.getValue());
            written++;
        }
        int deleted = deleteStale(previous, files.keySet());
        next.outputs.clear();
        next.outputs.addAll(files.keySet());
        next.outputDirectory = outDir.toString();
        next.save(stateDir);

        log.info(entries.size() + " plugin(s) in " + PluginArtifact.INDEX + ": " + compiled.size() + " compiled, "
                + upToDate.size() + " up to date; " + written + " file(s) written, " + deleted + " removed");
        return new Result(compiled, upToDate, written, deleted, warnings);
    }

    /** Inputs with their plugin ids and class names, after checking the {@code <plugins>} mappings. */
    List<Input> resolve(List<String> found) throws Failure {
        List<String> errors = new ArrayList<>();
        Map<String, PluginMapping> byInput = new LinkedHashMap<>();
        for (PluginMapping m : settings.mappings()) {
            if (m == null || m.getFile() == null || m.getFile().isBlank()) {
                errors.add("a <plugin> in <plugins> has no <file>: " + m);
                continue;
            }
            String file = m.getFile().trim().replace('\\', '/');
            List<String> matches = found.stream()
                    .filter(rel -> rel.equals(file) || (!file.contains("/") && rel.endsWith("/" + file)))
                    .toList();
            if (matches.isEmpty()) {
                errors.add("<plugin><file>" + m.getFile() + "</file> matches no input .wasm file (inputs: " + found + ")");
            } else if (matches.size() > 1) {
                errors.add("<plugin><file>" + m.getFile() + "</file> matches " + matches
                        + "; give the path relative to " + display(settings.wasmDirectory()));
            } else {
                PluginMapping before = byInput.put(matches.get(0), m);
                if (before != null) {
                    errors.add(matches.get(0) + " is configured twice in <plugins>: " + before + " and " + m);
                }
            }
        }

        List<Input> inputs = new ArrayList<>();
        Map<String, Input> byId = new HashMap<>();
        Map<String, Input> byClass = new HashMap<>();
        for (String rel : found) {
            PluginMapping m = byInput.get(rel);
            String fileName = rel.substring(rel.lastIndexOf('/') + 1);
            String id = m != null && m.getId() != null && !m.getId().isBlank() ? m.getId().trim() : PluginArtifact.idFor(fileName);
            String className = m != null && m.getClassName() != null && !m.getClassName().isBlank() ? m.getClassName().trim() : null;
            if (!ID.matcher(id).matches()) {
                errors.add(rel + ": plugin id '" + id + "' is not valid: use lower-case letters, digits, '.', '_' and '-'"
                        + " (not starting with '.' or '-')");
            }
            if (className != null && !JAVA_NAME.matcher(className).matches()) {
                errors.add(rel + ": className '" + className + "' is not a Java class name");
            }
            Input input = new Input(rel, settings.wasmDirectory().resolve(rel), id, className);
            Input other = byId.putIfAbsent(id.toLowerCase(Locale.ROOT), input);
            if (other != null) {
                errors.add("plugin id '" + id + "' is used by both " + display(other.file()) + " and " + display(input.file())
                        + "; give one of them another id with <plugins><plugin><file>" + fileName
                        + "</file><id>...</id></plugin></plugins>");
            }
            if (className != null) {
                Input sameClass = byClass.putIfAbsent(className, input);
                if (sameClass != null) {
                    errors.add("className " + className + " is configured for both " + display(sameClass.file()) + " and "
                            + display(input.file()));
                }
            }
            inputs.add(input);
        }
        if (!errors.isEmpty()) {
            throw new Failure(errors.size() == 1 ? errors.get(0) : "Bad wasm-compile configuration:\n  " + String.join("\n  ", errors));
        }
        return inputs;
    }

    /** What an input's output depends on: the stamp (versions, metering, the module's SHA-256), id, class name. */
    private String key(Input input, String sha256) {
        return WasmCompiler.stampFor(sha256, settings.metering()).format()
                + ";id=" + input.id()
                + ";class=" + (input.className() == null ? "" : input.className())
                + ";source=" + input.relativePath();
    }

    /** The cached entry of an unchanged input, or null when it must be compiled. */
    private PluginArtifact.Entry reuse(BuildState.Input before, Input input, String key) {
        if (before == null || !before.key().equals(key) || !before.id().equals(input.id())) {
            return null;
        }
        Path cache = settings.stateDirectory().resolve(before.cache());
        if (!Files.isRegularFile(cache)) {
            return null;
        }
        try {
            List<PluginArtifact.Entry> cached = PluginArtifact.readJar(cache); // checks every SHA-256
            if (cached.size() == 1 && cached.get(0).id().equals(input.id())
                    && key.startsWith(cached.get(0).stamp().format() + ";")) {
                return cached.get(0);
            }
        } catch (IOException | RuntimeException e) {
            log.debug("Cannot reuse " + cache + ": " + e);
        }
        return null;
    }

    private static String cacheName(String id) {
        return CACHE_DIR + "/" + id + ".jar";
    }

    private static void writeCache(Path stateDir, String id, PluginArtifact.Entry entry) throws IOException {
        Path cache = stateDir.resolve(cacheName(id));
        Files.createDirectories(cache.getParent());
        Path tmp = cache.resolveSibling(cache.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            PluginArtifact.writeJar(out, List.of(entry));
        }
        Files.move(tmp, cache, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static void deleteUnusedCaches(Path stateDir, BuildState state) throws IOException {
        Path dir = stateDir.resolve(CACHE_DIR);
        if (!Files.isDirectory(dir)) {
            return;
        }
        Set<Path> used = new LinkedHashSet<>();
        state.inputs.values().forEach(i -> used.add(stateDir.resolve(i.cache()).normalize()));
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : list.toList()) {
                if (!used.contains(p.normalize())) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Two plugins must not define the same class with different bytes: one would overwrite the other. */
    private void checkClassNames(List<PluginArtifact.Entry> entries) throws Failure {
        Map<String, PluginArtifact.Entry> owner = new HashMap<>();
        List<String> errors = new ArrayList<>();
        for (PluginArtifact.Entry e : entries) {
            for (var c : e.classes().entrySet()) {
                PluginArtifact.Entry other = owner.putIfAbsent(c.getKey(), e);
                if (other != null && !Arrays.equals(other.classes().get(c.getKey()), c.getValue())) {
                    errors.add("class " + c.getKey() + " is generated for both " + other.sourceName() + " (plugin '" + other.id()
                            + "') and " + e.sourceName() + " (plugin '" + e.id() + "'); give them different <className>s");
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new Failure(String.join("\n", errors));
        }
    }

    /** Interpreter fallbacks and huge methods, logged as warnings naming the file, function and size. */
    private List<String> warnings(List<PluginArtifact.Entry> entries) {
        List<String> warnings = new ArrayList<>();
        for (PluginArtifact.Entry e : entries) {
            if (e.interpretedFunctions().isEmpty() && e.largeMethods().isEmpty()) {
                continue;
            }
            // Function indexes refer to the module as compiled (metering functions are appended after).
            WasmFunctions functions = WasmFunctions.of(e.wasm());
            String file = display(settings.wasmDirectory().resolve(e.sourceName()));
            for (int f : e.interpretedFunctions()) {
                warnings.add(file + ": " + functions.describe(f) + " is too large for one JVM method and runs in"
                        + " Chicory's interpreter (still metered, but much slower)");
            }
            for (CompilationReport.LargeMethod m : e.largeMethods()) {
                String what = m.wasmFunction() >= 0 ? functions.describe(m.wasmFunction()) : "a dispatch method";
                warnings.add(file + ": " + what + " compiles to " + m.className() + "." + m.method() + " with "
                        + m.bytecodeBytes() + " bytes of bytecode, over HotSpot's HugeMethodLimit ("
                        + CompilationReport.HUGE_METHOD_LIMIT + " bytes): the JIT never compiles it");
            }
        }
        warnings.forEach(log::warn);
        return warnings;
    }

    /** Deletes what the previous run wrote into the same output directory that is no longer produced. */
    private int deleteStale(BuildState previous, Set<String> current) throws IOException {
        Path outDir = settings.outputDirectory().toAbsolutePath().normalize();
        if (previous.outputDirectory == null || !Path.of(previous.outputDirectory).toAbsolutePath().normalize().equals(outDir)) {
            return 0;
        }
        int deleted = 0;
        for (String rel : previous.outputs) {
            if (current.contains(rel)) {
                continue;
            }
            Path p = outDir.resolve(rel).normalize();
            if (!p.startsWith(outDir) || !Files.isRegularFile(p)) {
                continue;
            }
            Files.delete(p);
            deleted++;
            for (Path dir = p.getParent(); dir != null && !dir.equals(outDir) && dir.startsWith(outDir); dir = dir.getParent()) {
                try (Stream<Path> children = Files.list(dir)) {
                    if (children.findAny().isPresent()) {
                        break;
                    }
                }
                Files.delete(dir);
            }
        }
        if (deleted > 0) {
            log.info("Removed " + deleted + " file(s) of plugins no longer built from " + display(outDir));
        }
        return deleted;
    }

    private String includesText() {
        return (settings.includes().isEmpty() ? WasmFileScanner.DEFAULT_INCLUDES : settings.includes())
                + (settings.excludes().isEmpty() ? "" : " excluding " + settings.excludes());
    }

    /** A path relative to the project directory when it is inside it. */
    String display(Path p) {
        Path base = settings.baseDirectory();
        Path abs = p.toAbsolutePath().normalize();
        if (base != null && abs.startsWith(base.toAbsolutePath().normalize())) {
            String rel = base.toAbsolutePath().normalize().relativize(abs).toString().replace('\\', '/');
            return rel.isEmpty() ? "." : rel;
        }
        return abs.toString();
    }
}
