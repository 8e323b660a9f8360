package io.llmtestbench.compiler.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.function.Function;

/**
 * Reads the files of one pre-compiled plugin (from a jar or a class-path root) under one budget for all of them,
 * counting the bytes as they are inflated: a zip entry's declared size can lie, and a manifest can list any number
 * of files. Before the budget covered a plugin's files together, a 3 MB jar whose manifest listed twelve classes of
 * 256 MiB of zeros ran a 1 GB host out of heap.
 */
public final class BoundedReads {
    /** Opens a resource by name: its stream, or null when there is none. */
    @FunctionalInterface
    public interface Opener {
        InputStream open(String name) throws IOException;
    }

    private BoundedReads() {}

    /**
     * A lookup of resources' bytes (null when absent) that reads at most {@code budget} bytes in all: a read that
     * would pass it stops there and fails ({@link UncheckedIOException}), so no more than that is ever held.
     */
    public static Function<String, byte[]> resources(Opener opener, long budget) {
        long[] left = {budget};
        return name -> {
            try (InputStream in = opener.open(name)) {
                if (in == null) {
                    return null;
                }
                byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, left[0] + 1));
                if (bytes.length > left[0]) {
                    throw new IOException(left[0] == budget
                            ? name + " is larger than " + budget + " bytes"
                            : "the plugin's files are larger than " + budget + " bytes together (at " + name + ")");
                }
                left[0] -= bytes.length;
                return bytes;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }
}
