package io.llmtestbench.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.logging.LogManager;

/**
 * The initial configuration of java.util.logging in a JVM running an {@code llmtb} command (named by the system
 * property {@code java.util.logging.config.class}, which {@link Main} sets): the JDK's defaults — one console handler
 * on stderr — at the level {@code --verbose} chose (the system property {@link #LEVEL}: INFO, else WARNING). The JVM
 * instantiates it when something first uses java.util.logging, so a command that never does pays nothing for it.
 */
public final class JulConfig {
    /** The system property holding the level. */
    static final String LEVEL = "llmtb.log.jul.level";

    public JulConfig() throws IOException {
        String level = System.getProperty(LEVEL, "WARNING");
        String properties = "handlers=java.util.logging.ConsoleHandler\n"
                + ".level=" + level + "\n"
                + "java.util.logging.ConsoleHandler.level=" + level + "\n"
                + "java.util.logging.ConsoleHandler.formatter=java.util.logging.SimpleFormatter\n";
        LogManager.getLogManager().readConfiguration(new ByteArrayInputStream(properties.getBytes(StandardCharsets.ISO_8859_1)));
    }
}
