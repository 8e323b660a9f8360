package io.llmtestbench.spark;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbench.pipeline.EvalSummary;
import io.llmtestbench.pipeline.InvalidPipelineException;
import io.llmtestbench.pipeline.PipelineLoadException;
import io.llmtestbench.spark.internal.SparkJson;
import io.llmtestbench.spark.internal.SparkSummary;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import io.llmtestbench.spark.internal.JobOutput;
import io.llmtestbench.spark.internal.PartitionRunner;
import org.apache.hadoop.io.NullWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.TextOutputFormat;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * {@code spark-submit --class io.llmtestbench.spark.EvalJob llmtb-spark-<version>.jar --pipeline p.json
 * --data data.jsonl|parquet-dir --out results/ [--format table|json] ...}: {@code llmtb eval} as a Spark job.
 * Results go to {@code --out} (a directory: JSON lines, each the CLI's {@code --out} line, or Parquet), the summary
 * to stdout (a table, or the JSON of {@code llmtb eval --format json}). Exit codes as the CLI's: 0 the batch ran,
 * 1 a plugin could not be loaded (or {@code --strict} and a record failed or was invalid), 2 usage errors.
 */
public final class EvalJob {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EvalJob.class);
    static final int OK = 0;
    static final int FAILURE = 1;
    static final int USAGE = 2;

    static final String USAGE_TEXT = """
            Usage: spark-submit --class io.llmtestbench.spark.EvalJob llmtb-spark.jar --pipeline <pipeline.json> --data <data> --out <dir> [options]
              --pipeline FILE        the pipeline (cli/README.md, "Pipeline file"); a local file of the driver
              --data PATH            a JSON Lines file (records numbered by line, as llmtb eval), or a Parquet file or
                                     directory (records numbered by row); Hadoop paths (hdfs://, s3a://...) work
              --data-format F        jsonl | parquet | json (a directory of JSON Lines part files); default: by --data
              --out DIR              where the results go (must not exist unless --overwrite)
              --out-format F         json (default: one llmtb eval --out line per record) | parquet (every result column)
              --overwrite            replace --out if it exists
              --format F             summary on stdout: table (default) | json (the JSON of llmtb eval --format json)
              --summary-out PATH     also write the JSON summary there (a Hadoop path)
              --group-by FIELD       break the summary down by this record field (default: category)
              --partitions N         at least N partitions for a JSON Lines file (default: spark.default.parallelism)
              --trusted-key FILE     trust signatures by this public key (repeatable)
              --require-signature    refuse plugins without a signature by a trusted key
              --allow-unmetered      accept plugin jars compiled without fuel metering
              --max-instances N      live plugin instances per executor (default: 50, or more for many cores)
              --strict               exit 1 when any record failed or was invalid
              -v, --verbose          keep the plugin audit log (llmtb.audit, one INFO line per plugin call) on;
                                     without it the audit log is turned down to WARN, as llmtb eval does
            Without spark-submit, the master is spark.master (-Dspark.master=...), else local[*].
            """;

    private EvalJob() {}

    /** A usage error (exit 2). */
    static final class Usage extends Exception {
        private static final long serialVersionUID = 1L;

        Usage(String message) {
            super(message);
        }
    }

    static final class Args {
        String pipeline;
        String data;
        String dataFormat;
        String out;
        String outFormat = "json";
        boolean overwrite;
        String format = "table";
        String summaryOut;
        String groupBy = EvalSummary.CATEGORY;
        int partitions;
        final List<Path> trustedKeys = new ArrayList<>();
        boolean requireSignature;
        boolean allowUnmetered;
        int maxInstances;
        boolean strict;
        boolean verbose;
        boolean help;

        static Args parse(String[] argv) throws Usage {
            Args a = new Args();
            for (int i = 0; i < argv.length; i++) {
                String o = argv[i];
                String v = null;
                int eq = o.indexOf('=');
                if (o.startsWith("--") && eq > 0) {
                    v = o.substring(eq + 1);
                    o = o.substring(0, eq);
                }
                switch (o) {
                    case "--help", "-h" -> a.help = true;
                    case "--overwrite" -> a.overwrite = true;
                    case "--require-signature" -> a.requireSignature = true;
                    case "--allow-unmetered" -> a.allowUnmetered = true;
                    case "--strict" -> a.strict = true;
                    case "--verbose", "-v" -> a.verbose = true;
                    default -> {
                        if (v == null) {
                            if (i + 1 >= argv.length) {
                                throw new Usage(o.startsWith("--") ? "option " + o + " needs a value" : "unexpected argument: " + o);
                            }
                            v = argv[++i];
                        }
                        switch (o) {
                            case "--pipeline" -> a.pipeline = v;
                            case "--data" -> a.data = v;
                            case "--data-format" -> a.dataFormat = oneOf(o, v, "jsonl", "parquet", "json");
                            case "--out" -> a.out = v;
                            case "--out-format" -> a.outFormat = oneOf(o, v, "json", "parquet");
                            case "--format" -> a.format = oneOf(o, v, "table", "json");
                            case "--summary-out" -> a.summaryOut = v;
                            case "--group-by" -> a.groupBy = v;
                            case "--partitions" -> a.partitions = positive(o, v);
                            case "--trusted-key" -> a.trustedKeys.add(Path.of(v));
                            case "--max-instances" -> a.maxInstances = positive(o, v);
                            default -> throw new Usage("unknown option: " + o);
                        }
                    }
                }
            }
            if (a.help) {
                return a;
            }
            for (String[] req : new String[][] {{"--pipeline", a.pipeline}, {"--data", a.data}, {"--out", a.out}}) {
                if (req[1] == null || req[1].isBlank()) {
                    throw new Usage("missing required option " + req[0]);
                }
            }
            if (a.groupBy.isBlank()) {
                throw new Usage("--group-by needs a field name");
            }
            return a;
        }

        private static String oneOf(String o, String v, String... allowed) throws Usage {
            for (String x : allowed) {
                if (x.equals(v)) {
                    return v;
                }
            }
            throw new Usage(o + " must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
        }

        private static int positive(String o, String v) throws Usage {
            try {
                int n = Integer.parseInt(v);
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // below
            }
            throw new Usage(o + " must be a positive integer, got '" + v + "'");
        }
    }

    public static void main(String[] argv) {
        int code = run(argv, System.out, System.err);
        if (code != OK) {
            System.exit(code);
        }
    }

    /** Runs the job; returns the exit code. */
    static int run(String[] argv, PrintStream stdout, PrintStream err) {
        Args a;
        try {
            a = Args.parse(argv);
        } catch (Usage e) {
            err.println("llmtb EvalJob: " + e.getMessage());
            err.print(USAGE_TEXT);
            return USAGE;
        }
        if (a.help) {
            stdout.print(USAGE_TEXT);
            return OK;
        }
        SparkConf conf = new SparkConf();
        SparkSession.Builder builder = SparkSession.builder().appName("llmtb eval " + a.pipeline);
        if (!conf.contains("spark.master")) {
            builder.master("local[*]");
        }
        SparkSession spark = builder.getOrCreate();
        try {
            return run(spark, a, stdout, err);
        } finally {
            spark.stop();
        }
    }

    static int run(SparkSession spark, Args a, PrintStream stdout, PrintStream err) {
        LlmtbSpark.Options options = LlmtbSpark.Options.defaults().trustedKeys(a.trustedKeys).requireSignature(a.requireSignature)
                .allowUnmetered(a.allowUnmetered).maxInstances(a.maxInstances).partitions(a.partitions).auditLog(a.verbose)
                .groupBy(a.groupBy.equals(EvalSummary.CATEGORY) ? null : a.groupBy);
        try {
            org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(a.out);
            FileSystem fs = out.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (fs.exists(out) && !a.overwrite) {
                throw new Usage("--out " + a.out + " exists (add --overwrite to replace it)");
            }
            String format = a.dataFormat != null ? a.dataFormat : dataFormat(spark, a.data);
            long start = System.nanoTime();
            long batchStart; // the batch's start, as the CLI's: once the plugins are loaded
            ObjectNode summary;
            long written;
            if (format.equals("jsonl") && a.outFormat.equals("json")) {
                // JSON lines in, JSON lines out (the CLI's case): the tasks keep of each result only its --out line, and
                // combine the summary's observations as they go; the lines are written as they are and the tasks'
                // observations merged, with no row conversion and no SQL planning (RESULTS.md, "Spark")
                LlmtbSpark.NumberedLines numbered = LlmtbSpark.NumberedLines.start(spark, a.data, options);
                LlmtbSpark.Prepared p = numbered.whilePreparing(() -> LlmtbSpark.prepare(spark, Path.of(a.pipeline), a.data, options));
                batchStart = System.nanoTime();
                JavaRDD<JobOutput> run = numbered.join().mapPartitions(PartitionRunner.job(p.spec(), a.groupBy, p.run()))
                        .persist(StorageLevel.MEMORY_AND_DISK());
                try {
                    if (a.overwrite && fs.exists(out)) {
                        fs.delete(out, true);
                    }
                    run.filter(o -> o.line() != null).mapToPair(o -> new Tuple2<>(NullWritable.get(), new Text(o.line())))
                            .saveAsHadoopFile(a.out, NullWritable.class, Text.class, TextOutputFormat.class);
                    written = System.nanoTime();
                    summary = SparkSummary.summarizePartials(run.filter(o -> o.observations() != null).map(JobOutput::observations), p.run(),
                            a.groupBy, a.out, -1);
                } finally {
                    run.unpersist(false);
                }
            } else {
                Dataset<Row> results = switch (format) {
                    case "jsonl" -> LlmtbSpark.evaluateJsonLines(spark, a.data, Path.of(a.pipeline), options);
                    case "parquet" -> LlmtbSpark.evaluate(spark.read().parquet(a.data), Path.of(a.pipeline), options);
                    default -> LlmtbSpark.evaluate(spark.read().json(a.data), Path.of(a.pipeline), options);
                };
                results = results.persist(StorageLevel.MEMORY_AND_DISK());
                try {
                    var writer = (a.outFormat.equals("parquet") ? results.write() : results.select("result").write()).mode(a.overwrite ? "overwrite" : "errorifexists");
                    if (a.outFormat.equals("parquet")) {
                        writer.parquet(a.out);
                    } else {
                        writer.text(a.out);
                    }
                    written = System.nanoTime();
                    summary = SparkSummary.summarize(results, a.groupBy, a.out, -1);
                    batchStart = start + summary.path("load_ms").asLong() * 1_000_000; // loading happened inside evaluate
                } finally {
                    results.unpersist();
                }
            }
            LOG.info("llmtb EvalJob: pipeline run and {} results written in {} ms (plugin loading on the driver: {} ms), summary in {} ms",
                    summary.path("records").asLong(), (written - start) / 1_000_000, summary.path("load_ms").asLong(),
                    (System.nanoTime() - written) / 1_000_000);
            // The batch's time, as the CLI's: from the plugins loaded to the summary (numbering the lines, running the
            // pipeline while writing the results, the summary's aggregations).
            double batch = Math.max(0, (System.nanoTime() - batchStart) / 1e9);
            summary.put("elapsed_ms", Math.round(batch * 1000));
            summary.put("records_per_second", batch <= 0 ? 0 : Math.round(summary.path("records").asLong() / batch * 10) / 10.0);
            if (a.summaryOut != null) {
                org.apache.hadoop.fs.Path sp = new org.apache.hadoop.fs.Path(a.summaryOut);
                try (OutputStream os = sp.getFileSystem(spark.sparkContext().hadoopConfiguration()).create(sp, true)) {
                    os.write((SparkJson.pretty(summary) + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
            if (a.format.equals("json")) {
                stdout.println(SparkJson.pretty(summary));
            } else {
                stdout.print(EvalSummary.table(summary));
            }
            stdout.flush();
            if (a.strict && (summary.path("failed").asLong() > 0 || summary.path("invalid_records").path("count").asLong() > 0)) {
                return FAILURE;
            }
            return OK;
        } catch (Usage e) {
            err.println("llmtb EvalJob: " + e.getMessage());
            return USAGE;
        } catch (InvalidPipelineException e) {
            err.println("llmtb EvalJob: " + e.getMessage());
            return USAGE;
        } catch (PipelineLoadException e) {
            err.println("llmtb EvalJob: " + e.getMessage());
            return FAILURE;
        } catch (IllegalArgumentException e) {
            err.println("llmtb EvalJob: " + e.getMessage().replaceFirst("^llmtb: ", ""));
            return USAGE;
        } catch (IOException e) {
            err.println("llmtb EvalJob: " + e);
            return USAGE;
        }
    }

    /** jsonl for a file (unless it ends in .parquet), parquet for a directory. */
    private static String dataFormat(SparkSession spark, String data) throws IOException, Usage {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(data);
        FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
        if (!fs.exists(p)) {
            throw new Usage("--data: no such file or directory: " + data);
        }
        if (fs.getFileStatus(p).isDirectory() || data.endsWith(".parquet")) {
            return "parquet";
        }
        return "jsonl";
    }
}
