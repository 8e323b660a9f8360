package io.llmtestbench.runtime.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmtestbench.abi.PluginAbi;
import io.llmtestbench.runtime.ErrorKind;
import io.llmtestbench.runtime.LoadOptions;
import io.llmtestbench.runtime.OutputMetadata;
import io.llmtestbench.runtime.PluginException;
import io.llmtestbench.runtime.PluginId;
import io.llmtestbench.runtime.PluginInput;
import io.llmtestbench.runtime.PluginLoadException;
import io.llmtestbench.runtime.PluginLoadException.Stage;
import io.llmtestbench.runtime.PluginMetadata;
import io.llmtestbench.runtime.PluginOutput;
import io.llmtestbench.runtime.PluginType;
import io.llmtestbench.runtime.ResourceLimits;
import io.llmtestbench.runtime.internal.exec.Budget;
import io.llmtestbench.runtime.internal.exec.Interrupted;
import io.llmtestbench.runtime.internal.exec.MemoryCapExceededException;
import io.llmtestbench.runtime.internal.wasi.WasiEnvironment;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded plugin version: its checked code, limits, shared state and pool of instances. Executions may
 * run on many threads at once; each takes an instance from the pool (or creates one within the system's
 * bound) and returns it when healthy. After any trap or limit the instance is discarded.
 */
public final class LoadedPlugin {
    private static final Logger LOG = LoggerFactory.getLogger(LoadedPlugin.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private final String label;
    private final LoadedCode code;
    private final AbiCheck.Imports imports;
    private final LoadOptions options;
    private final ResourceLimits limits;
    private final boolean enableWasi;
    private final byte[] config;
    private final PluginShared shared;
    private final InstancePermits permits;
    private final ScheduledExecutorService watchdog;
    private final ConcurrentLinkedDeque<GuestInstance> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;
    private boolean metadataOnly;
    private PluginMetadata metadata;
    private PluginId id;

    private LoadedPlugin(String label, LoadedCode code, AbiCheck.Imports imports, LoadOptions options, ResourceLimits limits,
            boolean enableWasi, InstancePermits permits, ScheduledExecutorService watchdog) {
        this.label = label;
        this.code = code;
        this.imports = imports;
        this.options = options;
        this.limits = limits;
        this.enableWasi = enableWasi;
        this.permits = permits;
        this.watchdog = watchdog;
        try {
            this.config = JSON.writeValueAsBytes(options.config());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        this.shared = new PluginShared(label, options.randomSeed(), PluginShared.DEFAULT_STATE_CAP, PluginShared.DEFAULT_LOG_CAP,
                NetworkPolicy.of(options.permissions().network(), options.permissions().allowedHosts()), limits.maxHttpResponseBytes());
    }

    /**
     * Checks the ABI, creates the first instance (running {@code _initialize}, {@code plugin_metadata} and
     * {@code plugin_init}) and validates the metadata.
     */
    public static LoadedPlugin start(String label, LoadedCode code, LoadOptions options, ResourceLimits limits,
            boolean enableWasi, InstancePermits permits, ScheduledExecutorService watchdog, long serial) {
        AbiCheck.Imports imports = AbiCheck.check(label, code.module(), enableWasi);
        var plugin = new LoadedPlugin(label, code, imports, options, limits, enableWasi, permits, watchdog);
        GuestInstance first = plugin.createInstance(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limits.maxExecutionTimeMs()));
        plugin.id = new PluginId(plugin.metadata.name(), plugin.metadata.version(), serial);
        plugin.idle.add(first);
        return plugin;
    }

    /**
     * Reads a plugin's metadata without loading it: the ABI check and one throw-away instance that runs
     * {@code _initialize} and {@code plugin_metadata} (not {@code plugin_init}: no config, no permissions), under
     * {@code limits} and the deadline. Used by discovery.
     */
    public static PluginMetadata probe(String label, LoadedCode code, ResourceLimits limits, boolean enableWasi,
            ScheduledExecutorService watchdog) {
        AbiCheck.Imports imports = AbiCheck.check(label, code.module(), enableWasi);
        var plugin = new LoadedPlugin(label, code, imports, LoadOptions.defaults(), limits, enableWasi, null, watchdog);
        plugin.metadataOnly = true;
        plugin.instantiate();
        return plugin.metadata;
    }

    public PluginId id() {
        return id;
    }

    public PluginMetadata metadata() {
        return metadata;
    }

    public LoadedCode code() {
        return code;
    }

    public AbiCheck.Imports imports() {
        return imports;
    }

    public ResourceLimits limits() {
        return limits;
    }


    private String name() {
        return metadata != null ? metadata.name() : label;
    }

    /** Runs one execution on the calling thread. */
    public PluginOutput execute(PluginInput input) {
        if (closed) {
            throw Failures.notLoaded(id.toString(), "Plugin '" + name() + "' (" + id + ") has been unloaded");
        }
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(limits.maxExecutionTimeMs());
        byte[] data;
        byte[] context;
        try {
            data = JSON.writeValueAsBytes(input.data());
            context = input.context() == null ? null : JSON.writeValueAsBytes(input.context());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        GuestInstance guest = acquire(deadline);
        boolean healthy = false;
        guest.begin(limits.maxInstructions(), limits.maxCallDepth(), context, deadline);
        Thread thread = Thread.currentThread();
        long delay = Math.max(0, deadline - System.nanoTime());
        ScheduledFuture<?> alarm = watchdog.schedule(() -> {
            guest.budget().requestStop(Interrupted.Reason.DEADLINE);
            if (!code.stamp().metering()) {
                thread.interrupt();
            }
        }, delay, TimeUnit.NANOSECONDS);
        try {
            byte[] out = guest.callExecute(data, limits.maxOutputBytes());
            JsonNode json = parseOutput(out); // invalid output: the instance is discarded
            healthy = true;
            long fuel = guest.budget().fuelUsed();
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("fuel_used", fuel);
            metrics.put("input_bytes", data.length);
            metrics.put("output_bytes", out.length);
            metrics.put("buffer_retries", guest.lastRetries());
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            return new PluginOutput(json, new OutputMetadata(elapsedMs, guest.memoryBytes(), fuel, metrics));
        } catch (GuestInstance.ResultCode rc) {
            // a documented error code leaves a healthy instance; anything else is a misbehaving one
            healthy = PluginAbi.resultName(rc.code).isPresent() && !guest.memory().growRefused();
            throw new FailureMapper(name(), limits).resultCode(rc, guest);
        } catch (RuntimeException | Error e) {
            PluginFaults.rethrowHostErrors(e);
            throw new FailureMapper(name(), limits).failure(e, guest);
        } finally {
            alarm.cancel(false);
            if (!code.stamp().metering()) {
                Thread.interrupted();
            }
            release(guest, healthy);
        }
    }

    private JsonNode parseOutput(byte[] out) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(out)).toString();
        } catch (CharacterCodingException e) {
            throw Failures.execution(ErrorKind.INVALID_OUTPUT, name(), "returned output that is not valid UTF-8 (" + out.length + " bytes)", 0, e);
        }
        try {
            var parser = JSON.getFactory().createParser(text);
            JsonNode node = JSON.readTree(parser);
            if (node == null || parser.nextToken() != null) {
                throw new com.fasterxml.jackson.core.JsonParseException(parser, node == null ? "empty output" : "trailing data after the JSON value");
            }
            return node;
        } catch (java.io.IOException e) {
            String shown = text.length() > 80 ? text.substring(0, 80) + "…" : text;
            throw Failures.execution(ErrorKind.INVALID_OUTPUT, name(),
                    "returned output that is not valid JSON: " + shortMessage(e) + " (output: \"" + shown + "\")", 0, e);
        }
    }

    private static String shortMessage(java.io.IOException e) {
        String m = e.getMessage();
        int nl = m == null ? -1 : m.indexOf('\n');
        return nl < 0 ? String.valueOf(m) : m.substring(0, nl);
    }

    private GuestInstance acquire(long deadline) {
        GuestInstance g = idle.pollFirst();
        if (g != null) {
            return g;
        }
        return createInstance(deadline);
    }

    private GuestInstance createInstance(long deadline) {
        try {
            if (!permits.acquire(deadline)) {
                throw Failures.timeout(name(), limits.maxExecutionTimeMs(), "waiting for an instance: "
                        + "all maxInstances are busy", 0, null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Failures.timeout(name(), limits.maxExecutionTimeMs(), "interrupted while waiting for an instance", 0, e);
        }
        boolean ok = false;
        try {
            GuestInstance g = instantiate();
            ok = true;
            return g;
        } finally {
            if (!ok) {
                permits.release();
            }
        }
    }

    /**
     * A new instance: instantiate, _initialize, plugin_metadata, plugin_init(config) — a run of its own, with
     * a fresh fuel budget and the plugin's deadline.
     */
    private GuestInstance instantiate() {
        Budget budget = new Budget(limits.maxInstructions(), limits.maxCallDepth());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limits.maxExecutionTimeMs());
        ScheduledFuture<?> alarm = watchdog.schedule(() -> budget.requestStop(Interrupted.Reason.DEADLINE),
                limits.maxExecutionTimeMs(), TimeUnit.MILLISECONDS);
        try {
            return instantiate(budget, deadline);
        } finally {
            alarm.cancel(false);
        }
    }

    private GuestInstance instantiate(Budget budget, long deadline) {
        int capPages = (int) Math.min(limits.maxMemoryBytes() / 65536, 65536);
        GuestInstance g;
        try {
            g = new GuestInstance(code, imports, wasiEnvironment(), shared, budget, capPages, deadline);
        } catch (MemoryCapExceededException e) {
            throw Failures.load(Stage.UNINSTANTIABLE, name(), e.getMessage() + " (maxMemoryBytes " + limits.maxMemoryBytes() + ")", e);
        } catch (PluginException e) {
            throw e;
        } catch (RuntimeException | Error e) {
            PluginFaults.rethrowHostErrors(e);
            throw Failures.load(Stage.UNINSTANTIABLE, name(), "instantiation failed: " + describe(e), e);
        }
        try {
            g.callInitialize();
            byte[] meta = g.callMetadata(limits.maxOutputBytes());
            PluginMetadata parsed = parseMetadata(meta);
            if (metadata == null) {
                metadata = parsed;
                shared.rename(parsed.name()); // plugin_init's logs already carry the plugin's name
            }
            if (metadataOnly) {
                return g;
            }
            int rc = g.callInit(config);
            if (rc != PluginAbi.RESULT_OK) {
                throw Failures.load(Stage.UNINSTANTIABLE, name(),
                        "plugin_init failed with code: " + rc + " (" + PluginAbi.resultName(rc).orElse("undocumented result code") + ")", null);
            }
            return g;
        } catch (PluginException e) {
            g.close();
            throw e;
        } catch (GuestInstance.ResultCode rc) {
            g.close();
            throw Failures.load(Stage.UNINSTANTIABLE, name(),
                    "plugin_metadata failed with code: " + rc.code + " (" + PluginAbi.resultName(rc.code).orElse("undocumented result code") + ")", null);
        } catch (RuntimeException | Error e) {
            PluginFaults.rethrowHostErrors(e);
            g.close();
            PluginException f = new FailureMapper(name(), limits).failure(e, g);
            throw Failures.load(Stage.UNINSTANTIABLE, name(), "initialisation failed: " + f.getMessage(), f);
        }
    }

    private static String describe(Throwable e) {
        return e.getMessage() != null && !(e instanceof Error) ? e.getMessage() : PluginFaults.describe(e);
    }

    /** The WASI world of a new instance (null when the plugin imports no WASI function): internal.wasi.WasiEnvironment. */
    private WasiEnvironment wasiEnvironment() {
        if (imports.wasiFunctions().isEmpty()) {
            return null;
        }
        return WasiEnvironment.create(options.permissions(), options.randomSeed(), shared::logger);
    }

    private PluginMetadata parseMetadata(byte[] bytes) {
        JsonNode m;
        try {
            m = JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw invalidMetadata("plugin_metadata returned invalid JSON: " + shortMessage(e));
        }
        if (m == null || !m.isObject()) {
            throw invalidMetadata("plugin_metadata must return a JSON object");
        }
        String name = requireText(m, "name");
        if (!NAME.matcher(name).matches()) {
            throw invalidMetadata("metadata name '" + name + "' must match [a-z0-9][a-z0-9._-]{0,63}");
        }
        String version;
        Versions.ApiVersion api;
        try {
            Versions.version(m.get("version")); // the registry orders and routes by it: parseable, or refused now
            version = m.get("version").asText();
            api = Versions.apiVersion(m.get("api_version"));
        } catch (Versions.InvalidVersion e) {
            throw invalidMetadata(e.getMessage());
        }
        String type = requireText(m, "plugin_type");
        // the original guide's PluginType is a serde enum, serialized "Evaluator": any case is accepted
        PluginType pluginType = PluginType.fromJson(type.toLowerCase(Locale.ROOT));
        if (pluginType == null) {
            throw invalidMetadata("metadata plugin_type '" + type + "' must be one of evaluator, provider, transform, filter (in any case)");
        }
        String apiVersion = api.text();
        if (!api.compatible()) {
            throw Failures.load(Stage.UNINSTANTIABLE, name,
                    "incompatible api_version " + apiVersion + ": this host implements plugin ABI " + PluginAbi.VERSION
                            + " (same major version and a minor version not above " + PluginAbi.MINOR + " required)", null);
        }
        int declaredMinor = api.minor();
        for (String fn : imports.hostFunctions()) {
            if (PluginAbi.hostFunctionSince(fn) > declaredMinor) {
                throw Failures.load(Stage.UNINSTANTIABLE, name,
                        "imports `" + PluginAbi.HOST_MODULE + "." + fn + "`, which needs plugin ABI " + PluginAbi.MAJOR + "."
                                + PluginAbi.hostFunctionSince(fn) + ", but declares api_version " + apiVersion, null);
            }
        }
        List<String> capabilities = new ArrayList<>();
        m.path("capabilities").forEach(c -> capabilities.add(c.asText()));
        return new PluginMetadata(name, version, m.path("description").asText(""), m.path("author").asText(""),
                pluginType, capabilities, apiVersion);
    }

    private String requireText(JsonNode m, String field) {
        JsonNode v = m.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw invalidMetadata("metadata field '" + field + "' is missing or not a non-empty string");
        }
        return v.asText();
    }

    private PluginLoadException invalidMetadata(String detail) {
        return Failures.load(Stage.UNINSTANTIABLE, name(), detail, null);
    }

    private void release(GuestInstance g, boolean healthy) {
        if (healthy && !closed) {
            idle.addFirst(g);
            if (closed && idle.remove(g)) {
                retire(g, true);
            }
        } else {
            retire(g, healthy);
        }
    }

    private void retire(GuestInstance g, boolean callShutdown) {
        try {
            if (callShutdown) {
                g.begin(limits.maxInstructions(), limits.maxCallDepth(), null,
                        System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limits.maxExecutionTimeMs()));
                g.callShutdown();
            }
        } catch (RuntimeException | Error e) {
            PluginFaults.rethrowHostErrors(e);
            LOG.debug("plugin_shutdown of '{}' failed: {}", name(), e.toString());
        } finally {
            g.close();
            permits.release();
        }
    }

    /** Retires one idle instance (for another plugin that needs a permit); false when none is idle. */
    public boolean evictIdle() {
        GuestInstance g = idle.pollLast();
        if (g == null) {
            return false;
        }
        retire(g, true);
        return true;
    }

    /** Stops taking executions; idle instances get plugin_shutdown now, busy ones when they finish. */
    public void close() {
        closed = true;
        GuestInstance g;
        while ((g = idle.pollFirst()) != null) {
            retire(g, true);
        }
    }

}
