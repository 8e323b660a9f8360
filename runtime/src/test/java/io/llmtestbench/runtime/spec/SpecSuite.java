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
 * <p>System properties: {@code llmtb.spec.dir} (the suite, set by surefire; default
 * {@code ../shared/spec-testsuite} beside the repository root), {@code llmtb.spec.metering=false} to
 * compile without metering (to tell metering bugs from backend ones), {@code llmtb.spec.only=<regex>} to
 * run only the scripts whose id matches (debugging; the threshold test is then skipped).
 */
final class SpecSuite {
    static final String DIR_PROPERTY = "llmtb.spec.dir";

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

    /** The {@code json/} directory of the suite; throws (failing the caller) when it is missing. */
    static Path jsonRoot() {
        String configured = System.getProperty(DIR_PROPERTY);
        Path dir;
        if (configured != null && !configured.isBlank()) {
            dir = Path.of(configured);
        } else {
            Path root = repositoryRoot();
            dir = root.resolve("../shared/spec-testsuite");
        }
        dir = dir.toAbsolutePath().normalize();
        Path json = dir.resolve("json");
        if (!Files.isDirectory(json) || !Files.isRegularFile(json.resolve("i32/spec.json"))) {
            throw new AssertionError("The WebAssembly spec test suite is missing: expected " + json
                    + "/<script>/spec.json (set -D" + DIR_PROPERTY + "=<dir> or put the suite at ../shared/spec-testsuite"
                    + " beside the repository root). The spec suite is required, not optional.");
        }
        return json;
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
