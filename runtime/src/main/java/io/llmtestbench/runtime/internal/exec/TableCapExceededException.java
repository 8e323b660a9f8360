package io.llmtestbench.runtime.internal.exec;

/** A module whose tables declare more elements than the configured cap ({@code ResourceLimits.maxTableElements}). */
public final class TableCapExceededException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TableCapExceededException(long declared, long cap) {
        super("the module's tables declare " + declared + " elements, more than the table limit of " + cap
                + " (maxTableElements; each element costs the host about 8 bytes of heap outside the memory limit)");
    }
}
