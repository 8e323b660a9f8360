package io.llmtestbench.maven;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.codehaus.plexus.util.Scanner;
import org.sonatype.plexus.build.incremental.BuildContext;

/** What an IDE's BuildContext (Eclipse m2e's) sees of the goal: files written and refreshed, markers, deltas. */
@SuppressWarnings("deprecation") // addWarning/addError are part of the interface
final class RecordingBuildContext implements BuildContext {
    final List<File> written = new ArrayList<>();
    final List<File> refreshed = new ArrayList<>();
    final List<String> messages = new ArrayList<>();
    final List<File> cleared = new ArrayList<>();
    boolean incremental;
    boolean delta = true;

    @Override public boolean hasDelta(String relpath) { return delta; }
    @Override public boolean hasDelta(File file) { return delta; }
    @Override @SuppressWarnings("rawtypes") public boolean hasDelta(List relpaths) { return delta; }
    @Override public void refresh(File file) { refreshed.add(file); }

    @Override
    public OutputStream newFileOutputStream(File file) throws IOException {
        written.add(file);
        return new FileOutputStream(file);
    }

    @Override public Scanner newScanner(File basedir) { throw new UnsupportedOperationException(); }
    @Override public Scanner newDeleteScanner(File basedir) { throw new UnsupportedOperationException(); }
    @Override public Scanner newScanner(File basedir, boolean ignoreDelta) { throw new UnsupportedOperationException(); }
    @Override public boolean isIncremental() { return incremental; }
    @Override public void setValue(String key, Object value) {}
    @Override public Object getValue(String key) { return null; }
    @Override public void addWarning(File file, int line, int column, String message, Throwable cause) {
        addMessage(file, line, column, message, SEVERITY_WARNING, cause);
    }
    @Override public void addError(File file, int line, int column, String message, Throwable cause) {
        addMessage(file, line, column, message, SEVERITY_ERROR, cause);
    }

    @Override
    public void addMessage(File file, int line, int column, String message, int severity, Throwable cause) {
        messages.add((severity == SEVERITY_ERROR ? "ERROR " : "WARNING ") + file + ": " + message);
    }

    @Override public void removeMessages(File file) { cleared.add(file); }
    @Override public boolean isUptodate(File target, File source) { return false; }
}
