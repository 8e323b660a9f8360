package io.llmtestbench.compiler;

/**
 * How to compile a module. Immutable; start from {@link #defaults()}.
 *
 * @param metering inject deterministic fuel metering (on by default; off only for trusted code and benchmarks)
 * @param className fully qualified name of the main generated class, or null to derive one from the
 *     module's SHA-256 (so that different modules never clash and the same module always gets the same name)
 * @param limits what the compiler accepts ({@link CompileLimits#defaults()} when null)
 */
public record CompilerOptions(boolean metering, String className, CompileLimits limits) {

    public CompilerOptions {
        if (limits == null) {
            limits = CompileLimits.defaults();
        }
    }

    /** Options with the default {@link CompileLimits}. */
    public CompilerOptions(boolean metering, String className) {
        this(metering, className, CompileLimits.defaults());
    }

    public static CompilerOptions defaults() {
        return new CompilerOptions(true, null, CompileLimits.defaults());
    }

    public CompilerOptions withMetering(boolean on) {
        return new CompilerOptions(on, className, limits);
    }

    public CompilerOptions withClassName(String name) {
        return new CompilerOptions(metering, name, limits);
    }

    public CompilerOptions withLimits(CompileLimits l) {
        return new CompilerOptions(metering, className, l);
    }
}
