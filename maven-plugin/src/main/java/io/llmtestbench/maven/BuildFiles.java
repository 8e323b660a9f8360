package io.llmtestbench.maven;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.sonatype.plexus.build.incremental.BuildContext;
import org.sonatype.plexus.build.incremental.DefaultBuildContext;

/**
 * The goal's file operations and per-file messages, through plexus-build-api's {@link BuildContext}: on the
 * command line that is {@link DefaultBuildContext} (plain files; messages only in the Maven log), in Eclipse
 * m2e's implementation, which refreshes the workspace for what is written or deleted, shows errors and
 * warnings as markers on the .wasm file, and tells an incremental build whether any input changed.
 */
final class BuildFiles {
    private final BuildContext context;
    /** False for the command line's DefaultBuildContext, which would only log messages a second time. */
    private final boolean markers;

    BuildFiles(BuildContext context) {
        this.context = context;
        this.markers = !(context instanceof DefaultBuildContext);
    }

    /** Plain files, no IDE: what the command line gets. */
    static BuildFiles plain() {
        return new BuildFiles(new DefaultBuildContext());
    }

    /** True in an incremental IDE build in which nothing under {@code inputDirectory} changed. */
    boolean unchangedInIde(Path inputDirectory) {
        return context.isIncremental() && !context.hasDelta(inputDirectory.toFile());
    }

    void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream out = context.newFileOutputStream(file.toFile())) {
            out.write(bytes);
        }
    }

    void delete(Path file) throws IOException {
        Files.delete(file);
        context.refresh(file.toFile());
    }

    void clearMessages(Path file) {
        if (markers) {
            context.removeMessages(file.toFile());
        }
    }

    void error(Path file, String message) {
        if (markers) {
            context.addMessage(file.toFile(), 0, 0, message, BuildContext.SEVERITY_ERROR, null);
        }
    }

    void warning(Path file, String message) {
        if (markers) {
            context.addMessage(file.toFile(), 0, 0, message, BuildContext.SEVERITY_WARNING, null);
        }
    }
}
