package io.llmtestbench.runtime.internal.exec;

/** A module whose initial memory is larger than the configured cap. */
public final class MemoryCapExceededException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int initialPages;
    private final int capPages;

    public MemoryCapExceededException(int initialPages, int capPages) {
        super("initial memory of " + initialPages + " pages (" + (initialPages * 65536L) + " bytes) exceeds the memory limit of "
                + capPages + " pages (" + (capPages * 65536L) + " bytes)");
        this.initialPages = initialPages;
        this.capPages = capPages;
    }

    public int initialPages() {
        return initialPages;
    }

    public int capPages() {
        return capPages;
    }
}
