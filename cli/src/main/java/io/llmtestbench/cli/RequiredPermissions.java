package io.llmtestbench.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbench.abi.PluginAbi;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** What a plugin needs granted, derived from its imports. */
final class RequiredPermissions {
    private RequiredPermissions() {}

    /** From a parsed module's imports. */
    static ObjectNode of(List<WasmView.Item> imports) {
        List<String> host = new ArrayList<>();
        List<String> wasi = new ArrayList<>();
        for (WasmView.Item i : imports) {
            if (!i.kind().equals("func")) {
                continue;
            }
            if (i.module().equals(PluginAbi.HOST_MODULE)) {
                host.add(i.name());
            } else if (i.module().equals(PluginAbi.WASI_MODULE)) {
                wasi.add(i.name());
            }
        }
        return of(host, wasi);
    }

    /**
     * @param host the {@code env} host functions imported
     * @param wasi the WASI functions imported
     */
    static ObjectNode of(List<String> host, List<String> wasi) {
        Set<String> required = new LinkedHashSet<>();
        List<String> notes = new ArrayList<>();
        boolean fs = false;
        boolean env = false;
        boolean sockets = false;
        boolean stdio = false;
        for (String f : wasi) {
            if (f.startsWith("path_") || f.startsWith("fd_prestat") || f.equals("fd_readdir")) {
                fs = true;
            } else if (f.startsWith("environ_")) {
                env = true;
            } else if (f.startsWith("sock_")) {
                sockets = true;
            } else if (f.equals("fd_write") || f.equals("fd_read")) {
                stdio = true;
            }
        }
        boolean http = host.contains(PluginAbi.HOST_HTTP_REQUEST);
        if (!wasi.isEmpty()) {
            required.add("wasi");
            notes.add("imports WASI preview 1 (" + String.join(", ", wasi) + "): needs SystemOptions.enableWasi "
                    + "(`llmtb run` and `llmtb eval` enable it; nothing is granted beyond the --allow-* flags)");
        }
        if (fs) {
            required.add("filesystem");
            notes.add("opens files: grant directories with --allow-dir DIR, DIR:ro (read-only) or HOST:GUEST[:ro] "
                    + "(pipelines: permissions.allow_dirs); none by default, and nothing outside the grants is reachable");
        }
        if (env) {
            required.add("env");
            notes.add("reads environment variables: pass them with --allow-env NAME (pipelines: permissions.allow_env); none by default");
        }
        if (http) {
            required.add("network");
            notes.add("makes HTTP requests through host_http_request: allow each scheme, host and port with --allow-host "
                    + "(host, host:port, *.suffix, http://host:port; pipelines: permissions.allow_hosts); without a "
                    + "grant every request ends the run with PERMISSION_DENIED");
        }
        if (sockets) {
            notes.add("imports WASI sockets (sock_*), which always fail (ENOTSOCK): no grant enables them; network "
                    + "access is host_http_request only");
        }
        if (stdio) {
            notes.add("reads stdin / writes stdout or stderr through WASI: stdin is empty; stdout and stderr go to the "
                    + "plugin's logger llmtb.plugin.<name> (stdout at INFO, shown with --verbose; stderr at WARN), "
                    + "within the per-run log cap");
        }
        for (String h : host) {
            if (!h.equals(PluginAbi.HOST_HTTP_REQUEST)) {
                notes.add("uses " + h + " (" + describeHost(h) + "; no permission needed)");
            }
        }
        ObjectNode o = Json.object();
        ArrayNode r = o.putArray("required");
        required.forEach(r::add);
        o.put("wasi", !wasi.isEmpty());
        o.put("filesystem", fs);
        o.put("env", env);
        o.put("network", http);
        ArrayNode h = o.putArray("host_functions");
        host.forEach(h::add);
        ArrayNode w = o.putArray("wasi_functions");
        wasi.forEach(w::add);
        ArrayNode n = o.putArray("notes");
        notes.forEach(n::add);
        return o;
    }

    private static String describeHost(String name) {
        switch (name) {
            case PluginAbi.HOST_LOG: return "logging to the host's log, capped per execution";
            case PluginAbi.HOST_CURRENT_TIME_MS: return "wall clock";
            case PluginAbi.HOST_RANDOM: return "random numbers, seedable";
            case PluginAbi.HOST_SET_STATE: return "per-plugin key-value state, capped";
            case PluginAbi.HOST_GET_STATE: return "per-plugin key-value state";
            case PluginAbi.HOST_GET_CONTEXT: return "the execution context";
            case PluginAbi.HOST_HTTP_RESPONSE: return "re-reads the last host_http_request's response; sends nothing";
            case PluginAbi.HOST_COMPARE_AND_SET_STATE: return "atomic compare-and-set of per-plugin state, capped";
            default: return "host function";
        }
    }
}
