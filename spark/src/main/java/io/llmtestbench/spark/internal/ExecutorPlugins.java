package io.llmtestbench.spark.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbench.pipeline.InvalidPipelineException;
import io.llmtestbench.pipeline.Pipeline;
import io.llmtestbench.pipeline.PipelineLoadException;
import io.llmtestbench.pipeline.PipelineRunner;
import io.llmtestbench.spark.internal.SparkJson;
import io.llmtestbench.runtime.PluginSystem;
import io.llmtestbench.runtime.SignaturePolicy;
import io.llmtestbench.runtime.SystemOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugins of one JVM (an executor, or the driver in local mode): one {@link PluginSystem} per signature policy
 * (one in practice), built lazily by the first task that needs it and shared by every task of the JVM; each pipeline
 * loaded once into it ({@link PipelineRunner}, keyed by {@link JobSpec#key()}), its plugins' instances pooled across
 * tasks. Everything is closed by a JVM shutdown hook, so plugins get {@code plugin_shutdown} when the executor ends.
 */
public final class ExecutorPlugins {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorPlugins.class);

    /** A pipeline loaded into a system. */
    public record Loaded(PluginSystem system, PipelineRunner runner, long loadMs) {}

    private static final Map<String, PluginSystem> SYSTEMS = new ConcurrentHashMap<>();
    private static final Map<String, CompletableFuture<Loaded>> LOADED = new ConcurrentHashMap<>();
    private static final AtomicLong RECORDS = new AtomicLong();
    private static final Object HOOK = new Object();
    private static boolean hooked;

    private ExecutorPlugins() {}

    /** Records run through a pipeline by this JVM so far (tests check "exactly once" with it). */
    public static long recordsProcessed() {
        return RECORDS.get();
    }

    static void counted(int n) {
        RECORDS.addAndGet(n);
    }

    /**
     * The pipeline of {@code spec}, loaded into this JVM's plugin system (the first call loads it; concurrent callers
     * wait for that load; a failed load is tried again by the next call).
     */
    public static Loaded load(JobSpec spec) throws PipelineLoadException, InvalidPipelineException {
        String key = spec.key();
        while (true) {
            CompletableFuture<Loaded> mine = new CompletableFuture<>();
            CompletableFuture<Loaded> f = LOADED.putIfAbsent(key, mine);
            if (f == null) {
                try {
                    mine.complete(doLoad(spec));
                } catch (PipelineLoadException | InvalidPipelineException | RuntimeException | Error e) {
                    LOADED.remove(key, mine);
                    mine.completeExceptionally(e);
                    throw e;
                }
                return mine.join();
            }
            try {
                return f.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof PipelineLoadException le) {
                    throw le;
                }
                if (e.getCause() instanceof InvalidPipelineException ie) {
                    throw ie;
                }
                if (LOADED.get(key) == f) {
                    throw e.getCause() instanceof RuntimeException re ? re : e;
                }
                // the failed load was removed: try again
            }
        }
    }

    private static Loaded doLoad(JobSpec spec) throws PipelineLoadException, InvalidPipelineException {
        if (!spec.auditLog()) {
            quietAudit();
        }
        List<String> warnings = new ArrayList<>();
        JsonNode root;
        try {
            root = SparkJson.parse("pipeline " + spec.pipelineFile(), spec.pipelineJson());
        } catch (SparkJson.BadJson e) {
            throw new InvalidPipelineException(e.getMessage());
        }
        Pipeline parsed = Pipeline.parse(Path.of(spec.pipelineFile()), root, spec.base() == null ? null : Path.of(spec.base()), warnings::add);
        Pipeline pipeline = parsed.withPluginFiles(s -> {
            JobSpec.ShippedFile f = spec.plugins().get(s.where());
            return f == null ? null : shippedFile(f);
        });
        PluginSystem system = SYSTEMS.computeIfAbsent(spec.policyKey(), k -> newSystem(spec, pipeline.stages().size()));
        long start = System.nanoTime();
        PipelineRunner runner = PipelineRunner.load(system, pipeline, spec.requireMetering(), warnings::add);
        long loadMs = (System.nanoTime() - start) / 1_000_000;
        for (String w : warnings) {
            LOG.warn("llmtb: {}", w);
        }
        LOG.info("llmtb: pipeline {} loaded in {} ms ({} plugins)", spec.pipelineFile(), loadMs, pipeline.stages().size());
        return new Loaded(system, runner.carrying(spec.carried()), loadMs);
    }

    /** The local copy of a shipped plugin file, checked against the digest the driver computed. */
    private static Path shippedFile(JobSpec.ShippedFile f) {
        Path p = Path.of(SparkFiles.get(f.name()));
        String actual;
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                d.update(buf, 0, n);
            }
            actual = HexFormat.of().formatHex(d.digest());
        } catch (IOException e) {
            throw new IllegalStateException("llmtb: the plugin file shipped with the job as " + f.name() + " cannot be read here ("
                    + p + "): " + e, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (!actual.equals(f.sha256())) {
            throw new IllegalStateException("llmtb: the plugin file shipped as " + f.name() + " has SHA-256 " + actual + " here (" + p
                    + "), but the driver shipped SHA-256 " + f.sha256() + "; another file of that name was added to the job");
        }
        return p;
    }

    private static PluginSystem newSystem(JobSpec spec, int plugins) {
        List<PublicKey> keys = new ArrayList<>();
        for (byte[] k : spec.trustedKeys()) {
            try {
                keys.add(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(k)));
            } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
                throw new IllegalStateException("llmtb: a trusted key sent by the driver cannot be decoded: " + e, e);
            }
        }
        SignaturePolicy policy = keys.isEmpty() ? SignaturePolicy.none()
                : spec.requireSignature() ? SignaturePolicy.required(keys) : SignaturePolicy.verifyIfSigned(keys);
        int slots = taskSlots();
        int max = spec.maxInstances() > 0 ? spec.maxInstances()
                : Math.max(SystemOptions.DEFAULT_MAX_INSTANCES, (slots + 1) * plugins);
        Path cache = spec.cacheDir() == null ? defaultCache() : spec.cacheDir().isEmpty() ? null : Path.of(spec.cacheDir());
        PluginSystem system = PluginSystem.builder().enableWasi(true).maxInstances(max).cacheDir(cache).signaturePolicy(policy).build();
        hook();
        LOG.info("llmtb: plugin system for {} concurrent tasks: at most {} live instances, compile cache {}", slots, max, cache);
        return system;
    }

    /**
     * Turns the runtime's audit logger down to WARN in this JVM, through Log4j 2 (Spark's logging backend); with
     * another backend nothing changes and one warning says so.
     */
    /** The runtime's audit logger (docs/security.md, "Audit log"). */
    static final String AUDIT_LOGGER = "llmtb.audit";

    static void quietAudit() {
        try {
            org.apache.logging.log4j.core.config.Configurator.setLevel(AUDIT_LOGGER, org.apache.logging.log4j.Level.WARN);
        } catch (LinkageError | RuntimeException e) {
            LOG.warn("llmtb: cannot turn the audit log ({}) down to WARN without Log4j 2 ({}); configure that logger yourself", AUDIT_LOGGER,
                    e.toString());
        }
    }

    private static Path defaultCache() {
        String env = System.getenv("LLMTB_CACHE_DIR");
        return env != null && !env.isBlank() ? Path.of(env) : SystemOptions.defaultCacheDir();
    }

    /**
     * Tasks this JVM runs at once: {@code spark.executor.cores} (else the {@code local[N]} of the master, else the
     * processors) over {@code spark.task.cpus}.
     */
    public static int taskSlots() {
        SparkEnv env = SparkEnv.get();
        SparkConf conf = env == null ? null : env.conf();
        int cpus = Runtime.getRuntime().availableProcessors();
        int cores = cpus;
        int taskCpus = 1;
        if (conf != null) {
            taskCpus = Math.max(1, conf.getInt("spark.task.cpus", 1));
            if (conf.contains("spark.executor.cores")) {
                cores = conf.getInt("spark.executor.cores", cpus);
            } else {
                cores = localThreads(conf.get("spark.master", ""), cpus);
            }
        }
        return Math.max(1, cores / taskCpus);
    }

    /** The thread count of a {@code local}, {@code local[N]}, {@code local[*]}, {@code local[N,F]} master; {@code cpus} otherwise. */
    public static int localThreads(String master, int cpus) {
        if (master.equals("local")) {
            return 1;
        }
        var m = java.util.regex.Pattern.compile("local\\[(\\*|\\d+)(?:,\\s*\\d+)?]").matcher(master);
        if (m.matches()) {
            return m.group(1).equals("*") ? cpus : Integer.parseInt(m.group(1));
        }
        return cpus;
    }

    private static void hook() {
        synchronized (HOOK) {
            if (!hooked) {
                Runtime.getRuntime().addShutdownHook(new Thread(ExecutorPlugins::closeAll, "llmtb-close"));
                hooked = true;
            }
        }
    }

    /**
     * Closes every plugin system of this JVM (their plugins get {@code plugin_shutdown}); the next task loads again.
     * Runs at JVM exit; callers that end their Spark application but keep the JVM may call it too.
     *
     * @return the number of systems closed
     */
    public static int closeAll() {
        int n = 0;
        LOADED.clear();
        for (String k : List.copyOf(SYSTEMS.keySet())) {
            PluginSystem s = SYSTEMS.remove(k);
            if (s != null) {
                int plugins = s.listPlugins().size();
                s.close();
                n++;
                // stderr, not the logger: at JVM exit the logging system may already be shut down
                System.err.println("llmtb: closed the plugin system of this JVM (" + plugins + " plugins)");
            }
        }
        return n;
    }

    /** A pipeline's JSON for executors: the pipeline file's, without {@code defaults.trusted_keys}. */
    public static String executorJson(JsonNode root) {
        JsonNode copy = root.deepCopy();
        if (copy.path("defaults") instanceof ObjectNode d) {
            d.remove("trusted_keys");
        }
        return SparkJson.write(copy);
    }
}
