package io.llmtestbench.pipeline;

import io.llmtestbench.runtime.PluginException;

/**
 * A plugin of the pipeline could not be loaded (missing, invalid, refused by the signature policy, failing its
 * {@code plugin_init}...). {@link #stage()} is the stage, {@link #getCause()} the runtime's failure.
 */
public final class PipelineLoadException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Pipeline.Stage stage;

    public PipelineLoadException(Pipeline pipeline, Pipeline.Stage stage, PluginException cause) {
        super("pipeline " + pipeline.file() + ": " + stage.where() + ": " + cause.getMessage(), cause);
        this.stage = stage;
    }

    /** The stage whose plugin could not be loaded (the first in pipeline order when several failed). */
    public Pipeline.Stage stage() {
        return stage;
    }

    @Override
    public synchronized PluginException getCause() {
        return (PluginException) super.getCause();
    }
}
