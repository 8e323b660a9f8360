package io.llmtestbench.compiler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a compiled artifact was made from and with: compiler and backend versions, plugin ABI version,
 * metering setting, cost-model version and the SHA-256 of the source wasm. Every generated class carries
 * it, bound to the module it runs over ({@link #forClasses}); the runtime refuses classes whose stamp does not
 * match what it expects.
 */
public record CompilerStamp(
        String compilerVersion,
        String backendVersion,
        String abiVersion,
        boolean metering,
        int costModel,
        String wasmSha256) {

    public CompilerStamp {
        Objects.requireNonNull(compilerVersion, "compilerVersion");
        Objects.requireNonNull(backendVersion, "backendVersion");
        Objects.requireNonNull(abiVersion, "abiVersion");
        Objects.requireNonNull(wasmSha256, "wasmSha256");
    }

    /** The one-line form stored in artifacts, e.g. {@code llmtb=0.1.0;chicory=1.7.5;abi=1.0;metering=on;cost=1;sha256=…}. */
    public String format() {
        return "llmtb=" + compilerVersion
                + ";chicory=" + backendVersion
                + ";abi=" + abiVersion
                + ";metering=" + (metering ? "on" : "off")
                + ";cost=" + costModel
                + ";sha256=" + wasmSha256;
    }

    /**
     * The constant every generated class carries: this stamp and the SHA-256 of the compiled module
     * ({@code module.wasm}, metering injected) the classes were generated for, e.g.
     * {@code llmtb=…;sha256=<source>;module=<compiled>}. It ties each class to one module: classes of one plugin
     * cannot run over another plugin's module, nor over a module edited after compiling.
     */
    public String forClasses(String moduleSha256) {
        return format() + ";module=" + Objects.requireNonNull(moduleSha256, "moduleSha256");
    }

    @Override
    public String toString() {
        return format();
    }

    /** Parses {@link #format()}; throws {@link IllegalArgumentException} naming what is wrong. */
    public static CompilerStamp parse(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : text.split(";")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("malformed compiler stamp: '" + text + "'");
            }
            fields.put(part.substring(0, eq), part.substring(eq + 1));
        }
        for (String key : List.of("llmtb", "chicory", "abi", "metering", "cost", "sha256")) {
            if (!fields.containsKey(key)) {
                throw new IllegalArgumentException("compiler stamp lacks '" + key + "': '" + text + "'");
            }
        }
        String metering = fields.get("metering");
        if (!metering.equals("on") && !metering.equals("off")) {
            throw new IllegalArgumentException("compiler stamp has metering=" + metering);
        }
        int cost;
        try {
            cost = Integer.parseInt(fields.get("cost"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("compiler stamp has cost=" + fields.get("cost"), e);
        }
        return new CompilerStamp(
                fields.get("llmtb"), fields.get("chicory"), fields.get("abi"), metering.equals("on"), cost, fields.get("sha256"));
    }

    /** Human-readable differences between this stamp (found) and the expected one; empty when they match. */
    public List<String> differencesFrom(CompilerStamp expected) {
        List<String> diffs = new ArrayList<>();
        diff(diffs, "compiler version", compilerVersion, expected.compilerVersion);
        diff(diffs, "backend (Chicory) version", backendVersion, expected.backendVersion);
        diff(diffs, "ABI version", abiVersion, expected.abiVersion);
        diff(diffs, "metering", metering ? "on" : "off", expected.metering ? "on" : "off");
        diff(diffs, "cost model", String.valueOf(costModel), String.valueOf(expected.costModel));
        diff(diffs, "wasm SHA-256", wasmSha256, expected.wasmSha256);
        return diffs;
    }

    private static void diff(List<String> out, String what, String found, String expected) {
        if (!found.equals(expected)) {
            out.add(what + " is " + found + ", expected " + expected);
        }
    }
}
