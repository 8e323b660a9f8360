package io.llmtestbench.spark.internal;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * What an executor needs to run a pipeline, sent with every task (small: the pipeline file's text, the names of the
 * plugin files shipped with the job, the trusted keys). Executors parse the pipeline themselves, with the pipeline
 * module's own parser, and cache the loaded result by {@link #key()}.
 *
 * @param pipelineFile the pipeline file as the caller named it (names the pipeline in messages; its default name)
 * @param pipelineJson the pipeline file's text, without {@code defaults.trusted_keys} (the keys travel in
 *     {@code trustedKeys}, so executors need not read key files)
 * @param base the driver's directory of the pipeline file: relative {@code allow_dirs} resolve against it, as on the
 *     driver (so directory grants need the same path on every executor)
 * @param plugins by stage ({@code where}): the plugin file shipped for it; a stage without one keeps its path
 * @param trustedKeys X.509 encodings of the keys the signature policy trusts (the pipeline's and the caller's)
 * @param requireSignature every plugin needs a signature by a trusted key
 * @param requireMetering refuse plugin jars compiled without fuel metering
 * @param carried record fields copied into each result's {@code fields} (a group-by field other than category)
 * @param maxInstances the plugin system's live-instance bound; 0 for the default (see {@code ExecutorPlugins})
 * @param cacheDir compile cache for {@code .wasm} plugins: a path, {@code ""} for none, null for the default
 * @param batchSize records per hand-off to a plugin thread
 * @param auditLog false: the JVMs that run the pipeline turn the {@code llmtb.audit} logger down to WARN
 */
public record JobSpec(String pipelineFile, String pipelineJson, String base, Map<String, ShippedFile> plugins,
        List<byte[]> trustedKeys, boolean requireSignature, boolean requireMetering, List<String> carried, int maxInstances,
        String cacheDir, int batchSize, boolean auditLog) implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * A plugin file shipped with the job ({@code SparkContext.addFile}).
     *
     * @param name its name in {@code SparkFiles} (content-addressed: {@code <sha256 prefix>-<file name>})
     * @param sha256 its digest, checked on the executor before it is loaded
     * @param signature whether a detached signature ({@code <name>.sig}) was shipped beside it
     */
    public record ShippedFile(String name, String sha256, boolean signature) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    public JobSpec {
        plugins = Map.copyOf(plugins);
        trustedKeys = List.copyOf(trustedKeys);
        carried = List.copyOf(carried);
    }

    /** Identifies the loaded pipeline: equal specs share one loaded runner per JVM. */
    public String key() {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (String s : new String[] {pipelineFile, pipelineJson, base, String.valueOf(requireSignature), String.valueOf(requireMetering),
                    String.valueOf(carried), String.valueOf(maxInstances), String.valueOf(cacheDir)}) {
                d.update(String.valueOf(s).getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
            }
            plugins.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
                d.update((e.getKey() + "=" + e.getValue().name() + "/" + e.getValue().sha256() + "/" + e.getValue().signature())
                        .getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
            });
            d.update(policyKey().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Identifies the signature policy (and system settings): specs with equal policy keys share one plugin system. */
    public String policyKey() {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            trustedKeys.stream().map(k -> HexFormat.of().formatHex(k)).sorted().forEach(h -> d.update(h.getBytes(StandardCharsets.UTF_8)));
            d.update((byte) (requireSignature ? 1 : 0));
            d.update(String.valueOf(maxInstances).getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(String.valueOf(cacheDir).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
