package io.llmtestbench.pipeline;

import io.llmtestbench.runtime.PluginException;

/**
 * A plugin of the pipeline could not be loaded (missing, invalid, refused by the signature policy, failing its
 * {@code plugin_init}...). {@link #stage()} is the stage, {@link #getCause()} the runtime's failure, or null when
 * the stage's plugin names no file (then {@link #failure()} says why).
 */
public final class PipelineLoadException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Pipeline.Stage stage;
    private final String failure;

    public PipelineLoadException(Pipeline pipeline, Pipeline.Stage stage, PluginException cause) {
        this(pipeline, stage, cause.getMessage(), cause);
    }

    /** The stage's plugin spec resolves to no file: the runtime never saw it. */
    PipelineLoadException(Pipeline pipeline, Pipeline.Stage stage, String unresolved) {
        this(pipeline, stage, "Failed to load WASM module: " + stage.pluginSpec() + ": " + unresolved, null);
    }

    private PipelineLoadException(Pipeline pipeline, Pipeline.Stage stage, String failure, PluginException cause) {
        super("pipeline " + pipeline.file() + ": " + stage.where() + ": " + failure, cause);
        this.stage = stage;
        this.failure = failure;
    }

    /** The stage whose plugin could not be loaded (the first in pipeline order when several failed). */
    public Pipeline.Stage stage() {
        return stage;
    }

    /** Why the plugin could not be loaded: the runtime's message, in the runtime's form. */
    public String failure() {
        return failure;
    }

    @Override
    public synchronized PluginException getCause() {
        return (PluginException) super.getCause();
    }
}
