package io.llmtestbench.runtime;

/**
 * A plugin found by {@link PluginSystem#discover()}: its metadata (read by running {@code plugin_metadata}
 * once) and where it came from. Load it with {@link PluginSystem#loadPlugin(String, String, LoadOptions)}.
 *
 * @param metadata what the plugin declared
 * @param source where it was found: the file's path, or the class-path URL of its jar or class directory
 * @param artifactId its id inside a pre-compiled jar, or null for a {@code .wasm}
 * @param sha256 the digest {@link LoadOptions#sha256()} pins and signatures cover: of the {@code .wasm} file, or of
 *     the plugin's {@code plugin.json} manifest in a jar
 * @param wasmSha256 the SHA-256 of the source module (for a jar, as recorded by its compiler): the same for a
 *     {@code .wasm} and its pre-compiled jar; two plugins claiming one name and version must agree on it
 * @param signedBy the fingerprint of the trusted key whose signature verified, or null (unsigned, or signatures
 *     not checked)
 */
public record PluginDescriptor(PluginMetadata metadata, String source, String artifactId, String sha256, String wasmSha256,
        String signedBy) {

    public String name() {
        return metadata.name();
    }

    public String version() {
        return metadata.version();
    }

    public PluginType type() {
        return metadata.pluginType();
    }

    @Override
    public String toString() {
        return metadata.name() + "@" + metadata.version() + " (" + source + (artifactId != null ? "!" + artifactId : "") + ")";
    }
}
