package io.llmtestbench.runtime;

import java.util.Objects;

/**
 * The root of every failure the plugin system reports. Each carries its {@link ErrorKind}, the name of the
 * plugin it concerns and a {@link #detail()}: what went wrong, without the standard prefix the message adds.
 *
 * <p>The hierarchy is closed: {@link PluginLoadException} ({@link ErrorKind#INVALID_PLUGIN}, with the
 * {@link PluginLoadException.Stage stage} that refused the plugin), {@link PluginExecutionException} and its three
 * subclasses (the execution kinds), and this class itself for {@link ErrorKind#NOT_LOADED}. Each kind is raised
 * by exactly one class ({@link ErrorKind#exceptionType()}). Only the runtime creates them.
 */
public sealed class PluginException extends RuntimeException permits PluginLoadException, PluginExecutionException {
    private static final long serialVersionUID = 1L;
    private final ErrorKind kind;
    private final String plugin;
    private final String detail;

    static {
        ExceptionFactory.install();
    }

    PluginException(ErrorKind kind, String plugin, String detail, Throwable cause) {
        super(message(kind, plugin, detail), cause);
        if (kind.exceptionType() != getClass()) {
            throw new IllegalArgumentException(kind + " is reported by " + kind.exceptionType().getSimpleName() + ", not " + getClass().getSimpleName());
        }
        this.kind = kind;
        this.plugin = Objects.requireNonNull(plugin, "plugin");
        this.detail = Objects.requireNonNull(detail, "detail");
    }

    /**
     * The message: {@code Failed to load WASM module: <plugin>: <detail>} for a load failure, {@code <detail>} for
     * {@link ErrorKind#NOT_LOADED}, and {@code Plugin '<plugin>' <detail>} for an execution (docs/plugin-abi.md §7–9).
     */
    private static String message(ErrorKind kind, String plugin, String detail) {
        switch (kind) {
            case INVALID_PLUGIN:
                return "Failed to load WASM module: " + plugin + ": " + detail;
            case NOT_LOADED:
                return detail;
            default:
                return "Plugin '" + plugin + "' " + detail;
        }
    }

    public ErrorKind kind() {
        return kind;
    }

    /** The plugin's name (its file name when it failed before its name was known, its id for {@link ErrorKind#NOT_LOADED}). */
    public String plugin() {
        return plugin;
    }

    /** What went wrong: the message without its standard prefix (see {@link #getMessage()}). */
    public String detail() {
        return detail;
    }
}
