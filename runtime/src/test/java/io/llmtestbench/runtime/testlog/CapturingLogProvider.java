package io.llmtestbench.runtime.testlog;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.simple.SimpleServiceProvider;
import org.slf4j.spi.LoggingEventAware;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The runtime tests' SLF4J provider (selected with {@code -Dslf4j.provider=...} in runtime/pom.xml): slf4j-simple
 * for output, plus an in-memory record of every event sent to a logger under {@code llmtb.audit}, with its
 * key-value pairs exactly as the code under test built them. Reading stderr would be fragile; this is not.
 * INFO events of {@code llmtb.audit} are always recorded, and printed only at the level runtime/pom.xml sets
 * for that logger (WARN: the build log would otherwise hold one line per execution of every test).
 */
public final class CapturingLogProvider implements SLF4JServiceProvider {
    private static final List<LoggingEvent> EVENTS = new CopyOnWriteArrayList<>();
    private static final List<String> PLUGIN_LINES = new CopyOnWriteArrayList<>();
    private static volatile boolean installed;

    private final SimpleServiceProvider simple = new SimpleServiceProvider();
    private ILoggerFactory factory;

    /** Events logged so far to {@code llmtb.audit} (and loggers below it). */
    public static List<LoggingEvent> auditEvents() {
        return List.copyOf(EVENTS);
    }

    /** Lines logged so far by plugins (loggers under {@code llmtb.plugin.}), each as "LOGGER LEVEL message". */
    public static List<String> pluginLines() {
        return List.copyOf(PLUGIN_LINES);
    }

    /** Whether SLF4J is bound to this provider (false when a test runs without runtime/pom.xml's settings). */
    public static boolean installed() {
        return installed;
    }

    @Override
    public void initialize() {
        simple.initialize();
        ILoggerFactory delegate = simple.getLoggerFactory();
        var loggers = new ConcurrentHashMap<String, Logger>();
        factory = name -> name.equals("llmtb.audit") || name.startsWith("llmtb.audit.") || name.startsWith("llmtb.plugin.")
                ? loggers.computeIfAbsent(name, n -> new Capturing(delegate.getLogger(n)))
                : delegate.getLogger(name);
        installed = true;
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return simple.getMarkerFactory();
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return simple.getMDCAdapter();
    }

    @Override
    public String getRequestedApiVersion() {
        return simple.getRequestedApiVersion();
    }

    /** Records fluent-API events (with key-values) and forwards everything to slf4j-simple. */
    private static final class Capturing extends LegacyAbstractLogger implements LoggingEventAware {
        private static final long serialVersionUID = 1L;
        private final transient Logger delegate;

        Capturing(Logger delegate) {
            this.delegate = delegate;
            this.name = delegate.getName();
        }

        @Override
        public void log(LoggingEvent event) {
            EVENTS.add(event);
            var b = delegate.atLevel(event.getLevel()).setMessage(event.getMessage());
            if (event.getArguments() != null) {
                event.getArguments().forEach(b::addArgument);
            }
            if (event.getKeyValuePairs() != null) {
                event.getKeyValuePairs().forEach(kv -> b.addKeyValue(kv.key, kv.value));
            }
            b.setCause(event.getThrowable()).log();
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String msg, Object[] args, Throwable t) {
            if (name.startsWith("llmtb.plugin.")) {
                PLUGIN_LINES.add(name + " " + level + " " + org.slf4j.helpers.MessageFormatter.basicArrayFormat(msg, args));
            }
            var b = delegate.atLevel(level).setMessage(msg).setCause(t); // not a structured event; not recorded
            if (args != null) {
                for (Object a : args) {
                    b.addArgument(a);
                }
            }
            b.log();
        }

        @Override
        public boolean isTraceEnabled() {
            return delegate.isTraceEnabled();
        }

        @Override
        public boolean isDebugEnabled() {
            return delegate.isDebugEnabled();
        }

        @Override
        public boolean isInfoEnabled() {
            return true; // always captured; printed only if slf4j-simple's level for the logger allows it
        }

        @Override
        public boolean isWarnEnabled() {
            return delegate.isWarnEnabled();
        }

        @Override
        public boolean isErrorEnabled() {
            return delegate.isErrorEnabled();
        }
    }
}
