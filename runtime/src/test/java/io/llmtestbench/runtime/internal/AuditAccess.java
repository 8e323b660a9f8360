package io.llmtestbench.runtime.internal;

/** Test access to {@link Audit}'s package-private helpers. */
public final class AuditAccess {
    private AuditAccess() {}

    public static String sanitize(String s) {
        return Audit.sanitize(s);
    }
}
