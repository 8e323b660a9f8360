package io.llmtestbench.pipeline;

/**
 * A pipeline that cannot be used: a malformed or unreadable pipeline file, an unknown key, a bad limit or
 * permission, or a pipeline whose loaded plugins contradict it (two evaluators with one name, a filter reading
 * a score no evaluator produces). The message says where and why; the CLI reports it as a usage error.
 */
public final class InvalidPipelineException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidPipelineException(String message) {
        super(message);
    }
}
