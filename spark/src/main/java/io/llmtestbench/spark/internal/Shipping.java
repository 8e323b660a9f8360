package io.llmtestbench.spark.internal;

import io.llmtestbench.pipeline.Pipeline;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.spark.SparkContext;

/**
 * The driver side of plugin shipping: each plugin file of a pipeline (and a {@code .wasm}'s detached signature,
 * {@code <file>.sig}) is added to the job with {@code SparkContext.addFile} under a content-addressed name
 * ({@code <16 hex digits of its SHA-256>-<file name>}), so two plugins with one file name never collide, a file is
 * shipped once however many pipelines use it, and executors can check they got the very bytes the driver read.
 */
public final class Shipping {
    private Shipping() {}

    /** Copies made for shipping, by name; one directory per driver JVM, deleted at exit. */
    private static volatile Path dir;
    /** Names already added, per Spark application. */
    private static final Set<String> ADDED = ConcurrentHashMap.newKeySet();

    /** Ships every stage's plugin file that exists; a stage whose file is missing is left to fail at load, as in the CLI. */
    public static Map<String, JobSpec.ShippedFile> ship(SparkContext sc, Pipeline pipeline) {
        Map<String, JobSpec.ShippedFile> out = new LinkedHashMap<>();
        for (Pipeline.Stage s : pipeline.stages()) {
            Path p = s.path();
            if (p == null || !Files.isRegularFile(p)) {
                continue;
            }
            try {
                String sha = sha256(p);
                String name = sha.substring(0, 16) + "-" + p.getFileName();
                Path sig = p.resolveSibling(p.getFileName() + ".sig");
                boolean signed = Files.isRegularFile(sig);
                add(sc, p, name);
                if (signed) {
                    add(sc, sig, name + ".sig");
                }
                out.put(s.where(), new JobSpec.ShippedFile(name, sha, signed));
            } catch (IOException e) {
                throw new UncheckedIOException("llmtb: cannot ship " + p + " with the job: " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static void add(SparkContext sc, Path file, String name) throws IOException {
        String key = sc.applicationId() + "/" + name;
        if (ADDED.contains(key)) {
            return;
        }
        synchronized (ADDED) {
            if (ADDED.contains(key)) {
                return;
            }
            Path copy = dir().resolve(name);
            if (!Files.exists(copy)) {
                Path tmp = Files.createTempFile(dir(), ".ship", ".tmp");
                Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, copy, StandardCopyOption.ATOMIC_MOVE);
            }
            sc.addFile(copy.toUri().toString());
            ADDED.add(key);
        }
    }

    private static Path dir() throws IOException {
        Path d = dir;
        if (d == null) {
            synchronized (Shipping.class) {
                if (dir == null) {
                    Path made = Files.createTempDirectory("llmtb-spark-ship-");
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(made), "llmtb-ship-cleanup"));
                    dir = made;
                }
                d = dir;
            }
        }
        return d;
    }

    private static void delete(Path d) {
        try (Stream<Path> s = Files.walk(d)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // best effort, at exit
        }
    }

    static String sha256(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                d.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
