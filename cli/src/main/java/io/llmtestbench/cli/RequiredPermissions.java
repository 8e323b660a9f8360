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
        Set<String> required = new LinkedHashSet<>();
        List<String> notes = new ArrayList<>();
        boolean fs = false;
        boolean env = false;
        boolean net = false;
        boolean stdio = false;
        for (String f : wasi) {
            if (f.startsWith("path_") || f.startsWith("fd_prestat") || f.equals("fd_readdir")) {
                fs = true;
            } else if (f.startsWith("environ_")) {
                env = true;
            } else if (f.startsWith("sock_")) {
                net = true;
            } else if (f.equals("fd_write") || f.equals("fd_read")) {
                stdio = true;
            }
        }
        if (!wasi.isEmpty()) {
            required.add("wasi");
            notes.add("imports WASI preview 1 (" + String.join(", ", wasi) + "): needs RuntimeConfig.enableWasi "
                    + "(`llmtb run` and `llmtb eval` enable it; nothing is granted beyond the --allow-* flags)");
        }
        if (fs) {
            required.add("filesystem");
            notes.add("opens files: grant directories with --allow-dir DIR (pipelines: permissions.allow_dirs); none by default");
        }
        if (env) {
            required.add("env");
            notes.add("reads environment variables: pass them with --allow-env NAME (pipelines: permissions.allow_env); none by default");
        }
        if (net) {
            required.add("network");
            notes.add("uses WASI sockets, which the runtime does not provide");
        }
        if (stdio) {
            notes.add("reads stdin / writes stdout or stderr through WASI: stdin is empty and output is discarded");
        }
        for (String h : host) {
            notes.add("uses " + h + " (" + describeHost(h) + "; no permission needed)");
        }
        ObjectNode o = Json.object();
        ArrayNode r = o.putArray("required");
        required.forEach(r::add);
        o.put("wasi", !wasi.isEmpty());
        o.put("filesystem", fs);
        o.put("env", env);
        o.put("network", net);
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
            default: return "host function";
        }
    }
}
