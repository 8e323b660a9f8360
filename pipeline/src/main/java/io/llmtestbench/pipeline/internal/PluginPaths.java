package io.llmtestbench.pipeline.internal;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Resolves plugin paths: relative paths against a base directory, and a glob in the file name (e.g.
 * {@code ../test-plugins/target/llmtb-test-plugins-*.jar}) to the one file it matches, so that pipelines
 * need not hard-code the project version. Used by the pipeline file and by the CLI's plugin arguments.
 */
public final class PluginPaths {
    private PluginPaths() {}

    /** Thrown when a path cannot be resolved; the message says why. */
    public static final class Unresolved extends Exception {
        private static final long serialVersionUID = 1L;
        private final String reason;

        Unresolved(String spec, String reason) {
            super(spec + ": " + reason);
            this.reason = reason;
        }

        /** Why, without the path. */
        public String reason() {
            return reason;
        }
    }

    public static boolean isGlob(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0 || s.indexOf('{') >= 0;
    }

    /**
     * Resolves {@code spec} against {@code base} (when relative). A spec whose file name holds glob characters
     * ({@code * ? [ {}) must match exactly one regular file; a spec without is returned as is (existence is
     * the loader's business, which reports a missing file precisely).
     */
    public static Path resolve(String spec, Path base) throws Unresolved {
        if (spec.startsWith("~/")) {
            spec = System.getProperty("user.home") + spec.substring(1);
        }
        Path p = Path.of(spec);
        if (!p.isAbsolute() && base != null) {
            p = base.resolve(p);
        }
        p = p.normalize();
        Path name = p.getFileName();
        if (name == null || !isGlob(name.toString())) {
            if (p.getParent() != null && isGlob(p.getParent().toString()) && !Files.exists(p)) {
                throw new Unresolved(spec, "a glob may only appear in the file name, not in the directories");
            }
            return p;
        }
        if (Files.exists(p)) {
            return p; // a file really named with a '*'
        }
        Path dir = p.getParent() == null ? Path.of(".") : p.getParent();
        if (isGlob(dir.toString())) {
            throw new Unresolved(spec, "a glob may only appear in the file name, not in the directories");
        }
        if (!Files.isDirectory(dir)) {
            throw new Unresolved(spec, "no such directory: " + dir + hint(dir));
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + name);
        List<Path> matches = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(f -> Files.isRegularFile(f) && matcher.matches(f.getFileName())).sorted().forEach(matches::add);
        } catch (IOException e) {
            throw new Unresolved(spec, "cannot list " + dir + ": " + e.getMessage());
        }
        if (matches.isEmpty()) {
            throw new Unresolved(spec, "no file in " + dir + " matches " + name + hint(dir));
        }
        if (matches.size() > 1) {
            throw new Unresolved(spec, "" + matches.size() + " files match " + name + " in " + dir + ": "
                    + matches.stream().map(m -> m.getFileName().toString()).toList()
                    + "; make the pattern more specific (or delete stale builds, e.g. mvn clean)");
        }
        return matches.get(0);
    }

    private static String hint(Path dir) {
        String d = dir.toString().replace('\\', '/');
        if (d.contains("/target")) {
            return " (is the project built? mvn -q -B install -DskipTests)";
        }
        return "";
    }
}
