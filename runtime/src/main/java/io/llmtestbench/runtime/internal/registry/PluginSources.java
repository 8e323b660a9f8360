package io.llmtestbench.runtime.internal.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmtestbench.compiler.CompilationException;
import io.llmtestbench.compiler.CompilationReport;
import io.llmtestbench.compiler.CompileLimits;
import io.llmtestbench.compiler.CompiledModule;
import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.compiler.PluginArtifact;
import io.llmtestbench.compiler.PluginSignature;
import io.llmtestbench.compiler.WasmCompiler;
import io.llmtestbench.compiler.internal.BoundedReads;
import io.llmtestbench.compiler.internal.JsonTrees;
import io.llmtestbench.compiler.internal.ModuleLimits;
import io.llmtestbench.runtime.PluginLoadException.Stage;
import io.llmtestbench.runtime.SignaturePolicy;
import io.llmtestbench.runtime.internal.CompileCache;
import io.llmtestbench.runtime.internal.Failures;
import io.llmtestbench.runtime.internal.PluginFaults;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.zip.ZipFile;

/**
 * Reads plugins from where they live — a {@code .wasm} file, a pre-compiled jar, or a pre-compiled artifact on the
 * class path — and applies the signature policy before anything is compiled or defined. The result, a
 * {@link Candidate}, knows its content digest; {@link #compiled} turns it into classes.
 */
public final class PluginSources {
    /** How to find a plugin again: a file (and the id in a jar), or a class-path artifact root URL and an id. */
    public record Locator(Path file, String base, String artifactId) {}

    /** A plugin's verified bytes, before compilation. */
    public static final class Candidate {
        public final String label;
        public final String source;
        public final Path path;
        public final Locator locator;
        public final String sha256;
        public final String wasmSha256;
        public final String signedBy;
        /** What {@link #sha256} is the digest of, for messages. */
        public final String digestOf;
        final byte[] wasm;
        final PluginArtifact.Entry entry;

        Candidate(String label, String source, Path path, Locator locator, String sha256, String wasmSha256, String signedBy,
                String digestOf, byte[] wasm, PluginArtifact.Entry entry) {
            this.label = label;
            this.source = source;
            this.path = path;
            this.locator = locator;
            this.sha256 = sha256;
            this.wasmSha256 = wasmSha256;
            this.signedBy = signedBy;
            this.digestOf = digestOf;
            this.wasm = wasm;
            this.entry = entry;
        }

        public String artifactId() {
            return locator.artifactId();
        }
    }

    /**
     * Compiled (or pre-compiled) code and how it was obtained: "compiled", "cache" or "jar".
     *
     * @param report the compilation report: the compiler's own when compiled now, else read back from the entry on
     *     first use (the entry stays reachable until then)
     */
    public record Compiled(PluginArtifact.Entry entry, String origin, Supplier<CompilationReport> report) {
        static Compiled read(PluginArtifact.Entry entry, String origin) {
            return new Compiled(entry, origin, new Supplier<>() {
                private CompilationReport report;

                @Override
                public synchronized CompilationReport get() {
                    if (report == null) {
                        report = entry.report();
                    }
                    return report;
                }
            });
        }
    }

    private final Path cacheDir;
    private final SignaturePolicy policy;
    private final CompileLimits limits;

    public PluginSources(Path cacheDir, SignaturePolicy policy, CompileLimits limits) {
        this.cacheDir = cacheDir;
        this.policy = policy;
        this.limits = limits;
    }

    public Candidate open(Locator locator) {
        return locator.file() != null ? open(locator.file(), locator.artifactId()) : open(locator.base(), locator.artifactId());
    }

    /**
     * A {@code .wasm} (with its detached signature {@code <file>.sig}, if any) or one plugin of a jar: by id, or the
     * only one.
     */
    public Candidate open(Path path, String artifactId) {
        String label = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        byte[] head = head(path, label);
        if (isWasm(head)) {
            try {
                ModuleLimits.checkSize(Files.size(path), limits); // before reading: a 600 MB file ran a 1 GB host out of heap
            } catch (CompilationException e) {
                throw Failures.load(Stage.INVALID, label, e.getMessage(), e);
            } catch (IOException e) {
                throw Failures.load(Stage.UNREADABLE, label, "cannot read " + path + ": " + e.getMessage(), e);
            }
            byte[] bytes = readFile(path, label);
            String sha = WasmCompiler.sha256(bytes);
            Path sigPath = path.resolveSibling(label + PluginSignature.SUFFIX);
            byte[] sig = Files.isRegularFile(sigPath) ? readFile(sigPath, sigPath.getFileName().toString()) : null;
            String signedBy = Integrity.checkSignature(label, PluginSignature.WASM, sha, sig, "the detached signature " + sigPath,
                    "sign it with PluginSigner.signWasm", policy);
            return new Candidate(label, path.toString(), path, new Locator(path, null, null), sha, sha, signedBy, "the .wasm file",
                    bytes, null);
        }
        if (!isZip(head)) {
            throw Failures.load(Stage.UNREADABLE, label, notAPlugin(head), null);
        }
        try (ZipFile zip = new ZipFile(path.toFile())) {
            Function<String, byte[]> lookup = memo(PluginArtifact.entries(zip));
            String id = pickId(label, ids(lookup, path.toString()), artifactId);
            return fromArtifact(label, path.toString(), path, new Locator(path, null, id), lookup);
        } catch (IOException | UncheckedIOException e) {
            Throwable c = e instanceof UncheckedIOException ? e.getCause() : e;
            throw Failures.load(Stage.UNREADABLE, label, "cannot read " + path + " as a pre-compiled plugin jar: " + c.getMessage(), c);
        }
    }

    /** One plugin of a pre-compiled artifact on the class path, by its root URL ({@code jar:…!/} or {@code file:…/}). */
    public Candidate open(String base, String artifactId) {
        Function<String, byte[]> lookup = memo(BoundedReads.resources(name -> openUrl(base + name), PluginArtifact.MAX_FILE_BYTES));
        String where = describe(base);
        try {
            String id = pickId(artifactId, ids(lookup, where), artifactId);
            return fromArtifact(id, where, pathOf(base), new Locator(null, base, id), lookup);
        } catch (IOException | UncheckedIOException e) {
            Throwable c = e instanceof UncheckedIOException ? e.getCause() : e;
            throw Failures.load(Stage.UNREADABLE, artifactId, "cannot read " + where + ": " + c.getMessage(), c);
        }
    }

    /** The ids a jar's index lists. */
    public List<String> ids(Path jar) {
        String label = jar.getFileName().toString();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return ids(PluginArtifact.entries(zip), jar.toString());
        } catch (IOException | UncheckedIOException e) {
            throw Failures.load(Stage.UNREADABLE, label, "cannot read " + jar + " as a pre-compiled plugin jar: " + e.getMessage(), e);
        }
    }

    /** The ids the index at a class-path artifact root lists. */
    public List<String> ids(String base) {
        try {
            return ids(name -> readUrl(base + name), describe(base));
        } catch (IOException | UncheckedIOException e) {
            Throwable c = e instanceof UncheckedIOException ? e.getCause() : e;
            throw Failures.load(Stage.UNREADABLE, describe(base), "cannot read its plugin index: " + c.getMessage(), c);
        }
    }

    /** Root URLs ({@code …!/} or {@code …/}) of every pre-compiled plugin artifact the class loader sees. */
    public static List<String> classpathArtifacts(ClassLoader loader) {
        List<String> bases = new ArrayList<>();
        try {
            for (URL url : Collections.list(loader.getResources(PluginArtifact.INDEX))) {
                String s = url.toString();
                bases.add(s.substring(0, s.length() - PluginArtifact.INDEX.length()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + PluginArtifact.INDEX + " on the class path", e);
        }
        return bases;
    }

    private Candidate fromArtifact(String label, String where, Path path, Locator locator, Function<String, byte[]> lookup) throws IOException {
        String id = locator.artifactId();
        String manifestPath = PluginArtifact.PLUGINS_DIR + id + "/plugin.json";
        byte[] manifest = lookup.apply(manifestPath);
        if (manifest == null) {
            throw Failures.load(Stage.UNREADABLE, label, where + ": no plugin '" + id + "' (missing " + manifestPath + ")", null);
        }
        String sha = WasmCompiler.sha256(manifest);
        String signedBy = Integrity.checkSignature(label, PluginSignature.MANIFEST, sha, lookup.apply(manifestPath + PluginSignature.SUFFIX),
                manifestPath + PluginSignature.SUFFIX + " in " + where, "sign the jar with PluginSigner.signJar", policy);
        PluginArtifact.Entry entry;
        try {
            entry = PluginArtifact.read(lookup, where, id);
        } catch (IOException | RuntimeException e) {
            Throwable c = e instanceof UncheckedIOException ? e.getCause() : e;
            throw Failures.load(Stage.UNREADABLE, label, c.getMessage(), c);
        }
        return new Candidate(label, where, path, locator, sha, entry.stamp().wasmSha256(), signedBy,
                "its manifest " + manifestPath, null, entry);
    }

    /**
     * The candidate's classes: a jar's as they are; a {@code .wasm} compiled, or served from the compile cache when
     * {@code trustCache} (not after an integrity check: cache entries are not covered by the {@code .wasm}'s
     * signature or pin).
     */
    public Compiled compiled(Candidate c, boolean trustCache) {
        if (c.entry != null) {
            return Compiled.read(c.entry, "jar");
        }
        CompileCache cache = cacheDir == null ? null : new CompileCache(cacheDir);
        if (cache != null && trustCache) {
            Optional<PluginArtifact.Entry> cached = cache.get(c.sha256, true);
            if (cached.isPresent()) {
                return Compiled.read(cached.get(), "cache");
            }
        }
        CompiledModule module = compile(c.label, c.wasm, limits);
        PluginArtifact.Entry entry = PluginArtifact.Entry.of(PluginArtifact.idFor(c.label), c.label, module);
        if (cache != null) {
            cache.put(entry.id(), c.label, module);
        }
        CompilationReport report = module.report();
        return new Compiled(entry, "compiled", () -> report);
    }

    private static CompiledModule compile(String label, byte[] wasm, CompileLimits limits) {
        try {
            return WasmCompiler.compile(wasm, CompilerOptions.defaults().withLimits(limits));
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            // a module that breaks the parser or code generator (nesting too deep for its stack, a size it cannot
            // hold) is the module's fault: refused like an invalid one
            throw Failures.load(Stage.INVALID, label, "the compiler cannot compile it: " + PluginFaults.describe(e), e);
        } catch (CompilationException e) {
            throw Failures.load(e.kind() == CompilationException.Kind.MALFORMED ? Stage.MALFORMED : Stage.INVALID, label, e.getMessage(), e);
        }
    }

    private static String pickId(String label, List<String> ids, String artifactId) {
        if (artifactId != null) {
            if (!ids.contains(artifactId)) {
                throw Failures.load(Stage.UNREADABLE, label, "no plugin '" + artifactId + "' in this jar; it holds " + listed(ids), null);
            }
            return artifactId;
        }
        if (ids.size() != 1) {
            throw Failures.load(Stage.UNREADABLE, label, "the jar holds " + ids.size()
                    + " plugins " + listed(ids) + "; name one with loadPlugin(path, id, options)", null);
        }
        return ids.get(0);
    }

    private static List<String> ids(Function<String, byte[]> lookup, String where) throws IOException {
        byte[] bytes = lookup.apply(PluginArtifact.INDEX);
        if (bytes == null) {
            throw new IOException(where + " is not a pre-compiled plugin jar: it has no " + PluginArtifact.INDEX);
        }
        return PluginArtifact.listedIds(bytes, where);
    }

    /** A jar's ids for a message: the first ten, then how many more. */
    private static String listed(List<String> ids) {
        return ids.size() <= 10 ? ids.toString()
                : ids.subList(0, 10).toString().replace("]", ", ... and " + (ids.size() - 10) + " more]");
    }

    /** Reads each resource once, so that a digest and the bytes used later are of the same content. */
    private static Function<String, byte[]> memo(Function<String, byte[]> lookup) {
        Map<String, Optional<byte[]>> seen = new HashMap<>();
        return name -> seen.computeIfAbsent(name, n -> Optional.ofNullable(lookup.apply(n))).orElse(null);
    }

    private static byte[] readUrl(String url) {
        return BoundedReads.resources(PluginSources::openUrl, PluginArtifact.MAX_FILE_BYTES).apply(url);
    }

    /** A class-path resource's stream, or null when there is none. */
    private static InputStream openUrl(String url) throws IOException {
        try {
            return URI.create(url).toURL().openStream();
        } catch (FileNotFoundException | NoSuchFileException e) {
            return null;
        }
    }

    /** A class-path root for messages: the jar's or directory's path when it is a file, else the URL. */
    public static String describe(String base) {
        Path p = pathOf(base);
        return p != null ? p.toString() : base;
    }

    private static Path pathOf(String base) {
        try {
            String s = base;
            if (s.startsWith("jar:file:") && s.endsWith("!/")) {
                s = s.substring(4, s.length() - 2);
            }
            return s.startsWith("file:") ? Path.of(new URI(s)) : null;
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] head(Path path, String label) {
        try (InputStream in = Files.newInputStream(path)) {
            return in.readNBytes(64);
        } catch (NoSuchFileException e) {
            throw Failures.load(Stage.UNREADABLE, label, "no such file: " + path, e);
        } catch (IOException e) {
            throw Failures.load(Stage.UNREADABLE, label, "cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    private static byte[] readFile(Path path, String label) {
        try {
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw Failures.load(Stage.UNREADABLE, label, "no such file: " + path, e);
        } catch (IOException e) {
            throw Failures.load(Stage.UNREADABLE, label, "cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    public static boolean isWasm(byte[] b) {
        return b.length >= 4 && b[0] == 0 && b[1] == 'a' && b[2] == 's' && b[3] == 'm';
    }

    public static boolean isZip(byte[] b) {
        return b.length >= 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4;
    }

    /** Why a file is neither a module nor a jar, with the most likely fix. */
    static String notAPlugin(byte[] head) {
        if (head.length == 0) {
            return "the file is empty; expected a WebAssembly module (.wasm) or a pre-compiled plugin jar";
        }
        String text = new String(head, StandardCharsets.UTF_8).stripLeading();
        if (text.startsWith("(module") || text.startsWith(";;") || text.startsWith("(;")) {
            return "this is WebAssembly text (WAT), not a binary module: assemble it first (e.g. wat2wasm plugin.wat -o plugin.wasm)";
        }
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(4, head.length); i++) {
            hex.append(i > 0 ? " " : "").append(String.format("%02x", head[i] & 0xff));
        }
        return "not a WebAssembly module (no \\0asm header) nor a pre-compiled plugin jar (the file starts with bytes "
                + hex + "; a .wasm starts with 00 61 73 6d)";
    }
}
