package io.llmtestbench.runtime;

/**
 * The root of every failure the plugin system reports. Each carries its {@link ErrorKind} and the name of
 * the plugin it concerns; messages always name the plugin.
 */
public abstract class PluginException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorKind kind;
    private final String plugin;

    protected PluginException(ErrorKind kind, String plugin, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.plugin = plugin;
    }

    public ErrorKind kind() {
        return kind;
    }

    /** The plugin's name (or file name when it failed before its name was known). */
    public String plugin() {
        return plugin;
    }
}
