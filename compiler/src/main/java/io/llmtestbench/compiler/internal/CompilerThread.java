package io.llmtestbench.compiler.internal;

import io.llmtestbench.compiler.CompilationException;

/**
 * Runs one compilation on a thread of its own with a large stack, whatever thread asked for it.
 *
 * <p>Why: the code generator walks a function's nested blocks recursively (the splitter's plan of which blocks
 * become methods of their own), so its stack grows with the nesting a module declares. A valid module of 3,000
 * nested blocks overflowed a 512 KB thread stack and 5,000 the CLI's main thread; the application's thread that
 * loads a plugin (a pool thread, a Spark executor) may have a small stack, and a {@code StackOverflowError} there is
 * no answer to a valid module. {@link io.llmtestbench.compiler.CompileLimits#maxNestingDepth()} bounds the nesting
 * (and with it the generator's time); this thread's stack, reserved but touched only as far as the compilation goes,
 * holds any nesting within that limit with room to spare. A thread costs about a tenth of a millisecond to start,
 * against tens of milliseconds for the smallest compilation.
 */
public final class CompilerThread {
    /** The compiling thread's stack: reserved address space, committed only as deep as the compilation reaches. */
    public static final long STACK_BYTES = 256L << 20;

    /** A compilation. */
    public interface Work<T> {
        T run() throws CompilationException;
    }

    private CompilerThread() {}

    /**
     * Runs {@code work} on a new thread with a {@link #STACK_BYTES} stack and returns what it returns or throws
     * what it throws (a stack overflow all the same as a {@link CompilationException.Kind#LIMIT}). The caller waits
     * without being interruptible, as it would while compiling on its own thread, and keeps its interrupt status. If
     * no thread can be started, the caller's own thread compiles.
     */
    @SuppressWarnings("unchecked")
    public static <T> T run(Work<T> work) throws CompilationException {
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread thread = new Thread(null, () -> {
            try {
                result[0] = work.run();
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "llmtb-compiler", STACK_BYTES);
        thread.setDaemon(true);
        try {
            thread.start();
        } catch (OutOfMemoryError | IllegalStateException cannotStart) {
            return overflowAsLimit(work);
        }
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable f = failure[0];
        if (f == null) {
            return (T) result[0];
        }
        if (f instanceof StackOverflowError) {
            throw tooDeep((StackOverflowError) f);
        }
        if (f instanceof CompilationException) {
            throw (CompilationException) f;
        }
        if (f instanceof RuntimeException) {
            throw (RuntimeException) f;
        }
        if (f instanceof Error) {
            throw (Error) f;
        }
        throw new IllegalStateException(f); // Work throws nothing else
    }

    private static <T> T overflowAsLimit(Work<T> work) throws CompilationException {
        try {
            return work.run();
        } catch (StackOverflowError e) {
            throw tooDeep(e);
        }
    }

    private static CompilationException tooDeep(StackOverflowError e) {
        return new CompilationException(CompilationException.Kind.LIMIT, "module too deeply nested for the code generator's"
                + " stack (lower CompileLimits.maxNestingDepth, or llmtb's --compile-limit maxNestingDepth=N)", null, -1, -1, e);
    }
}
