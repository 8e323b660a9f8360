package io.llmtestbench.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The records of a JSONL data file, read as a stream: non-blank lines with their 1-based line numbers, as bytes
 * (decoded per line by the pipeline, so one bad line is one bad record). A UTF-8 byte order mark at the start is
 * skipped; a line may end with {@code \n} or {@code \r\n}; a last line without a newline counts.
 */
final class DataLines implements AutoCloseable {
    /** One data line. */
    record Line(int number, byte[] bytes) {}

    /**
     * The longest line read: a record is one plugin input, which must fit in the plugin's memory (64 MiB by default);
     * a file without newlines (a binary, a whole JSON array) is refused at this size instead of filling the heap.
     */
    static final int MAX_LINE_BYTES = 128 << 20;

    private final InputStream in;
    private final int maxLine;
    private byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;
    private boolean eof;
    private boolean started;
    private int number;

    DataLines(InputStream in) {
        this(in, MAX_LINE_BYTES);
    }

    DataLines(InputStream in, int maxLine) {
        this.in = in;
        this.maxLine = maxLine;
    }

    /** The next non-blank line, or null at the end of the file. */
    Line next() throws IOException {
        while (true) {
            if (!started) {
                started = true;
                fill(3);
                if (limit - pos >= 3 && (buf[pos] & 0xff) == 0xEF && (buf[pos + 1] & 0xff) == 0xBB && (buf[pos + 2] & 0xff) == 0xBF) {
                    pos += 3;
                }
            }
            int nl = indexOfNewline(pos);
            while (nl < 0 && !eof) {
                int scanned = limit - pos;
                if (scanned > maxLine) {
                    throw new IOException("line " + (number + 1) + " is longer than " + maxLine
                            + " bytes (each record is one line of JSON; is this a JSONL file?)");
                }
                fill(limit - pos + 1);
                nl = indexOfNewline(pos + scanned);
            }
            if (nl < 0 && pos == limit) {
                return null; // end of file (a final newline ends the last line; nothing after it is a line)
            }
            int end = nl < 0 ? limit : nl;
            int start = pos;
            pos = nl < 0 ? limit : nl + 1;
            number++;
            if (end > start && buf[end - 1] == '\r') {
                end--;
            }
            if (!isBlank(buf, start, end)) {
                return new Line(number, Arrays.copyOfRange(buf, start, end));
            }
        }
    }

    private int indexOfNewline(int from) {
        for (int i = from; i < limit; i++) {
            if (buf[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Reads until at least {@code want} unread bytes are buffered or the file ends. */
    private void fill(int want) throws IOException {
        if (pos > 0 && buf.length - pos < want) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        if (buf.length < want) {
            buf = Arrays.copyOf(buf, Math.max(want, buf.length * 2));
        }
        while (limit - pos < want && !eof) {
            if (limit == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            int n = in.read(buf, limit, buf.length - limit);
            if (n < 0) {
                eof = true;
            } else {
                limit += n;
            }
        }
    }

    private static boolean isBlank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
