package io.llmtestbench.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbench.compiler.CompileLimits;
import io.llmtestbench.pipeline.BaselineComparison;
import io.llmtestbench.pipeline.EvalSummary;
import io.llmtestbench.pipeline.HtmlReport;
import io.llmtestbench.pipeline.InvalidPipelineException;
import io.llmtestbench.pipeline.Pipeline;
import io.llmtestbench.pipeline.PipelineLoadException;
import io.llmtestbench.pipeline.PipelineRunner;
import io.llmtestbench.pipeline.RecordResult;
import io.llmtestbench.runtime.ErrorKind;
import io.llmtestbench.runtime.LoadOptions;
import io.llmtestbench.runtime.PluginSystem;
import io.llmtestbench.runtime.SignaturePolicy;
import io.llmtestbench.runtime.SystemOptions;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code llmtb eval --pipeline <pipeline.json> --data <data.jsonl> [--out results.jsonl] [--report report.html]
 * [--baseline earlier-results.jsonl] [--group-by FIELD] [--threads N] [--format table|json]}.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Runs every record of a JSONL data set through a pipeline of plugins (provider -> transforms -> "
                    + "evaluators -> filters), in parallel, and summarises the scores.",
            "Data lines: {\"id\", \"category\", \"prompt\", \"response\", \"expected\"}; the provider runs only for "
                    + "records without a \"response\".",
            "Per-record results (one JSON line per input record, in input order) go to --out; the summary goes to "
                    + "stdout (a table, or JSON with --format json); --report writes it, with charts and the lowest-scoring "
                    + "records, as one self-contained HTML file; --baseline compares with an earlier run's --out. A record "
                    + "whose plugin fails is reported with its error kind and does not stop the batch; lines that are not "
                    + "valid records are counted as invalid_records.",
            "Exit codes: 0 the batch ran (even with failed records, unless --strict), 1 a plugin could not be loaded "
                    + "(or --strict and some record failed or was invalid), 2 usage error (options, pipeline file, "
                    + "unreadable data file)."
        })
final class EvalCommand implements Callable<Integer> {
    enum Format { table, json }

    @Spec
    CommandSpec spec;

    @Option(names = "--pipeline", required = true, paramLabel = "<pipeline.json>", description = "The pipeline (see cli/README.md).")
    Path pipelineFile;

    @Option(names = "--data", required = true, paramLabel = "<data.jsonl>", description = "The records, one JSON object per line.")
    Path dataFile;

    @Option(names = "--out", paramLabel = "<results.jsonl>", description = "Where to write the per-record results (JSONL).")
    Path out;

    @Option(names = "--report", paramLabel = "<report.html>",
            description = "Write an HTML report: summary, score histograms, pass rates by group, time and fuel per stage, "
                    + "grouped failures, the baseline comparison, the lowest-scoring records. One file; opens offline.")
    Path report;

    @Option(names = "--baseline", paramLabel = "<results.jsonl>",
            description = "Compare with an earlier run's --out results, record by record (matched by id): mean score "
                    + "differences with 95%% bootstrap intervals, pass/fail flips, new failures.")
    Path baseline;

    @Option(names = "--group-by", paramLabel = "FIELD",
            description = "Break the summary down by this record field (default: ${DEFAULT-VALUE}).")
    String groupBy = EvalSummary.CATEGORY;

    @Option(names = "--threads", paramLabel = "N",
            description = "Records processed in parallel (default: the number of processors, ${DEFAULT-VALUE} here).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--format", paramLabel = "table|json", description = "Summary format (default: ${DEFAULT-VALUE}).")
    Format format = Format.table;

    @Option(names = "--no-progress",
            description = "No progress line (records/s, ETA) on stderr; there is none anyway unless stderr is a terminal.")
    boolean noProgress;

    @Option(names = "--strict", description = "Exit 1 when any record failed or was invalid.")
    boolean strict;

    @Option(names = "--allow-unmetered", description = "Accept plugin jars compiled with --no-metering.")
    boolean allowUnmetered;

    @Mixin
    SignatureOptions signatures = new SignatureOptions();

    @Mixin
    VerifyJarOption verifyJar = new VerifyJarOption();

    @Mixin
    CacheOptions cache = new CacheOptions();

    @Mixin
    CompileLimitOptions compileLimits = new CompileLimitOptions();

    @Mixin
    LogOptions log = new LogOptions();

    @Override
    public Integer call() throws IOException {
        PrintStream stdout = System.out;
        PrintStream err = System.err;
        Warnings warnings = new Warnings(err);
        if (threads < 1) {
            throw usage("--threads must be at least 1");
        }
        Pipeline pipeline;
        try {
            pipeline = Pipeline.read(pipelineFile, warnings::warn);
        } catch (InvalidPipelineException e) {
            throw usage(e.getMessage());
        }
        SignaturePolicy policy;
        if (pipeline.requireSignature() && pipeline.trustedKeys().isEmpty() && signatures.trustedKeys.isEmpty()) {
            throw usage("pipeline " + pipelineFile + ": defaults.require_signature needs at least one key in defaults.trusted_keys"
                    + " (or --trusted-key FILE)");
        }
        try {
            policy = signatures.policy(pipeline.trustedKeys(), pipeline.requireSignature());
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        if (groupBy.isBlank()) {
            throw usage("--group-by needs a field name");
        }
        CompileLimits limitsToCompile;
        try {
            limitsToCompile = compileLimits.build();
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        if (report != null && out != null && report.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw usage("--report and --out name the same file: " + out);
        }
        if (report != null) {
            checkWritable(report, "--report");
        }
        BaselineComparison comparison = null;
        if (baseline != null) {
            try {
                comparison = BaselineComparison.read(baseline);
            } catch (BaselineComparison.UnusableBaselineException e) {
                throw usage(e.getMessage());
            }
        }
        DataLines data = open(dataFile);
        // the first lines decide how many workers a small file needs; the rest is read as the batch runs
        List<DataLines.Line> head = new ArrayList<>();
        DataLines.Line l;
        while (head.size() < threads * BATCH && (l = read(data)) != null) {
            head.add(l);
        }
        boolean small = head.size() < threads * BATCH;
        int plugins = pipeline.stages().size();
        int workers = Math.max(1, small ? Math.min(threads, head.size()) : threads);
        try (data; PluginSystem system = PluginSystem.builder().enableWasi(true)
                .maxInstances(Math.max(SystemOptions.DEFAULT_MAX_INSTANCES, workers * plugins + plugins))
                .cacheDir(cache.dir()).signaturePolicy(policy).compileLimits(limitsToCompile).build()) {
            PipelineRunner runner;
            long loadStart = System.nanoTime();
            try {
                runner = PipelineRunner.load(system, pipeline,
                        LoadOptions.builder().requireMetering(!allowUnmetered).jarVerification(verifyJar.mode).build(), warnings::warn);
            } catch (PipelineLoadException e) {
                String message = "pipeline " + pipeline.file() + ": " + e.stage().where() + ": "
                        + (e.getCause() != null ? Errors.message(e.getCause(), "\"id\"") : e.failure());
                err.println("llmtb eval: " + message);
                ObjectNode failure = Json.object();
                failure.set("error", Errors.json(ErrorKind.INVALID_PLUGIN, message, null));
                stdout.println(Json.write(failure));
                stdout.flush();
                return Main.FAILURE;
            } catch (InvalidPipelineException e) {
                throw usage(e.getMessage());
            }
            long loadMs = (System.nanoTime() - loadStart) / 1_000_000;
            runner = runner.carrying(List.of(groupBy));
            try (OutputStream w = openOut(out)) {
                return evaluate(system, runner, pipeline, data, head, workers, loadMs, w, comparison, warnings);
            }
        }
    }

    /** Fails early (a usage error) when {@code file} cannot be written, rather than after the batch. */
    private void checkWritable(Path file, String option) {
        Path abs = file.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            throw usage(option + ": " + file + " is a directory");
        }
        try {
            if (abs.getParent() != null) {
                Files.createDirectories(abs.getParent());
            }
        } catch (IOException e) {
            throw usage(option + ": cannot write " + file + ": " + e.getMessage());
        }
        if (abs.getParent() != null && !Files.isWritable(abs.getParent()) || Files.exists(abs) && !Files.isWritable(abs)) {
            throw usage(option + ": cannot write " + file + ": permission denied");
        }
    }

    private OutputStream openOut(Path file) {
        if (file == null) {
            return null;
        }
        try {
            Path abs = file.toAbsolutePath();
            if (abs.getParent() != null) {
                Files.createDirectories(abs.getParent());
            }
            return new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        } catch (IOException e) {
            throw usage("--out: cannot write " + file + ": " + e.getMessage());
        }
    }

    /** Records per task handed to a worker: enough to make the hand-over negligible, few enough to keep order cheap. */
    static final int BATCH = 64;

    /** One record done by a worker: its result and, with --out, its result line. */
    private record Done(RecordResult result, byte[] line, long serializeNanos) {}

    /** Lines for a worker, and their results when done. */
    private record Batch(List<DataLines.Line> lines, CompletableFuture<List<Done>> done) {}

    private static final Batch END = new Batch(List.of(), null);

    /**
     * Streams the data through the pipeline: this thread reads lines and hands them out in batches to {@code workers}
     * plugin threads (a bounded queue, so memory does not grow with the file), then takes the results back in input
     * order, adds them to the summary and writes them. Results leave memory once written.
     */
    private int evaluate(PluginSystem system, PipelineRunner runner, Pipeline pipeline, DataLines data, List<DataLines.Line> head,
            int workers, long loadMs, OutputStream w, BaselineComparison comparison, Warnings warnings) throws IOException {
        PrintStream stdout = System.out;
        PrintStream err = System.err;
        EvalSummary stats = runner.summary(groupBy, comparison);
        TimeSplit split = new TimeSplit(runner);
        boolean writing = w != null;

        long start = System.nanoTime();
        boolean progress = !noProgress && EvalProgress.stderrIsTerminal() && !head.isEmpty();
        int total = progress ? head.size() + countRecords(dataFile, head) : 0;
        BlockingQueue<Batch> work = new ArrayBlockingQueue<>(workers * 2);
        ArrayDeque<Batch> pending = new ArrayDeque<>();
        int window = workers * 4;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (ProgressBar bar = progress ? EvalProgress.bar(total) : null) {
            List<CompletableFuture<Void>> pool = new ArrayList<>();
            for (int t = 0; t < workers; t++) {
                // Each worker runs on a plugin thread: executePlugin calls from it run inline, no hand-off.
                pool.add(system.submit(() -> {
                    while (true) {
                        Batch b;
                        try {
                            b = work.take();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return null;
                        }
                        if (b == END) {
                            return null;
                        }
                        if (stop.get()) { // another batch failed: that failure ends the run
                            Throwable f = failure.get();
                            b.done().completeExceptionally(f != null ? f : new CancellationException());
                            continue;
                        }
                        try {
                            List<Done> done = new ArrayList<>(b.lines().size());
                            for (DataLines.Line line : b.lines()) {
                                RecordResult r = runner.processLine(line.number(), line.bytes());
                                long s0 = System.nanoTime();
                                byte[] json = writing ? Json.bytesLine(r) : null;
                                done.add(new Done(r, json, writing ? System.nanoTime() - s0 : 0));
                            }
                            b.done().complete(done);
                        } catch (RuntimeException | Error e) {
                            failure.compareAndSet(null, e);
                            stop.set(true);
                            b.done().completeExceptionally(e);
                        }
                    }
                }));
            }
            try {
                List<DataLines.Line> batch = new ArrayList<>(BATCH);
                int taken = 0;
                while (true) {
                    long r0 = System.nanoTime();
                    DataLines.Line line = taken < head.size() ? head.get(taken++) : read(data);
                    split.read += System.nanoTime() - r0;
                    if (line != null) {
                        batch.add(line);
                    }
                    if (batch.size() == BATCH || line == null && !batch.isEmpty()) {
                        Batch b = new Batch(batch, new CompletableFuture<>());
                        pending.add(b);
                        put(work, b);
                        batch = new ArrayList<>(BATCH);
                        while (!pending.isEmpty() && (pending.size() >= window || pending.peek().done().isDone())) {
                            drain(pending.poll(), stats, split, w, bar);
                        }
                    }
                    if (line == null) {
                        break;
                    }
                }
                while (!pending.isEmpty()) {
                    drain(pending.poll(), stats, split, w, bar);
                }
            } finally {
                stop.set(true);
                for (int t = 0; t < workers; t++) {
                    put(work, END);
                }
            }
            CompletableFuture.allOf(pool.toArray(new CompletableFuture<?>[0])).join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (w != null) {
            w.flush();
        }
        ObjectNode info = Json.object();
        info.put("pipeline", pipelineFile.toString());
        info.put("pipeline_name", pipeline.name());
        info.put("data", dataFile.toString());
        if (out != null) {
            info.put("out", out.toString());
        } else {
            info.putNull("out");
        }
        if (report != null) {
            info.put("report", report.toString());
        } else {
            info.putNull("report");
        }
        info.put("threads", workers);
        info.put("load_ms", loadMs);
        info.set("time_split_ms", split.json());
        info.put("records_per_second_second_half", split.secondHalfRate());
        ObjectNode summary = stats.json(info, elapsed);
        if (!stats.groupFieldSeen() && spec.commandLine().getParseResult().hasMatchedOption("--group-by") && stats.records() > stats.invalid()) {
            warnings.warn("--group-by " + groupBy + ": no record has a field \"" + groupBy + "\"");
        }
        boolean reportFailed = false;
        if (report != null) {
            try {
                HtmlReport.write(report, stats, summary);
            } catch (IOException | RuntimeException e) {
                summary.putNull("report");
                err.println("llmtb eval: --report: cannot write " + report + ": " + e);
                reportFailed = true;
            }
        }
        if (format == Format.json) {
            stdout.println(Json.pretty(summary));
        } else {
            stdout.print(EvalSummary.table(summary));
            if (out == null && stats.records() > 0) {
                err.println("(per-record results were not saved: add --out results.jsonl)");
            }
        }
        stdout.flush();
        if (reportFailed || strict && (stats.failed() > 0 || stats.invalid() > 0)) {
            return Main.FAILURE;
        }
        return Main.OK;
    }

    private DataLines open(Path file) {
        try {
            return new DataLines(Files.newInputStream(file));
        } catch (NoSuchFileException e) {
            throw usage("--data: no such file: " + file);
        } catch (IOException e) {
            throw usage("--data: cannot read " + file + ": " + e.getMessage());
        }
    }

    private DataLines.Line read(DataLines data) {
        try {
            return data.next();
        } catch (IOException e) {
            throw usage("--data: cannot read " + dataFile + ": " + e.getMessage());
        }
    }

    /** The records after the first {@code head} ones (for the progress bar's total: one more pass over the file). */
    private int countRecords(Path file, List<DataLines.Line> head) {
        try (DataLines again = new DataLines(Files.newInputStream(file))) {
            int n = 0;
            while (again.next() != null) {
                n++;
            }
            return Math.max(0, n - head.size());
        } catch (IOException e) {
            return 0;
        }
    }

    private static void put(BlockingQueue<Batch> work, Batch b) {
        try {
            work.put(b);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Waits for a batch, then takes its results into the summary and the results file, in input order. */
    private static void drain(Batch b, EvalSummary stats, TimeSplit split, OutputStream w, ProgressBar bar) throws IOException {
        List<Done> done;
        try {
            done = b.done().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof Error er) {
                throw er;
            }
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
        long w0 = System.nanoTime();
        split.progress(done.size(), w0);
        for (Done d : done) {
            stats.add(d.result());
            split.add(d.result(), d.serializeNanos());
            if (w != null) {
                w.write(d.line());
            }
            if (bar != null) {
                bar.step();
            }
        }
        split.write += System.nanoTime() - w0;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
