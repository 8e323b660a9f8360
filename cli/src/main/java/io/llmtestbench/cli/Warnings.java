package io.llmtestbench.cli;

import java.io.PrintStream;
import java.util.LinkedHashSet;
import java.util.Set;

/** Warnings for the user, printed once each to stderr. */
final class Warnings {
    private final PrintStream err;
    private final Set<String> seen = new LinkedHashSet<>();

    Warnings(PrintStream err) {
        this.err = err;
    }

    synchronized void warn(String message) {
        if (seen.add(message)) {
            err.println("llmtb: warning: " + message);
            err.flush();
        }
    }
}
