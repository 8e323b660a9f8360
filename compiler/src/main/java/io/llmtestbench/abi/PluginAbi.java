package io.llmtestbench.abi;

import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The plugin ABI v1, as code: the one definition of names, signatures and result codes that the compiler,
 * the runtime and the tools share. {@code docs/plugin-abi.md} is its normative prose.
 */
public final class PluginAbi {
    private PluginAbi() {}

    public static final int MAJOR = 1;
    /**
     * 1.1 added {@link #HOST_HTTP_REQUEST} and {@link #HOST_HTTP_RESPONSE}, 1.2 {@link #HOST_COMPARE_AND_SET_STATE};
     * plugins of an older minor run unchanged.
     */
    public static final int MINOR = 2;

    /** The host's ABI version, "MAJOR.MINOR". */
    public static final String VERSION = MAJOR + "." + MINOR;

    /** The module name of every host import. */
    public static final String HOST_MODULE = "env";

    public static final String WASI_MODULE = "wasi_snapshot_preview1";

    public static final String MEMORY = "memory";
    public static final String ALLOC = "plugin_alloc";
    public static final String FREE = "plugin_free";
    public static final String METADATA = "plugin_metadata";
    public static final String INIT = "plugin_init";
    public static final String EXECUTE = "plugin_execute";
    public static final String SHUTDOWN = "plugin_shutdown";
    /** Optional WASI reactor initialiser, called once after instantiation. */
    public static final String INITIALIZE = "_initialize";

    public static final String HOST_LOG = "host_log";
    public static final String HOST_CURRENT_TIME_MS = "host_current_time_ms";
    public static final String HOST_RANDOM = "host_random";
    public static final String HOST_SET_STATE = "host_set_state";
    public static final String HOST_GET_STATE = "host_get_state";
    public static final String HOST_GET_CONTEXT = "host_get_context";
    /** Since 1.1: an HTTP request through the host, gated by the plugin's network permission. */
    public static final String HOST_HTTP_REQUEST = "host_http_request";
    /** Since 1.1: re-reads the response of this run's last {@link #HOST_HTTP_REQUEST}. */
    public static final String HOST_HTTP_RESPONSE = "host_http_response";
    /** Since 1.2: an atomic compare-and-set of one plugin state entry, for updates that concurrent instances must not lose. */
    public static final String HOST_COMPARE_AND_SET_STATE = "host_compare_and_set_state";

    /** Result codes. */
    public static final int RESULT_OK = 0;
    public static final int RESULT_ERROR = -1;
    public static final int RESULT_INVALID_INPUT = -2;
    public static final int RESULT_TIMEOUT = -3;
    public static final int RESULT_OUT_OF_MEMORY = -4;
    public static final int RESULT_BUFFER_TOO_SMALL = -5;

    private static final ValType I32 = ValType.I32;
    private static final ValType I64 = ValType.I64;

    /** Required function exports and their signatures, in the order the docs list them. */
    public static final Map<String, FunctionType> REQUIRED_EXPORTS = ordered(
            ALLOC, FunctionType.of(List.of(I32), List.of(I32)),
            FREE, FunctionType.of(List.of(I32, I32), List.of()),
            METADATA, FunctionType.of(List.of(I32, I32), List.of(I32)),
            INIT, FunctionType.of(List.of(I32, I32), List.of(I32)),
            EXECUTE, FunctionType.of(List.of(I32, I32, I32, I32), List.of(I32)),
            SHUTDOWN, FunctionType.of(List.of(), List.of(I32)));

    /** Host functions a plugin may import from {@link #HOST_MODULE}, and their signatures. */
    public static final Map<String, FunctionType> HOST_FUNCTIONS = ordered(
            HOST_LOG, FunctionType.of(List.of(I32, I32, I32), List.of(I32)),
            HOST_CURRENT_TIME_MS, FunctionType.of(List.of(), List.of(I64)),
            HOST_RANDOM, FunctionType.of(List.of(I32), List.of(I32)),
            HOST_SET_STATE, FunctionType.of(List.of(I32, I32, I32, I32), List.of(I32)),
            HOST_GET_STATE, FunctionType.of(List.of(I32, I32, I32, I32), List.of(I32)),
            HOST_GET_CONTEXT, FunctionType.of(List.of(I32, I32), List.of(I32)),
            HOST_HTTP_REQUEST, FunctionType.of(List.of(I32, I32, I32, I32), List.of(I32)),
            HOST_HTTP_RESPONSE, FunctionType.of(List.of(I32, I32), List.of(I32)),
            HOST_COMPARE_AND_SET_STATE, FunctionType.of(List.of(I32, I32, I32, I32, I32, I32), List.of(I32)));

    /**
     * The ABI minor version that introduced a host function (0 for the functions of 1.0). A plugin that
     * imports a function must declare at least that minor in its {@code api_version}.
     */
    public static int hostFunctionSince(String name) {
        if (HOST_COMPARE_AND_SET_STATE.equals(name)) {
            return 2;
        }
        return HOST_HTTP_REQUEST.equals(name) || HOST_HTTP_RESPONSE.equals(name) ? 1 : 0;
    }

    /**
     * Checks a module against the ABI's structural rules (§2 of {@code docs/plugin-abi.md}): its own memory
     * exported as {@code memory}, the six required function exports with their signatures, and imports only of
     * host functions (with their signatures) or of WASI. The one implementation of these rules: the runtime
     * refuses a module at load on the first error, the build tools report every problem at build time.
     *
     * <p>Importing WASI is not a problem here: whether WASI is enabled is host configuration. Nor is
     * {@code api_version}, which only running {@code plugin_metadata} tells (see {@link #isCompatible}).
     *
     * @return every problem, errors before warnings, in the order: memory, required exports, imports; empty when
     *     the module is a plugin
     */
    public static java.util.List<AbiProblem> check(com.dylibso.chicory.wasm.WasmModule module) {
        return ModuleCheck.check(module);
    }

    /**
     * The problem with a plugin's declared {@code api_version} (§15, §18), given the host functions it imports;
     * empty when this host accepts it. The one rule for the runtime at load and the build tools at build time.
     *
     * @param apiVersion the declared version as text (a JSON number as its decimal text), or null when absent
     * @param importedHostFunctions names of the functions the module imports from {@link #HOST_MODULE}
     */
    public static Optional<String> apiVersionProblem(String apiVersion, java.util.Collection<String> importedHostFunctions) {
        if (apiVersion == null) {
            return Optional.of("api_version is missing (this host implements plugin ABI " + VERSION + ")");
        }
        int[] declared = parseApiVersion(apiVersion);
        if (declared == null) {
            return Optional.of("api_version \"" + apiVersion + "\" is not a version (\"MAJOR.MINOR\", \"MAJOR.MINOR.PATCH\" or"
                    + " \"MAJOR\", e.g. \"" + VERSION + "\")");
        }
        if (!isCompatible(declared[0], declared[1])) {
            return Optional.of("incompatible api_version " + apiVersion + ": this host implements plugin ABI " + VERSION
                    + " (same major version and a minor version not above " + MINOR + " required)");
        }
        for (String fn : importedHostFunctions) {
            if (hostFunctionSince(fn) > declared[1]) {
                return Optional.of("api_version " + apiVersion + " is too old for the import `" + HOST_MODULE + "." + fn
                        + "`, which needs plugin ABI " + MAJOR + "." + hostFunctionSince(fn));
            }
        }
        return Optional.empty();
    }

    private static final java.util.regex.Pattern API_VERSION =
            java.util.regex.Pattern.compile("(\\d{1,4})(?:\\.(\\d{1,4})(?:\\.(\\d{1,4}))?)?");

    /**
     * {MAJOR, MINOR} of an {@code api_version} text, or null when it is not one: "MAJOR.MINOR", "MAJOR.MINOR.PATCH"
     * (the patch does not count for compatibility) or "MAJOR" (= MAJOR.0), each part 1-4 decimal digits (§15). In
     * the compiler so that build tools, which have no runtime, read it as the runtime does.
     */
    public static int[] parseApiVersion(String text) {
        java.util.regex.Matcher m = text == null ? null : API_VERSION.matcher(text);
        if (m == null || !m.matches()) {
            return null;
        }
        return new int[] {Integer.parseInt(m.group(1)), m.group(2) == null ? 0 : Integer.parseInt(m.group(2))};
    }

    /**
     * Whether a plugin written for ABI {@code major.minor} runs on this host: same major, minor not above ours. (The
     * runtime reads {@code api_version} into MAJOR and MINOR with {@link #parseApiVersion} too, in its version rule.)
     */
    public static boolean isCompatible(int major, int minor) {
        return major == MAJOR && minor >= 0 && minor <= MINOR;
    }

    /** The symbolic name of a result code, e.g. {@code RESULT_ERROR}; empty for an undocumented code. */
    public static Optional<String> resultName(int code) {
        switch (code) {
            case RESULT_OK: return Optional.of("RESULT_OK");
            case RESULT_ERROR: return Optional.of("RESULT_ERROR");
            case RESULT_INVALID_INPUT: return Optional.of("RESULT_INVALID_INPUT");
            case RESULT_TIMEOUT: return Optional.of("RESULT_TIMEOUT");
            case RESULT_OUT_OF_MEMORY: return Optional.of("RESULT_OUT_OF_MEMORY");
            case RESULT_BUFFER_TOO_SMALL: return Optional.of("RESULT_BUFFER_TOO_SMALL");
            default: return Optional.empty();
        }
    }

    /** A signature in WAT syntax, e.g. {@code (func (param i32 i32) (result i32))}. */
    public static String wat(FunctionType type) {
        var sb = new StringBuilder("(func");
        if (!type.params().isEmpty()) {
            sb.append(" (param");
            type.params().forEach(p -> sb.append(' ').append(p.toString().toLowerCase(java.util.Locale.ROOT)));
            sb.append(')');
        }
        if (!type.returns().isEmpty()) {
            sb.append(" (result");
            type.returns().forEach(p -> sb.append(' ').append(p.toString().toLowerCase(java.util.Locale.ROOT)));
            sb.append(')');
        }
        return sb.append(')').toString();
    }

    private static Map<String, FunctionType> ordered(Object... kv) {
        Map<String, FunctionType> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], (FunctionType) kv[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
