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
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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

    /** One data line. */
    private record Line(int number, byte[] bytes) {}

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
        List<Line> lines = readLines(dataFile);
        int plugins = pipeline.stages().size();
        int workers = Math.max(1, Math.min(threads, lines.size()));
        try (PluginSystem system = PluginSystem.builder().enableWasi(true)
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
            try (BufferedWriter w = open(out)) {
                return evaluate(system, runner, pipeline, lines, workers, loadMs, w, comparison, warnings);
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

    private BufferedWriter open(Path file) {
        if (file == null) {
            return null;
        }
        try {
            Path abs = file.toAbsolutePath();
            if (abs.getParent() != null) {
                Files.createDirectories(abs.getParent());
            }
            return Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw usage("--out: cannot write " + file + ": " + e.getMessage());
        }
    }

    private int evaluate(PluginSystem system, PipelineRunner runner, Pipeline pipeline, List<Line> lines, int workers, long loadMs,
            BufferedWriter w, BaselineComparison comparison, Warnings warnings) throws IOException {
        PrintStream stdout = System.out;
        PrintStream err = System.err;
        EvalSummary stats = runner.summary(groupBy, comparison);

        long start = System.nanoTime();
        List<CompletableFuture<RecordResult>> results = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            results.add(new CompletableFuture<>());
        }
        boolean progress = !noProgress && EvalProgress.stderrIsTerminal() && !lines.isEmpty();
        try (ProgressBar bar = progress ? EvalProgress.bar(lines.size()) : null) {
            AtomicInteger next = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            List<CompletableFuture<Void>> pool = new ArrayList<>();
            for (int t = 0; t < workers; t++) {
                // Each worker runs on a plugin thread: executePlugin calls from it run inline, no hand-off.
                pool.add(system.submit(() -> {
                    int i;
                    while (!stop.get() && (i = next.getAndIncrement()) < lines.size()) {
                        try {
                            results.get(i).complete(runner.processLine(lines.get(i).number(), lines.get(i).bytes()));
                        } catch (RuntimeException | Error e) {
                            results.get(i).completeExceptionally(e);
                            stop.set(true);
                        }
                        if (bar != null) {
                            bar.step();
                        }
                    }
                    return null;
                }));
            }
            for (int i = 0; i < results.size(); i++) {
                RecordResult r;
                try {
                    r = results.get(i).join();
                } catch (CompletionException e) {
                    stop.set(true);
                    throw e.getCause() instanceof RuntimeException re ? re : e;
                }
                results.set(i, null); // written: let it go
                stats.add(r);
                if (w != null) {
                    w.write(Json.write(r.toJson()));
                    w.write('\n');
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
            if (out == null && !lines.isEmpty()) {
                err.println("(per-record results were not saved: add --out results.jsonl)");
            }
        }
        stdout.flush();
        if (reportFailed || strict && (stats.failed() > 0 || stats.invalid() > 0)) {
            return Main.FAILURE;
        }
        return Main.OK;
    }

    /** Non-blank lines, with their 1-based line numbers; the bytes are decoded per line so one bad line is one bad record. */
    private List<Line> readLines(Path file) {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw usage("--data: no such file: " + file);
        } catch (IOException e) {
            throw usage("--data: cannot read " + file + ": " + e.getMessage());
        }
        List<Line> lines = new ArrayList<>();
        int number = 0;
        int start = 0;
        int offset = 0;
        if (all.length >= 3 && (all[0] & 0xff) == 0xEF && (all[1] & 0xff) == 0xBB && (all[2] & 0xff) == 0xBF) {
            start = 3; // UTF-8 byte order mark
            offset = 3;
        }
        for (int i = offset; i <= all.length; i++) {
            if (i == all.length || all[i] == '\n') {
                number++;
                int end = i;
                if (end > start && all[end - 1] == '\r') {
                    end--;
                }
                if (!isBlank(all, start, end)) {
                    byte[] b = new byte[end - start];
                    System.arraycopy(all, start, b, 0, b.length);
                    lines.add(new Line(number, b));
                }
                start = i + 1;
            }
        }
        return lines;
    }

    private static boolean isBlank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
