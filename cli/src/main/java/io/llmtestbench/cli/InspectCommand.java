package io.llmtestbench.cli;

import com.dylibso.chicory.wasm.WasmModule;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbench.abi.PluginAbi;
import io.llmtestbench.compiler.CompilationException;
import io.llmtestbench.compiler.CompilationReport;
import io.llmtestbench.compiler.CompileLimits;
import io.llmtestbench.compiler.CompiledModule;
import io.llmtestbench.compiler.CompilerOptions;
import io.llmtestbench.compiler.CompilerStamp;
import io.llmtestbench.compiler.PluginArtifact;
import io.llmtestbench.compiler.WasmCompiler;
import io.llmtestbench.pipeline.internal.PluginPaths;
import io.llmtestbench.runtime.LoadOptions;
import io.llmtestbench.runtime.PluginException;
import io.llmtestbench.runtime.PluginId;
import io.llmtestbench.runtime.PluginInfo;
import io.llmtestbench.runtime.PluginLoadException;
import io.llmtestbench.runtime.PluginMetadata;
import io.llmtestbench.runtime.PluginSystem;
import io.llmtestbench.runtime.SignaturePolicy;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code llmtb inspect <plugin> [--id ID] [--format text|json]}. */
@Command(name = "inspect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Shows what a plugin (.wasm or pre-compiled plugin jar) is and whether it is valid: its metadata "
                    + "(from plugin_metadata, by loading it), exports and imports with their WAT signatures, the ABI "
                    + "check, the permissions it needs, its size, the compiler stamp, functions left to the interpreter "
                    + "and generated methods too large for HotSpot to JIT-compile.",
            "A jar holding several plugins is inspected whole unless --id names one.",
            "Exit codes: 0 valid, 1 invalid (the reason is printed), 2 usage error."
        })
final class InspectCommand implements Callable<Integer> {
    enum Format { text, json }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<plugin>", description = ".wasm file or pre-compiled plugin jar.")
    String plugin;

    @Option(names = "--id", paramLabel = "ID", description = "Inspect only this plugin of a jar.")
    String id;

    @Option(names = "--format", paramLabel = "text|json", description = "Output format (default: ${DEFAULT-VALUE}).")
    Format format = Format.text;

    @Option(names = "--config", paramLabel = "<json | @file>",
            description = "Config object for plugin_init when loading the plugin (default {}).")
    String config;

    @Option(names = "--allow-unmetered", description = "Accept a plugin jar compiled with --no-metering.")
    boolean allowUnmetered;

    @Mixin
    SignatureOptions signatures = new SignatureOptions();

    /** Accepted as by {@code run} and {@code eval}; inspect never reads or writes the cache (see {@link #call()}). */
    @Mixin
    CacheOptions cache = new CacheOptions();

    @Mixin
    LogOptions log = new LogOptions();

    /** The outcome of loading the plugin with the runtime: its description, or why it was refused. */
    private record Loaded(PluginInfo info, PluginException error) {}

    @Override
    public Integer call() {
        Path path;
        JsonNode cfg = null;
        SignaturePolicy policy;
        try {
            if (config != null) {
                cfg = Json.argument("--config", config);
                if (!cfg.isObject()) {
                    throw new ParameterException(spec.commandLine(), "--config must be a JSON object");
                }
            }
            policy = signatures.policy();
        } catch (Json.BadJson | IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        try {
            path = PluginPaths.resolve(plugin, null);
        } catch (PluginPaths.Unresolved e) {
            System.err.println("llmtb inspect: invalid: " + e.getMessage());
            return Main.FAILURE;
        }
        LoadOptions options = LoadOptions.builder().config(cfg).requireMetering(!allowUnmetered).build();
        List<ObjectNode> reports = new ArrayList<>();
        // no compile cache: a .wasm is compiled afresh, so that the report is of this compiler's work (and its time)
        try (PluginSystem system = PluginSystem.builder().enableWasi(true).cacheDir(null).signaturePolicy(policy).build()) {
            reports.addAll(inspect(system, path, options));
        }
        boolean valid = reports.stream().allMatch(r -> r.path("valid").asBoolean());
        PrintStream out = System.out;
        if (format == Format.json) {
            JsonNode doc;
            if (reports.size() == 1) {
                doc = reports.get(0);
            } else {
                ObjectNode all = Json.object();
                all.put("file", path.toString());
                all.put("valid", valid);
                ArrayNode arr = all.putArray("plugins");
                reports.forEach(arr::add);
                doc = all;
            }
            out.println(Json.pretty(doc));
        } else {
            for (int i = 0; i < reports.size(); i++) {
                if (i > 0) {
                    out.println();
                }
                out.print(text(reports.get(i)));
            }
        }
        out.flush();
        if (!valid) {
            for (ObjectNode r : reports) {
                if (!r.path("valid").asBoolean()) {
                    System.err.println("llmtb inspect: invalid: " + r.path("error").path("message").asText());
                }
            }
            System.err.flush();
        }
        return valid ? Main.OK : Main.FAILURE;
    }

    private List<ObjectNode> inspect(PluginSystem system, Path path, LoadOptions options) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            return List.of(failedLoad(system, path, null, "unknown", options));
        }
        if (isWasm(bytes)) {
            return List.of(inspectWasm(system, path, bytes, options));
        }
        List<PluginArtifact.Entry> entries;
        try {
            entries = isZip(bytes) ? PluginArtifact.readJar(path) : null;
        } catch (IOException | RuntimeException e) {
            entries = null;
        }
        if (entries == null) {
            return List.of(failedLoad(system, path, id, isZip(bytes) ? "jar" : "unknown", options));
        }
        List<ObjectNode> out = new ArrayList<>();
        for (PluginArtifact.Entry e : entries) {
            if (id == null || id.equals(e.id())) {
                out.add(inspectEntry(system, path, e, options));
            }
        }
        if (out.isEmpty()) {
            // --id names no plugin of the jar: the loader's message lists what the jar holds.
            out.add(failedLoad(system, path, id, "jar", options));
        }
        return out;
    }

    /** A report for a file that could not be read as a module or jar at all: just the loader's reason. */
    private static ObjectNode failedLoad(PluginSystem system, Path path, String artifactId, String format, LoadOptions options) {
        ObjectNode r = Json.object();
        r.put("file", path.toString());
        r.put("format", format);
        if (artifactId != null) {
            r.put("id", artifactId);
        }
        Loaded l = load(system, path, artifactId, options);
        r.put("valid", l.error() == null);
        if (l.error() != null) {
            r.set("error", Errors.json(l.error()));
        }
        return r;
    }

    /**
     * A .wasm is compiled once, by the runtime, which loads it and reports what it compiled
     * ({@link PluginInfo#compilation()}); this command's system has no compile cache, so that is always a fresh
     * compilation. Only when the load fails is the module compiled again here, for its sizes (or the compiler's
     * own account of why it does not compile).
     */
    private ObjectNode inspectWasm(PluginSystem system, Path path, byte[] wasm, LoadOptions options) {
        ObjectNode r = Json.object();
        r.put("file", path.toString());
        r.put("format", "wasm");
        r.put("id", PluginArtifact.idFor(path.getFileName().toString()));
        Loaded loaded = load(system, path, null, options);
        loadReport(r, loaded);
        CompilationReport report = null;
        CompilerStamp stamp = null;
        if (loaded.info() != null) {
            report = loaded.info().compilation();
            stamp = loaded.info().stamp();
        } else {
            try {
                CompiledModule compiled = WasmCompiler.compile(wasm, CompilerOptions.defaults());
                report = compiled.report();
                stamp = compiled.stamp();
            } catch (CompilationException e) {
                r.put("compile_error", CompileCommand.describe(e));
            }
        }
        WasmModule module = parse(wasm);
        ObjectNode functions = module == null ? null : describeModule(r, module, loaded);
        FunctionNames names = FunctionNames.of(module);
        ObjectNode size = r.putObject("size");
        size.put("wasm_bytes", wasm.length);
        if (functions != null) {
            size.set("functions", functions);
        }
        if (report != null) {
            size.put("compiled_wasm_bytes", report.wasmBytes());
            classes(size, report);
            size.put("compile_ms", report.compileMillis());
            compiler(r, stamp);
            performance(r, report, names);
        }
        return r;
    }

    private ObjectNode inspectEntry(PluginSystem system, Path path, PluginArtifact.Entry e, LoadOptions options) {
        ObjectNode r = Json.object();
        r.put("file", path.toString());
        r.put("format", "jar");
        r.put("id", e.id());
        r.put("source", e.sourceName());
        Loaded loaded = load(system, path, e.id(), options);
        loadReport(r, loaded);
        WasmModule module = parse(e.wasm());
        ObjectNode functions = module == null ? null : describeModule(r, module, loaded);
        ObjectNode size = r.putObject("size");
        size.put("compiled_wasm_bytes", e.wasm().length);
        if (functions != null) {
            size.set("functions", functions);
        }
        CompilationReport report = loaded.info() != null ? loaded.info().compilation() : e.report();
        classes(size, report);
        compiler(r, loaded.info() != null ? loaded.info().stamp() : e.stamp());
        performance(r, report, FunctionNames.of(module));
        return r;
    }

    /** No compile limit: inspect reports on what the load accepted or refused, with the load's own limits. */
    private static final CompileLimits NO_LIMITS = new CompileLimits(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE,
            Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE);

    private static WasmModule parse(byte[] wasm) {
        try {
            // the compiler's parse: what the module declares is checked against its size before anything is allocated
            return WasmCompiler.validate(wasm, NO_LIMITS);
        } catch (CompilationException | RuntimeException e) {
            return null; // malformed: the load error says why
        }
    }

    /** Loads the plugin with the runtime (the authoritative validity check, and the metadata), then unloads it. */
    private static Loaded load(PluginSystem system, Path path, String artifactId, LoadOptions options) {
        try {
            PluginId pid = system.loadPlugin(path, artifactId, options);
            PluginInfo info = system.describePlugin(pid);
            system.unloadPlugin(pid);
            return new Loaded(info, null);
        } catch (PluginException e) {
            return new Loaded(null, e);
        }
    }

    private static void loadReport(ObjectNode r, Loaded l) {
        if (l.info() != null) {
            r.put("valid", true);
            r.putNull("error");
            r.set("metadata", metadata(l.info().metadata()));
            r.put("origin", l.info().origin());
        } else {
            r.put("valid", false);
            r.set("error", Errors.json(l.error()));
            r.putNull("metadata");
        }
    }

    private static ObjectNode metadata(PluginMetadata m) {
        ObjectNode o = Json.object();
        o.put("name", m.name());
        o.put("version", m.version());
        o.put("description", m.description());
        o.put("author", m.author());
        o.put("plugin_type", m.pluginType().jsonName());
        ArrayNode caps = o.putArray("capabilities");
        m.capabilities().forEach(caps::add);
        o.put("api_version", m.apiVersion());
        return o;
    }

    /**
     * The ABI check's verdict, as the load reports it: ok when the plugin loaded or failed at a later stage, failed
     * (with the loader's message) when the exports and imports were refused, or null (not reached: the load failed
     * earlier, e.g. on a signature or a malformed module). The runtime checks exports and imports before it
     * instantiates the module (docs/plugin-abi.md §5).
     */
    private static Boolean abiVerdict(Loaded l) {
        if (l.info() != null || !(l.error() instanceof PluginLoadException le)) {
            return true; // loaded, or an execution failure during the first instance's start: the ABI check had passed
        }
        int order = le.stage().compareTo(PluginLoadException.Stage.UNLINKABLE);
        return order < 0 ? null : order > 0;
    }

    /** Adds abi, exports, imports and permissions; returns the function counts. */
    private static ObjectNode describeModule(ObjectNode r, WasmModule module, Loaded loaded) {
        WasmView view = new WasmView(module);
        ObjectNode abi = r.putObject("abi");
        abi.put("host_version", PluginAbi.VERSION);
        Boolean ok = abiVerdict(loaded);
        if (ok == null) {
            abi.putNull("ok");
            abi.put("message", "not checked: the load failed before the ABI check (see error)");
        } else if (ok) {
            abi.put("ok", true);
            abi.putNull("message");
        } else {
            abi.put("ok", false);
            abi.put("message", loaded.error().getMessage());
        }
        ArrayNode exports = r.putArray("exports");
        for (WasmView.Item i : view.exports) {
            ObjectNode o = exports.addObject();
            o.put("name", i.name());
            o.put("kind", i.kind());
            o.put("signature", i.signature());
            FunctionTypeCheck.expected(i, PluginAbi.REQUIRED_EXPORTS).ifPresent(exp -> o.put("expected", exp));
        }
        ArrayNode imports = r.putArray("imports");
        for (WasmView.Item i : view.imports) {
            ObjectNode o = imports.addObject();
            o.put("module", i.module());
            o.put("name", i.name());
            o.put("kind", i.kind());
            o.put("signature", i.signature());
        }
        PluginInfo info = loaded.info();
        r.set("permissions", info != null ? RequiredPermissions.of(info.hostImports(), info.wasiImports())
                : RequiredPermissions.of(view.imports));
        ObjectNode functions = Json.object();
        functions.put("imported", view.importedFunctions);
        functions.put("defined", view.definedFunctions);
        return functions;
    }

    /** Class, method and bytecode counts, from the compilation report. */
    private static void classes(ObjectNode size, CompilationReport report) {
        size.put("classes", report.classes());
        size.put("class_file_bytes", report.classFileBytes());
        size.put("methods", report.methods().size());
        size.put("bytecode_bytes", report.bytecodeBytes());
    }

    private static void compiler(ObjectNode r, CompilerStamp s) {
        ObjectNode c = r.putObject("compiler");
        c.put("stamp", s.format());
        c.put("compiler_version", s.compilerVersion());
        c.put("chicory_version", s.backendVersion());
        c.put("abi_version", s.abiVersion());
        c.put("metering", s.metering());
        c.put("cost_model", s.costModel());
        c.put("wasm_sha256", s.wasmSha256());
        var current = WasmCompiler.stampFor(s.wasmSha256(), s.metering());
        List<String> diffs = s.differencesFrom(current);
        c.put("matches_this_runtime", diffs.isEmpty());
        if (!diffs.isEmpty()) {
            ArrayNode d = c.putArray("differences");
            diffs.forEach(d::add);
        }
    }

    private static void performance(ObjectNode r, CompilationReport report, FunctionNames names) {
        ArrayNode i = r.putArray("interpreted_functions");
        new TreeSet<>(report.interpretedFunctions()).forEach(i::add);
        ObjectNode named = r.putObject("function_names");
        r.put("name_section", names.present());
        for (int f : new TreeSet<>(report.interpretedFunctions())) {
            names.of(f).ifPresent(n -> named.put(Integer.toString(f), n));
        }
        // functions too large for one JIT-compiled method, compiled as several (func_N and its parts func_N$k)
        ArrayNode split = r.putArray("split_functions");
        var parts = new java.util.TreeMap<Integer, Integer>();
        for (CompilationReport.Method m : report.methods()) {
            if (m.wasmFunction() >= 0 && m.method().indexOf('$') > 0) {
                parts.merge(m.wasmFunction(), 1, Integer::sum);
            }
        }
        parts.forEach((f, n) -> {
            ObjectNode o = split.addObject();
            o.put("wasm_function", f);
            o.put("methods", n + 1);
            names.of(f).ifPresent(name -> named.put(Integer.toString(f), name));
        });
        ObjectNode lm = r.putObject("large_methods");
        lm.put("huge_method_limit", CompilationReport.HUGE_METHOD_LIMIT);
        lm.put("note", "HotSpot never JIT-compiles a method over " + CompilationReport.HUGE_METHOD_LIMIT
                + " bytes of bytecode (HugeMethodLimit): these run in the JVM's bytecode interpreter, much slower");
        ArrayNode methods = lm.putArray("methods");
        for (CompilationReport.Method m : report.largeMethods()) {
            ObjectNode o = methods.addObject();
            o.put("class", m.className());
            o.put("method", m.method());
            if (m.wasmFunction() >= 0) {
                o.put("wasm_function", m.wasmFunction());
                names.of(m.wasmFunction()).ifPresent(n -> {
                    o.put("wasm_function_name", n);
                    named.put(Integer.toString(m.wasmFunction()), n);
                });
            } else {
                o.putNull("wasm_function");
            }
            o.put("bytecode_bytes", m.bytecodeBytes());
        }
    }

    static boolean isWasm(byte[] b) {
        return b.length >= 4 && b[0] == 0 && b[1] == 'a' && b[2] == 's' && b[3] == 'm';
    }

    static boolean isZip(byte[] b) {
        return b.length >= 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4;
    }


    // ---------------------------------------------------------------------------------------------
    // Text rendering
    // ---------------------------------------------------------------------------------------------

    static String text(ObjectNode r) {
        StringBuilder sb = new StringBuilder();
        String id = r.path("id").asText("");
        sb.append(r.path("file").asText());
        if (r.path("format").asText().equals("jar")) {
            sb.append(" [").append(id).append(']');
        }
        sb.append("  (").append(r.path("format").asText()).append(")\n");
        boolean valid = r.path("valid").asBoolean();
        line(sb, "Valid", valid ? "yes" : "NO: " + r.path("error").path("message").asText());
        JsonNode m = r.path("metadata");
        if (m.isObject()) {
            line(sb, "Plugin", m.path("name").asText() + " " + m.path("version").asText() + " (" + m.path("plugin_type").asText()
                    + "), api_version " + m.path("api_version").asText());
            if (!m.path("description").asText("").isEmpty()) {
                line(sb, "Description", m.path("description").asText());
            }
            if (!m.path("author").asText("").isEmpty()) {
                line(sb, "Author", m.path("author").asText());
            }
            List<String> caps = new ArrayList<>();
            m.path("capabilities").forEach(c -> caps.add(c.asText()));
            line(sb, "Capabilities", caps.isEmpty() ? "-" : String.join(", ", caps));
        }
        JsonNode abi = r.path("abi");
        if (abi.isObject()) {
            line(sb, "ABI", abi.path("ok").isNull() ? abi.path("message").asText()
                    : abi.path("ok").asBoolean() ? "ok (host ABI " + abi.path("host_version").asText() + ")"
                    : "FAILED: " + abi.path("message").asText());
        }
        if (r.has("compile_error")) {
            line(sb, "Compile", "FAILED: " + r.path("compile_error").asText());
        }
        JsonNode exports = r.path("exports");
        if (exports.isArray()) {
            sb.append("Exports (").append(exports.size()).append("):\n");
            int w = width(exports, false);
            for (JsonNode e : exports) {
                sb.append("  ").append(pad(e.path("name").asText(), w)).append("  ").append(e.path("signature").asText());
                if (e.has("expected")) {
                    sb.append("   <- expected ").append(e.path("expected").asText());
                }
                sb.append('\n');
            }
        }
        JsonNode imports = r.path("imports");
        if (imports.isArray()) {
            sb.append("Imports (").append(imports.size()).append(")").append(imports.isEmpty() ? ": none\n" : ":\n");
            int w = width(imports, true);
            for (JsonNode e : imports) {
                sb.append("  ").append(pad(e.path("module").asText() + "." + e.path("name").asText(), w)).append("  ")
                        .append(e.path("signature").asText()).append('\n');
            }
        }
        JsonNode p = r.path("permissions");
        if (p.isObject()) {
            List<String> req = new ArrayList<>();
            p.path("required").forEach(x -> req.add(x.asText()));
            sb.append("Permissions: ").append(req.isEmpty() ? "none required" : String.join(", ", req)).append('\n');
            p.path("notes").forEach(n -> sb.append("  - ").append(n.asText()).append('\n'));
        }
        JsonNode s = r.path("size");
        if (s.isObject()) {
            List<String> parts = new ArrayList<>();
            if (s.has("wasm_bytes")) {
                parts.add(num(s.path("wasm_bytes").asLong()) + " bytes of wasm");
            }
            if (s.has("compiled_wasm_bytes")) {
                parts.add(num(s.path("compiled_wasm_bytes").asLong()) + " bytes of compiled (metered) wasm");
            }
            JsonNode f = s.path("functions");
            if (f.isObject()) {
                parts.add(num(f.path("defined").asLong() + f.path("imported").asLong()) + " functions (" + f.path("imported").asLong()
                        + " imported, " + f.path("defined").asLong() + " defined)");
            }
            if (s.has("classes")) {
                parts.add(num(s.path("classes").asLong()) + " classes, " + num(s.path("methods").asLong()) + " methods, "
                        + num(s.path("bytecode_bytes").asLong()) + " bytes of bytecode (" + num(s.path("class_file_bytes").asLong())
                        + " bytes of class files)");
            }
            sb.append("Size: ").append(String.join("; ", parts)).append('\n');
        }
        JsonNode c = r.path("compiler");
        if (c.isObject()) {
            line(sb, "Compiler", c.path("stamp").asText());
            if (!c.path("matches_this_runtime").asBoolean(true)) {
                List<String> d = new ArrayList<>();
                c.path("differences").forEach(x -> d.add(x.asText()));
                line(sb, "", "does not match this runtime: " + String.join("; ", d));
            }
            if (!c.path("metering").asBoolean(true)) {
                line(sb, "", "compiled WITHOUT fuel metering: --max-instructions cannot stop it");
            }
        }
        JsonNode fnames = r.path("function_names");
        JsonNode interp = r.path("interpreted_functions");
        if (interp.isArray()) {
            List<String> fs = new ArrayList<>();
            interp.forEach(x -> fs.add(x.asText() + (fnames.has(x.asText()) ? " (" + fnames.path(x.asText()).asText() + ")" : "")));
            sb.append("Interpreted functions (too large for one JVM method; run by the interpreter): ")
                    .append(fs.isEmpty() ? "none" : String.join(", ", fs)).append('\n');
        }
        JsonNode split = r.path("split_functions");
        if (split.isArray() && !split.isEmpty()) {
            List<String> fs = new ArrayList<>();
            split.forEach(x -> {
                String f = x.path("wasm_function").asText();
                fs.add(f + (fnames.has(f) ? " (" + fnames.path(f).asText() + ")" : "") + ": " + x.path("methods").asInt() + " methods");
            });
            sb.append("Split functions (too large for one JIT-compiled method; compiled as several): ")
                    .append(String.join(", ", fs)).append('\n');
        }
        JsonNode lm = r.path("large_methods");
        if (lm.isObject()) {
            JsonNode ms = lm.path("methods");
            sb.append("Methods over HotSpot's HugeMethodLimit (").append(lm.path("huge_method_limit").asInt())
                    .append(" bytes of bytecode; HotSpot never JIT-compiles them): ").append(ms.isEmpty() ? "none\n" : ms.size() + "\n");
            for (JsonNode x : ms) {
                sb.append("  ").append(x.path("class").asText()).append('.').append(x.path("method").asText())
                        .append(x.path("wasm_function").isNull() ? "" : " (wasm function " + x.path("wasm_function").asInt()
                                + (x.has("wasm_function_name") ? " " + x.path("wasm_function_name").asText() : "") + ")")
                        .append(": ").append(num(x.path("bytecode_bytes").asLong())).append(" bytes\n");
            }
        }
        boolean mentioned = interp.size() > 0 || split.size() > 0 || lm.path("methods").size() > 0;
        if (mentioned && !r.path("name_section").asBoolean(true)) {
            sb.append("  (no function names: the module has no name section; inspect an unstripped build to see which source "
                    + "functions these are)\n");
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String label, String value) {
        sb.append(pad(label.isEmpty() ? "" : label + ":", 14)).append(value).append('\n');
    }

    private static int width(JsonNode items, boolean qualified) {
        int w = 0;
        for (JsonNode e : items) {
            String n = qualified ? e.path("module").asText() + "." + e.path("name").asText() : e.path("name").asText();
            w = Math.max(w, n.length());
        }
        return Math.min(w, 48);
    }

    static String pad(String s, int w) {
        return s.length() >= w ? s : s + " ".repeat(w - s.length());
    }

    static String num(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
