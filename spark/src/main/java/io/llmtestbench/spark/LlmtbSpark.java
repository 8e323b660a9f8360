package io.llmtestbench.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbench.pipeline.InvalidPipelineException;
import io.llmtestbench.pipeline.Pipeline;
import io.llmtestbench.pipeline.PipelineLoadException;
import io.llmtestbench.pipeline.PipelineRunner;
import io.llmtestbench.spark.internal.SparkJson;
import io.llmtestbench.spark.internal.ExecutorPlugins;
import io.llmtestbench.spark.internal.JobSpec;
import io.llmtestbench.spark.internal.PartitionRunner;
import io.llmtestbench.spark.internal.ResultRows;
import io.llmtestbench.spark.internal.Shipping;
import io.llmtestbench.spark.internal.SparkSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.FileInputFormat;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.TextInputFormat;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * llmtb pipelines on Apache Spark: the pipeline file and the plugins of {@code llmtb eval}, run by Spark's executors,
 * with the same per-record results and the same summary.
 *
 * <pre>{@code
 * Dataset<Row> records = spark.read().json("data.jsonl");        // id, category, prompt, response, expected, ...
 * Dataset<Row> results = LlmtbSpark.evaluate(records, "pipeline.json").persist();
 * results.select("id", "status", "scores", "error.kind").show();
 * String summary = LlmtbSpark.summarize(results);                 // the JSON of `llmtb eval --format json`
 * }</pre>
 *
 * <p>The pipeline is read and its plugins loaded on the driver first (so a bad pipeline or plugin fails here, with
 * the CLI's message); the plugin files are shipped with the job ({@code SparkContext.addFile}); each executor JVM
 * loads the pipeline once into one shared plugin system and runs its tasks' records through it (docs/architecture.md,
 * "Spark"). The per-record logic is the pipeline module's {@link PipelineRunner}, as in the CLI.
 */
public final class LlmtbSpark {
    private static final Logger LOG = LoggerFactory.getLogger(LlmtbSpark.class);
    /** The column {@link #evaluate} adds for a moment (the record as JSON); records may not have one of that name. */
    static final String RECORD_JSON = "__llmtb_record_json";

    private LlmtbSpark() {}

    /** How a pipeline runs; {@link #defaults()} is what {@code llmtb eval} does without options. */
    public static final class Options {
        private List<Path> trustedKeys = List.of();
        private boolean requireSignature;
        private boolean allowUnmetered;
        private String groupBy;
        private int maxInstances;
        private String cacheDir;
        private int batchSize = 256;
        private int partitions;
        private boolean auditLog = true;

        public static Options defaults() {
            return new Options();
        }

        /** Public keys ({@code .pub} files of {@code llmtb keygen}) to trust, added to the pipeline's {@code defaults.trusted_keys}. */
        public Options trustedKeys(List<Path> v) {
            trustedKeys = List.copyOf(v);
            return this;
        }

        /** Refuse any plugin without a signature by a trusted key ({@code --require-signature}). */
        public Options requireSignature(boolean v) {
            requireSignature = v;
            return this;
        }

        /** Accept plugin jars compiled without fuel metering ({@code --allow-unmetered}). */
        public Options allowUnmetered(boolean v) {
            allowUnmetered = v;
            return this;
        }

        /**
         * A record field to copy into each result's {@code fields} column, for {@link #summarize(Dataset, String)} of
         * JSON lines ({@link #evaluateJsonLines}); record rows keep all their columns anyway.
         */
        public Options groupBy(String v) {
            groupBy = v;
            return this;
        }

        /** Live plugin instances per executor JVM (default: 50, or more for many concurrent tasks; {@code SystemOptions.maxInstances}). */
        public Options maxInstances(int v) {
            if (v < 0) {
                throw new IllegalArgumentException("maxInstances must be positive (0: the default): " + v);
            }
            maxInstances = v;
            return this;
        }

        /** The compile cache of {@code .wasm} plugins on each executor (null: none). Default: $LLMTB_CACHE_DIR, else ~/.cache/llmtb/compiled. */
        public Options cacheDir(Path v) {
            cacheDir = v == null ? "" : v.toString();
            return this;
        }

        /** Records handed to a plugin thread at a time (default 256). */
        public Options batchSize(int v) {
            if (v < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1: " + v);
            }
            batchSize = v;
            return this;
        }

        /**
         * Whether the runtime's audit log ({@code llmtb.audit}: one INFO event per plugin execution, docs/security.md)
         * stays as the executors' logging configuration has it (true, the default), or is turned down to WARN on every
         * JVM that runs the pipeline (false), as {@code llmtb eval} runs without {@code --verbose}: at Spark's default
         * INFO level the audit log is one line per plugin call in the executors' logs, a measurable share of the
         * job's time (RESULTS.md, "Spark"). Works with Spark's own logging backend (Log4j 2); otherwise configure the
         * {@code llmtb.audit} logger yourself.
         */
        public Options auditLog(boolean v) {
            auditLog = v;
            return this;
        }

        /** Partitions at least for {@link #evaluateJsonLines} (default: {@code spark.default.parallelism}). */
        public Options partitions(int v) {
            if (v < 0) {
                throw new IllegalArgumentException("partitions must be positive (0: the default): " + v);
            }
            partitions = v;
            return this;
        }
    }

    /** {@link #evaluate(Dataset, Path, Options)} with the defaults. */
    public static Dataset<Row> evaluate(Dataset<Row> records, String pipeline) throws InvalidPipelineException, PipelineLoadException {
        return evaluate(records, Path.of(pipeline), Options.defaults());
    }

    /** {@link #evaluate(Dataset, Path, Options)} with the defaults. */
    public static Dataset<Row> evaluate(Dataset<Row> records, Path pipeline) throws InvalidPipelineException, PipelineLoadException {
        return evaluate(records, pipeline, Options.defaults());
    }

    /**
     * Runs every record (row) through the pipeline: one result row per record, in the records' order.
     *
     * <p>A row is the record whose fields are its columns (as {@code to_json} writes them: null columns are absent
     * fields), so a data set read with {@code spark.read().json(file)} gives the records of that file. The result
     * has the record's columns, then the result columns (spark/README.md, "Results"): {@code line} (the row's
     * position, from 1), {@code status}, {@code kept}, {@code response_source}, {@code provider_output},
     * {@code text} (the final response, after the transforms), {@code scores}, {@code passed} and
     * {@code evaluations} (each evaluator's score, verdict and whole output, by evaluator name), {@code filters},
     * {@code error} (stage, where, plugin, kind, message, code: why the record failed), {@code stages} (each call's
     * time and fuel), {@code fields}, {@code elapsed_ms}, and {@code result}: the line {@code llmtb eval --out} writes
     * for the record. A record whose plugin fails is a row with status {@code failed}, never a failed task.
     *
     * <p>Numbering the rows runs one Spark job at once (a count per partition); the pipeline itself runs when the
     * result is computed. Persist the result if it is used more than once: each computation runs the pipeline.
     *
     * @throws InvalidPipelineException the pipeline file is invalid, or its filters read scores no evaluator gives
     * @throws PipelineLoadException a plugin of the pipeline cannot be loaded (missing, invalid, refused by the
     *     signature policy...); {@link PipelineLoadException#stage()} names the stage
     * @throws IllegalArgumentException a record column has the name of a result column (rename it first)
     */
    public static Dataset<Row> evaluate(Dataset<Row> records, Path pipeline, Options options)
            throws InvalidPipelineException, PipelineLoadException {
        Objects.requireNonNull(records, "records");
        for (String c : records.columns()) {
            if (ResultRows.NAMES.contains(c) || c.equals(RECORD_JSON)) {
                throw new IllegalArgumentException("llmtb: the records have a column '" + c + "', which is the name of a result column;"
                        + " rename it (records.withColumnRenamed(\"" + c + "\", ...)). Result columns: " + new java.util.TreeSet<>(ResultRows.NAMES));
            }
        }
        SparkSession spark = records.sparkSession();
        Prepared p = prepare(spark, pipeline, null, options);
        Column[] all = Arrays.stream(records.columns()).map(c -> records.col(c)).toArray(Column[]::new);
        Column[] withJson = Arrays.copyOf(all, all.length + 1);
        withJson[all.length] = functions.to_json(functions.struct(all)).as(RECORD_JSON);
        JavaRDD<Row> out = records.select(withJson).javaRDD().zipWithIndex().mapPartitions(PartitionRunner.rows(p.spec));
        List<StructField> fields = new ArrayList<>(Arrays.asList(records.schema().fields()));
        fields.addAll(ResultRows.fields(p.metadata));
        return spark.createDataFrame(out, new StructType(fields.toArray(StructField[]::new)));
    }

    /** {@link #evaluateJsonLines(SparkSession, String, Path, Options)} with the defaults. */
    public static Dataset<Row> evaluateJsonLines(SparkSession spark, String data, String pipeline)
            throws InvalidPipelineException, PipelineLoadException {
        return evaluateJsonLines(spark, data, Path.of(pipeline), Options.defaults());
    }

    /**
     * Runs a JSON Lines file through the pipeline exactly as {@code llmtb eval --data} does: each non-blank line is a
     * record (its bytes decoded and parsed by the pipeline module, so a line that is not UTF-8, not JSON or not a
     * usable record is an {@code invalid} result with the CLI's message), {@code line} is its line number in the file,
     * and {@code result} is, field for field, the line {@code llmtb eval --out} writes. The record columns are
     * {@code id} and {@code category} (a string value as is, another JSON value as its JSON text, null when absent).
     *
     * @param data a file path Hadoop can read (local, {@code hdfs://}, {@code s3a://}...); one file, so that lines have numbers
     */
    public static Dataset<Row> evaluateJsonLines(SparkSession spark, String data, Path pipeline, Options options)
            throws InvalidPipelineException, PipelineLoadException {
        NumberedLines numbered = NumberedLines.start(spark, data, options);
        Prepared p = numbered.whilePreparing(() -> prepare(spark, pipeline, data, options));
        JavaRDD<Row> out = numbered.join().mapPartitions(PartitionRunner.lines(p.spec));
        List<StructField> fields = new ArrayList<>();
        fields.add(new StructField("id", DataTypes.StringType, true, Metadata.empty()));
        fields.add(new StructField("category", DataTypes.StringType, true, Metadata.empty()));
        fields.addAll(ResultRows.fields(p.metadata));
        return spark.createDataFrame(out, new StructType(fields.toArray(StructField[]::new)));
    }

    /**
     * The non-blank lines of a JSON Lines file, each with its position in the file from 0 (its line number less one):
     * {@code zipWithIndex} numbers them, which runs one small job at once (a count per partition but the last).
     */
    static JavaPairRDD<byte[], Long> numberedLines(SparkSession spark, String data, Options options) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JobConf conf = new JobConf(jsc.hadoopConfiguration());
        conf.set("textinputformat.record.delimiter", "\n"); // as the CLI: only \n ends a line (a trailing \r is dropped below)
        FileInputFormat.setInputPaths(conf, new org.apache.hadoop.fs.Path(data));
        try {
            org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(data);
            var fs = path.getFileSystem(conf);
            if (!fs.exists(path)) {
                throw new IllegalArgumentException("llmtb: --data: no such file: " + data);
            }
            if (fs.getFileStatus(path).isDirectory()) {
                throw new IllegalArgumentException("llmtb: " + data + " is a directory; JSON Lines data is one file (records are"
                        + " numbered by line). Read a directory with spark.read().json(dir) or parquet(dir) and use evaluate(records, pipeline)");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("llmtb: cannot read " + data + ": " + e.getMessage(), e);
        }
        int min = options.partitions > 0 ? options.partitions : jsc.defaultParallelism();
        JavaRDD<byte[]> lines = jsc.hadoopRDD(conf, TextInputFormat.class, LongWritable.class, Text.class, min)
                .map(t -> lineBytes(t._1().get(), t._2()));
        return lines.zipWithIndex().filter(t -> !blank(t._1()));
    }

    /**
     * {@link #numberedLines} on a thread of its own, started before the pipeline is loaded on the driver: the numbering
     * job (which reads the file) runs on the executors while the driver loads the plugins, instead of after.
     */
    static final class NumberedLines {
        private final SparkSession spark;
        private final String group;
        private final CompletableFuture<JavaPairRDD<byte[], Long>> rdd = new CompletableFuture<>();

        private NumberedLines(SparkSession spark) {
            this.spark = spark;
            this.group = "llmtb-numbering-" + UUID.randomUUID();
        }

        static NumberedLines start(SparkSession spark, String data, Options options) {
            NumberedLines n = new NumberedLines(spark);
            Thread t = new Thread(() -> {
                try {
                    spark.sparkContext().setJobGroup(n.group, "llmtb: numbering the lines of " + data, true);
                    n.rdd.complete(numberedLines(spark, data, options));
                } catch (Throwable e) {
                    n.rdd.completeExceptionally(e);
                }
            }, "llmtb-numbering");
            t.setDaemon(true);
            t.start();
            return n;
        }

        /** Runs {@code prepare}; if it fails, the numbering job is cancelled. */
        <T> T whilePreparing(Preparation<T> prepare) throws InvalidPipelineException, PipelineLoadException {
            boolean ok = false;
            try {
                T t = prepare.run();
                ok = true;
                return t;
            } finally {
                if (!ok) {
                    spark.sparkContext().cancelJobGroup(group);
                }
            }
        }

        /** The numbered lines (waits for the numbering job); its exceptions as {@link #numberedLines} throws them. */
        JavaPairRDD<byte[], Long> join() {
            try {
                return rdd.join();
            } catch (java.util.concurrent.CompletionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw e;
            }
        }
    }

    /** What {@link NumberedLines#whilePreparing} runs. */
    interface Preparation<T> {
        T run() throws InvalidPipelineException, PipelineLoadException;
    }

    /** A line's bytes as the CLI reads them: without a trailing \r, and without the UTF-8 byte order mark at the file's start. */
    static byte[] lineBytes(long offset, Text t) {
        int start = 0;
        int end = t.getLength();
        byte[] b = t.getBytes();
        if (offset == 0 && end >= 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF) {
            start = 3;
        }
        if (end > start && b[end - 1] == '\r') {
            end--;
        }
        return Arrays.copyOfRange(b, start, end);
    }

    /** Blank as the CLI sees it: only spaces, tabs and carriage returns. */
    static boolean blank(byte[] b) {
        for (byte x : b) {
            if (x != ' ' && x != '\t' && x != '\r') {
                return false;
            }
        }
        return true;
    }

    /** The summary of {@code llmtb eval --format json} for these results, grouped by {@code category}. */
    public static String summarize(Dataset<Row> results) {
        return summarize(results, null);
    }

    /**
     * The summary {@code llmtb eval --format json --group-by FIELD} prints for these results (cli/README.md, "Summary"),
     * computed with Spark aggregations: the same JSON, key for key, for the same results. The run's facts
     * ({@code pipeline}, {@code threads}, {@code load_ms}, the pipeline's stages) come from the result columns'
     * metadata; {@code elapsed_ms} and {@code records_per_second} measure this call (which computes the results if
     * they are not persisted). Run it on the Dataset {@link #evaluate} returned, or a selection that keeps its columns.
     *
     * @param groupBy the record field to break the summary down by (a record column, or a {@code fields} key); null for
     *     {@code category}
     */
    public static String summarize(Dataset<Row> results, String groupBy) {
        return SparkJson.pretty(SparkSummary.summarize(results, groupBy, null, -1));
    }

    /** A pipeline read and loaded on the driver, ready for the executors: the job's spec and the run's facts (for the summary). */
    record Prepared(JobSpec spec, Metadata metadata, JsonNode run) {}

    static Prepared prepare(SparkSession spark, Path pipelineFile, String data, Options options)
            throws InvalidPipelineException, PipelineLoadException {
        List<String> warnings = new ArrayList<>();
        Pipeline pipeline = Pipeline.read(pipelineFile, warnings::add);
        warnings.forEach(w -> LOG.warn("llmtb: {}", w));
        String text;
        JsonNode root;
        try {
            text = Files.readString(pipelineFile, StandardCharsets.UTF_8);
            root = SparkJson.parse("pipeline " + pipelineFile, text);
        } catch (IOException | SparkJson.BadJson e) {
            throw new InvalidPipelineException("pipeline " + pipelineFile + ": " + e.getMessage());
        }
        List<PublicKey> keys = new ArrayList<>(pipeline.trustedKeys());
        for (Path k : options.trustedKeys) {
            try {
                keys.add(io.llmtestbench.compiler.PluginSigner.decodePublicKey(Files.readString(k, StandardCharsets.UTF_8)));
            } catch (java.nio.file.NoSuchFileException e) {
                throw new IllegalArgumentException("llmtb: trusted key: no such file: " + k, e);
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException("llmtb: trusted key " + k + ": " + e.getMessage(), e);
            }
        }
        boolean require = options.requireSignature || pipeline.requireSignature();
        if (require && keys.isEmpty()) {
            throw new InvalidPipelineException("pipeline " + pipelineFile + ": a required signature needs at least one trusted key"
                    + " (defaults.trusted_keys, or Options.trustedKeys / --trusted-key FILE)");
        }
        List<String> carried = options.groupBy == null ? List.of() : List.of(options.groupBy);
        JobSpec spec = new JobSpec(pipelineFile.toString(), ExecutorPlugins.executorJson(root),
                pipelineFile.toAbsolutePath().getParent().toString(), Shipping.ship(spark.sparkContext(), pipeline),
                keys.stream().map(PublicKey::getEncoded).toList(), require, !options.allowUnmetered, carried, options.maxInstances,
                options.cacheDir, options.batchSize, options.auditLog);
        // Load on the driver: a bad plugin fails here, once, with the CLI's message (and, in local mode, the tasks reuse it).
        ExecutorPlugins.Loaded loaded = ExecutorPlugins.load(spec);
        ObjectNode run = SparkJson.object();
        run.put("pipeline", pipelineFile.toString());
        run.put("pipeline_name", pipeline.name());
        if (data == null) {
            run.putNull("data");
        } else {
            run.put("data", data);
        }
        run.put("threads", spark.sparkContext().defaultParallelism());
        run.put("load_ms", loaded.loadMs());
        ArrayNode stages = run.putArray("stages");
        for (PipelineRunner.LoadedStage s : loaded.runner().stages()) {
            stages.addObject().put("where", s.spec().where()).put("stage", s.spec().kind().jsonName()).put("plugin", s.name());
        }
        Metadata md = new MetadataBuilder().putString(SparkSummary.RUN_METADATA, SparkJson.write(run)).build();
        return new Prepared(spec, md, run);
    }
}
