package io.llmtestbench.runtime.internal.wasi;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * A guest's stdout or stderr: bytes are cut into lines and each line goes to the plugin's logger (info for
 * stdout, warn for stderr). Bytes beyond the run's {@link LogQuota} are dropped, with one warning per run
 * saying so. A line longer than {@link #MAX_LINE} bytes is logged in pieces; a last line without a newline
 * is logged when the next run starts or the instance is retired.
 */
final class GuestOutput {
    static final int MAX_LINE = 8 * 1024;

    private final Supplier<Logger> logger;
    private final boolean stderr;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private LogQuota quota;
    private boolean truncationReported;

    GuestOutput(Supplier<Logger> logger, boolean stderr, LogQuota quota) {
        this.logger = logger;
        this.stderr = stderr;
        this.quota = quota;
    }

    void bind(LogQuota q) {
        this.quota = q;
    }

    /** Accepts {@code len} bytes (the guest always sees them all written). */
    void write(byte[] bytes, int off, int len) {
        long accepted = quota.takeUpTo(len);
        for (int i = off; i < off + accepted; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                emitLine();
            } else {
                line.write(b);
                if (line.size() >= MAX_LINE) {
                    emitLine();
                }
            }
        }
        if (accepted < len && !truncationReported) {
            truncationReported = true;
            flush();
            logger.get().warn("[{} truncated: the per-execution log cap of {} bytes (host_log and WASI stdout/stderr together) "
                    + "is reached; further output of this run is dropped]", stderr ? "stderr" : "stdout", quota.cap());
        }
    }

    /** A new run: logs a pending partial line and re-arms the truncation warning. */
    void beginRun() {
        flush();
        truncationReported = false;
    }

    void flush() {
        if (line.size() > 0) {
            emitLine();
        }
    }

    private void emitLine() {
        byte[] bytes = line.toByteArray();
        line.reset();
        int n = bytes.length;
        if (n > 0 && bytes[n - 1] == '\r') {
            n--;
        }
        // a line is cut at \n; any other control character (\r inside the line, an ANSI escape, NEL, U+2028) is
        // escaped so that the guest cannot start or rewrite a line of the host's log (LogText)
        String text = io.llmtestbench.runtime.internal.LogText.escapeControls(decode(bytes, n));
        Logger log = logger.get();
        if (stderr) {
            log.warn("{}", text);
        } else {
            log.info("{}", text);
        }
    }

    private static String decode(byte[] bytes, int n) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(bytes, 0, n)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
