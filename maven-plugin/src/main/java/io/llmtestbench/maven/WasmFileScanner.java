package io.llmtestbench.maven;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the files under a directory that match Ant-style include patterns and no exclude pattern, the
 * way Maven's {@code <includes>}/{@code <excludes>} read: paths relative to the directory, {@code /} as
 * separator, {@code *} and {@code ?} within one path segment, {@code **} across segments ({@code **}{@code /}
 * also matches no directory at all, so {@code **}{@code /*.wasm} matches {@code a.wasm}).
 */
final class WasmFileScanner {
    static final List<String> DEFAULT_INCLUDES = List.of("**/*.wasm");

    private WasmFileScanner() {}

    /** Matching regular files, as relative paths with {@code /}, sorted. Empty when the directory does not exist. */
    static List<String> scan(Path dir, List<String> includes, List<String> excludes) throws IOException {
        List<Pattern> in = compileAll(includes == null || includes.isEmpty() ? DEFAULT_INCLUDES : includes);
        List<Pattern> out = compileAll(excludes == null ? List.of() : excludes);
        List<String> found = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(Files::isRegularFile).forEach(p -> {
                String rel = dir.relativize(p).toString().replace('\\', '/');
                if (matchesAny(in, rel) && !matchesAny(out, rel)) {
                    found.add(rel);
                }
            });
        }
        found.sort(null);
        return found;
    }

    static boolean matches(String pattern, String relativePath) {
        return toRegex(pattern).matcher(relativePath).matches();
    }

    private static boolean matchesAny(List<Pattern> patterns, String rel) {
        for (Pattern p : patterns) {
            if (p.matcher(rel).matches()) {
                return true;
            }
        }
        return false;
    }

    private static List<Pattern> compileAll(List<String> patterns) {
        List<Pattern> compiled = new ArrayList<>();
        for (String p : patterns) {
            if (p != null && !p.isBlank()) {
                compiled.add(toRegex(p.trim()));
            }
        }
        return compiled;
    }

    /** An Ant-style pattern as a regular expression. A pattern ending in / matches everything below it. */
    static Pattern toRegex(String pattern) {
        String p = pattern.replace('\\', '/');
        while (p.startsWith("./")) {
            p = p.substring(2);
        }
        if (p.endsWith("/")) {
            p = p + "**";
        }
        StringBuilder re = new StringBuilder();
        int i = 0;
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '*') {
                if (i + 1 < p.length() && p.charAt(i + 1) == '*') {
                    if (i + 2 < p.length() && p.charAt(i + 2) == '/') {
                        re.append("(?:.*/)?"); // **/ : any number of directories, including none
                        i += 3;
                    } else {
                        re.append(".*"); // ** : anything, across directories
                        i += 2;
                    }
                } else {
                    re.append("[^/]*");
                    i++;
                }
            } else if (c == '?') {
                re.append("[^/]");
                i++;
            } else {
                if ("\\.[]{}()<>+-=!^$|".indexOf(c) >= 0) {
                    re.append('\\');
                }
                re.append(c);
                i++;
            }
        }
        return Pattern.compile(re.toString());
    }
}
