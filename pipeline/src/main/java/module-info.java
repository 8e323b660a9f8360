/**
 * Evaluation pipelines over the llmtb runtime: the pipeline file ({@link io.llmtestbench.pipeline.Pipeline}), the
 * per-record logic and results, the summary. {@code io.llmtestbench.pipeline.internal} holds what the pipeline file
 * and the {@code llmtb} command read alike (plugin paths, permission grants, key files, JSON); it is exported to the
 * CLI module only.
 */
module io.llmtestbench.pipeline {
    requires transitive io.llmtestbench.runtime;

    exports io.llmtestbench.pipeline;
    exports io.llmtestbench.pipeline.internal to io.llmtestbench.cli;
}
