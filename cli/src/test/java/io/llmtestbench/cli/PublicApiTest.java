package io.llmtestbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmtestbench.compiler.WasmCompiler;
import io.llmtestbench.pipeline.Pipeline;
import io.llmtestbench.runtime.PluginSystem;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API, measured the way a newcomer meets it: the public types (top-level and nested) of every package the
 * compiler, runtime and pipeline modules export, read from the built classes and their module descriptors. Their
 * number per package is committed here, so the API never grows (or shrinks) by accident: a change fails this test
 * until the count below and the "Public API" section of docs/architecture.md, which names each public type exactly
 * once, say so too.
 */
class PublicApiTest {

    /** Public types per exported package. Change only with docs/architecture.md's "Public API" table. */
    private static final Map<String, Integer> COMMITTED = Map.of(
            "io.llmtestbench.abi", 4,
            "io.llmtestbench.compiler", 14,
            "io.llmtestbench.runtime", 31,
            "io.llmtestbench.pipeline", 15);

    /** A class in each API module, to find its classes and module descriptor. */
    private static final List<Class<?>> MODULES = List.of(WasmCompiler.class, PluginSystem.class, Pipeline.class);

    @Test
    void publicTypesPerExportedPackageAreTheCommittedNumbers() throws Exception {
        Map<String, TreeSet<String>> api = publicApi();
        Map<String, Integer> counts = new TreeMap<>();
        api.forEach((pkg, types) -> counts.put(pkg, types.size()));
        assertThat(counts).as("public types per exported package (the types: %s)", api).isEqualTo(new TreeMap<>(COMMITTED));
    }

    @Test
    void architectureNamesEachPublicTypeOnce() throws Exception {
        Map<String, TreeSet<String>> api = publicApi();
        Map<String, List<String>> documented = documented();
        assertThat(documented.keySet()).as("packages with a table in docs/architecture.md's Public API section").isEqualTo(api.keySet());
        api.forEach((pkg, types) -> {
            List<String> rows = documented.get(pkg);
            assertThat(rows).as("the %s table names each type once", pkg).doesNotHaveDuplicates();
            assertThat(new TreeSet<>(rows)).as("the %s table's types", pkg).isEqualTo(types);
        });
    }

    /** Exported package to the simple names (Outer.Inner) of its public types. */
    static Map<String, TreeSet<String>> publicApi() throws IOException, URISyntaxException, ClassNotFoundException {
        Map<String, TreeSet<String>> api = new TreeMap<>();
        for (Class<?> anchor : MODULES) {
            Path location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
            try (FileSystem jar = Files.isDirectory(location) ? null : FileSystems.newFileSystem(location)) {
                Path root = jar == null ? location : jar.getPath("/");
                ModuleDescriptor descriptor;
                try (InputStream in = Files.newInputStream(root.resolve("module-info.class"))) {
                    descriptor = ModuleDescriptor.read(in);
                }
                for (ModuleDescriptor.Exports e : descriptor.exports()) {
                    if (e.isQualified()) {
                        continue;
                    }
                    TreeSet<String> types = new TreeSet<>();
                    Path dir = root.resolve(e.source().replace('.', '/'));
                    List<Path> classes;
                    try (Stream<Path> files = Files.list(dir)) {
                        classes = files.filter(p -> p.getFileName().toString().endsWith(".class")).collect(Collectors.toList());
                    }
                    for (Path file : classes) {
                        String binary = e.source() + "." + file.getFileName().toString().replaceFirst("\\.class$", "");
                        Class<?> c = Class.forName(binary, false, anchor.getClassLoader());
                        if (isPublicApi(c)) {
                            types.add(c.getName().substring(e.source().length() + 1).replace('$', '.'));
                        }
                    }
                    api.put(e.source(), types);
                }
            }
        }
        return api;
    }

    private static boolean isPublicApi(Class<?> c) {
        if (c.isAnonymousClass() || c.isLocalClass() || c.isSynthetic()) {
            return false;
        }
        for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
            if (!Modifier.isPublic(k.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static final Pattern PACKAGE_HEADING = Pattern.compile("^### `(io\\.llmtestbench[\\w.]*)`");
    private static final Pattern TYPE_ROW = Pattern.compile("^\\| `([A-Z][\\w.]*)` \\|");

    /** Package to the type names of its rows, from the "Public API" section of docs/architecture.md. */
    static Map<String, List<String>> documented() throws IOException {
        Path doc = ModuleBoundariesTest.root().resolve("docs/architecture.md");
        Map<String, List<String>> tables = new TreeMap<>();
        boolean inSection = false;
        List<String> current = null;
        for (String line : Files.readAllLines(doc)) {
            if (line.startsWith("## ")) {
                inSection = line.equals("## Public API");
                current = null;
                continue;
            }
            if (!inSection) {
                continue;
            }
            Matcher h = PACKAGE_HEADING.matcher(line);
            if (h.find()) {
                current = new ArrayList<>();
                tables.put(h.group(1), current);
                continue;
            }
            Matcher r = TYPE_ROW.matcher(line);
            if (current != null && r.find()) {
                current.add(r.group(1));
            }
        }
        assertThat(tables).as("docs/architecture.md has a \"## Public API\" section with one table per package").isNotEmpty();
        return tables;
    }
}
