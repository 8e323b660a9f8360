package io.llmtestbench.runtime.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The independent oracle: our compiled code (metered and not) and Chicory's interpreter against V8, on modules from
 * three sources — the spec suite's scripts, {@link RandomModules}, and binaryen's {@code wasm-opt -ttf}
 * ({@link TtfModules}) — with fuel checked against the exact fuel oracle. See {@link Oracle} for what is compared and
 * {@code docs/testing.md} (section "The independent oracle") for how to run it.
 *
 * <ul>
 *   <li>By default a quick fixed-seed slice runs ({@value #QUICK_TTF} ttf modules, {@value #QUICK_RANDOM} random
 *       modules, the regression scripts and a sample of spec scripts): any divergence of ours fails the build.
 *   <li>{@code -Dfuzz.minutes=N} runs the long mode instead ({@link Fuzzer}) for N minutes and writes every
 *       divergence, minimized with {@code wasm-reduce}, to {@code target/fuzz/}.
 * </ul>
 *
 * It needs {@code node} (Node.js 20) and {@code wasm-opt} on PATH; without them the quick slice is skipped with one
 * loud line, and fails instead under {@code -Dllmtb.oracle.required=true} (as CI runs it) or in the long mode. Without
 * the spec suite (see {@link SpecSuite}) its spec scripts are left out.
 */
class OracleTest {
    static final int QUICK_TTF = 20;
    static final int QUICK_RANDOM = 32;
    static final long QUICK_TTF_SEED = 0x77F_0000L;
    static final long QUICK_RANDOM_SEED = 0x0AC1_E000L;
    /**
     * Spec scripts of the quick slice: those of the areas the oracle found divergences in (ours or its own: func's
     * 16-result call, atomic's unaligned-access trap), and small ones (the long mode
     * runs every script V8 supports; memory_copy's 18,000 commands alone take longer than the whole slice).
     */
    static final List<String> QUICK_SPEC = List.of("address", "bulk", "memory_fill", "memory_init", "conversions",
            "float_misc", "traps", "left-to-right", "unreachable", "func", "proposals/threads/atomic",
            "proposals/tail-call/return_call", "proposals/tail-call/return_call_indirect");

    private static ExecutorService pool;
    private static Oracle oracle;
    private static final Fuzzer.Stats STATS = new Fuzzer.Stats();

    @BeforeAll
    static void start() {
        requireTools();
        oracle = new Oracle(ExecutionMode.ALL);
        pool = SpecThreads.pool("oracle", SpecThreads.parallelism());
    }

    /** Skips loudly (or fails, when required or in the long mode) when node or wasm-opt is missing. */
    static void requireTools() {
        List<String> missing = new ArrayList<>();
        if (Tools.node().isEmpty()) {
            missing.add("node");
        }
        if (Tools.wasmOpt().isEmpty()) {
            missing.add("wasm-opt");
        }
        if (missing.isEmpty()) {
            return;
        }
        String why = Tools.missing(String.join("` and `", missing));
        if (Tools.required() || longMode()) {
            fail(why + (longMode() ? "" : " (required by -D" + Tools.REQUIRED_PROPERTY + "=true)"));
        }
        System.out.println("[WARNING] INDEPENDENT ORACLE SKIPPED: " + why + "; -D" + Tools.REQUIRED_PROPERTY
                + "=true makes this fail instead");
        Assumptions.abort(why);
    }

    @AfterAll
    static void stop() {
        if (pool != null) {
            pool.shutdownNow();
        }
        if (oracle != null) {
            System.out.println("[oracle] " + STATS.summary(oracle.modes()));
            System.out.println("[oracle] took " + STATS.took());
        }
    }

    static boolean longMode() {
        return Fuzzer.minutes() > 0;
    }

    @TestFactory
    Stream<DynamicNode> quickSlice() throws Exception {
        Assumptions.assumeFalse(longMode(), "long mode (-Dfuzz.minutes) runs instead");
        Path work = Files.createTempDirectory("llmtb-oracle");
        List<DynamicNode> groups = new ArrayList<>();
        groups.add(scripts("regression scripts", RegressionScriptsTest.scripts()));
        var suite = SpecSuite.find(); // absent: SpecSuiteNotice has said so at the top of the output
        if (suite.isPresent()) {
            List<SpecScript> sample = new ArrayList<>();
            for (SpecScript s : SpecScript.loadAll(suite.get())) {
                if (QUICK_SPEC.contains(s.id())) {
                    sample.add(s);
                }
            }
            assertThat(sample).as("quick spec sample").hasSize(QUICK_SPEC.size());
            groups.add(scripts("spec scripts", sample));
        }
        groups.add(group("random modules", QUICK_RANDOM, i -> Fuzzer.randomCase(QUICK_RANDOM_SEED + i)));
        groups.add(group("wasm-opt -ttf", QUICK_TTF, i -> Fuzzer.ttfCase(QUICK_TTF_SEED + i, work)));
        return groups.stream();
    }

    private DynamicNode scripts(String name, List<SpecScript> scripts) {
        Exclusions exclusions = Exclusions.load();
        List<Future<List<String>>> futures = new ArrayList<>();
        for (SpecScript script : scripts) {
            futures.add(pool.submit(() -> {
                long t0 = System.nanoTime();
                try {
                    return V8Scripts.compare(script, exclusions);
                } finally {
                    STATS.time("spec", System.nanoTime() - t0);
                }
            }));
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < scripts.size(); i++) {
            Future<List<String>> f = futures.get(i);
            SpecScript script = scripts.get(i);
            tests.add(DynamicTest.dynamicTest(script.wastName(), () -> {
                List<String> differences = SpecThreads.get(f);
                STATS.scripts.incrementAndGet();
                assertThat(differences).as("differences between V8 and our compiled code on %s", script.wastName()).isEmpty();
            }));
        }
        return DynamicContainer.dynamicContainer(name, tests);
    }

    private interface CaseMaker {
        Oracle.ModuleCase make(int i) throws Exception;
    }

    private DynamicNode group(String name, int count, CaseMaker maker) {
        List<Future<Oracle.CaseResult>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int k = i;
            futures.add(pool.submit(() -> {
                long t0 = System.nanoTime();
                Oracle.ModuleCase c = maker.make(k);
                try {
                    return c == null ? null : oracle.run(c);
                } finally {
                    STATS.time(name, System.nanoTime() - t0);
                }
            }));
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Future<Oracle.CaseResult> f = futures.get(i);
            tests.add(DynamicTest.dynamicTest(name + " #" + i, () -> {
                Oracle.CaseResult r = SpecThreads.get(f);
                Assumptions.assumeTrue(r != null, "the generator made no module");
                STATS.add(r);
                for (Oracle.Divergence d : r.divergences()) {
                    if (d.role() != ExecutionMode.Role.UNDER_TEST) {
                        System.out.println("[oracle] (informational) " + d);
                    }
                }
                assertThat(r.divergences().stream().filter(d -> d.role() == ExecutionMode.Role.UNDER_TEST).map(Object::toString))
                        .as("divergences of our engines from V8 on %s", r.moduleCase().name()).isEmpty();
            }));
        }
        return DynamicContainer.dynamicContainer(name, tests);
    }

    @Test
    void longRun() throws Exception {
        Assumptions.assumeTrue(longMode(), "set -Dfuzz.minutes=N for the long mode");
        Fuzzer.Report report = new Fuzzer(oracle, pool, Fuzzer.outputDir()).run(Fuzzer.minutes());
        System.out.println("[oracle] " + report.stats().summary(oracle.modes()));
        System.out.println("[oracle] report: " + report.summaryFile());
    }
}
