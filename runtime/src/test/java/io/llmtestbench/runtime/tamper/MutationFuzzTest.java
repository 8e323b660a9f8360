package io.llmtestbench.runtime.tamper;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmtestbench.compiler.internal.AllowedReferences;
import io.llmtestbench.runtime.ErrorKind;
import io.llmtestbench.runtime.PluginException;
import io.llmtestbench.runtime.PluginId;
import io.llmtestbench.runtime.PluginInput;
import io.llmtestbench.runtime.PluginLoadException;
import io.llmtestbench.runtime.PluginSystem;
import io.llmtestbench.runtime.ResourceLimits;
import io.llmtestbench.runtime.TestPlugins;
import io.llmtestbench.runtime.internal.load.ClassReferenceVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.MethodInsnNode;

/**
 * Point 5's mutation fuzzer: thousands of random ASM-level edits ({@link Mutation}) to the classes this compiler
 * generates for real test plugins, compiled when the test runs (so the fuzzer follows whatever the compiler emits).
 * Every mutant must be either refused at load with a typed {@code INVALID_PLUGIN}, or load, run and return the
 * original's result or a typed {@link PluginException}; no mutant may create its marker file; and whether a
 * mutant references anything off the allow-list is judged from the outside, by {@link ClassFileScan} and
 * {@link AllowListOracle} (which read the class files themselves and share no code with the runtime's
 * verifier): a mutant with an off-list reference must be refused by the verifier and by the load, and a mutant
 * that loads must have none.
 *
 * <p>A mutant that swaps one allowed member for another (an {@code i32.lt_s} helper for an {@code i32.ge_s} one)
 * legitimately computes something else: the allow-list promises containment, not the original's semantics (that
 * is {@code --verify-jar reproduce}'s job). Such mutants are counted as "ran, other result"; edits that cannot
 * change the computation ({@link Mutation#neutral}) must return the original's result exactly.
 *
 * <p>{@code mvn verify} runs a fixed-seed slice; {@code -Dllmtb.fuzz.mutants=N} (and {@code -Dllmtb.fuzz.seed=S})
 * runs more, {@code -Dllmtb.fuzz.long=true} runs 100,000. A failure names the mutant's index and seed; rerun just
 * that one with {@code -Dllmtb.fuzz.only=INDEX}.
 */
class MutationFuzzTest {
    private static final long SEED = Long.getLong("llmtb.fuzz.seed", 20261206L);
    private static final boolean LONG = Boolean.getBoolean("llmtb.fuzz.long");
    private static final int MUTANTS = Integer.getInteger("llmtb.fuzz.mutants", LONG ? 100_000 : 2_000);
    private static final Integer ONLY = Integer.getInteger("llmtb.fuzz.only");

    @TempDir
    static Path tmp;

    /** A compiled plugin to mutate, with the input it is run on and the original's output. */
    record Base(String id, JarKit jar, String input, JsonNode output) {}

    private static final List<Base> BASES = new ArrayList<>();
    private static PluginSystem system;
    private static MemberPool pool;
    private static AllowListOracle oracle;

    private static final Map<String, Long> PHASES = new java.util.TreeMap<>();

    enum Outcome { REFUSED_OFF_LIST, REFUSED_OTHER, RAN_SAME_RESULT, RAN_OTHER_RESULT, RAN_TYPED_ERROR }

    @BeforeAll
    static void setUp() throws Exception {
        // limits low enough that a mutant that loops or allocates is stopped quickly, typed
        system = TestPlugins.system(ResourceLimits.builder().maxExecutionTimeMs(5_000).maxInstructions(50_000_000)
                .maxMemoryBytes(32L * 1024 * 1024).build());
        oracle = new AllowListOracle();
        String[][] plugins = {
            {"echo", "{\"a\":[1,2,3],\"b\":\"x\"}"},
            {"text-normalizer", "{\"text\":\"  Hello   WORLD  \",\"n\":1}"},
            {"similarity-evaluator", "{\"text\":\"The capital of France is Paris\",\"expected\":\"Paris\"}"},
        };
        Set<ClassFileScan.Use> emitted = new LinkedHashSet<>();
        for (String[] p : plugins) {
            JarKit jar = JarKit.compile(p[0]);
            PluginId id = system.loadPlugin(jar.write(tmp.resolve(p[0] + ".jar")));
            JsonNode out = system.executePlugin(id, PluginInput.of(p[1])).data();
            system.unloadPlugin(id);
            BASES.add(new Base(p[0], jar, p[1], out));
            for (byte[] b : classes(jar, p[0]).values()) {
                emitted.addAll(ClassFileScan.of(b).uses);
            }
        }
        pool = new MemberPool(emitted);
        pool.indexAllowed();
    }

    @AfterAll
    static void tearDown() {
        if (system != null) {
            system.close();
        }
    }

    private static Map<String, byte[]> classes(JarKit jar, String id) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String n : jar.classNames(id)) {
            byte[] b = jar.files.get(JarKit.path(n));
            if (b != null) {
                out.put(n, b);
            }
        }
        return out;
    }

    /** The witness sees what the compiler emits, finds it all on the list, and would see a step off it. */
    @Test
    void theOutsideWitnessAgreesWithTheCompilerAndCanFail() {
        for (Base b : BASES) {
            Map<String, byte[]> cs = classes(b.jar, b.id);
            int uses = 0;
            for (byte[] bytes : cs.values()) {
                uses += ClassFileScan.of(bytes).uses.size();
            }
            assertThat(uses).as(b.id).isGreaterThan(20);
            assertThat(oracle.offList(cs)).as(b.id + ": the compiler's own output is on the list").isEmpty();
            // one call retargeted to System.exit: seen by the witness, refused by the verifier
            JarKit k = JarKit.of(b.jar.files);
            String main = k.mainClass(b.id);
            ClassNode node = k.node(main);
            var m = JarKit.staticMethod(node, "exit");
            m.instructions.add(new InsnNode(Opcodes.ICONST_0));
            m.instructions.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/lang/System", "exit", "(I)V", false));
            m.instructions.add(new InsnNode(Opcodes.RETURN));
            k.put(main, node);
            Map<String, byte[]> mutated = classes(k, b.id);
            assertThat(oracle.offList(mutated)).extracting(Object::toString).containsExactly("invokestatic java/lang/System.exit(I)V");
            assertThat(ClassReferenceVerifier.firstViolation(mutated, main)).isPresent();
        }
        assertThat(oracle.size()).isEqualTo(AllowedReferences.all().size());
        assertThat(pool.classCount()).isGreaterThan(5_000);
    }

    @Test
    void mutantsAreRefusedOrRunInsideTheSandbox() throws Exception {
        Map<Mutation, EnumMap<Outcome, Integer>> counts = new EnumMap<>(Mutation.class);
        long started = System.nanoTime();
        long cpuStarted = processCpuNanos();
        int from = ONLY != null ? ONLY : 0;
        int to = ONLY != null ? ONLY + 1 : MUTANTS;
        int done = 0;
        for (int i = from; i < to; i++) {
            long t0 = processCpuNanos();
            Random r = new Random(SEED * 1_000_003L + i);
            // in the slice mostly the small plugin (a mutant of it costs ~12 ms of CPU, of the Rust one ~120 ms)
            int pick = r.nextInt(50);
            Base base = BASES.get(LONG ? pick % 3 : pick < 43 ? 0 : pick < 49 ? 1 : 2);
            Path marker = tmp.resolve("marker-" + i);
            JarKit k = JarKit.of(base.jar.files);
            String stamp = k.classStamp(base.id);
            List<String> names = k.classNames(base.id);
            List<Mutation> applied = new ArrayList<>();
            List<String> what = new ArrayList<>();
            int edits = r.nextInt(4) == 0 ? 2 : 1;
            for (int attempt = 0; applied.size() < edits && attempt < 20; attempt++) {
                String victim = names.get(r.nextInt(names.size()));
                Mutation mut = Mutation.values()[r.nextInt(Mutation.values().length)];
                ClassNode node = k.node(victim);
                String did = mut.apply(new Mutation.Target(r, pool, node, marker, k, base.id, stamp));
                if (did != null) {
                    k.put(victim, node);
                    applied.add(mut);
                    what.add(mut + " in " + victim.substring(victim.lastIndexOf('.') + 1) + ": " + did);
                }
            }
            k.rehash(base.id);
            long t1 = processCpuNanos();
            String label = "mutant " + i + " (seed " + SEED + ", " + base.id + "): " + what;
            Outcome outcome = judge(k, base, label);
            PHASES.merge("mutate " + base.id, t1 - t0, Long::sum);
            PHASES.merge("judge " + base.id, processCpuNanos() - t1, Long::sum);
            assertThat(marker).as(label).doesNotExist();
            for (Mutation m : applied) {
                counts.computeIfAbsent(m, x -> new EnumMap<>(Outcome.class)).merge(outcome, 1, Integer::sum);
            }
            if (outcome == Outcome.RAN_OTHER_RESULT) {
                assertThat(applied).as(label + ": only an edit that changes the computation may change the result")
                        .anyMatch(m -> !m.neutral);
            }
            if (outcome == Outcome.RAN_TYPED_ERROR) {
                assertThat(applied).as(label + ": edits that cannot change the computation cannot make it fail")
                        .anyMatch(m -> !m.neutral);
            }
            if (++done % 500 == 0) {
                hostStillWorks();
            }
        }
        hostStillWorks();
        long ms = (System.nanoTime() - started) / 1_000_000;
        long cpuMs = (processCpuNanos() - cpuStarted) / 1_000_000;
        StringBuilder report = new StringBuilder("mutation fuzzer: " + done + " mutants, seed " + SEED + ", " + ms + " ms ("
                + cpuMs + " ms of process CPU time)\n");
        EnumMap<Outcome, Integer> total = new EnumMap<>(Outcome.class);
        counts.forEach((m, c) -> {
            report.append(String.format("  %-30s %s%n", m, c));
            c.forEach((o, n) -> total.merge(o, n, Integer::sum));
        });
        report.append("  total (per edit) ").append(total);
        PHASES.forEach((k, v) -> report.append("\n  ").append(k).append(" ms CPU ").append(v / 1_000_000));
        System.out.println(report);
        if (ONLY == null && MUTANTS >= 1_000) {
            // the slice exercises every path: refusals by the list, other refusals, and mutants that run
            assertThat(total.keySet()).as(report.toString()).contains(Outcome.REFUSED_OFF_LIST, Outcome.REFUSED_OTHER,
                    Outcome.RAN_SAME_RESULT);
            assertThat(counts.keySet()).as(report.toString()).containsExactlyInAnyOrder(Mutation.values());
        }
    }

    /** Loads and runs one mutant, checking the verifier against the outside witness; returns what happened. */
    private static Outcome judge(JarKit k, Base base, String label) throws Exception {
        String main = k.mainClass(base.id);
        long t0 = processCpuNanos();
        Map<String, byte[]> cs = classes(k, base.id);
        List<ClassFileScan.Use> off = oracle.offList(cs);
        Optional<String> verdict = ClassReferenceVerifier.firstViolation(cs, main);
        if (!off.isEmpty()) {
            assertThat(verdict).as(label + ": the verifier must refuse a mutant that references " + off).isPresent();
        }
        PHASES.merge("oracle+verdict", processCpuNanos() - t0, Long::sum);
        Path jar = k.write(Files.createTempFile(tmp, "mutant", ".jar"));
        long t1 = processCpuNanos();
        PluginId id;
        try {
            id = system.loadPlugin(jar);
        } catch (PluginLoadException e) {
            assertThat(e.kind()).as(label + ": " + e.getMessage()).isEqualTo(ErrorKind.INVALID_PLUGIN);
            return off.isEmpty() ? Outcome.REFUSED_OTHER : Outcome.REFUSED_OFF_LIST;
        } catch (Throwable t) {
            throw new AssertionError(label + ": the load failed with something other than a PluginLoadException", t);
        } finally {
            Files.delete(jar);
            PHASES.merge("load", processCpuNanos() - t1, Long::sum);
        }
        try {
            assertThat(off).as(label + ": a mutant that loaded references nothing off the list").isEmpty();
            assertThat(verdict).as(label + ": a mutant that loaded passed the verifier").isEmpty();
            JsonNode out;
            try {
                out = system.executePlugin(id, PluginInput.of(base.input)).data();
            } catch (PluginException e) {
                return Outcome.RAN_TYPED_ERROR;
            } catch (Throwable t) {
                throw new AssertionError(label + ": the run failed with something other than a PluginException", t);
            }
            return out.equals(base.output) ? Outcome.RAN_SAME_RESULT : Outcome.RAN_OTHER_RESULT;
        } finally {
            system.unloadPlugin(id);
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static void hostStillWorks() throws Exception {
        Base b = BASES.get(0);
        PluginId id = system.loadPlugin(b.jar.write(tmp.resolve("clean.jar")));
        assertThat(system.executePlugin(id, PluginInput.of(b.input)).data()).isEqualTo(b.output);
        system.unloadPlugin(id);
    }
}
