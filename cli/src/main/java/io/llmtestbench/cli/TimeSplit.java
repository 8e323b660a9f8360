package io.llmtestbench.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbench.pipeline.PipelineRunner;
import io.llmtestbench.pipeline.RecordResult;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a batch's time went, summed over the threads that spent it (so with N workers the parts add up to about N
 * times the elapsed time): reading the data file, decoding and parsing records, each stage's plugin calls, the
 * pipeline's own work between them (stage inputs, reading outputs), making each result line, and writing (summary
 * and results file). Reported as {@code time_split_ms} so that a regression shows where.
 */
final class TimeSplit {
    long read;
    long write;
    private long parse;
    private long pipeline;
    private long results;
    private final Map<String, Double> stages = new LinkedHashMap<>();
    private final Map<String, String> names = new LinkedHashMap<>();

    TimeSplit(PipelineRunner runner) {
        for (PipelineRunner.LoadedStage s : runner.stages()) {
            stages.put(s.spec().where(), 0.0);
            names.put(s.spec().where(), s.name());
        }
    }

    /** One record's parts (its result measures its parse, stages and whole run), and the time its line took to make. */
    void add(RecordResult r, long serializeNanos) {
        parse += r.parseNanos();
        results += serializeNanos;
        double inStages = 0;
        for (RecordResult.StageRun s : r.stages()) {
            stages.merge(s.where(), s.timeMs(), Double::sum);
            inStages += s.timeMs();
        }
        if (!Double.isNaN(r.elapsedMs())) {
            pipeline += Math.max(0, Math.round((r.elapsedMs() - inStages) * 1e6));
        }
    }

    /** When each batch of results came back, and how many records were done by then. */
    private long[] doneAt = new long[64];
    private int[] doneCount = new int[64];
    private int batches;
    private int records;

    /** A batch of {@code n} results came back at {@code nanoTime}. */
    void progress(int n, long nanoTime) {
        if (batches == doneAt.length) {
            doneAt = java.util.Arrays.copyOf(doneAt, batches * 2);
            doneCount = java.util.Arrays.copyOf(doneCount, batches * 2);
        }
        records += n;
        doneAt[batches] = nanoTime;
        doneCount[batches++] = records;
    }

    /**
     * Records per second over the second half of the records (from the batch that completed the first half to the
     * last one): the warm rate, without class loading and JIT compilation of the first seconds. Null for a run too
     * short to tell (fewer than 4 batches).
     */
    Double secondHalfRate() {
        if (batches < 4) {
            return null;
        }
        int half = 0;
        while (doneCount[half] < records / 2) {
            half++;
        }
        double seconds = (doneAt[batches - 1] - doneAt[half]) / 1e9;
        return seconds <= 0 ? null : Math.round((records - doneCount[half]) / seconds * 10) / 10.0;
    }

    ObjectNode json() {
        ObjectNode o = Json.object();
        o.put("read", ms(read));
        o.put("parse", ms(parse));
        ObjectNode st = o.putObject("stages");
        stages.forEach((where, m) -> st.put(where + " " + names.get(where), Math.round(m * 10) / 10.0));
        o.put("pipeline", ms(pipeline));
        o.put("result_lines", ms(results));
        o.put("write", ms(write));
        return o;
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 1e5) / 10.0;
    }
}
