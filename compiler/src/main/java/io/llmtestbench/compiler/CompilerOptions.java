package io.llmtestbench.compiler;

/**
 * How to compile a module. Immutable; start from {@link #defaults()}.
 *
 * @param metering inject deterministic fuel metering (on by default; off only for trusted code and benchmarks)
 * @param className fully qualified name of the main generated class, or null to derive one from the
 *     module's SHA-256 (so that different modules never clash and the same module always gets the same name)
 */
public record CompilerOptions(boolean metering, String className) {

    public static CompilerOptions defaults() {
        return new CompilerOptions(true, null);
    }

    public CompilerOptions withMetering(boolean on) {
        return new CompilerOptions(on, className);
    }

    public CompilerOptions withClassName(String name) {
        return new CompilerOptions(metering, name);
    }
}
