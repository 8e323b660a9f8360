package io.llmtestbench.spark.internal;

import java.io.Serializable;
import org.apache.spark.sql.Row;

/**
 * What {@code EvalJob} keeps of one record's result between writing the results and summarising them: the line
 * {@code llmtb eval --out} writes for it (UTF-8, without the line break) and the summary's facts
 * ({@link ResultRows#facts}). Nothing else of the result is converted or kept.
 */
public record JobResult(byte[] json, Row facts) implements Serializable {
    private static final long serialVersionUID = 1L;
}
