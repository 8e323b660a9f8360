package io.llmtestbench.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarRenderer;
import me.tongfei.progressbar.ProgressState;

/**
 * The progress line of {@code llmtb eval} on a terminal (stderr):
 * {@code eval  37% [=====        ] 508/1340 records, 169.3 records/s, 0:00:03 elapsed, ETA 0:00:04}.
 */
final class EvalProgress implements ProgressBarRenderer {
    private EvalProgress() {}

    /** A progress bar on stderr, redrawn every 200 ms, cleared when done. */
    static ProgressBar bar(int total) {
        return new ProgressBarBuilder()
                .setTaskName("eval")
                .setInitialMax(total)
                .setUpdateIntervalMillis(200)
                .setRenderer(new EvalProgress())
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .clearDisplayOnFinish()
                .build();
    }

    /**
     * Whether stderr (where the progress goes) is a terminal. Linux tells through {@code /proc/self/fd/2}, so the
     * progress shows even when stdout is redirected ({@code --format json > summary.json}); elsewhere, only when
     * the JVM has a console (stdin and stdout on a terminal).
     */
    static boolean stderrIsTerminal() {
        Path fd = Path.of("/proc/self/fd/2");
        try {
            if (Files.isSymbolicLink(fd)) {
                String target = Files.readSymbolicLink(fd).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            }
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // not Linux: fall through
        }
        return System.console() != null;
    }

    @Override
    public String render(ProgressState state, int maxLength) {
        return line(state.getCurrent(), state.getMax(), state.getElapsedAfterStart(), maxLength);
    }

    /** The progress line for {@code done} of {@code total} records after {@code elapsed}, at most {@code width} characters. */
    static String line(long done, long total, Duration elapsed, int width) {
        double seconds = elapsed.toNanos() / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        String eta = done == 0 || rate <= 0 ? "ETA -" : "ETA " + clock(Duration.ofMillis(Math.round((total - done) / rate * 1000)));
        int percent = total == 0 ? 100 : (int) (done * 100 / total);
        String tail = String.format(Locale.ROOT, " %d/%d records, %s records/s, %s elapsed, %s", done, total,
                done == 0 ? "-" : String.format(Locale.ROOT, "%.1f", rate), clock(elapsed), eta);
        String head = String.format(Locale.ROOT, "eval %3d%% ", percent);
        int barWidth = Math.min(30, width - head.length() - tail.length() - 2);
        if (barWidth < 5) {
            String s = head.strip() + tail;
            return s.length() <= width || width <= 0 ? s : s.substring(0, width);
        }
        int filled = total == 0 ? barWidth : (int) (barWidth * done / total);
        return head + "[" + "=".repeat(filled) + " ".repeat(barWidth - filled) + "]" + tail;
    }

    private static String clock(Duration d) {
        long s = d.getSeconds();
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }
}
