package io.llmtestbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbench.compiler.CompileLimits;
import io.llmtestbench.pipeline.internal.PluginPaths;
import io.llmtestbench.runtime.ErrorKind;
import io.llmtestbench.runtime.LoadOptions;
import io.llmtestbench.runtime.PluginException;
import io.llmtestbench.runtime.PluginId;
import io.llmtestbench.runtime.PluginInput;
import io.llmtestbench.runtime.PluginOutput;
import io.llmtestbench.runtime.PluginPermissions;
import io.llmtestbench.runtime.PluginSystem;
import io.llmtestbench.runtime.ResourceLimits;
import io.llmtestbench.runtime.SignaturePolicy;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code llmtb run <plugin> --input <json | @file> ...}: one execution, one JSON object on stdout. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Loads a plugin (.wasm or pre-compiled plugin jar) and runs it once on the input.",
            "Prints ONE JSON object on stdout:",
            "  success  {\"data\": ..., \"metadata\": {\"execution_time_ms\", \"memory_used_bytes\", \"fuel_used\", \"metrics\"}}",
            "  failure  {\"error\": {\"kind\", \"message\", \"code\"}}",
            "kind: INVALID_PLUGIN (load failures), PLUGIN_ERROR, TRAP, FUEL_EXHAUSTED, TIMEOUT, MEMORY_LIMIT, "
                    + "INVALID_OUTPUT, PERMISSION_DENIED, RATE_LIMITED, CANCELLED; code: the plugin's result code, or null.",
            "WASI is refused, as with the runtime's default configuration, unless --enable-wasi, --allow-dir or "
                    + "--allow-env enables it (with nothing granted beyond those flags); the plugin's WASI stdout and stderr "
                    + "go to its logger (stderr, see --log-level), never to our stdout.",
            "--repeat N runs the input N times on one load and prints the last success or the first failure, with "
                    + "\"executions\" (calls made, the failing one included) in \"metadata\".",
            "Exit codes: 0 success, 1 plugin failure (load failures included), 2 usage error."
        })
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<plugin>", description = ".wasm file or pre-compiled plugin jar.")
    String plugin;

    @Option(names = "--id", paramLabel = "ID", description = "Which plugin of a jar holding several (its id in the jar).")
    String id;

    @Option(names = "--input", required = true, paramLabel = "<json | @file>",
            description = "The input JSON, inline or @file (@- reads standard input).")
    String input;

    @Option(names = "--config", paramLabel = "<json | @file>", description = "Config object passed to plugin_init (default {}).")
    String config;

    @Option(names = "--context", paramLabel = "<json | @file>",
            description = "Execution context object, readable through host_get_context.")
    String context;

    @Mixin
    LimitOptions limits = new LimitOptions();

    @Mixin
    PermissionOptions permissions = new PermissionOptions();

    @Option(names = "--random-seed", paramLabel = "N", description = "Seed of host_random, for reproducible runs.")
    Long randomSeed;

    @Option(names = "--repeat", paramLabel = "N",
            description = "Run the input N times in this process, on one load (default 1).")
    Integer repeat;

    @Option(names = "--max-executions-per-second", paramLabel = "R",
            description = "Rate-limit the plugin: a token bucket of ceil(R) calls refilled at R per second; a call that "
                    + "finds it empty fails at once with RATE_LIMITED (default: no limit).")
    Double maxExecutionsPerSecond;

    @Option(names = "--allow-unmetered", description = "Accept a plugin jar compiled with --no-metering.")
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

    @Option(names = "--pretty", description = "Pretty-print the JSON.")
    boolean pretty;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        Warnings warnings = new Warnings(System.err);
        JsonNode data;
        JsonNode cfg = null;
        JsonNode ctx = null;
        ResourceLimits lim;
        PluginPermissions perms;
        SignaturePolicy policy;
        LoadOptions options;
        CompileLimits limitsToCompile;
        Path path;
        try {
            data = Json.argument("--input", input);
            if (config != null) {
                cfg = Json.argument("--config", config);
                if (!cfg.isObject()) {
                    throw usage("--config must be a JSON object, got: " + abbreviate(Json.write(cfg)));
                }
            }
            if (context != null) {
                ctx = Json.argument("--context", context);
                if (!ctx.isObject()) {
                    throw usage("--context must be a JSON object, got: " + abbreviate(Json.write(ctx)));
                }
            }
            if (repeat != null && repeat < 1) {
                throw usage("--repeat must be at least 1, got " + repeat);
            }
            lim = limits.build();
            limitsToCompile = compileLimits.build();
            perms = permissions.build(null, warnings);
            policy = signatures.policy();
            options = LoadOptions.builder().config(cfg).limits(lim).permissions(perms)
                    .randomSeed(randomSeed).requireMetering(!allowUnmetered)
                    .maxExecutionsPerSecond(maxExecutionsPerSecond == null ? 0 : maxExecutionsPerSecond)
                    .jarVerification(verifyJar.mode).build();
        } catch (Json.BadJson | IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        try {
            path = PluginPaths.resolve(plugin, null);
        } catch (PluginPaths.Unresolved e) {
            ObjectNode result = Json.object();
            result.set("error", Errors.json(ErrorKind.INVALID_PLUGIN, Errors.loadMessage(plugin, e.reason()), null));
            out.println(pretty ? Json.pretty(result) : Json.write(result));
            out.flush();
            return Main.FAILURE;
        }
        int times = repeat == null ? 1 : repeat;
        ObjectNode result = Json.object();
        int exit;
        int executions = 0;
        boolean loaded = false;
        try (PluginSystem system = PluginSystem.builder().defaultLimits(lim).enableWasi(permissions.wasi()).cacheDir(cache.dir())
                .signaturePolicy(policy).compileLimits(limitsToCompile).build()) {
            try {
                PluginId pid = system.loadPlugin(path, id, options);
                loaded = true;
                PluginInput in = new PluginInput(data, ctx);
                PluginOutput output = null;
                while (executions < times) {
                    executions++;
                    output = system.executePlugin(pid, in);
                }
                result.set("data", output.data());
                ObjectNode meta = result.putObject("metadata");
                meta.put("execution_time_ms", output.metadata().executionTimeMs());
                meta.put("memory_used_bytes", output.metadata().memoryUsedBytes());
                meta.put("fuel_used", output.metadata().fuelUsed());
                meta.set("metrics", Json.tree(new java.util.TreeMap<>(output.metadata().metrics())));
                if (repeat != null) {
                    meta.put("executions", executions);
                }
                exit = Main.OK;
            } catch (PluginException e) {
                result.set("error", Errors.json(e));
                if (repeat != null) {
                    result.putObject("metadata").put("executions", executions);
                }
                exit = Main.FAILURE;
            }
        } catch (RuntimeException | Error e) {
            // not a PluginException: a failure the runtime did not classify; still one JSON object on stdout
            result.removeAll();
            result.set("error", Errors.unexpected(e, loaded, plugin));
            if (repeat != null) {
                result.putObject("metadata").put("executions", executions);
            }
            exit = Main.FAILURE;
        }
        out.println(pretty ? Json.pretty(result) : Json.write(result));
        out.flush();
        return exit;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
