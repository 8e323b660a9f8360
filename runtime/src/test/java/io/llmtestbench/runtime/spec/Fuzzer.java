package io.llmtestbench.runtime.spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The oracle's long mode ({@code -Dfuzz.minutes=N}): generates modules from every source in turn, from a starting seed
 * ({@code -Dfuzz.seed}, default: the clock), for N minutes on the oracle's threads; writes every divergence of ours,
 * minimized with {@code wasm-reduce} (a few per kind), to {@code target/fuzz/}, and a summary with every count to
 * {@code target/fuzz/summary.md}.
 */
final class Fuzzer {
    /** Divergences of one kind reduced at most (reducing takes minutes; the rest are kept unreduced). */
    static final int REDUCE_PER_SIGNATURE = 2;

    private final Oracle oracle;
    private final ExecutorService pool;
    private final Path out;
    private final Stats stats = new Stats();
    private final Map<String, Integer> reducedPerSignature = new ConcurrentHashMap<>();
    /** Divergences to reduce once the fuzzing time is over: {case, divergence, original, reduced}. */
    private final List<Object[]> pendingReductions = java.util.Collections.synchronizedList(new ArrayList<>());

    record Report(Stats stats, Path summaryFile) {}

    Fuzzer(Oracle oracle, ExecutorService pool, Path out) {
        this.oracle = oracle;
        this.pool = pool;
        this.out = out;
    }

    static long minutes() {
        return Long.getLong("fuzz.minutes", 0);
    }

    static Path outputDir() {
        String dir = System.getProperty("fuzz.dir");
        return dir != null ? Path.of(dir) : Path.of("target", "fuzz");
    }

    static Oracle.ModuleCase randomCase(long seed) {
        return new Oracle.ModuleCase("random", "random-" + seed, RandomModules.generate(seed), Oracle.randomModulePlan());
    }

    static Oracle.ModuleCase ttfCase(long seed, Path work) throws Exception {
        TtfModules.Generated g = TtfModules.generate(seed, work);
        if (g == null) {
            return null;
        }
        return new Oracle.ModuleCase(g.referenceTypes() ? "ttf+reftypes" : "ttf", "ttf-" + seed,
                NanCanonicalizer.canonicalize(g.wasm()), Oracle.ttfPlan(seed));
    }

    Report run(long minutes) throws Exception {
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("llmtb-fuzz");
        long seed = Long.getLong("fuzz.seed", System.currentTimeMillis());
        Instant end = Instant.now().plus(Duration.ofMinutes(minutes));
        Instant started = Instant.now();
        AtomicLong next = new AtomicLong(seed);
        if (!"false".equals(System.getProperty("fuzz.spec"))) {
            spec();
        }
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < SpecThreads.parallelism(); w++) {
            workers.add(pool.submit(() -> {
                while (Instant.now().isBefore(end)) {
                    long s = next.getAndIncrement();
                    // three ttf modules for each random one: ttf explores far more of the instruction set
                    Oracle.ModuleCase c;
                    try {
                        c = Math.floorMod(s, 4) == 0 ? randomCase(s) : ttfCase(s, work);
                    } catch (RuntimeException e) {
                        // the harness could not prepare this module (not ours under test): counted, the run goes on
                        System.err.println("[fuzz] seed " + s + ": module not prepared: " + e);
                        c = null;
                    }
                    if (c == null) {
                        stats.generatorFailures.incrementAndGet();
                        continue;
                    }
                    Oracle.CaseResult r;
                    try {
                        r = oracle.run(c);
                    } catch (V8Oracle.Failure e) {
                        stats.oracleFailures.incrementAndGet();
                        record(c, new Oracle.Divergence(c.source(), c.name(), "v8", ExecutionMode.Role.REFERENCE, "oracle failure",
                                "-", "-", e.getMessage()));
                        continue;
                    } catch (RuntimeException | AssertionError | StackOverflowError e) {
                        // an exception escaping the oracle: ours crashed somewhere the oracle did not expect
                        var trace = new java.io.StringWriter();
                        e.printStackTrace(new java.io.PrintWriter(trace));
                        Oracle.Divergence d = new Oracle.Divergence(c.source(), c.name(), "ours", ExecutionMode.Role.UNDER_TEST, "crash",
                                "-", "no exception", trace.toString(), e.getClass().getName());
                        stats.divergences.computeIfAbsent(d.signature(), k -> new AtomicLong()).incrementAndGet();
                        record(c, d);
                        continue;
                    }
                    stats.add(r);
                    for (Oracle.Divergence d : r.divergences()) {
                        record(c, d);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : workers) {
            SpecThreads.get(f);
        }
        Instant fuzzed = Instant.now();
        if (!pendingReductions.isEmpty()) {
            System.out.println("[fuzz] reducing " + pendingReductions.size() + " modules, at most " + Reducer.MINUTES + " min each");
            try (Reducer reducer = new Reducer()) {
                for (Object[] r : pendingReductions) {
                    reducer.reduce((Oracle.ModuleCase) r[0], (Oracle.Divergence) r[1], (Path) r[2], (Path) r[3]);
                }
            }
        }
        stats.reductionSeconds = Duration.between(fuzzed, Instant.now()).toSeconds();
        Path summary = out.resolve("summary.md");
        Files.writeString(summary, stats.markdown(oracle.modes(), seed, next.get() - seed, Duration.between(started, fuzzed)),
                StandardCharsets.UTF_8);
        return new Report(stats, summary);
    }

    /** Every spec script V8 can run, once, on the oracle's threads ({@code -Dfuzz.spec=false} skips them). */
    private void spec() throws Exception {
        var suite = SpecSuite.find();
        if (suite.isEmpty()) {
            System.out.println("[fuzz] no spec suite: its scripts are left out (" + SpecSuite.skipLine() + ")");
            return;
        }
        Exclusions exclusions = Exclusions.load();
        List<Future<?>> futures = new ArrayList<>();
        for (SpecScript script : SpecScript.loadAll(suite.get())) {
            if (!V8Scripts.supported(script) || exclusions.script(script.wastName()) != null) {
                continue;
            }
            futures.add(pool.submit(() -> {
                long t0 = System.nanoTime();
                List<String> differences = V8Scripts.compare(script, exclusions);
                stats.time("spec", System.nanoTime() - t0);
                stats.scripts.incrementAndGet();
                for (String d : differences) {
                    stats.divergences.computeIfAbsent("spec", k -> new AtomicLong()).incrementAndGet();
                    System.out.println("[fuzz] spec " + d);
                    Path file = out.resolve("spec").resolve(sanitize(script.wastName()) + ".txt");
                    Files.createDirectories(file.getParent());
                    Files.writeString(file, d + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                            java.nio.file.StandardOpenOption.APPEND);
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            SpecThreads.get(f);
        }
    }

    /** Writes one divergence (and the module) to its own directory, reducing the first few of each kind. */
    private void record(Oracle.ModuleCase c, Oracle.Divergence d) {
        System.out.println("[fuzz] " + d);
        try {
            Path dir = out.resolve(sanitize(d.signature()) + "/" + c.name() + "-" + sanitize(d.mode()));
            Files.createDirectories(dir);
            Path original = dir.resolve("original.wasm");
            Files.write(original, c.wasm());
            Files.writeString(dir.resolve("divergence.txt"), d + "\n", StandardCharsets.UTF_8);
            if (d.role() == ExecutionMode.Role.UNDER_TEST
                    && reducedPerSignature.merge(d.signature(), 1, Integer::sum) <= REDUCE_PER_SIGNATURE) {
                pendingReductions.add(new Object[] {c, d, original, dir.resolve("reduced.wasm")});
            }
        } catch (IOException | RuntimeException e) {
            System.out.println("[fuzz] could not record " + c.name() + ": " + e);
        }
    }

    static String sanitize(String s) {
        return s.replaceAll("[^A-Za-z0-9._+-]+", "_");
    }

    /** Counts over a run: modules, verdicts, calls, fuel checks, divergences by kind. */
    static final class Stats {
        final Map<String, AtomicLong> modulesBySource = new ConcurrentHashMap<>();
        final Map<String, AtomicLong> verdicts = new ConcurrentHashMap<>();
        final AtomicLong calls = new AtomicLong();
        final AtomicLong scripts = new AtomicLong();
        final Map<String, AtomicLong> nanosBySource = new ConcurrentHashMap<>();
        volatile long reductionSeconds;
        final long started = System.nanoTime();
        final AtomicLong fuelChecks = new AtomicLong();
        final AtomicLong generatorFailures = new AtomicLong();
        final AtomicLong oracleFailures = new AtomicLong();
        final Map<String, AtomicLong> divergences = new ConcurrentHashMap<>();
        final Map<String, AtomicLong> informational = new ConcurrentHashMap<>();

        void time(String source, long nanos) {
            nanosBySource.computeIfAbsent(source, k -> new AtomicLong()).addAndGet(nanos);
        }

        /** Wall time since these stats began, and the CPU time of this JVM (node's is not counted). */
        String took() {
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            Map<String, Long> bySource = new TreeMap<>();
            nanosBySource.forEach((k, v) -> bySource.put(k, v.get() / 1_000_000_000));
            return String.format("%.1f s wall, %.1f s CPU of this JVM, %.1f s CPU of node; per source (s, summed over threads) %s",
                    (System.nanoTime() - started) / 1e9, os.getProcessCpuTime() / 1e9, V8Oracle.shared().cpuSeconds(), bySource);
        }

        void add(Oracle.CaseResult r) {
            modulesBySource.computeIfAbsent(r.moduleCase().source(), k -> new AtomicLong()).incrementAndGet();
            verdicts.computeIfAbsent(r.verdict(), k -> new AtomicLong()).incrementAndGet();
            calls.addAndGet(r.calls());
            fuelChecks.addAndGet(r.fuelChecks());
            for (Oracle.Divergence d : r.divergences()) {
                (d.role() == ExecutionMode.Role.UNDER_TEST ? divergences : informational)
                        .computeIfAbsent(d.signature(), k -> new AtomicLong()).incrementAndGet();
            }
        }

        long modules() {
            return modulesBySource.values().stream().mapToLong(AtomicLong::get).sum();
        }

        String summary(List<ExecutionMode> modes) {
            return scripts.get() + " spec scripts, " + modules() + " modules " + new TreeMap<>(modulesBySource) + ", verdicts " + new TreeMap<>(verdicts) + ", "
                    + calls.get() + " calls compared in each of " + modes.stream().map(ExecutionMode::name).toList() + ", "
                    + fuelChecks.get() + " fuel checks; divergences of ours: " + new TreeMap<>(divergences)
                    + "; informational (Chicory's interpreter): " + new TreeMap<>(informational);
        }

        String markdown(List<ExecutionMode> modes, long firstSeed, long seeds, Duration took) {
            StringBuilder b = new StringBuilder("# Oracle long run\n\n");
            b.append("- seeds ").append(firstSeed).append(" .. ").append(firstSeed + seeds - 1).append(" (")
                    .append(seeds).append("), ").append(took.toMinutes()).append(" min, on ").append(V8Oracle.shared().version())
                    .append(" and ").append(binaryenVersion()).append('\n');
            b.append("- modes: ").append(modes.stream().map(m -> m.name() + " (" + m.role() + ")").toList()).append('\n');
            b.append("- modules: ").append(modules()).append(' ').append(new TreeMap<>(modulesBySource)).append('\n');
            b.append("- verdicts: ").append(new TreeMap<>(verdicts)).append('\n');
            b.append("- calls compared (per engine): ").append(calls.get()).append('\n');
            b.append("- fuel checks against the exact oracle: ").append(fuelChecks.get()).append('\n');
            b.append("- generator failures: ").append(generatorFailures.get()).append(", oracle failures: ")
                    .append(oracleFailures.get()).append('\n');
            b.append("- divergences of ours: ").append(new TreeMap<>(divergences)).append('\n');
            b.append("- informational (Chicory's interpreter vs V8): ").append(new TreeMap<>(informational)).append('\n');
            b.append("- spec scripts compared: ").append(scripts.get()).append('\n');
            b.append("- took: ").append(took()).append("; then ").append(reductionSeconds).append(" s reducing\n");
            return b.toString();
        }
    }

    static String binaryenVersion() {
        try {
            Process p = new ProcessBuilder(Tools.wasmOpt().orElse("wasm-opt"), "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return "binaryen " + v.replace("wasm-opt version ", "");
        } catch (IOException e) {
            return "binaryen (unknown version)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "binaryen (unknown version)";
        }
    }
}
