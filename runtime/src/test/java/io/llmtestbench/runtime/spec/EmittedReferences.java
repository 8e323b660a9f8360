package io.llmtestbench.runtime.spec;

import io.llmtestbench.compiler.CompiledModule;
import io.llmtestbench.compiler.internal.AllowedReferences.Ref;
import io.llmtestbench.runtime.internal.load.ClassReferenceVerifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What generated code references outside its own classes, collected from every module compiled in this JVM's
 * tests that record it (the spec suite's {@link Engine.Compiled}, {@link AllowListAgreementTest}'s corpus), and
 * which of those modules the runtime's verifier would refuse. Thread-safe.
 */
final class EmittedReferences {
    private static final Set<Ref> REFS = ConcurrentHashMap.newKeySet();
    private static final List<String> REFUSED = Collections.synchronizedList(new ArrayList<>());
    private static final AtomicInteger MODULES = new AtomicInteger();

    private EmittedReferences() {}

    static void record(String label, CompiledModule m) {
        MODULES.incrementAndGet();
        REFS.addAll(ClassReferenceVerifier.externalReferences(m.classes()));
        ClassReferenceVerifier.firstViolation(m.classes(), m.mainClass()).ifPresent(v -> REFUSED.add(label + ": " + v));
    }

    static Set<Ref> references() {
        return new TreeSet<>(REFS);
    }

    static List<String> refused() {
        synchronized (REFUSED) {
            return new ArrayList<>(REFUSED);
        }
    }

    static int modules() {
        return MODULES.get();
    }
}
