package io.llmtestbench.tools;

import com.dylibso.chicory.wabt.Wast2Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Converts a checkout of the WebAssembly spec test suite (core {@code *.wast} at its root, proposals under
 * {@code proposals/<name>/}) into {@code OUT/json/<script>/spec.json} plus its modules, and copies the sources to
 * {@code OUT/wast/}: the layout the spec tests read. Each script goes through wast2json as
 * {@code input/<name>.wast} with {@code --enable-all}, so the output is byte-identical to the reference copy of the
 * suite.
 *
 * <p>Arguments: TESTSUITE OUT PROPOSALS (comma-separated proposal directories to convert).
 */
public final class SpecTestsuite {
    private static final String MARKER = ".spec-testsuite";

    private SpecTestsuite() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args[0].isBlank() || args[1].isBlank()) {
            fail("usage: tools/spec-testsuite.sh TESTSUITE OUT (TESTSUITE: a checkout of github.com/WebAssembly/testsuite)");
        }
        Path src = Path.of(args[0]).toAbsolutePath().normalize();
        Path out = Path.of(args[1]).toAbsolutePath().normalize();
        List<String> proposals = args.length > 2 && !args[2].isBlank() ? List.of(args[2].split(",")) : List.of();
        if (!Files.isDirectory(src) || list(src, "").isEmpty()) {
            fail(src + " has no *.wast files: expected a checkout of github.com/WebAssembly/testsuite");
        }
        if (out.equals(src) || src.startsWith(out)) {
            fail("OUT must not contain TESTSUITE");
        }
        if (Files.exists(out) && !Files.exists(out.resolve(MARKER)) && !isEmptyDirectory(out)) {
            fail(out + " exists and was not made by this tool: give a new or empty directory");
        }
        deleteTree(out.resolve("json"));
        deleteTree(out.resolve("wast"));
        Files.createDirectories(out);
        Files.writeString(out.resolve(MARKER), "made by tools/spec-testsuite.sh from " + src + "\n");

        List<String> ids = new ArrayList<>(list(src, ""));
        for (String p : proposals) {
            List<String> found = list(src, "proposals/" + p.strip() + "/");
            if (found.isEmpty()) {
                fail(src.resolve("proposals").resolve(p.strip()) + " has no *.wast files (choose the proposals with -Dproposals=...)");
            }
            ids.addAll(found);
        }
        List<String> failed = new ArrayList<>();
        long start = System.nanoTime();
        for (String id : ids) {
            Path wast = src.resolve(id + ".wast");
            Path json = out.resolve("json").resolve(id).resolve("spec.json");
            Files.createDirectories(json.getParent());
            Files.createDirectories(out.resolve("wast").resolve(id).getParent());
            Files.copy(wast, out.resolve("wast").resolve(id + ".wast"), StandardCopyOption.REPLACE_EXISTING);
            try {
                Wast2Json.builder().withFile(wast.toFile()).withOutput(json.toFile()).withOptions(new String[] {"--enable-all"})
                        .build().process();
                if (!Files.isRegularFile(json)) {
                    throw new IllegalStateException("no spec.json written");
                }
            } catch (RuntimeException e) {
                failed.add(id + ": " + e);
            }
        }
        Path license = src.resolve("LICENSE");
        if (Files.isRegularFile(license)) {
            Files.copy(license, out.resolve("LICENSE"), StandardCopyOption.REPLACE_EXISTING);
        }
        System.out.printf("converted %d of %d scripts into %s in %d s%n", ids.size() - failed.size(), ids.size(),
                out.resolve("json"), (System.nanoTime() - start) / 1_000_000_000L);
        if (!failed.isEmpty()) {
            failed.forEach(f -> System.err.println("wast2json failed: " + f));
            fail(failed.size() + " scripts could not be converted");
        }
        System.out.println("run the spec tests with:  mvn -B verify -Dspec.testsuite.dir=" + out);
    }

    /** The ids ({@code dir + name}) of the {@code *.wast} files directly in {@code src/dir}, sorted. */
    private static List<String> list(Path src, String dir) throws IOException {
        Path d = src.resolve(dir);
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(d)) {
            return files.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".wast"))
                    .map(f -> dir + f.getFileName().toString().replaceFirst("\\.wast$", "")).sorted().toList();
        }
    }

    private static boolean isEmptyDirectory(Path p) throws IOException {
        if (!Files.isDirectory(p)) {
            return false;
        }
        try (Stream<Path> s = Files.list(p)) {
            return s.findAny().isEmpty();
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(f);
            }
        }
    }

    private static void fail(String message) {
        System.err.println("spec-testsuite: " + message);
        System.exit(1);
    }
}
