package io.llmtestbench.runtime.internal.exec;

/**
 * Small services generated code may call instead of JDK APIs it is not allowed to use (see the compiler's
 * {@code RuntimeContract}).
 */
public final class GuestSupport {
    private GuestSupport() {}

    /** Chicory's code generator reads this one tuning flag (a JIT bug workaround for Java 17). */
    private static final String MEM_COPY_WORKAROUND = "chicory.memCopyWorkaround";

    /** The value of a backend tuning property; null for every other name. */
    public static String property(String name) {
        return MEM_COPY_WORKAROUND.equals(name) ? System.getProperty(MEM_COPY_WORKAROUND) : null;
    }

    /** Whether the current thread is interrupted (Chicory's interruption check, without a {@code Thread} object). */
    public static boolean interrupted() {
        return Thread.currentThread().isInterrupted();
    }
}
