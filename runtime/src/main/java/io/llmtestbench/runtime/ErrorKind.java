package io.llmtestbench.runtime;

/** The kinds of failure a caller can tell apart; the CLI prints them as {@code error.kind}. */
public enum ErrorKind {
    /** The plugin could not be loaded: malformed, invalid, wrong exports or imports, incompatible, tampered. */
    INVALID_PLUGIN,
    /** The plugin returned an error result code. */
    PLUGIN_ERROR,
    /** The guest trapped (unreachable, out-of-bounds access, division by zero, call stack exhausted...). */
    TRAP,
    /** The execution used its whole instruction budget. */
    FUEL_EXHAUSTED,
    /** The execution passed its wall-clock deadline. */
    TIMEOUT,
    /** The plugin hit its memory cap. */
    MEMORY_LIMIT,
    /** The plugin broke the output contract (bad length, pointer, UTF-8 or JSON). */
    INVALID_OUTPUT,
    /** The plugin asked for a capability it was not granted. */
    PERMISSION_DENIED,
    /** The plugin's execution rate limit refused the call. */
    RATE_LIMITED
}
