package io.llmtestbench.maven;

import com.dylibso.chicory.wasm.WasmModule;
import io.llmtestbench.abi.AbiProblem;
import io.llmtestbench.abi.PluginAbi;
import io.llmtestbench.compiler.CompilationException;
import io.llmtestbench.compiler.CompilationReport;
import io.llmtestbench.compiler.CompiledModule;
import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.compiler.PluginArtifact;
import io.llmtestbench.compiler.WasmCompiler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
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
 * What {@code llmtb:wasm-compile} and {@code llmtb:wasm-test-compile} do, without Maven: finds the .wasm
 * inputs, checks and compiles those that changed (reusing the cached output of the others), and writes ONE
 * pre-compiled plugin artifact, in the layout of {@link PluginArtifact#files}, into each output root (the
 * generated-resources directory and the class output directory). Files whose bytes are already there are not
 * rewritten, and files a previous run wrote that are no longer part of the artifact are deleted.
 */
final class WasmCompileTask {

    /** Everything the goal is configured with. Paths are absolute; {@code generatedDirectory} may be null. */
    record Settings(
            Path baseDirectory,
            Path wasmDirectory,
            boolean failOnMissingSources,
            List<String> includes,
            List<String> excludes,
            List<PluginMapping> mappings,
            boolean metering,
            boolean failOnWarning,
            boolean force,
            Path generatedDirectory,
            Path outputDirectory,
            Path stateDirectory,
            String pluginVersion) {

        Settings {
            Objects.requireNonNull(wasmDirectory, "wasmDirectory");
            Objects.requireNonNull(outputDirectory, "outputDirectory");
            Objects.requireNonNull(stateDirectory, "stateDirectory");
            Objects.requireNonNull(pluginVersion, "pluginVersion");
            includes = includes == null ? List.of() : List.copyOf(includes);
            excludes = excludes == null ? List.of() : List.copyOf(excludes);
            mappings = mappings == null ? List.of() : List.copyOf(mappings);
        }

        /** The directories the artifact is written into, generated directory first, each once. */
        List<Path> roots() {
            Set<Path> roots = new LinkedHashSet<>();
            if (generatedDirectory != null) {
                roots.add(generatedDirectory.toAbsolutePath().normalize());
            }
            roots.add(outputDirectory.toAbsolutePath().normalize());
            return List.copyOf(roots);
        }
    }

    /** What a run did: plugin ids compiled and reused, files written and deleted (over all roots), warnings logged. */
    record Result(List<String> compiled, List<String> upToDate, int filesWritten, int filesDeleted, List<String> warnings) {}

    /** A build failure: configuration errors, modules that are not plugins or do not compile, or warnings with failOnWarning. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }
    }

    /** One input with its resolved plugin id, class name (null: derived from the module's SHA-256) and ABI check. */
    record Input(String relativePath, Path file, String id, String className, boolean checkAbi) {
        String fileName() {
            int slash = relativePath.lastIndexOf('/');
            return slash < 0 ? relativePath : relativePath.substring(slash + 1);
        }
    }

    /** An input with its bytes, and the cached artifact entry when it is up to date. */
    private record Planned(Input input, byte[] wasm, String sha256, PluginArtifact.Entry cached) {}

    static final Pattern ID = Pattern.compile("[a-z0-9_][a-z0-9._-]*");
    private static final Pattern JAVA_NAME =
            Pattern.compile("\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*(\\.\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)*");
    static final String CACHE_DIR = "cache";

    private final Settings settings;
    private final Log log;
    private final BuildFiles files;
    private final MetadataProbe probe;

    WasmCompileTask(Settings settings, Log log) {
        this(settings, log, BuildFiles.plain(), MetadataProbe.defaults());
    }

    WasmCompileTask(Settings settings, Log log, BuildFiles files, MetadataProbe probe) {
        this.settings = settings;
        this.log = log;
        this.files = files;
        this.probe = probe;
    }

    Result run() throws Failure, IOException {
        Path stateDir = settings.stateDirectory();
        List<Path> roots = settings.roots();
        List<String> found = WasmFileScanner.scan(settings.wasmDirectory(), settings.includes(), settings.excludes());
        BuildState.Loaded loaded = BuildState.load(stateDir, settings.pluginVersion());
        BuildState previous = loaded.state();
        if (!loaded.cacheValid()) {
            deleteRecursively(stateDir.resolve(CACHE_DIR));
            previous.save(stateDir); // now in this version's format, still listing what was written before
        }

        if (found.isEmpty()) {
            String why = Files.isDirectory(settings.wasmDirectory())
                    ? "no file in " + display(settings.wasmDirectory()) + " matches " + includesText()
                    : display(settings.wasmDirectory()) + " does not exist";
            if (settings.failOnMissingSources()) {
                throw new Failure("No wasm modules to compile: " + why + " (failOnMissingSources is true"
                        + " because wasmDirectory is set explicitly; set it to false if the directory may be empty)");
            }
            log.info("No wasm modules to compile: " + why);
            if (!settings.mappings().isEmpty()) {
                throw new Failure("<plugins> configures " + settings.mappings().size()
                        + " plugin(s), but there are no .wasm files to compile");
            }
            int deleted = deleteStale(previous, Set.of(), roots);
            BuildState next = new BuildState(settings.pluginVersion());
            if (Files.exists(stateDir.resolve(BuildState.FILE))) {
                next.save(stateDir);
            }
            deleteUnusedCaches(stateDir, Set.of());
            return new Result(List.of(), List.of(), 0, deleted, List.of());
        }

        List<Input> inputs = resolve(found);

        // Plan: what is up to date (in the cache), what must be compiled.
        List<Planned> plan = new ArrayList<>();
        List<String> upToDate = new ArrayList<>();
        List<String> upToDateFiles = new ArrayList<>();
        int toCompile = 0;
        for (Input input : inputs) {
            byte[] wasm = Files.readAllBytes(input.file());
            String sha = WasmCompiler.sha256(wasm);
            PluginArtifact.Entry cached = settings.force() ? null : reuse(input, sha);
            plan.add(new Planned(input, wasm, sha, cached));
            if (cached != null) {
                log.debug(input.relativePath() + " is up to date (plugin '" + input.id() + "')");
                upToDate.add(input.id());
                upToDateFiles.add(input.relativePath());
            } else {
                toCompile++;
            }
        }
        if (!upToDateFiles.isEmpty()) {
            log.info(upToDateFiles.size() + " module(s) up to date, not recompiled: " + String.join(", ", upToDateFiles));
        }
        if (toCompile > 0) {
            log.info("Compiling " + toCompile + " wasm module(s) from " + display(settings.wasmDirectory()) + " into "
                    + display(roots.get(0)) + " (metering " + (settings.metering() ? "on" : "off") + ")");
        }

        // Check and compile what changed. Every failure is reported, not just the first.
        List<PluginArtifact.Entry> entries = new ArrayList<>();
        List<String> compiled = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (Planned p : plan) {
            if (p.cached() != null) {
                entries.add(p.cached());
                continue;
            }
            Input input = p.input();
            PluginArtifact.Entry entry = compile(input, p.wasm(), failures, warnings);
            if (entry != null) {
                entries.add(entry);
                compiled.add(input.id());
                writeCache(input, entry);
            }
        }
        deleteUnusedCaches(stateDir, inputs.stream().map(Input::id).collect(java.util.stream.Collectors.toSet()));

        if (!failures.isEmpty()) {
            throw new Failure(failures.size() == 1
                    ? failures.get(0)
                    : failures.size() + " wasm modules cannot be built into plugins:\n  " + String.join("\n  ", failures));
        }

        checkClassNames(entries);
        if (settings.failOnWarning()) {
            // Warnings are logged when a module is compiled; failOnWarning also counts those of reused modules.
            List<String> all = new ArrayList<>(warnings);
            for (Planned p : plan) {
                if (p.cached() != null) {
                    all.addAll(warnings(p.input(), p.wasm(), p.cached()));
                }
            }
            if (!all.isEmpty()) {
                throw new Failure(all.size() + " warning(s) and failOnWarning is set:\n  " + String.join("\n  ", all));
            }
        }

        // Write the artifact into every root: one index for all plugins; only files whose bytes changed.
        Map<String, byte[]> artifact = PluginArtifact.files(entries);
        int written = 0;
        for (Path root : roots) {
            for (var f : artifact.entrySet()) {
                Path target = root.resolve(f.getKey());
                if (Files.isRegularFile(target) && Files.size(target) == f.getValue().length
                        && Arrays.equals(Files.readAllBytes(target), f.getValue())) {
                    continue;
                }
                files.write(target, f.getValue());
                written++;
            }
        }
        int deleted = deleteStale(previous, artifact.keySet(), roots);
        BuildState next = new BuildState(settings.pluginVersion());
        roots.forEach(r -> next.roots.add(r.toString()));
        next.outputs.addAll(artifact.keySet());
        next.save(stateDir);

        log.info(entries.size() + " plugin(s) in " + PluginArtifact.INDEX + ": " + compiled.size() + " compiled, "
                + upToDate.size() + " up to date; " + written + " file(s) written, " + deleted + " removed");
        return new Result(compiled, upToDate, written, deleted, warnings);
    }

    /**
     * Checks and compiles one input; null when it fails (the reasons are added to {@code failures}). Its
     * warnings are logged (they are news: the module changed) and added to {@code warnings}.
     */
    private PluginArtifact.Entry compile(Input input, byte[] wasm, List<String> failures, List<String> warnings) {
        String file = display(input.file());
        files.clearMessages(input.file());
        CompiledModule module;
        List<String> found = new ArrayList<>();
        long checkMillis;
        try {
            WasmModule parsed = WasmCompiler.validate(wasm);
            long start = System.nanoTime();
            PluginChecks.Findings findings = PluginChecks.check(parsed, input.checkAbi(), probe);
            checkMillis = (System.nanoTime() - start) / 1_000_000;
            findings.notes().forEach(n -> log.info(file + ": " + n));
            if (!findings.errors().isEmpty()) {
                for (String e : findings.errors()) {
                    String message = file + ": " + e;
                    log.error(message);
                    files.error(input.file(), e);
                    failures.add(message);
                }
                return null;
            }
            found.addAll(findings.warnings());
            module = WasmCompiler.compile(wasm, new CompilerOptions(settings.metering(), input.className()));
        } catch (CompilationException e) {
            String message = file + ": " + e.kind() + ": " + e.getMessage();
            log.error("Cannot compile " + message);
            files.error(input.file(), e.kind() + ": " + e.getMessage());
            failures.add("Cannot compile " + message);
            return null;
        } catch (RuntimeException e) {
            String message = file + ": INTERNAL: " + e;
            log.error("Cannot compile " + message, e);
            files.error(input.file(), "INTERNAL: " + e);
            failures.add("Cannot compile " + message);
            return null;
        }
        PluginArtifact.Entry entry = PluginArtifact.Entry.of(input.id(), input.relativePath(), module);
        log.info("Compiled " + input.relativePath() + " -> plugin '" + input.id() + "' (" + module.mainClass() + ", "
                + module.classes().size() + " classes, " + module.report().compileMillis() + " ms; checks " + checkMillis + " ms)");
        found.addAll(compileWarnings(entry));
        for (String w : found) {
            log.warn(file + ": " + w);
            files.warning(input.file(), w);
            warnings.add(file + ": " + w);
        }
        return entry;
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
            boolean checkAbi = m == null || m.getCheckAbi() == null || m.getCheckAbi();
            Input input = new Input(rel, settings.wasmDirectory().resolve(rel), id, className, checkAbi);
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

    /**
     * The cache file of an input under the current settings: one per (plugin id, settings), so that switching
     * a setting back and forth (metering, say) finds the output of the previous setting still there.
     */
    private Path cacheFile(Input input) {
        String settingsKey = "metering=" + settings.metering()
                + ";class=" + (input.className() == null ? "" : input.className())
                + ";checkAbi=" + input.checkAbi()
                + ";source=" + input.relativePath();
        String hash = WasmCompiler.sha256(settingsKey.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
        return settings.stateDirectory().resolve(CACHE_DIR).resolve(input.id()).resolve(hash + ".jar");
    }

    /** The cached entry of an unchanged input, or null when it must be compiled. */
    private PluginArtifact.Entry reuse(Input input, String sha256) {
        Path cache = cacheFile(input);
        if (!Files.isRegularFile(cache)) {
            return null;
        }
        try {
            List<PluginArtifact.Entry> cached = PluginArtifact.readJar(cache); // checks every SHA-256
            if (cached.size() != 1) {
                return null;
            }
            PluginArtifact.Entry e = cached.get(0);
            boolean same = e.id().equals(input.id())
                    && e.sourceName().equals(input.relativePath())
                    && e.stamp().format().equals(WasmCompiler.stampFor(sha256, settings.metering()).format())
                    && (input.className() == null || input.className().equals(e.mainClass()));
            return same ? e : null;
        } catch (IOException | RuntimeException e) {
            log.debug("Cannot reuse " + cache + ": " + e);
            return null;
        }
    }

    private void writeCache(Input input, PluginArtifact.Entry entry) {
        Path cache = cacheFile(input);
        try {
            Files.createDirectories(cache.getParent());
            Path tmp = cache.resolveSibling(cache.getFileName() + ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                PluginArtifact.writeJar(out, List.of(entry));
            }
            Files.move(tmp, cache, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            log.warn("Cannot cache the compiled " + input.relativePath() + " in " + cache + " (it will be compiled again): " + e);
        }
    }

    /** Drops the cache of plugin ids that are no longer built; the entries of the current ids stay, for every setting. */
    private static void deleteUnusedCaches(Path stateDir, Set<String> ids) throws IOException {
        Path dir = stateDir.resolve(CACHE_DIR);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : list.toList()) {
                if (!ids.contains(p.getFileName().toString())) {
                    deleteRecursively(p);
                }
            }
        }
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
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

    /** The warnings of a module: those of the ABI check, then the compiler's. */
    private List<String> warnings(Input input, byte[] wasm, PluginArtifact.Entry entry) {
        List<String> warnings = new ArrayList<>();
        try {
            for (AbiProblem p : PluginAbi.check(WasmCompiler.validate(wasm))) {
                if (!p.isError()) {
                    warnings.add(display(input.file()) + ": " + p.message());
                }
            }
        } catch (CompilationException | RuntimeException e) {
            // it compiled before; nothing to add
        }
        compileWarnings(entry).forEach(w -> warnings.add(display(input.file()) + ": " + w));
        return warnings;
    }

    /** Interpreter fallbacks and huge methods, naming the function and the size. */
    private static List<String> compileWarnings(PluginArtifact.Entry e) {
        List<String> warnings = new ArrayList<>();
        if (e.interpretedFunctions().isEmpty() && e.largeMethods().isEmpty()) {
            return warnings;
        }
        // Function indexes refer to the module as compiled (metering functions are appended after).
        WasmFunctions functions = WasmFunctions.of(e.wasm());
        for (int f : e.interpretedFunctions()) {
            warnings.add(functions.describe(f) + " is too large for one JVM method and runs in"
                    + " Chicory's interpreter (still metered, but much slower)");
        }
        for (CompilationReport.Method m : e.largeMethods()) {
            String what = m.wasmFunction() >= 0 ? functions.describe(m.wasmFunction()) : "a dispatch method";
            warnings.add(what + " compiles to " + m.className() + "." + m.method() + " with "
                    + m.bytecodeBytes() + " bytes of bytecode, over HotSpot's HugeMethodLimit ("
                    + CompilationReport.HUGE_METHOD_LIMIT + " bytes): the JIT never compiles it");
        }
        return warnings;
    }

    /** Deletes what the previous run wrote into the current roots that is no longer produced. */
    private int deleteStale(BuildState previous, Set<String> current, List<Path> roots) throws IOException {
        int deleted = 0;
        for (Path root : roots) {
            if (!previous.roots.contains(root.toString())) {
                continue;
            }
            for (String rel : previous.outputs) {
                if (current.contains(rel)) {
                    continue;
                }
                Path p = root.resolve(rel).normalize();
                if (!p.startsWith(root) || !Files.isRegularFile(p)) {
                    continue;
                }
                files.delete(p);
                deleted++;
                for (Path dir = p.getParent(); dir != null && !dir.equals(root) && dir.startsWith(root); dir = dir.getParent()) {
                    try (Stream<Path> children = Files.list(dir)) {
                        if (children.findAny().isPresent()) {
                            break;
                        }
                    }
                    Files.delete(dir);
                }
            }
        }
        if (deleted > 0) {
            log.info("Removed " + deleted + " file(s) of plugins no longer built from " + roots.stream().map(this::display).toList());
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
