package io.llmtestbench.runtime.internal.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.LoggerFactory;

/**
 * Positive verdicts of a load-time check, kept by a digest of what was checked: in memory for one plugin system, and
 * as an empty file {@code <cacheDir>/<dir>/<digest>} when there is a cache directory (trusted like the compile cache:
 * a file there vouches for the content it names). {@link ReferenceVerdicts} and {@link Reproduction} keep theirs here.
 */
final class RememberedVerdicts {
    private final Path dir;
    private final String what;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    /**
     * @param cacheDir the cache directory, or null for memory only
     * @param dirName the directory under it for this check's verdicts
     * @param what the verdict's name in the warning when one cannot be written
     */
    RememberedVerdicts(Path cacheDir, String dirName, String what) {
        this.dir = cacheDir == null ? null : cacheDir.resolve(dirName);
        this.what = what;
    }

    /** Whether a positive verdict for this digest is remembered, in memory or in the cache directory. */
    boolean has(String digest) {
        if (known.contains(digest)) {
            return true;
        }
        if (dir != null && Files.isRegularFile(dir.resolve(digest))) {
            known.add(digest);
            return true;
        }
        return false;
    }

    /** Remembers a positive verdict; a cache directory that cannot be written costs a warning, not the load. */
    void remember(String digest) {
        known.add(digest);
        if (dir == null) {
            return;
        }
        Path mark = dir.resolve(digest);
        try {
            Files.createDirectories(dir);
            Files.write(mark, new byte[0]);
        } catch (IOException e) {
            LoggerFactory.getLogger(RememberedVerdicts.class).warn("cannot remember the {} verdict in {}: {}", what, mark, e.toString());
        }
    }

    /** Feeds a string to a digest with its length first, so that no two sequences of strings feed the same bytes. */
    static void update(MessageDigest d, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        d.update((byte) (b.length >>> 24));
        d.update((byte) (b.length >>> 16));
        d.update((byte) (b.length >>> 8));
        d.update((byte) b.length);
        d.update(b);
    }
}
