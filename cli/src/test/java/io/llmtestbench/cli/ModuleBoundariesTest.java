package io.llmtestbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No source file outside a module names one of that module's {@code internal} packages — in an import, a fully
 * qualified name or a string (reflection) — unless the module's {@code module-info.java} exports that package to
 * the file's module by name. javac enforces this for main code of modules with a descriptor; this test extends it
 * to test code, to modules without one (benchmarks, the Maven plugin and its integration builds, anything added
 * later) and to non-Java sources. What such code needs is public API (the compilation report) or a test fixture
 * in a non-internal package of the owning module's test tree ({@code runtime/src/test/.../fixtures}).
 *
 * <p>In the cli module because it is the last product module of the reactor; it reads the whole source tree.
 */
class ModuleBoundariesTest {
    private static final Pattern INTERNAL = Pattern.compile("io\\.llmtestbench(?:\\.[a-z][a-z0-9_]*)*?\\.internal(?:\\.[a-z][a-z0-9_]*)*");
    private static final Pattern QUALIFIED_EXPORT = Pattern.compile("exports\\s+([\\w.]+)\\s+to\\s+([\\w.,\\s]+);");
    private static final Pattern MODULE_NAME = Pattern.compile("(?m)^\\s*(?:open\\s+)?module\\s+([\\w.]+)");
    private static final Set<String> SOURCE_SUFFIXES = Set.of(".java", ".groovy", ".kt", ".scala");

    /** A Maven module of the build: its directory, its JPMS name (null without a descriptor), its main packages. */
    record Unit(Path dir, String moduleName, Set<String> packages, Map<String, Set<String>> qualifiedExports) {}

    static Path root() {
        Path root = Path.of("..").toAbsolutePath().normalize();
        assertThat(root.resolve("pom.xml")).as("the project root, above the cli module").isRegularFile();
        return root;
    }

    static List<Unit> units(Path root) throws IOException {
        List<Unit> units = new ArrayList<>();
        try (Stream<Path> poms = Files.walk(root, 3)) {
            for (Path pom : poms.filter(p -> p.getFileName().toString().equals("pom.xml")).toList()) {
                Path dir = pom.getParent();
                if (dir.equals(root) || isBuildOutput(root, dir) || !Files.isDirectory(dir.resolve("src"))) {
                    continue;
                }
                Path mainJava = dir.resolve("src/main/java");
                Set<String> packages = new TreeSet<>();
                if (Files.isDirectory(mainJava)) {
                    try (Stream<Path> files = Files.walk(mainJava)) {
                        files.filter(p -> p.toString().endsWith(".java") && !p.getFileName().toString().equals("module-info.java"))
                                .forEach(p -> packages.add(mainJava.relativize(p.getParent()).toString().replace('/', '.')));
                    }
                }
                Path info = mainJava.resolve("module-info.java");
                String name = null;
                Map<String, Set<String>> qualified = new HashMap<>();
                if (Files.isRegularFile(info)) {
                    String text = stripComments(Files.readString(info));
                    Matcher m = MODULE_NAME.matcher(text);
                    assertThat(m.find()).as("module name in " + info).isTrue();
                    name = m.group(1);
                    Matcher e = QUALIFIED_EXPORT.matcher(text);
                    while (e.find()) {
                        Set<String> targets = new TreeSet<>();
                        for (String t : e.group(2).split(",")) {
                            targets.add(t.strip());
                        }
                        qualified.put(e.group(1), targets);
                    }
                }
                units.add(new Unit(dir, name, packages, qualified));
            }
        }
        return units;
    }

    @Test
    void noSourceNamesAnotherModulesInternalPackageUnlessExportedToIt() throws IOException {
        Path root = root();
        List<Unit> units = units(root);
        Map<String, Unit> owner = new HashMap<>();
        for (Unit u : units) {
            for (String p : u.packages()) {
                owner.put(p, u);
            }
        }
        assertThat(owner).as("main packages found").containsKeys(String.join(".", "io.llmtestbench.runtime", "internal"), String.join(".", "io.llmtestbench.compiler", "internal"));

        List<String> violations = new ArrayList<>();
        int scanned = 0;
        for (Unit u : units) {
            List<Path> sources;
            try (Stream<Path> files = Files.walk(u.dir().resolve("src"))) {
                sources = files.filter(Files::isRegularFile).filter(ModuleBoundariesTest::isSource).toList();
            }
            for (Path file : sources) {
                if (nested(units, u, file)) {
                    continue; // belongs to a module below this one (maven-plugin/its under maven-plugin)
                }
                scanned++;
                String text = read(file);
                Matcher m = INTERNAL.matcher(text);
                Set<String> named = new TreeSet<>();
                while (m.find()) {
                    named.add(m.group());
                }
                for (String ref : named) {
                    Unit home = owningUnit(owner, ref);
                    if (home == null || home == u) {
                        continue;
                    }
                    String pkg = packageOf(owner, ref);
                    Set<String> targets = home.qualifiedExports().getOrDefault(pkg, Set.of());
                    if (u.moduleName() == null || !targets.contains(u.moduleName())) {
                        violations.add(root.relativize(file) + " names " + ref + " (internal to " + root.relativize(home.dir()) + ")");
                    }
                }
            }
        }
        assertThat(scanned).as("source files scanned").isGreaterThan(200);
        assertThat(violations)
                .as("use the public API (e.g. WasmCompiler's CompilationReport) or a test fixture of the owning module instead")
                .isEmpty();
    }

    @Test
    void qualifiedExportsAreInternalPackagesToProjectModules() throws IOException {
        List<Unit> units = units(root());
        Set<String> names = units.stream().map(Unit::moduleName).filter(n -> n != null).collect(Collectors.toSet());
        assertThat(names).contains("io.llmtestbench.compiler", "io.llmtestbench.runtime", "io.llmtestbench.pipeline", "io.llmtestbench.cli");
        for (Unit u : units) {
            u.qualifiedExports().forEach((pkg, targets) -> {
                assertThat(pkg).as("qualified export of " + u.moduleName()).contains(".internal");
                assertThat(names).as("targets of " + pkg).containsAll(targets);
            });
        }
    }

    private static boolean isSource(Path p) {
        String n = p.getFileName().toString();
        return SOURCE_SUFFIXES.stream().anyMatch(n::endsWith);
    }

    private static boolean isBuildOutput(Path root, Path dir) {
        for (Path part : root.relativize(dir)) {
            String s = part.toString();
            if (s.equals("target") || s.startsWith(".") || s.equals("node_modules")) {
                return true;
            }
        }
        return false;
    }

    private static boolean nested(List<Unit> units, Unit u, Path file) {
        for (Unit other : units) {
            if (other != u && other.dir().startsWith(u.dir()) && file.startsWith(other.dir())) {
                return true;
            }
        }
        return false;
    }

    /** The unit owning the longest main package that {@code ref} starts with (ref may end in a class name). */
    private static Unit owningUnit(Map<String, Unit> owner, String ref) {
        String pkg = packageOf(owner, ref);
        return pkg == null ? null : owner.get(pkg);
    }

    private static String packageOf(Map<String, Unit> owner, String ref) {
        String candidate = ref;
        while (true) {
            if (owner.containsKey(candidate)) {
                return candidate;
            }
            int dot = candidate.lastIndexOf('.');
            if (dot < 0) {
                return null;
            }
            candidate = candidate.substring(0, dot);
        }
    }

    private static String stripComments(String s) {
        return s.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
