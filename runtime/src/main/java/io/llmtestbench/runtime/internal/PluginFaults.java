package io.llmtestbench.runtime.internal;

/**
 * Which {@code Error}s raised while a plugin's code is defined, linked or run are the plugin's doing. Plugin code
 * can overflow the stack, exhaust the heap with one allocation, or (in a tampered jar that passed every check)
 * fail to link or verify; those must reach the caller as a {@code PluginException} (INVALID_PLUGIN at load,
 * TRAP or MEMORY_LIMIT at run), never as the raw {@code Error}. Any other {@code Error} is the host's and
 * propagates. The catch sites in {@link LoadedCode}, {@link LoadedPlugin}, {@link InstanceStarter} and
 * {@code DiscoveryScanner} use this, so
 * the rule lives here once.
 */
public final class PluginFaults {
    private PluginFaults() {}

    /** A {@code LinkageError} (VerifyError, ClassFormatError, NoClassDefFoundError...), stack overflow or heap exhaustion. */
    public static boolean isPluginError(Throwable t) {
        return t instanceof LinkageError || t instanceof StackOverflowError || t instanceof OutOfMemoryError;
    }

    /**
     * For {@code catch (RuntimeException | Error e)}: rethrows {@code e} when it is an {@code Error} that is not
     * the plugin's, so that only exceptions and plugin errors are turned into plugin failures.
     */
    public static void rethrowHostErrors(Throwable e) {
        if (e instanceof Error && !isPluginError(e)) {
            throw (Error) e;
        }
    }

    /** A one-line description for messages: the message, or the class when there is none. */
    public static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isEmpty() ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + m;
    }
}
