package io.llmtestbench.cli;

import picocli.CommandLine.Option;

/**
 * {@code --log-level}: how much of the plugins' own logs to show. Plugins log with {@code host_log} (and WASI
 * stdout/stderr) to the SLF4J logger {@code llmtb.plugin.<name>}; the CLI prints it to stderr. {@link Main} reads
 * the flag before any logger exists ({@link Main#pluginLogLevel}); this mixin declares it for parsing and help.
 */
final class LogOptions {
    /** host_log's levels 0 to 4, as SLF4J names them. */
    enum Level { trace, debug, info, warn, error }

    @Option(names = "--log-level", paramLabel = "LEVEL",
            description = "Show the plugin's own logs (host_log levels trace=0 ... error=4, WASI stdout at info and stderr at "
                    + "warn; logger llmtb.plugin.<name>) from LEVEL up, on stderr: trace, debug, info, warn or error "
                    + "(default: warn; info with --verbose).")
    Level logLevel;
}
