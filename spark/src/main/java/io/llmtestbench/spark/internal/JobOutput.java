package io.llmtestbench.spark.internal;

import java.io.Serializable;

/**
 * What a task of {@code EvalJob} (JSON lines in, JSON lines out) gives for its partition: one element per record, the
 * line {@code llmtb eval --out} writes for it (UTF-8, without the line break), then one last element, the task's
 * observations for the summary ({@link SparkSummary.Partial}). Nothing else of a result is kept.
 *
 * @param line a record's {@code --out} line, or null
 * @param observations the task's observations (its last element), or null
 */
public record JobOutput(byte[] line, SparkSummary.Partial observations) implements Serializable {
    private static final long serialVersionUID = 1L;
}
