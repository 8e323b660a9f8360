package io.llmtestbench.runtime.internal;

/**
 * Ends an execution that started on its caller's thread (see {@link LoadedPlugin}) before it does anything that
 * cannot be undone: the plugin asked for a host function with an effect outside its instance (state, HTTP, random
 * numbers, WASI), went deeper than {@link LoadedPlugin#CALLER_THREAD_DEPTH} calls, or overflowed the caller's stack.
 * Nothing of the execution is visible yet, so it is run again from the start on a guest thread (fresh budget, another
 * instance); the instance it started on is discarded. Thrown from host functions through the plugin's code, which
 * cannot catch it. Carries no stack trace: it is control flow, not an error.
 */
final class NeedsGuestThread extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What made the execution leave the caller's thread, for the log. */
    final String why;

    NeedsGuestThread(String why) {
        super(why, null, false, false);
        this.why = why;
    }
}
