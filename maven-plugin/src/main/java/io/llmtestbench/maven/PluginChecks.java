package io.llmtestbench.maven;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.Import;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmtestbench.abi.AbiProblem;
import io.llmtestbench.abi.PluginAbi;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The build-time checks of a module before it is compiled into a plugin jar: the runtime's own structural ABI
 * check ({@link PluginAbi#check}), then its metadata as far as the build can read it ({@link MetadataProbe}):
 * {@code plugin_metadata} must work and declare an {@code api_version} this host accepts
 * ({@link PluginAbi#apiVersionProblem}, the rule the runtime applies at load).
 */
final class PluginChecks {
    private PluginChecks() {}

    /**
     * What the checks found: errors fail the build (the runtime would refuse the plugin at every load), warnings
     * are logged when the module is compiled (and fail the build with failOnWarning), notes are logged at info
     * level (what the build could not check, and why).
     */
    record Findings(List<String> errors, List<String> warnings, List<String> notes) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every check; with {@code checkAbi} off, only the warnings, and a note of what the runtime will refuse. */
    static Findings check(WasmModule module, boolean checkAbi, MetadataProbe probe) {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (AbiProblem p : PluginAbi.check(module)) {
            (p.isError() ? errors : warnings).add(p.message());
        }
        if (!checkAbi) {
            if (!errors.isEmpty()) {
                notes.add("ABI check off (checkAbi=false); the runtime will refuse this module: " + String.join("; ", errors));
            }
            return new Findings(List.of(), warnings, notes);
        }
        if (errors.isEmpty()) {
            MetadataProbe.Outcome outcome = probe.probe(module);
            if (outcome instanceof MetadataProbe.Fails f) {
                errors.add(f.reason() + " when the module starts, so the runtime refuses it at every load");
            } else if (outcome instanceof MetadataProbe.Unknown u) {
                notes.add("api_version not checked at build time: " + u.reason());
            } else if (outcome instanceof MetadataProbe.Read r) {
                String problem = apiVersionProblem(r, hostImports(module));
                if (problem != null) {
                    errors.add(problem);
                }
            }
        }
        return new Findings(errors, warnings, notes);
    }

    /** The problem with the metadata's api_version (or with the metadata as JSON), or null. */
    static String apiVersionProblem(MetadataProbe.Read metadata, List<String> hostImports) {
        JsonNode m;
        try {
            m = JSON.readTree(metadata.json());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return "plugin_metadata returns invalid JSON (" + e.getOriginalMessage() + "): " + abbreviate(metadata.text());
        } catch (IOException e) {
            return "plugin_metadata returns unreadable JSON (" + e.getMessage() + ")";
        }
        if (m == null || !m.isObject()) {
            return "plugin_metadata must return a JSON object, not: " + abbreviate(metadata.text());
        }
        JsonNode api = m.get("api_version");
        String declared = api == null || api.isNull() ? null : api.isNumber() || api.isTextual() ? api.asText() : api.toString();
        return PluginAbi.apiVersionProblem(declared, hostImports).map(p -> "metadata " + p).orElse(null);
    }

    private static List<String> hostImports(WasmModule module) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imp = module.importSection().getImport(i);
            if (imp.importType() == ExternalType.FUNCTION && imp.module().equals(PluginAbi.HOST_MODULE)) {
                names.add(imp.name());
            }
        }
        return names;
    }

    private static String abbreviate(String s) {
        String t = s.strip();
        return t.length() <= 200 ? t : t.substring(0, 200) + "…";
    }
}
