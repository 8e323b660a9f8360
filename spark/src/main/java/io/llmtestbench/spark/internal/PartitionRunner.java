package io.llmtestbench.spark.internal;

import io.llmtestbench.pipeline.InvalidPipelineException;
import io.llmtestbench.pipeline.PipelineLoadException;
import io.llmtestbench.pipeline.PipelineRunner;
import io.llmtestbench.pipeline.RecordResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/**
 * The task side of {@code LlmtbSpark.evaluate}: takes the records of one partition in batches and runs each batch
 * on a plugin thread of this JVM's {@link io.llmtestbench.runtime.PluginSystem} ({@code submit}), where every plugin
 * call of every record runs inline; one hand-off per batch, none per record or call. Results come back in input
 * order, one row per record; a record whose plugin fails is a failed row, never a failed task.
 *
 * <p>Input: pairs of (item, position in the data set from 0; the record's line is position + 1). An item is either a
 * record row whose last column is the record as JSON ({@link #rows}), or the bytes of one line of a JSON Lines file
 * ({@link #lines}, {@link #job}).
 */
public final class PartitionRunner<T, O> implements FlatMapFunction<Iterator<Tuple2<T, Long>>, O> {
    private static final long serialVersionUID = 1L;
    private final JobSpec spec;
    private final boolean rows;
    private final String jobGroupBy;
    private final String jobRun;

    private PartitionRunner(JobSpec spec, boolean rows, String jobGroupBy, String jobRun) {
        this.spec = spec;
        this.rows = rows;
        this.jobGroupBy = jobGroupBy;
        this.jobRun = jobRun;
    }

    /** Record rows to result rows: the record's columns, then {@link ResultRows#fields}. */
    public static PartitionRunner<Row, Row> rows(JobSpec spec) {
        return new PartitionRunner<>(spec, true, null, null);
    }

    /** JSON lines to result rows: id and category, then {@link ResultRows#fields}. */
    public static PartitionRunner<byte[], Row> lines(JobSpec spec) {
        return new PartitionRunner<>(spec, false, null, null);
    }

    /**
     * JSON lines to what {@code EvalJob} keeps: each record's {@code --out} line, then, last, the task's observations
     * for the summary ({@link SparkSummary#partial}), each record's facts added as it ran, its group from
     * {@code groupBy} (a record field; {@code category} or {@code id}, else a field the spec carries).
     *
     * @param run the run's facts ({@code LlmtbSpark}'s run metadata: the pipeline's stages)
     */
    public static PartitionRunner<byte[], JobOutput> job(JobSpec spec, String groupBy, com.fasterxml.jackson.databind.JsonNode run) {
        return new PartitionRunner<>(spec, false, java.util.Objects.requireNonNull(groupBy, "groupBy"), SparkJson.write(run));
    }

    private record Item(int line, byte[] json, Object[] prefix) {}

    @Override
    public Iterator<O> call(Iterator<Tuple2<T, Long>> in) {
        ExecutorPlugins.Loaded loaded;
        try {
            loaded = ExecutorPlugins.load(spec);
        } catch (PipelineLoadException | InvalidPipelineException e) {
            throw new IllegalStateException("llmtb: this executor cannot load " + e.getMessage(), e);
        }
        PipelineRunner runner = loaded.runner();
        int batch = Math.max(1, spec.batchSize());
        SparkSummary.Partial partial;
        try {
            partial = jobRun == null ? null : SparkSummary.partial(SparkJson.parse("run", jobRun));
        } catch (SparkJson.BadJson e) {
            throw new IllegalStateException(e);
        }
        return new Iterator<>() {
            private final ArrayDeque<O> ready = new ArrayDeque<>();
            private boolean observationsOut = partial == null;

            @Override
            public boolean hasNext() {
                while (ready.isEmpty() && in.hasNext()) {
                    List<Item> items = new ArrayList<>(batch);
                    while (items.size() < batch && in.hasNext()) {
                        items.add(item(in.next()));
                    }
                    CompletableFuture<List<O>> done = loaded.system().submit(() -> {
                        List<O> out = new ArrayList<>(items.size());
                        for (Item it : items) {
                            out.add(output(it, runner.processLine(it.line(), it.json()), partial));
                        }
                        return out;
                    });
                    try {
                        ready.addAll(done.get());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("llmtb: task interrupted (the batch being run finishes on its plugin thread)", e);
                    } catch (ExecutionException e) {
                        Throwable c = e.getCause();
                        if (c instanceof RuntimeException re) {
                            throw re;
                        }
                        if (c instanceof Error err) {
                            throw err;
                        }
                        throw new IllegalStateException(c);
                    }
                    ExecutorPlugins.counted(items.size());
                }
                if (ready.isEmpty() && !observationsOut) {
                    observationsOut = true;
                    ready.add(cast(new JobOutput(null, partial)));
                }
                return !ready.isEmpty();
            }

            @Override
            public O next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.poll();
            }
        };
    }

    private Item item(Tuple2<T, Long> t) {
        long position = t._2();
        if (position >= Integer.MAX_VALUE) {
            throw new IllegalStateException("llmtb: more than " + (Integer.MAX_VALUE - 1) + " records in one data set (lines are ints)");
        }
        if (rows) {
            Row r = (Row) t._1();
            int n = r.length() - 1;
            Object[] prefix = new Object[n];
            for (int i = 0; i < n; i++) {
                prefix[i] = r.get(i);
            }
            String json = r.getString(n);
            return new Item((int) position + 1, json.getBytes(StandardCharsets.UTF_8), prefix);
        }
        return new Item((int) position + 1, (byte[]) t._1(), null);
    }

    private O output(Item it, RecordResult r, SparkSummary.Partial partial) {
        if (partial != null) {
            byte[] json = r.toJsonBytes();
            partial.add(ResultRows.facts(r, group(r), r.status() == RecordResult.Status.FAILED ? new String(json, StandardCharsets.UTF_8) : null));
            return cast(new JobOutput(json, null));
        }
        return cast(ResultRows.row(it.prefix() != null ? it.prefix() : linePrefix(r), r));
    }

    @SuppressWarnings("unchecked")
    private O cast(Object o) {
        return (O) o;
    }

    /** The record's group as {@code SparkSummary} names it for result rows of JSON lines: their id and category columns, else the carried field. */
    private String group(RecordResult r) {
        return switch (jobGroupBy) {
            case "category" -> ResultRows.key(r.category());
            case "id" -> ResultRows.key(r.id());
            default -> ResultRows.key(r.fields().get(jobGroupBy));
        };
    }

    /** The record columns of a JSON line's result: its id and category, as strings ({@link ResultRows#key}). */
    private static Object[] linePrefix(RecordResult r) {
        return new Object[] {ResultRows.key(r.id()), ResultRows.key(r.category())};
    }
}
