package io.llmtestbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The streaming reader of {@code llmtb eval --data}: the lines, numbers and bytes the whole-file reader gave. */
class DataLinesTest {
    private static List<String> read(byte[] file, int chunk) throws IOException {
        // an input stream that returns at most `chunk` bytes per read, so lines straddle reads
        InputStream in = new ByteArrayInputStream(file) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
        List<String> lines = new ArrayList<>();
        try (DataLines d = new DataLines(in)) {
            DataLines.Line l;
            while ((l = d.next()) != null) {
                lines.add(l.number() + ":" + new String(l.bytes(), StandardCharsets.UTF_8));
            }
        }
        return lines;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void numbersNonBlankLinesAndStripsLineEnds() throws IOException {
        byte[] file = utf8("{\"a\":1}\r\n\n   \t\n{\"b\":2}\n\r\n{\"c\":\"Grüße\"}");
        for (int chunk : new int[] {1, 2, 3, 7, 1 << 20}) {
            assertThat(read(file, chunk)).as("reads of %d bytes", chunk)
                    .containsExactly("1:{\"a\":1}", "4:{\"b\":2}", "6:{\"c\":\"Grüße\"}");
        }
    }

    @Test
    void aByteOrderMarkAtTheStartIsSkippedAndNowhereElse() throws IOException {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] file = new byte[bom.length * 2 + 3];
        System.arraycopy(bom, 0, file, 0, 3);
        file[3] = '1';
        file[4] = '\n';
        System.arraycopy(bom, 0, file, 5, 3);
        file[8] = '2';
        for (int chunk : new int[] {1, 2, 64}) {
            assertThat(read(file, chunk)).containsExactly("1:1", "2:\ufeff2");
        }
        assertThat(read(bom, 1)).isEmpty();
        assertThat(read(new byte[0], 1)).isEmpty();
        assertThat(read(utf8("\n\n"), 1)).isEmpty();
    }

    @Test
    void linesLongerThanTheBufferComeWhole() throws IOException {
        String big = "x".repeat(300_000);
        byte[] file = utf8("{}\n" + big + "\n" + big + "y");
        List<String> lines = read(file, 1 << 16);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).isEqualTo("2:" + big);
        assertThat(lines.get(2)).isEqualTo("3:" + big + "y");
    }

    @Test
    void bytesAreKeptAsTheyAreForThePipelineToDecode() throws IOException {
        byte[] file = {'"', (byte) 0xC3, '"', '\n', 'o', 'k'};
        try (DataLines d = new DataLines(new ByteArrayInputStream(file))) {
            assertThat(d.next().bytes()).containsExactly('"', (byte) 0xC3, '"');
            assertThat(d.next().bytes()).containsExactly('o', 'k');
            assertThat(d.next()).isNull();
        }
    }

    @Test
    void aLineLongerThanTheLimitIsRefusedNamingItWithoutReadingTheRest() throws IOException {
        // an endless stream without a newline: before the limit, the buffer doubled until the heap ran out
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'x';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) 'x');
                return len;
            }
        };
        try (DataLines d = new DataLines(new ByteArrayInputStream(utf8("{\"a\":1}\n")), 1 << 20)) {
            assertThat(d.next().number()).isEqualTo(1);
        }
        try (DataLines d = new DataLines(new java.io.SequenceInputStream(new ByteArrayInputStream(utf8("{}\n")), endless), 1 << 20)) {
            assertThat(d.next().number()).isEqualTo(1);
            org.assertj.core.api.Assertions.assertThatThrownBy(d::next).isInstanceOf(IOException.class)
                    .hasMessage("line 2 is longer than 1048576 bytes (each record is one line of JSON; is this a JSONL file?)");
        }
    }
}
