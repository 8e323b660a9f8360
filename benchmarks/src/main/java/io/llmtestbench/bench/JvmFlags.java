package io.llmtestbench.bench;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.Collection;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The JVM flags a measurement depends on. Plugin code is measured as library users run it: with HotSpot's
 * default flags, in particular {@code -XX:+DontCompileHugeMethods} (methods over 8,000 bytecode bytes are
 * never JIT-compiled). A benchmark fork that should run with the default must not pick the flag up by accident
 * (from the launching JVM's arguments, {@code JAVA_TOOL_OPTIONS} or {@code JDK_JAVA_OPTIONS}); a variant that
 * turns it off says so in its own fork arguments.
 */
public final class JvmFlags {
    /** The option that lets HotSpot JIT-compile methods over HugeMethodLimit. */
    public static final String HUGE_JIT = "-XX:-DontCompileHugeMethods";

    private JvmFlags() {}

    /** Whether this JVM JIT-compiles huge methods (true only when started with {@link #HUGE_JIT}). */
    public static boolean hugeMethodsCompiled() {
        HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        return "false".equals(hs.getVMOption("DontCompileHugeMethods").getValue());
    }

    /**
     * Fails the trial when this fork's JVM compiles huge methods although the benchmark's fork arguments did not
     * ask for it.
     */
    public static void requireAsDeclared(BenchmarkParams params) {
        check(params.getJvmArgs(), hugeMethodsCompiled());
    }

    static void check(Collection<String> declared, boolean hugeCompiled) {
        boolean asked = declared.contains(HUGE_JIT);
        if (hugeCompiled && !asked) {
            throw new IllegalStateException("this fork JIT-compiles huge methods (" + HUGE_JIT + ") but its benchmark measures "
                    + "HotSpot's default flags: the flag came from the launching environment (JAVA_TOOL_OPTIONS, "
                    + "JDK_JAVA_OPTIONS or the java command line); remove it, or pass it with -jvmArgsAppend for a variant");
        }
        if (asked && !hugeCompiled) {
            throw new IllegalStateException("the benchmark asked for " + HUGE_JIT + " but this JVM does not compile huge methods");
        }
    }
}
