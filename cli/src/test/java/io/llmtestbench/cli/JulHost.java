package io.llmtestbench.cli;

import java.util.logging.Logger;

/**
 * A JVM of its own as {@link Main#main} makes it (JulConfigTest): logging configured for {@code --verbose} (first
 * argument "verbose") or not, then one java.util.logging record at INFO and one at WARNING.
 */
public final class JulHost {
    private JulHost() {}

    public static void main(String[] args) {
        Main.ownJvm = true;
        Main.configureLogging(args.length > 0 && args[0].equals("verbose"), null);
        System.out.println("LOGGING-CONFIGURED");
        Logger log = Logger.getLogger("chicory.like");
        log.info("INFO-RECORD");
        log.warning("WARNING-RECORD");
    }
}
