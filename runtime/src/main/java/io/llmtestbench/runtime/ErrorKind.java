package io.llmtestbench.runtime;

/**
 * The kinds of failure a caller can tell apart; the CLI prints them as {@code error.kind}. Each kind is raised
 * as exactly one exception class ({@link #exceptionType()}), so {@code catch (PluginTimeoutException e)} sees
 * every {@link #TIMEOUT} and {@code e.kind() == TIMEOUT} holds for no other class. Who raises which kind:
 * docs/architecture.md, "Failures".
 */
public enum ErrorKind {
    /** The plugin could not be loaded, or a fresh instance could not start: see {@link PluginLoadException#stage()}. */
    INVALID_PLUGIN(PluginLoadException.class),
    /** No loaded plugin has this id (never loaded here, unloaded, or replaced by a reload), or no version of this name is loaded. */
    NOT_LOADED(PluginException.class),
    /** The plugin returned an error result code. */
    PLUGIN_ERROR(PluginExecutionException.class),
    /** The guest trapped (unreachable, out-of-bounds access, division by zero, call stack exhausted...). */
    TRAP(PluginExecutionException.class),
    /** The execution used its whole instruction budget. */
    FUEL_EXHAUSTED(FuelExhaustedException.class),
    /** The execution passed its wall-clock deadline, or the plugin reported a timeout ({@code RESULT_TIMEOUT}). */
    TIMEOUT(PluginTimeoutException.class),
    /** The plugin hit its memory cap. */
    MEMORY_LIMIT(PluginExecutionException.class),
    /** The plugin broke the output contract (bad length, pointer, UTF-8 or JSON). */
    INVALID_OUTPUT(PluginExecutionException.class),
    /** The plugin asked for a capability it was not granted. */
    PERMISSION_DENIED(PluginExecutionException.class),
    /** The plugin's execution rate limit refused the call; nothing ran. */
    RATE_LIMITED(RateLimitedException.class),
    /**
     * The execution was running (or waiting for an instance) when its {@link PluginSystem} was closed, and was
     * stopped at its next metering check (see {@link PluginSystem#close(java.time.Duration)}).
     */
    CANCELLED(PluginCancelledException.class);

    private final Class<? extends PluginException> exceptionType;

    ErrorKind(Class<? extends PluginException> exceptionType) {
        this.exceptionType = exceptionType;
    }

    /** The one exception class that reports this kind. */
    public Class<? extends PluginException> exceptionType() {
        return exceptionType;
    }
}
