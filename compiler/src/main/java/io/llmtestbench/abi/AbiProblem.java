package io.llmtestbench.abi;

import java.util.Objects;

/**
 * One way a module departs from the plugin ABI, found by {@link PluginAbi#check}: what is wrong, and the
 * export or import it concerns. The message says what was expected, e.g. {@code missing export
 * `plugin_execute` (expected: (func (param i32 i32 i32 i32) (result i32)))}.
 *
 * @param severity {@link Severity#ERROR}: the host refuses the module at load; {@link Severity#WARNING}: it
 *     loads, but something the author probably relies on will not happen
 * @param kind what kind of problem
 * @param subject the export name ({@code plugin_execute}, {@code memory}) or the import as
 *     {@code module.name} ({@code env.host_launch_missiles})
 * @param message the complete explanation, naming the subject
 */
public record AbiProblem(Severity severity, Kind kind, String subject, String message) {

    public AbiProblem {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(message, "message");
    }

    public enum Severity { ERROR, WARNING }

    public enum Kind {
        /** The memory is missing, not exported as {@code memory}, or imported instead of defined. */
        MEMORY,
        /** A required function export is missing (or the name is exported as something other than a function). */
        MISSING_EXPORT,
        /** A required function export has the wrong signature. */
        MISTYPED_EXPORT,
        /** An import the host does not provide: unknown name or module, or not a function. */
        UNKNOWN_IMPORT,
        /** A host function imported with the wrong signature. */
        MISTYPED_IMPORT,
        /** The same import (module and name) more than once. */
        DUPLICATE_IMPORT,
        /** (Warning) The module exports {@code _start}, which the host never runs: it was linked as a command, not a reactor. */
        START_EXPORT
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    @Override
    public String toString() {
        return message;
    }
}
