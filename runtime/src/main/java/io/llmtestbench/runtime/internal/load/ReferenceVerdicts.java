package io.llmtestbench.runtime.internal.load;

import io.llmtestbench.compiler.PluginArtifact;
import io.llmtestbench.compiler.WasmCompiler;
import io.llmtestbench.compiler.internal.AllowedReferences;
import io.llmtestbench.compiler.internal.CodeHash;
import io.llmtestbench.compiler.internal.Sha256;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Remembers which compiled plugins passed the {@link ClassReferenceVerifier} (the check that reads every instruction
 * of every class, a sixth of a pre-compiled jar's start-up), so that a later load of the same content skips it. A
 * positive verdict is kept by a digest of everything the check is about — every class's name and bytes, the main
 * class — and of what reached it: this compiler's version (which covers its code), the verifier's (its code reader
 * {@link ClassFileCode} included) and the allow-list's own class files. It is kept in memory for this plugin system
 * and as an empty file {@code checked/<digest>} in the cache directory (when there is one), which is trusted like the compile cache and
 * {@link Reproduction}'s verdicts: a file there vouches for the content it names. Any change to a class — a tampered
 * jar — gives another digest, which has no verdict, so the check runs again. Refusals are not remembered. The other
 * checks of a load (stamps, the module, the JVM's own verification when the classes are defined) run every time.
 */
public final class ReferenceVerdicts {
    private static final String DIR = "checked";
    /**
     * Digest of the classes whose code decides the verdict, besides the compiler's (in {@link WasmCompiler#VERSION}):
     * computed when the runtime is built ({@link #main}) and read back, or computed now where the classes were built
     * without it.
     */
    private static final String CHECKER = checkerHash();
    /** The resource holding {@link #CHECKER}, next to this class, and its key. */
    static final String CHECKER_RESOURCE = "checker-hash.properties";
    static final String CHECKER_KEY = "checker";

    private final RememberedVerdicts checked;
    private final AtomicLong checks = new AtomicLong();

    /** @param cacheDir where verdicts are kept between runs, or null for memory only */
    public ReferenceVerdicts(Path cacheDir) {
        this.checked = new RememberedVerdicts(cacheDir, DIR, "class-reference");
    }

    /**
     * The first class-reference violation of {@code entry}'s classes, as {@link ClassReferenceVerifier#firstViolation},
     * or none; a content with a remembered positive verdict is not read again.
     */
    public java.util.Optional<String> firstViolation(PluginArtifact.Entry entry) {
        String digest = digest(entry);
        if (checked.has(digest)) {
            return java.util.Optional.empty();
        }
        checks.incrementAndGet();
        java.util.Optional<String> violation = ClassReferenceVerifier.firstViolation(entry.classes(), entry.mainClass());
        if (violation.isEmpty()) {
            checked.remember(digest);
        }
        return violation;
    }

    /**
     * Whether a positive verdict for {@code entry}'s classes is remembered (then {@link #firstViolation} reads nothing;
     * a load may also trust what the same cache directory remembers of its module, {@link RememberedDeclarations}).
     */
    public boolean remembered(PluginArtifact.Entry entry) {
        return checked.has(digest(entry));
    }

    /** How many times the check itself ran (tests prove that a remembered verdict costs none). */
    public long checks() {
        return checks.get();
    }

    static String digest(PluginArtifact.Entry e) {
        MessageDigest d = Sha256.newDigest();
        RememberedVerdicts.update(d, WasmCompiler.VERSION);
        RememberedVerdicts.update(d, CHECKER);
        RememberedVerdicts.update(d, e.mainClass());
        // each class by its own SHA-256, which a jar's reader has computed already (and checked against the
        // manifest): a digest of digests names the same content, and the classes are not hashed twice
        for (Map.Entry<String, String> c : new TreeMap<>(e.classSha256()).entrySet()) {
            RememberedVerdicts.update(d, c.getKey());
            RememberedVerdicts.update(d, c.getValue());
        }
        return HexFormat.of().formatHex(d.digest());
    }


    private static String checkerHash() {
        String built = CodeHash.read(ReferenceVerdicts.class, CHECKER_RESOURCE, CHECKER_KEY);
        return built != null ? built : checkerHashOfClasses();
    }

    /** SHA-256 of the class files of the verifier, its code reader and the allow-list, computed now. */
    static String checkerHashOfClasses() {
        return CodeHash.sha256(List.of(ClassReferenceVerifier.class, ClassFileCode.class, AllowedReferences.class));
    }

    /**
     * Writes {@link #CHECKER_RESOURCE} into {@code args[0]}, the runtime's class output directory (run by Maven after
     * compiling, exec-maven-plugin at {@code process-classes}; CheckerHashTest checks it against the classes).
     */
    public static void main(String[] args) throws IOException {
        CodeHash.write(Path.of(args[0]).resolve(ReferenceVerdicts.class.getPackageName().replace('.', '/')).resolve(CHECKER_RESOURCE),
                CHECKER_KEY, checkerHashOfClasses());
    }

}
