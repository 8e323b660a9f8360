package io.llmtestbench.cli;

import java.io.PrintWriter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import picocli.CommandLine;

/**
 * Entry point of the {@code llmtb} command. Exit codes: 0 success, 1 failure (plugin failure, load failure,
 * invalid module), 2 usage error (bad options, malformed JSON arguments, unreadable files).
 */
public final class Main {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;

    private Main() {}

    public static void main(String[] args) {
        ownJvm = true;
        System.exit(run(args));
    }

    /** Set by {@link #main}: this JVM runs one command of ours, so nothing can have set up java.util.logging before. */
    static volatile boolean ownJvm;

    /** Runs the command line and returns its exit code (does not exit). */
    public static int run(String... args) {
        boolean verbose = verbose(args);
        configureLogging(verbose, pluginLogLevel(args));
        CommandLine cl = LlmtbCommand.commandLine(args);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // "@file" is ours (--input @file, --config @file): picocli must not expand it as an argument file.
        cl.setExpandAtFiles(false);
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            PrintWriter err = c.getErr();
            err.println(c.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            err.flush();
            return USAGE;
        });
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            err.println("llmtb: internal error: " + e);
            if (verbose) {
                e.printStackTrace(err);
            } else {
                err.println("(run with --verbose for the stack trace)");
            }
            err.flush();
            return FAILURE;
        });
        return cl.execute(args);
    }

    /** --verbose is looked for before parsing so that logging is configured before any logger exists. */
    private static boolean verbose(String[] args) {
        for (String a : args) {
            if (a.equals("--")) {
                return false;
            }
            if (a.equals("--verbose") || a.equals("-v")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The level of {@code --log-level LEVEL} (or {@code --log-level=LEVEL}), looked for before parsing like --verbose;
     * null when absent or not a level (picocli then reports the bad value).
     */
    static String pluginLogLevel(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                return null;
            }
            String value = a.equals("--log-level") && i + 1 < args.length ? args[i + 1]
                    : a.startsWith("--log-level=") ? a.substring("--log-level=".length()) : null;
            if (value != null) {
                for (LogOptions.Level l : LogOptions.Level.values()) {
                    if (l.name().equalsIgnoreCase(value)) {
                        return l.name();
                    }
                }
                return null;
            }
        }
        return null;
    }

    /** The plugins' loggers, {@code llmtb.plugin.<name>} (docs/plugin-abi.md §10, host_log). */
    static final String PLUGIN_LOGGERS = "llmtb.plugin";

    static void configureLogging(boolean verbose, String pluginLevel) {
        // slf4j-simple reads system properties first, then simplelogger.properties; stderr, always.
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
        if (pluginLevel != null) {
            System.setProperty("org.slf4j.simpleLogger.log." + PLUGIN_LOGGERS, pluginLevel);
        } else {
            System.clearProperty("org.slf4j.simpleLogger.log." + PLUGIN_LOGGERS);
        }
        // java.util.logging (used by Chicory's default logger and jline) logs to stderr; quiet it likewise. In a JVM of
        // our own it is configured when (if ever) something first uses it, by JulConfig: initialising it here cost a
        // tenth of a one-shot `llmtb run`'s main thread, which never logs through it.
        // (On the module path java.util.logging could not instantiate it: this module exports nothing.)
        if (ownJvm && !Main.class.getModule().isNamed() && System.getProperty("java.util.logging.config.class") == null
                && System.getProperty("java.util.logging.config.file") == null) {
            System.setProperty(JulConfig.LEVEL, verbose ? "INFO" : "WARNING");
            System.setProperty("java.util.logging.config.class", JulConfig.class.getName());
            return;
        }
        Logger root = LogManager.getLogManager().getLogger("");
        if (root != null) {
            Level level = verbose ? Level.INFO : Level.WARNING;
            root.setLevel(level);
            for (var h : root.getHandlers()) {
                h.setLevel(level);
            }
        }
    }
}
