package io.llmtestbench.compiler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbench.compiler.internal.BoundedReads;
import io.llmtestbench.compiler.internal.CodeSizes;
import io.llmtestbench.compiler.internal.FileDigests;
import io.llmtestbench.compiler.internal.JsonTrees;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;

/**
 * The pre-compiled plugin format: what {@code wasm-compile} and {@code llmtb compile} write and the runtime
 * loads. A jar (or a class directory) holding, for each plugin:
 *
 * <pre>
 * META-INF/llmtb/index.json                 {"format":1,"plugins":["&lt;id&gt;", ...]}
 * META-INF/llmtb/plugins/&lt;id&gt;/plugin.json   stamp, main class, class list with SHA-256s, report
 * META-INF/llmtb/plugins/&lt;id&gt;/module.wasm   the module as compiled (metering injected)
 * META-INF/llmtb/plugins/&lt;id&gt;/source.wasm   the module as given to the compiler (the stamp's SHA-256)
 * llmtb/gen/…/*.class                        the generated classes
 * </pre>
 *
 * Everything is bound into one unit: the manifest lists the SHA-256 of every class, of {@code module.wasm} and
 * (in its stamp) of {@code source.wasm}, and {@link #read} refuses a file that does not match; every class
 * carries the stamp and the SHA-256 of {@code module.wasm} ({@link CompilerStamp#forClasses}), which the
 * runtime checks. The runtime discovers plugins through the index, checks each class's references against the
 * compiler's allow-list, and defines them in a class loader of their own.
 */
public final class PluginArtifact {
    public static final int FORMAT = 1;
    public static final String INDEX = "META-INF/llmtb/index.json";
    public static final String PLUGINS_DIR = "META-INF/llmtb/plugins/";
    /** The compiled module's file name in a plugin's directory. */
    public static final String MODULE = "module.wasm";
    /** The source module's file name in a plugin's directory. */
    public static final String SOURCE = "source.wasm";
    /**
     * The most one plugin's files may hold together, and so the largest file (more is refused as it is read: a
     * zip entry's declared size can lie). A jar is compressed: before this bound covered all of a plugin's files,
     * a 3 MB jar whose manifest listed twelve classes of 256 MiB of zeros each ran a 1 GB host out of heap.
     */
    public static final long MAX_FILE_BYTES = 256L * 1024 * 1024;
    /**
     * The most plugins one jar's index may list (a jar of a project's plugins holds tens). A 2 MB jar whose index
     * listed a million ids, one of them real, kept discovery busy for over ten minutes (every id looked up in the jar)
     * and put the whole list in one error message (17 MB).
     */
    public static final int MAX_PLUGINS = 1000;

    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");

    /**
     * One compiled plugin inside an artifact.
     *
     * @param wasm the compiled module ({@code module.wasm}), which instances are built from
     * @param largeMethods the generated methods over {@link CompilationReport#HUGE_METHOD_LIMIT}, as the manifest lists
     *     them (read without parsing a class)
     * @param source the module as given to the compiler ({@code source.wasm}), whose SHA-256 the stamp names
     * @param checkedSha256 the SHA-256 of {@code wasm} and of each class, when reading the entry has already computed
     *     and checked them against its manifest, else null: see {@link #moduleSha256()} and {@link #classSha256()}
     */
    public record Entry(String id, String sourceName, CompilerStamp stamp, String mainClass, Map<String, byte[]> classes,
            byte[] wasm, List<Integer> interpretedFunctions, List<CompilationReport.Method> largeMethods, byte[] source,
            FileDigests checkedSha256) {

        /** An entry whose digests are computed when asked for. */
        public Entry(String id, String sourceName, CompilerStamp stamp, String mainClass, Map<String, byte[]> classes,
                byte[] wasm, List<Integer> interpretedFunctions, List<CompilationReport.Method> largeMethods, byte[] source) {
            this(id, sourceName, stamp, mainClass, classes, wasm, interpretedFunctions, largeMethods, source, null);
        }

        public static Entry of(String id, String sourceName, CompiledModule module) {
            return new Entry(id, sourceName, module.stamp(), module.mainClass(), module.classes(), module.wasm(),
                    new ArrayList<>(new TreeSet<>(module.report().interpretedFunctions())), module.report().largeMethods(),
                    module.source());
        }

        /**
         * Hex SHA-256 of {@link #wasm()}: the one {@link #read} computed to check it against the manifest, else
         * computed now. Reading a pre-compiled jar in a fresh JVM hashes in the bytecode interpreter (SHA-256 runs at
         * a few MB/s before the JIT compiles it), so each file is hashed once on the load path (issue #16 point 4).
         */
        public String moduleSha256() {
            return checkedSha256 != null ? checkedSha256.of(wasm) : WasmCompiler.sha256(wasm);
        }

        /** Hex SHA-256 of each of {@link #classes()} by name, as {@link #moduleSha256()}. */
        public Map<String, String> classSha256() {
            Map<String, String> sha = new LinkedHashMap<>();
            classes.forEach((name, bytes) -> sha.put(name, checkedSha256 != null ? checkedSha256.of(bytes) : WasmCompiler.sha256(bytes)));
            return sha;
        }

        /** This entry with other classes (everything else kept; the digests computed again when asked for). */
        public Entry withClasses(Map<String, byte[]> newClasses) {
            return new Entry(id, sourceName, stamp, mainClass, newClasses, wasm, interpretedFunctions, largeMethods, source);
        }

        /**
         * The compilation report of this plugin's code, computed from its classes and module: every function and
         * method with its size. An artifact does not record the compile time or the number of metering points:
         * both are -1.
         */
        public CompilationReport report() {
            return CodeSizes.report(CodeSizes.definedFunctions(wasm), new TreeSet<>(interpretedFunctions), classes, wasm,
                    -1, -1);
        }
    }

    private PluginArtifact() {}

    /** A plugin id from a file name: lower case, [a-z0-9._-], e.g. "Similarity Evaluator.wasm" → "similarity-evaluator". */
    public static String idFor(String fileName) {
        String base = fileName.endsWith(".wasm") ? fileName.substring(0, fileName.length() - 5) : fileName;
        String id = base.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^-+|-+$", "");
        return id.isEmpty() ? "plugin" : id;
    }

    /** All files of an artifact, by path, in a stable order. */
    public static Map<String, byte[]> files(List<Entry> entries) throws IOException {
        if (entries.size() > MAX_PLUGINS) {
            throw new IOException(entries.size() + " plugins in one jar, more than the " + MAX_PLUGINS
                    + " a jar may hold (PluginArtifact.MAX_PLUGINS): split them across jars");
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        ObjectNode index = JsonNodeFactory.instance.objectNode();
        index.put("format", FORMAT);
        ArrayNode ids = index.putArray("plugins");
        for (Entry e : entries) {
            ids.add(e.id());
        }
        files.put(INDEX, JsonTrees.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(index));
        for (Entry e : entries) {
            String dir = PLUGINS_DIR + e.id() + "/";
            ObjectNode manifest = JsonNodeFactory.instance.objectNode();
            manifest.put("format", FORMAT);
            manifest.put("id", e.id());
            manifest.put("source", e.sourceName());
            manifest.put("stamp", e.stamp().format());
            manifest.put("mainClass", e.mainClass());
            manifest.put("wasm", MODULE);
            manifest.put("wasmSha256", WasmCompiler.sha256(e.wasm()));
            manifest.put("sourceWasm", SOURCE);
            ObjectNode classes = manifest.putObject("classes");
            e.classes().forEach((name, bytes) -> classes.put(name, WasmCompiler.sha256(bytes)));
            ArrayNode interpreted = manifest.putArray("interpretedFunctions");
            e.interpretedFunctions().forEach(interpreted::add);
            ArrayNode large = manifest.putArray("largeMethods");
            for (CompilationReport.Method m : e.largeMethods()) {
                large.addObject().put("class", m.className()).put("method", m.method())
                        .put("wasmFunction", m.wasmFunction()).put("bytecodeBytes", m.bytecodeBytes());
            }
            files.put(dir + "plugin.json", JsonTrees.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
            files.put(dir + MODULE, e.wasm());
            files.put(dir + SOURCE, e.source());
            e.classes().forEach((name, bytes) -> files.put(name.replace('.', '/') + ".class", bytes));
        }
        return files;
    }

    /** Writes a jar with a fixed timestamp, so the same input gives the same bytes. */
    public static void writeJar(OutputStream out, List<Entry> entries) throws IOException {
        try (var jar = new JarOutputStream(out)) {
            for (var f : files(entries).entrySet()) {
                var entry = new JarEntry(f.getKey());
                entry.setTime(FIXED_TIME);
                jar.putNextEntry(entry);
                jar.write(f.getValue());
                jar.closeEntry();
            }
        }
    }

    /** Writes the artifact's files under a directory (e.g. a module's target/classes). */
    public static void writeDirectory(Path dir, List<Entry> entries) throws IOException {
        for (var f : files(entries).entrySet()) {
            Path target = dir.resolve(f.getKey());
            Files.createDirectories(target.getParent());
            Files.write(target, f.getValue());
        }
    }

    private static final long FIXED_TIME = 315532800000L + 86400000L; // 1980-01-02, the zip epoch

    /** Reads every plugin of a jar, checking each file against the SHA-256 in its manifest. */
    public static List<Entry> readJar(Path jar) throws IOException {
        return readJar(jar, null);
    }

    /**
     * Reads one plugin of a jar by id (or every plugin when {@code id} is null), reading only the entries
     * it needs.
     */
    public static List<Entry> readJar(Path jar, String id) throws IOException {
        try (var zip = new java.util.zip.ZipFile(jar.toFile())) {
            try {
                // each plugin through a lookup of its own: a read budget of its own
                return id == null ? readAll(() -> entries(zip), jar.toString()) : List.of(read(entries(zip), jar.toString(), id));
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            }
        } catch (java.util.zip.ZipException e) {
            throw new IOException(jar + " is not a readable jar: " + e.getMessage(), e);
        }
    }

    /**
     * A resource lookup over an open jar for {@link #read} of one plugin: the bytes of an entry, or null when it is
     * absent; read errors surface as {@link java.io.UncheckedIOException}. Everything read through one lookup
     * counts against one budget of {@link #MAX_FILE_BYTES}, counted as the bytes are inflated.
     */
    public static java.util.function.Function<String, byte[]> entries(java.util.zip.ZipFile zip) {
        return BoundedReads.resources(name -> {
            ZipEntry entry = zip.getEntry(name);
            return entry == null ? null : zip.getInputStream(entry);
        }, MAX_FILE_BYTES);
    }

    /**
     * The plugin ids a jar's index ({@link #INDEX}) lists: its format checked, each id a plugin id ({@link #checkId}),
     * none twice, at most {@link #MAX_PLUGINS}.
     */
    public static List<String> listedIds(byte[] indexBytes, String where) throws IOException {
        JsonNode index = JsonTrees.read(indexBytes);
        if (index.path("format").asInt() != FORMAT) {
            throw new IOException(where + ": unsupported artifact format " + index.path("format") + " (expected " + FORMAT + ")");
        }
        JsonNode plugins = index.path("plugins");
        if (plugins.size() > MAX_PLUGINS) {
            throw new IOException(where + ": its index lists " + plugins.size() + " plugins, more than the " + MAX_PLUGINS
                    + " a jar may hold");
        }
        List<String> ids = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (JsonNode n : plugins) {
            String id = checkId(n.asText(), where);
            if (!seen.add(id)) {
                throw new IOException(where + ": its index lists plugin '" + id + "' twice");
            }
            ids.add(id);
        }
        return ids;
    }

    /** A plugin id as an index lists it: the form {@link #idFor} produces, never a path. */
    public static String checkId(String id, String where) throws IOException {
        if (!ID.matcher(id).matches() || id.contains("..")) {
            throw new IOException(where + ": '" + id + "' is not a plugin id ([a-z0-9][a-z0-9._-]*)");
        }
        return id;
    }

    /** Reads every plugin through a resource lookup (a jar, a directory, a class loader). */
    public static List<Entry> read(java.util.function.Function<String, byte[]> resource, String where) throws IOException {
        return readAll(() -> resource, where);
    }

    /** Every plugin the index lists, each read through the lookup {@code lookups} gives for it. */
    private static List<Entry> readAll(java.util.function.Supplier<java.util.function.Function<String, byte[]>> lookups, String where)
            throws IOException {
        byte[] indexBytes = lookups.get().apply(INDEX);
        if (indexBytes == null) {
            throw new IOException(where + " is not a pre-compiled plugin jar: it has no " + INDEX);
        }
        List<Entry> entries = new ArrayList<>();
        for (String id : listedIds(indexBytes, where)) {
            entries.add(read(lookups.get(), where, id));
        }
        return entries;
    }

    /** Reads one plugin through a resource lookup, checking every file against its manifest's SHA-256. */
    public static Entry read(java.util.function.Function<String, byte[]> resource, String where, String id) throws IOException {
        String dir = PLUGINS_DIR + checkId(id, where) + "/";
        byte[] manifestBytes = resource.apply(dir + "plugin.json");
        if (manifestBytes == null) {
            throw new IOException(where + ": no plugin '" + id + "' (missing " + dir + "plugin.json)");
        }
        JsonNode m = JsonTrees.read(manifestBytes);
        CompilerStamp stamp;
        try {
            stamp = CompilerStamp.parse(m.path("stamp").asText());
        } catch (IllegalArgumentException e) {
            throw new IOException(where + ": plugin " + id + ": " + e.getMessage(), e);
        }
        if (!m.path("wasm").asText(MODULE).equals(MODULE) || !m.path("sourceWasm").asText(SOURCE).equals(SOURCE)) {
            throw new IOException(where + ": plugin " + id + ": plugin.json names module files other than " + MODULE + " and " + SOURCE);
        }
        byte[] wasm = require(resource, dir + MODULE, where);
        String wasmSha256 = WasmCompiler.sha256(wasm);
        if (!wasmSha256.equals(m.path("wasmSha256").asText())) {
            throw new IOException(where + ": plugin " + id + ": " + MODULE + " does not match its SHA-256 in plugin.json");
        }
        byte[] source = require(resource, dir + SOURCE, where);
        // the same bytes have the same digest: the compiler keeps most modules as they are given, and hashing is
        // slow in a fresh JVM
        String sourceSha256 = java.util.Arrays.equals(source, wasm) ? wasmSha256 : WasmCompiler.sha256(source);
        if (!sourceSha256.equals(stamp.wasmSha256())) {
            throw new IOException(where + ": plugin " + id + ": " + SOURCE + " does not match the SHA-256 its stamp names ("
                    + stamp.wasmSha256() + ")");
        }
        Map<String, byte[]> classes = new LinkedHashMap<>();
        FileDigests digests = new FileDigests();
        digests.put(wasm, wasmSha256);
        var names = m.path("classes").fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!isBinaryName(name)) {
                throw new IOException(where + ": plugin " + id + ": '" + name + "' in plugin.json is not a class name");
            }
            byte[] bytes = require(resource, name.replace('.', '/') + ".class", where);
            String sha = WasmCompiler.sha256(bytes);
            if (!sha.equals(m.path("classes").path(name).asText())) {
                throw new IOException(where + ": plugin " + id + ": class " + name + " does not match its SHA-256 in plugin.json");
            }
            classes.put(name, bytes);
            digests.put(bytes, sha);
        }
        List<Integer> interpreted = new ArrayList<>();
        m.path("interpretedFunctions").forEach(n -> interpreted.add(n.asInt()));
        List<CompilationReport.Method> large = new ArrayList<>();
        m.path("largeMethods").forEach(n -> large.add(new CompilationReport.Method(
                n.path("class").asText(), n.path("method").asText(), n.path("wasmFunction").asInt(), n.path("bytecodeBytes").asInt())));
        return new Entry(id, m.path("source").asText(id + ".wasm"), stamp, m.path("mainClass").asText(), classes, wasm,
                interpreted, large, source, digests);
    }

    /** A Java binary class name: dot-separated identifiers (so never a path). */
    public static boolean isBinaryName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (String part : name.split("\\.", -1)) {
            if (part.isEmpty() || !Character.isJavaIdentifierStart(part.charAt(0))) {
                return false;
            }
            for (int i = 1; i < part.length(); i++) { // a loop, not chars(): an IntStream's classes on the load path
                if (!Character.isJavaIdentifierPart(part.charAt(i))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static byte[] require(java.util.function.Function<String, byte[]> resource, String path, String where) throws IOException {
        byte[] bytes = resource.apply(path);
        if (bytes == null) {
            throw new IOException(where + ": missing " + path);
        }
        return bytes;
    }
}
