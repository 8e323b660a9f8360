package io.llmtestbench.compiler;

/**
 * A module that cannot be compiled. The kind follows the WebAssembly spec's failure kinds; the message says
 * what is wrong and where (section, function index, byte offset) when that is known.
 */
public final class CompilationException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a module was refused. */
    public enum Kind {
        /** Not a well-formed binary (bad magic, truncated section, unknown opcode...). */
        MALFORMED,
        /** Well-formed but fails validation (type mismatch, unknown index...). */
        INVALID,
        /** Valid, but uses a feature this compiler does not compile (e.g. SIMD). */
        UNSUPPORTED,
        /** Over one of the {@link CompileLimits} (the message names it and how to raise it). */
        LIMIT,
        /** The code generator failed: a bug in this compiler, reported rather than hidden. */
        INTERNAL
    }

    private final Kind kind;
    private final String section;
    private final int functionIndex;
    private final long offset;

    public CompilationException(Kind kind, String message, String section, int functionIndex, long offset, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.section = section;
        this.functionIndex = functionIndex;
        this.offset = offset;
    }

    public Kind kind() {
        return kind;
    }

    /** The section the problem is in (e.g. "code"), or null when not known. */
    public String section() {
        return section;
    }

    /** The index of the function (in the function index space) the problem is in, or -1. */
    public int functionIndex() {
        return functionIndex;
    }

    /** Byte offset in the module of the function body or section, or -1. */
    public long offset() {
        return offset;
    }
}
