package io.llmtestbench.bench;

import com.sun.management.UnixOperatingSystemMXBean;
import io.llmtestbench.runtime.ErrorKind;
import io.llmtestbench.runtime.LoadOptions;
import io.llmtestbench.runtime.PluginException;
import io.llmtestbench.runtime.PluginId;
import io.llmtestbench.runtime.PluginInput;
import io.llmtestbench.runtime.PluginSystem;
import io.llmtestbench.runtime.ResourceLimits;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ObjectName;

/**
 * Soak tests of a long-running host, through the public API only (issue #22). Each scenario runs in its own JVM
 * (see {@code benchmarks/soak.sh}), prints {@code RESULT <scenario> key=value ...} lines, and exits with status 1
 * when one of its checks fails:
 *
 * <ul>
 *   <li>{@code footprint} — retained heap of one loaded plugin with no instance, and of one instance, from the
 *       live-object class histogram ({@code GC.class_histogram}, which runs a full GC first) before and after
 *       loading N copies; the classes that grew most. Check: the plugin ≤ 512 KiB.</li>
 *   <li>{@code many} — N distinct loaded plugins (default 1,000; run it with {@code -Xmx1g}): copies of six real
 *       plugins, each with its own custom section, so each has its own digest, compilation, classes and loader;
 *       each executed once; heap after a full GC. Check: it fits (no {@code OutOfMemoryError}), every execution succeeds.</li>
 *   <li>{@code cycles} — N load/execute/unload cycles of a {@code .wasm} (the C text normalizer); heap, Metaspace,
 *       loaded classes, threads and file descriptors at the 10% mark, half way and at the end. Check: over the
 *       second half Metaspace grows less than 3% and the class count less than 1%.</li>
 *   <li>{@code reload} — threads executing by name while the plugin is hot-reloaded between two versions every
 *       few ms. Check: no failed execution, every retired version's class loader collected at the end.</li>
 *   <li>{@code storm} — threads running a mix of failing executions (fuel, deadline, trap, memory limit, error
 *       code) and successful ones. Check: every outcome is the expected kind; heap and threads flat.</li>
 *   <li>{@code close} — systems closed with executions in flight (spinning, and waiting for an instance). Check:
 *       every execution ends with {@code CANCELLED}; close latency p50/p99/max; no CPU used afterwards.</li>
 * </ul>
 *
 * Usage: {@code java -cp benchmarks.jar io.llmtestbench.bench.Soak <scenario> [count] [--plugins DIR]}.
 */
public final class Soak {
    private final Path plugins;
    private final List<String> failures = new ArrayList<>();

    private Soak(Path plugins) {
        this.plugins = plugins;
    }

    public static void main(String[] args) throws Exception {
        String scenario = args.length > 0 ? args[0] : "";
        int count = args.length > 1 && !args[1].startsWith("--") ? Integer.parseInt(args[1]) : -1;
        Path dir = Path.of("test-plugins/wasm");
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--plugins")) {
                dir = Path.of(args[i + 1]);
            }
        }
        Soak soak = new Soak(dir);
        switch (scenario) {
            case "footprint" -> soak.footprint(count > 0 ? count : 100);
            case "many" -> soak.many(count > 0 ? count : 1000);
            case "cycles" -> soak.cycles(count > 0 ? count : 2000);
            case "reload" -> soak.reload(count > 0 ? count : 30);
            case "storm" -> soak.storm(count > 0 ? count : 20_000);
            case "close" -> soak.close(count > 0 ? count : 50);
            default -> {
                System.err.println("usage: Soak footprint|many|cycles|reload|storm|close [count] [--plugins DIR]");
                System.exit(2);
            }
        }
        if (!soak.failures.isEmpty()) {
            soak.failures.forEach(f -> System.out.println("FAILED " + scenario + ": " + f));
            System.exit(1);
        }
        System.out.println("OK " + scenario);
    }

    private Path plugin(String name) {
        return plugins.resolve(name + ".wasm");
    }

    private void check(boolean ok, String what) {
        if (!ok) {
            failures.add(what);
        }
    }

    private static void result(String scenario, Map<String, Object> values) {
        StringBuilder b = new StringBuilder("RESULT ").append(scenario);
        values.forEach((k, v) -> b.append(' ').append(k).append('=').append(v instanceof Double ? String.format("%.1f", v) : v));
        System.out.println(b);
    }

    // ---- measurements ---------------------------------------------------------------------------------------

    /** Live objects by class (bytes), after the full GC the histogram command runs. */
    static Map<String, Long> histogram() throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Map<String, Long> bytes = new TreeMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                bytes.merge(f[3], Long.parseLong(f[2]), Long::sum);
            } else if (f.length >= 3 && f[0].equals("Total")) {
                bytes.put("(total)", Long.parseLong(f[2]));
            }
        }
        return bytes;
    }

    static long metaspace() {
        long m = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.NON_HEAP && (p.getName().equals("Metaspace") || p.getName().equals("Compressed Class Space"))) {
                m += p.getUsage().getUsed();
            }
        }
        return m;
    }

    /** Heap in use after full GCs. */
    static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static long openFds() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean u ? u.getOpenFileDescriptorCount() : -1;
    }

    record Snapshot(long heap, long metaspace, int classes, int threads, long fds) {
        static Snapshot take() throws InterruptedException {
            long heap = heapAfterGc();
            return new Snapshot(heap, Soak.metaspace(), ManagementFactory.getClassLoadingMXBean().getLoadedClassCount(),
                    ManagementFactory.getThreadMXBean().getThreadCount(), openFds());
        }

        Map<String, Object> against(Snapshot start) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("heap_mib", String.format("%.1f->%.1f(%+.1f%%)", start.heap / 1048576.0, heap / 1048576.0, pct(start.heap, heap)));
            m.put("metaspace_mib", String.format("%.1f->%.1f(%+.1f%%)", start.metaspace / 1048576.0, metaspace / 1048576.0,
                    pct(start.metaspace, metaspace)));
            m.put("classes", start.classes + "->" + classes + String.format("(%+.1f%%)", pct(start.classes, classes)));
            m.put("live_threads", start.threads + "->" + threads);
            m.put("fds", start.fds + "->" + fds);
            return m;
        }
    }

    static double pct(long from, long to) {
        return from == 0 ? 0 : 100.0 * (to - from) / from;
    }

    private static final PluginInput EVAL_INPUT = PluginInput.of(BenchData.PLUGIN_INPUT);

    // ---- scenarios ------------------------------------------------------------------------------------------

    void footprint(int n) throws Exception {
        Path wasm = plugin("similarity-evaluator");
        Path cache = Files.createTempDirectory("llmtb-soak-cache");
        for (boolean withInstance : new boolean[] {false, true}) {
            // maxInstances 1: each load's first instance is retired by the next load, so N loads keep N plugins, 1 instance
            int maxInstances = withInstance ? n + 2 : 1;
            try (PluginSystem system = PluginSystem.builder().cacheDir(cache).maxInstances(maxInstances).scanClasspath(false).build()) {
                system.executePlugin(system.loadPlugin(wasm), EVAL_INPUT); // compiled into the cache, runtime classes loaded
                Map<String, Long> before = histogram();
                long meta0 = metaspace();
                List<PluginId> ids = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    ids.add(system.loadPlugin(wasm));
                }
                Map<String, Long> after = histogram();
                long meta1 = metaspace();
                long total = after.get("(total)") - before.get("(total)");
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("plugins", n);
                r.put("instances", withInstance ? n : 0);
                r.put("heap_kib_per_plugin", total / 1024.0 / n);
                r.put("metaspace_kib_per_plugin", (meta1 - meta0) / 1024.0 / n);
                TreeMap<Long, String> grew = new TreeMap<>();
                after.forEach((k, v) -> {
                    long d = v - before.getOrDefault(k, 0L);
                    if (!k.equals("(total)") && d > 0) {
                        grew.put(-d, k);
                    }
                });
                StringBuilder top = new StringBuilder();
                grew.entrySet().stream().limit(8).forEach(e -> top.append(top.length() > 0 ? "," : "").append(e.getValue())
                        .append(':').append(String.format("%.1fKiB", -e.getKey() / 1024.0 / n)));
                r.put("top_per_plugin", top);
                result(withInstance ? "footprint-with-instance" : "footprint", r);
                if (!withInstance) {
                    check(total / n <= 512 * 1024, "a loaded plugin retains " + total / n + " bytes (> 512 KiB)");
                }
                ids.forEach(system::unloadPlugin);
            }
        }
    }

    void many(int n) throws Exception {
        String[] names = {"similarity-evaluator", "text-normalizer", "threshold-filter", "canned-provider", "guide-example", "echo"};
        Path cache = Files.createTempDirectory("llmtb-soak-cache");
        long start = System.nanoTime();
        try (PluginSystem system = PluginSystem.builder().cacheDir(cache).scanClasspath(false).build()) {
            // Distinct plugins: each load is a copy of one of six real plugins under a name of its own (the last two
            // letters of the name in its data section replaced, same length) and with its own custom section, so every one
            // has its own name, module digest, compilation, classes, class loader and instantiation recipe.
            Path variants = Files.createTempDirectory("llmtb-soak-variants");
            java.util.Set<String> digests = new java.util.HashSet<>();
            List<PluginId> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                byte[] wasm = variant(Files.readAllBytes(plugin(names[i % names.length])), names[i % names.length], i);
                digests.add(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(wasm)));
                Path file = variants.resolve(names[i % names.length] + "-" + i + ".wasm");
                Files.write(file, wasm);
                ids.add(system.loadPlugin(file));
            }
            long distinctNames = ids.stream().map(PluginId::name).distinct().count();
            long loadedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            long heapLoaded = heapAfterGc();
            int ok = 0;
            for (PluginId id : ids) {
                try {
                    system.executePlugin(id, id.name().equals("similarity-evaluator") ? EVAL_INPUT
                            : PluginInput.of("{\"text\":\"Hello\",\"prompt\":\"hi\",\"scores\":{\"similarity\":0.9}}"));
                    ok++;
                } catch (PluginException e) {
                    failures.add(id + ": " + e.getMessage());
                }
            }
            long heapRun = heapAfterGc();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("plugins", n);
            r.put("distinct_modules", digests.size());
            r.put("distinct_names", distinctNames);
            r.put("base_plugins", names.length);
            r.put("max_heap_mib", Runtime.getRuntime().maxMemory() / 1048576);
            r.put("heap_after_load_mib", heapLoaded / 1048576.0);
            r.put("heap_after_executing_each_mib", heapRun / 1048576.0);
            r.put("metaspace_mib", metaspace() / 1048576.0);
            r.put("load_s", loadedMs / 1000.0);
            r.put("executions_ok", ok);
            result("many", r);
            check(ok == n, (n - ok) + " executions failed");
            check(digests.size() == n, "only " + digests.size() + " distinct modules of " + n);
            check(distinctNames == n, "only " + distinctNames + " distinct plugin names of " + n);
        }
    }

    /**
     * Copy {@code i} of a plugin: every occurrence of its name in the data section has its last two letters replaced by
     * {@code i / 6} in base 36 (same length, so the module stays valid and its metadata names the copy), and a custom
     * section {@code llmtb-soak-variant} holding {@code i} is appended.
     */
    static byte[] variant(byte[] original, String pluginName, int i) {
        byte[] wasm = original.clone();
        byte[] find = pluginName.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        String suffix = Integer.toString(i / 6 + 36 * 36, 36).substring(1); // two base-36 digits
        int pos = 8;
        while (pos < wasm.length) { // sections: only the data section's bytes are rewritten, never code
            int id = wasm[pos++] & 0xff;
            int size = 0;
            for (int shift = 0; ; shift += 7) {
                int b = wasm[pos++] & 0xff;
                size |= (b & 0x7f) << shift;
                if (b < 0x80) {
                    break;
                }
            }
            int end = pos + size;
            for (int at = pos; id == 11 && at + find.length <= end; at++) {
                if (java.util.Arrays.equals(wasm, at, at + find.length, find, 0, find.length)) {
                    wasm[at + find.length - 2] = (byte) suffix.charAt(0);
                    wasm[at + find.length - 1] = (byte) suffix.charAt(1);
                    at += find.length - 1;
                }
            }
            pos = end;
        }
        byte[] name = "llmtb-soak-variant".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] payload = Integer.toString(i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var section = new java.io.ByteArrayOutputStream();
        leb(section, name.length);
        section.writeBytes(name);
        section.writeBytes(payload);
        var out = new java.io.ByteArrayOutputStream(wasm.length + section.size() + 6);
        out.writeBytes(wasm);
        out.write(0); // custom section
        leb(out, section.size());
        out.writeBytes(section.toByteArray());
        return out.toByteArray();
    }

    private static void leb(java.io.ByteArrayOutputStream out, int value) {
        do {
            int b = value & 0x7f;
            value >>>= 7;
            out.write(value != 0 ? b | 0x80 : b);
        } while (value != 0);
    }

    void cycles(int n) throws Exception {
        Path wasm = plugin("text-normalizer");
        Path cache = Files.createTempDirectory("llmtb-soak-cache");
        try (PluginSystem system = PluginSystem.builder().cacheDir(cache).scanClasspath(false).build()) {
            Snapshot warm = null;
            Snapshot mid = null;
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                PluginId id = system.loadPlugin(wasm);
                system.executePlugin(id, PluginInput.of("{\"text\":\"  Hello,   World  \"}"));
                system.unloadPlugin(id);
                if (i == n / 10) {
                    warm = Snapshot.take();
                } else if (i == n / 2) {
                    mid = Snapshot.take();
                }
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            Snapshot end = Snapshot.take();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("cycles", n);
            r.put("ms_per_cycle", (double) ms / n);
            r.put("from_cycle", n / 10);
            r.put("metaspace_mib_at_half", String.format("%.1f", mid.metaspace / 1048576.0));
            r.put("classes_at_half", mid.classes);
            r.putAll(end.against(warm));
            result("cycles", r);
            // the second half must add nothing: the first fills the JIT's and the JDK's own caches
            check(pct(mid.metaspace, end.metaspace) < 3, "Metaspace grew " + pct(mid.metaspace, end.metaspace) + "% over the second half");
            check(pct(mid.classes, end.classes) < 1, "loaded classes grew " + pct(mid.classes, end.classes) + "% over the second half");
            check(end.threads <= warm.threads + 2, "threads grew");
        }
    }

    void reload(int seconds) throws Exception {
        Path dir = Files.createTempDirectory("llmtb-soak-reload");
        Path v1 = plugin("reload_v1");
        Path v2 = plugin("reload_v2");
        Path cache = Files.createTempDirectory("llmtb-soak-cache");
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<String> samples = new ArrayList<>();
        int reloads = 0;
        Snapshot warm;
        Snapshot end;
        try (PluginSystem system = PluginSystem.builder().cacheDir(cache).scanClasspath(false).build()) {
            Path live = dir.resolve("reload.wasm");
            Files.copy(v1, live);
            system.loadPlugin(live);
            String name = system.listPlugins().get(0).name();
            AtomicBoolean stop = new AtomicBoolean();
            int threads = 4;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<CompletableFuture<Void>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(CompletableFuture.runAsync(() -> {
                    while (!stop.get()) {
                        try {
                            system.executePlugin(name, PluginInput.of("{\"text\":\"x\"}"));
                            ok.incrementAndGet();
                        } catch (RuntimeException e) {
                            failed.incrementAndGet();
                            synchronized (samples) {
                                if (samples.size() < 5) {
                                    samples.add(e.toString());
                                }
                            }
                        }
                    }
                }, pool));
            }
            long endAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            long warmAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(1, seconds / 10));
            warm = null;
            while (System.nanoTime() < endAt) {
                Path next = reloads % 2 == 0 ? v2 : v1;
                Path tmp = dir.resolve("next.wasm");
                Files.copy(next, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, live, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                system.reloadPlugin(live, LoadOptions.defaults());
                reloads++;
                if (warm == null && System.nanoTime() > warmAt) {
                    warm = Snapshot.take();
                }
            }
            stop.set(true);
            CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            pool.shutdown();
            end = Snapshot.take();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("seconds", seconds);
            r.put("threads", threads);
            r.put("reloads", reloads);
            r.put("executions", ok.get() + failed.get());
            r.put("failed", failed.get());
            r.put("loaded_versions_at_end", system.listPlugins().size());
            r.putAll(end.against(warm));
            result("reload", r);
            check(failed.get() == 0, failed.get() + " executions failed during reloads: " + samples);
            check(system.listPlugins().size() == 1, "versions left loaded: " + system.listPlugins());
            check(Math.abs(pct(warm.classes, end.classes)) < 5, "loaded classes grew " + pct(warm.classes, end.classes) + "%");
        }
    }

    void storm(int n) throws Exception {
        Path cache = Files.createTempDirectory("llmtb-soak-cache");
        ResourceLimits quick = ResourceLimits.builder().maxInstructions(2_000_000).maxExecutionTimeMs(2_000).build();
        ResourceLimits deadline = ResourceLimits.builder().maxInstructions(Long.MAX_VALUE).maxExecutionTimeMs(100).build();
        record Case(String plugin, ResourceLimits limits, ErrorKind expected) {}
        List<Case> cases = List.of(
                new Case("loop_forever", quick, ErrorKind.FUEL_EXHAUSTED),
                new Case("br_table_loop_forever", deadline, ErrorKind.TIMEOUT),
                new Case("trap_unreachable", quick, ErrorKind.TRAP),
                new Case("trap_out_of_bounds_load", quick, ErrorKind.TRAP),
                new Case("recursion_unbounded", quick, ErrorKind.TRAP),
                new Case("grow_memory_bomb", ResourceLimits.builder().maxMemoryBytes(8L << 20).build(), ErrorKind.MEMORY_LIMIT),
                new Case("returns_error_code", quick, ErrorKind.PLUGIN_ERROR),
                new Case("invalid_json_output", quick, ErrorKind.INVALID_OUTPUT),
                new Case("echo", quick, null),
                new Case("similarity-evaluator", quick, null));
        Map<ErrorKind, AtomicLong> seen = new EnumMap<>(ErrorKind.class);
        for (ErrorKind k : ErrorKind.values()) {
            seen.put(k, new AtomicLong());
        }
        AtomicLong ok = new AtomicLong();
        AtomicLong unexpected = new AtomicLong();
        List<String> samples = new ArrayList<>();
        try (PluginSystem system = PluginSystem.builder().cacheDir(cache).scanClasspath(false).build()) {
            List<PluginId> ids = new ArrayList<>();
            for (Case c : cases) {
                ids.add(system.loadPlugin(plugin(c.plugin()), LoadOptions.builder().limits(c.limits()).build()));
            }
            Snapshot warm = null;
            int threads = 4;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            long start = System.nanoTime();
            int rounds = 10;
            for (int round = 0; round < rounds; round++) {
                List<CompletableFuture<Void>> work = new ArrayList<>();
                int base = round * (n / rounds);
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    work.add(CompletableFuture.runAsync(() -> {
                        for (int i = base + thread; i < base + n / rounds; i += threads) {
                            int k = i % cases.size();
                            Case c = cases.get(k);
                            try {
                                system.executePlugin(ids.get(k), c.plugin().equals("similarity-evaluator") ? EVAL_INPUT
                                        : PluginInput.of("{\"text\":\"storm\"}"));
                                if (c.expected() == null) {
                                    ok.incrementAndGet();
                                } else {
                                    unexpected.incrementAndGet();
                                }
                            } catch (PluginException e) {
                                seen.get(e.kind()).incrementAndGet();
                                if (e.kind() != c.expected()) {
                                    unexpected.incrementAndGet();
                                    synchronized (samples) {
                                        if (samples.size() < 5) {
                                            samples.add(c.plugin() + ": " + e.getMessage());
                                        }
                                    }
                                }
                            }
                        }
                    }, pool));
                }
                CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
                if (round == 0) {
                    warm = Snapshot.take();
                }
            }
            pool.shutdown();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            Snapshot end = Snapshot.take();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("executions", n);
            r.put("threads", threads);
            r.put("seconds", ms / 1000.0);
            r.put("ok", ok.get());
            seen.forEach((k, v) -> {
                if (v.get() > 0) {
                    r.put(k.name(), v.get());
                }
            });
            r.put("unexpected", unexpected.get());
            r.put("after_round", 1);
            r.putAll(end.against(warm));
            result("storm", r);
            check(unexpected.get() == 0, unexpected.get() + " unexpected outcomes: " + samples);
            check(end.threads <= warm.threads + 4, "threads grew " + warm.threads + " -> " + end.threads);
            check(pct(warm.heap, end.heap) < 25, "heap grew " + pct(warm.heap, end.heap) + "%");
        }
    }

    void close(int n) throws Exception {
        Path cache = Files.createTempDirectory("llmtb-soak-cache");
        ResourceLimits endless = ResourceLimits.builder().maxInstructions(Long.MAX_VALUE).maxExecutionTimeMs(600_000).build();
        long[] closeMicros = new long[n];
        long[] releasedMicros = new long[n];
        long cancelled = 0;
        long other = 0;
        long doneBeforeClose = 0;
        List<String> otherOutcomes = new ArrayList<>();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] before = mx.getAllThreadIds();
        for (int round = 0; round < n; round++) {
            PluginSystem system = PluginSystem.builder().cacheDir(cache).scanClasspath(false).maxInstances(2).build();
            PluginId spin = system.loadPlugin(plugin("loop_forever"), LoadOptions.builder().limits(endless).build());
            PluginId echo = system.loadPlugin(plugin("echo"), LoadOptions.builder().limits(endless).build());
            List<CompletableFuture<?>> pending = new ArrayList<>();
            pending.add(system.executePluginAsync(spin, PluginInput.of("{}")));
            pending.add(system.executePluginAsync(spin, PluginInput.of("{}")));
            Thread.sleep(100); // two spin, holding both instance permits
            pending.add(system.executePluginAsync(echo, PluginInput.of("{}"))); // waits for a permit
            Thread.sleep(20);
            boolean[] done = new boolean[pending.size()];
            for (int i = 0; i < done.length; i++) {
                done[i] = pending.get(i).isDone(); // on a loaded machine echo may get an instance before both spin
            }
            long t0 = System.nanoTime();
            system.close();
            closeMicros[round] = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0);
            for (int i = 0; i < done.length; i++) {
                if (done[i]) {
                    doneBeforeClose++;
                    continue;
                }
                try {
                    pending.get(i).get(10, TimeUnit.SECONDS);
                    other++;
                    otherOutcomes.add("success");
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof PluginException p && p.kind() == ErrorKind.CANCELLED) {
                        cancelled++;
                    } else {
                        other++;
                        otherOutcomes.add(String.valueOf(e.getCause()));
                    }
                }
            }
            releasedMicros[round] = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0);
        }
        Thread.sleep(500);
        long[] after = Arrays.stream(mx.getAllThreadIds()).filter(id -> Arrays.stream(before).noneMatch(b -> b == id)).toArray();
        long cpu0 = Arrays.stream(after).map(mx::getThreadCpuTime).filter(v -> v > 0).sum();
        Thread.sleep(1000);
        long cpu1 = Arrays.stream(after).map(mx::getThreadCpuTime).filter(v -> v > 0).sum();
        Arrays.sort(closeMicros);
        Arrays.sort(releasedMicros);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("closes", n);
        r.put("executions_in_flight", 3 * n);
        r.put("finished_before_close", doneBeforeClose);
        r.put("cancelled", cancelled);
        r.put("other", other);
        r.put("close_ms_p50", closeMicros[n / 2] / 1000.0);
        r.put("close_ms_p99", closeMicros[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)] / 1000.0);
        r.put("close_ms_max", closeMicros[n - 1] / 1000.0);
        r.put("all_released_ms_max", releasedMicros[n - 1] / 1000.0);
        r.put("cpu_ms_after_close_per_s", TimeUnit.NANOSECONDS.toMillis(cpu1 - cpu0));
        r.put("leftover_threads", after.length);
        result("close", r);
        check(cancelled + doneBeforeClose == 3L * n && other == 0, "outcomes: " + cancelled + " cancelled, " + other + " other: "
                + otherOutcomes);
        check(closeMicros[n - 1] < 1_000_000, "a close took " + closeMicros[n - 1] / 1000 + " ms");
        check(TimeUnit.NANOSECONDS.toMillis(cpu1 - cpu0) < 100, "threads still burn CPU after close");
    }
}
