package io.llmtestbench.compiler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * llmtb/gen/…/*.class                        the generated classes
 * </pre>
 *
 * The runtime discovers plugins through the index, checks each class against the manifest's digests and
 * stamp, and defines them in a class loader of their own.
 */
public final class PluginArtifact {
    public static final int FORMAT = 1;
    public static final String INDEX = "META-INF/llmtb/index.json";
    public static final String PLUGINS_DIR = "META-INF/llmtb/plugins/";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One compiled plugin inside an artifact. */
    public record Entry(String id, String sourceName, CompilerStamp stamp, String mainClass, Map<String, byte[]> classes,
            byte[] wasm, List<Integer> interpretedFunctions, List<CompilationReport.LargeMethod> largeMethods) {

        public static Entry of(String id, String sourceName, CompiledModule module) {
            return new Entry(id, sourceName, module.stamp(), module.mainClass(), module.classes(), module.wasm(),
                    new ArrayList<>(new TreeSet<>(module.report().interpretedFunctions())), module.report().largeMethods());
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
        Map<String, byte[]> files = new LinkedHashMap<>();
        ObjectNode index = JSON.createObjectNode();
        index.put("format", FORMAT);
        ArrayNode ids = index.putArray("plugins");
        for (Entry e : entries) {
            ids.add(e.id());
        }
        files.put(INDEX, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(index));
        for (Entry e : entries) {
            String dir = PLUGINS_DIR + e.id() + "/";
            ObjectNode manifest = JSON.createObjectNode();
            manifest.put("format", FORMAT);
            manifest.put("id", e.id());
            manifest.put("source", e.sourceName());
            manifest.put("stamp", e.stamp().format());
            manifest.put("mainClass", e.mainClass());
            manifest.put("wasm", "module.wasm");
            manifest.put("wasmSha256", WasmCompiler.sha256(e.wasm()));
            ObjectNode classes = manifest.putObject("classes");
            e.classes().forEach((name, bytes) -> classes.put(name, WasmCompiler.sha256(bytes)));
            ArrayNode interpreted = manifest.putArray("interpretedFunctions");
            e.interpretedFunctions().forEach(interpreted::add);
            ArrayNode large = manifest.putArray("largeMethods");
            for (CompilationReport.LargeMethod m : e.largeMethods()) {
                large.addObject().put("class", m.className()).put("method", m.method())
                        .put("wasmFunction", m.wasmFunction()).put("bytecodeBytes", m.bytecodeBytes());
            }
            files.put(dir + "plugin.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
            files.put(dir + "module.wasm", e.wasm());
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
            java.util.function.Function<String, byte[]> lookup = entries(zip);
            try {
                return id == null ? read(lookup, jar.toString()) : List.of(read(lookup, jar.toString(), id));
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            }
        } catch (java.util.zip.ZipException e) {
            throw new IOException(jar + " is not a readable jar: " + e.getMessage(), e);
        }
    }

    /**
     * A resource lookup over an open jar for {@link #read}: the bytes of an entry, or null when it is absent;
     * read errors surface as {@link java.io.UncheckedIOException}.
     */
    public static java.util.function.Function<String, byte[]> entries(java.util.zip.ZipFile zip) {
        return name -> {
            ZipEntry entry = zip.getEntry(name);
            if (entry == null) {
                return null;
            }
            try (InputStream in = zip.getInputStream(entry)) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
    }

    private static List<String> ids(byte[] indexBytes, String where) throws IOException {
        JsonNode index = JSON.readTree(indexBytes);
        if (index.path("format").asInt() != FORMAT) {
            throw new IOException(where + ": unsupported artifact format " + index.path("format") + " (expected " + FORMAT + ")");
        }
        List<String> ids = new ArrayList<>();
        index.path("plugins").forEach(n -> ids.add(n.asText()));
        return ids;
    }

    /** Reads every plugin through a resource lookup (a jar, a directory, a class loader). */
    public static List<Entry> read(java.util.function.Function<String, byte[]> resource, String where) throws IOException {
        byte[] indexBytes = resource.apply(INDEX);
        if (indexBytes == null) {
            throw new IOException(where + " is not a pre-compiled plugin jar: it has no " + INDEX);
        }
        List<Entry> entries = new ArrayList<>();
        for (String id : ids(indexBytes, where)) {
            entries.add(read(resource, where, id));
        }
        return entries;
    }

    /** Reads one plugin through a resource lookup, checking every file against its manifest's SHA-256. */
    public static Entry read(java.util.function.Function<String, byte[]> resource, String where, String id) throws IOException {
        String dir = PLUGINS_DIR + id + "/";
        byte[] manifestBytes = resource.apply(dir + "plugin.json");
        if (manifestBytes == null) {
            throw new IOException(where + ": no plugin '" + id + "' (missing " + dir + "plugin.json)");
        }
        JsonNode m = JSON.readTree(manifestBytes);
        CompilerStamp stamp;
        try {
            stamp = CompilerStamp.parse(m.path("stamp").asText());
        } catch (IllegalArgumentException e) {
            throw new IOException(where + ": plugin " + id + ": " + e.getMessage(), e);
        }
        byte[] wasm = require(resource, dir + m.path("wasm").asText("module.wasm"), where);
        if (!WasmCompiler.sha256(wasm).equals(m.path("wasmSha256").asText())) {
            throw new IOException(where + ": plugin " + id + ": module.wasm does not match its SHA-256 in plugin.json");
        }
        Map<String, byte[]> classes = new LinkedHashMap<>();
        var names = m.path("classes").fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            byte[] bytes = require(resource, name.replace('.', '/') + ".class", where);
            if (!WasmCompiler.sha256(bytes).equals(m.path("classes").path(name).asText())) {
                throw new IOException(where + ": plugin " + id + ": class " + name + " does not match its SHA-256 in plugin.json");
            }
            classes.put(name, bytes);
        }
        List<Integer> interpreted = new ArrayList<>();
        m.path("interpretedFunctions").forEach(n -> interpreted.add(n.asInt()));
        List<CompilationReport.LargeMethod> large = new ArrayList<>();
        m.path("largeMethods").forEach(n -> large.add(new CompilationReport.LargeMethod(
                n.path("class").asText(), n.path("method").asText(), n.path("wasmFunction").asInt(), n.path("bytecodeBytes").asInt())));
        return new Entry(id, m.path("source").asText(id + ".wasm"), stamp, m.path("mainClass").asText(), classes, wasm,
                interpreted, large);
    }

    private static byte[] require(java.util.function.Function<String, byte[]> resource, String path, String where) throws IOException {
        byte[] bytes = resource.apply(path);
        if (bytes == null) {
            throw new IOException(where + ": missing " + path);
        }
        return bytes;
    }
}
