package io.llmtestbench.runtime.spec;

import io.llmtestbench.compiler.CompilerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

/**
 * Runs the whole spec suite once per JVM (the JUnit runner and the threshold test share the result), and
 * classifies every command: passed, failed, skipped (text-format module, SIMD script) or excluded.
 *
 * <p>System properties: {@code llmtb.spec.dir} (the suite, set by surefire from {@code -Dspec.testsuite.dir}; else
 * {@code $WASM_SPEC_TESTSUITE}; else {@code ../shared/spec-testsuite} beside the repository root, skipped when missing
 * unless {@code llmtb.spec.required=true}, from {@code -Dspec.testsuite.required=true}), {@code llmtb.spec.metering=false} to
 * compile without metering (to tell metering bugs from backend ones), {@code llmtb.spec.only=<regex>} to
 * run only the scripts whose id matches (debugging; the threshold test is then skipped).
 */
final class SpecSuite {
    static final String DIR_PROPERTY = "llmtb.spec.dir";
    /** "true" (from {@code -Dspec.testsuite.required=true}, as CI passes it): a missing suite fails instead of skipping. */
    static final String REQUIRED_PROPERTY = "llmtb.spec.required";
    /** The environment variable naming the suite when {@code -Dspec.testsuite.dir} is not given. */
    static final String ENV = "WASM_SPEC_TESTSUITE";
    /**
     * What the suite holds (testsuite commit 88e97b0f, converted by tools/spec-testsuite.sh): the skip line reports
     * it, and SpecSuiteTest checks it against the suite when there is one.
     */
    static final int SCRIPTS = 205;
    static final int COMMANDS = 56_905;

    enum Kind {
        PASSED,
        FAILED,
        /** A command of a text-format ({@code .wat}) module: this engine reads binaries only. */
        SKIPPED_TEXT,
        /** A command of a {@code simd_*} script: SIMD is not compiled (UNSUPPORTED by WasmCompiler). */
        SKIPPED_SIMD,
        /** Listed in exclusions.txt and failing as expected. */
        EXCLUDED,
        /** Listed in exclusions.txt but passing: the exclusion is stale (counted as a failure). */
        STALE_EXCLUSION
    }

    /**
     * The verdict on one command. {@code messageDiffers}: an assert_invalid/assert_malformed rejected with
     * the right kind but a message without the spec's text (passed, and counted).
     */
    record Verdict(SpecScript.Command command, Kind kind, String detail, boolean messageDiffers) {
        Verdict(SpecScript.Command command, Kind kind, String detail) {
            this(command, kind, detail, false);
        }
    }

    /** The verdicts of one script, in command order. */
    /** @param excludedBecause the reason when the whole script is excluded, else null */
    record ScriptResult(SpecScript script, List<Verdict> verdicts, String excludedBecause, long fuelUsed, long millis) {}

    record Result(List<ScriptResult> scripts, Map<Kind, Integer> counts, int coreBinaryCommands, int corePassed,
            long millis, String engine, boolean filtered) {
        long fuelUsed() {
            return scripts.stream().mapToLong(ScriptResult::fuelUsed).sum();
        }

        int messageDifferences() {
            return (int) scripts.stream().flatMap(s -> s.verdicts().stream()).filter(Verdict::messageDiffers).count();
        }

        int total() {
            return counts.values().stream().mapToInt(Integer::intValue).sum();
        }

        int count(Kind k) {
            return counts.getOrDefault(k, 0);
        }
    }

    private static Result result;

    private SpecSuite() {}

    /**
     * The {@code json/} directory of the suite. When no suite is found (and none is required) the caller is
     * aborted (JUnit: skipped), and {@link SpecSuiteNotice} has said so at the top of the test output.
     *
     * @throws AssertionError when a configured location holds no suite, or when none is found and
     *     {@value #REQUIRED_PROPERTY} is true
     */
    static Path jsonRoot() {
        return find().orElseGet(() -> org.junit.jupiter.api.Assumptions.abort(skipLine()));
    }

    /**
     * Where the suite is, in this order: {@code -Dspec.testsuite.dir} (passed to the tests as {@value #DIR_PROPERTY}),
     * {@code $}{@value #ENV}, {@code ../shared/spec-testsuite} beside the repository root. Empty when none of them
     * is set or exists.
     *
     * @throws AssertionError when the property or the variable names a directory that is not the suite, or when
     *     nothing is found and {@value #REQUIRED_PROPERTY} is true
     */
    static java.util.Optional<Path> find() {
        return find(System.getProperty(DIR_PROPERTY), System.getenv(ENV), defaultDir(), Boolean.getBoolean(REQUIRED_PROPERTY));
    }

    /** {@link #find()} on explicit inputs: the property's and the variable's values (null: unset), the default place. */
    static java.util.Optional<Path> find(String configured, String env, Path shared, boolean required) {
        if (configured != null && !configured.isBlank()) {
            return java.util.Optional.of(check(Path.of(configured), "-Dspec.testsuite.dir=" + configured));
        }
        if (env != null && !env.isBlank()) {
            return java.util.Optional.of(check(Path.of(env), "$" + ENV + "=" + env));
        }
        if (isSuite(shared)) {
            return java.util.Optional.of(shared.toAbsolutePath().normalize().resolve("json"));
        }
        if (required) {
            throw new AssertionError("The WebAssembly spec test suite is required (-Dspec.testsuite.required=true) but was not"
                    + " found: -Dspec.testsuite.dir and $" + ENV + " are unset and " + shared + " is missing. " + HOW_TO);
        }
        return java.util.Optional.empty();
    }

    /** The one line printed at the top of the test output when the suite is skipped. */
    static String skipLine() {
        return String.format(java.util.Locale.ROOT, "[WARNING] SPEC SUITE SKIPPED: the WebAssembly spec suite was not found, so its %,d commands"
                + " (%d scripts: SpecSuiteTest, and DifferentialTest's spec scripts) did not run; looked at -Dspec.testsuite.dir"
                + " and $%s (both unset) and %s (missing). %s", COMMANDS, SCRIPTS, ENV, defaultDir(), HOW_TO);
    }

    private static final String HOW_TO = "To run them: tools/spec-testsuite.sh <checkout of github.com/WebAssembly/testsuite> <dir>,"
            + " then mvn -B verify -Dspec.testsuite.dir=<dir> (or " + ENV + "=<dir>).";

    private static Path defaultDir() {
        return repositoryRoot().resolve("../shared/spec-testsuite").toAbsolutePath().normalize();
    }

    private static boolean isSuite(Path dir) {
        return Files.isRegularFile(dir.resolve("json/i32/spec.json"));
    }

    private static Path check(Path dir, String from) {
        Path abs = dir.toAbsolutePath().normalize();
        if (!isSuite(abs)) {
            throw new AssertionError("The WebAssembly spec test suite is not at " + abs + " (from " + from + "): expected "
                    + abs.resolve("json") + "/<script>/spec.json. " + HOW_TO);
        }
        return abs.resolve("json");
    }

    /** The nearest ancestor of the working directory with a pom.xml and both compiler/ and runtime/. */
    private static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        for (Path q = p; q != null; q = q.getParent()) {
            if (Files.isRegularFile(q.resolve("pom.xml")) && Files.isDirectory(q.resolve("compiler"))
                    && Files.isDirectory(q.resolve("runtime"))) {
                return q;
            }
        }
        return p;
    }

    static synchronized Result result() {
        if (result == null) {
            result = run();
        }
        return result;
    }

    private static Result run() {
        long start = System.nanoTime();
        Path json = jsonRoot();
        Exclusions exclusions = Exclusions.load();
        boolean metering = !"false".equals(System.getProperty("llmtb.spec.metering"));
        String only = System.getProperty("llmtb.spec.only");
        Pattern filter = only == null || only.isBlank() ? null : Pattern.compile(only);
        Engine engine = new Engine.Compiled(CompilerOptions.defaults().withMetering(metering));

        List<SpecScript> scripts = new ArrayList<>();
        for (SpecScript s : SpecScript.loadAll(json)) {
            if (filter == null || filter.matcher(s.id()).find()) {
                scripts.add(s);
            }
        }
        ExecutorService pool = SpecThreads.pool("spec", SpecThreads.parallelism());
        List<Future<ScriptResult>> futures = new ArrayList<>();
        try {
            for (SpecScript s : scripts) {
                futures.add(pool.submit(() -> classify(s, engine, exclusions)));
            }
            List<ScriptResult> results = new ArrayList<>();
            for (Future<ScriptResult> f : futures) {
                results.add(f.get());
            }
            Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
            int coreBinary = 0;
            int corePassed = 0;
            for (ScriptResult r : results) {
                boolean core = !r.script().proposal() && !r.script().simd();
                for (Verdict v : r.verdicts()) {
                    counts.merge(v.kind(), 1, Integer::sum);
                    if (core && v.kind() != Kind.SKIPPED_TEXT) {
                        coreBinary++;
                        if (v.kind() == Kind.PASSED) {
                            corePassed++;
                        }
                    }
                }
            }
            return new Result(results, counts, coreBinary, corePassed, (System.nanoTime() - start) / 1_000_000,
                    engine.name(), filter != null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the spec runner itself failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static ScriptResult classify(SpecScript script, Engine engine, Exclusions exclusions) {
        long start = System.nanoTime();
        List<Verdict> verdicts = new ArrayList<>();
        long fuel = 0;
        Exclusions.Entry whole = exclusions.script(script.wastName());
        if (script.simd()) {
            for (SpecScript.Command c : script.commands()) {
                verdicts.add(new Verdict(c, Kind.SKIPPED_SIMD, "SIMD is not compiled"));
            }
        } else if (whole != null) {
            for (SpecScript.Command c : script.commands()) {
                verdicts.add(new Verdict(c, c.textModule() ? Kind.SKIPPED_TEXT : Kind.EXCLUDED, whole.reason()));
            }
        } else {
            ScriptRunner.Run run = ScriptRunner.run(script, engine, false);
            fuel = run.fuelUsed();
            for (ScriptRunner.Outcome o : run.outcomes()) {
                Exclusions.Entry ex = exclusions.command(script.wastName(), o.command().line());
                Kind kind;
                String detail = o.detail();
                switch (o.status()) {
                    case SKIPPED_TEXT:
                        kind = Kind.SKIPPED_TEXT;
                        break;
                    case PASSED:
                        kind = ex == null || ex.mayPass() ? Kind.PASSED : Kind.STALE_EXCLUSION;
                        if (ex != null && !ex.mayPass()) {
                            detail = "passes but is excluded (" + ex.reason() + "): remove exclusions.txt line " + ex.fileLine();
                        }
                        break;
                    default:
                        kind = ex == null ? Kind.FAILED : Kind.EXCLUDED;
                        if (ex != null) {
                            detail = ex.reason() + " [" + o.detail() + "]";
                        }
                }
                verdicts.add(new Verdict(o.command(), kind, detail, o.messageDiffers()));
            }
        }
        return new ScriptResult(script, verdicts, whole != null && !script.simd() ? whole.reason() : null, fuel,
                (System.nanoTime() - start) / 1_000_000);
    }
}
