package io.llmtestbench.runtime;

/**
 * Identifies one loaded plugin version within a {@link PluginSystem}.
 *
 * @param name the plugin's metadata name
 * @param version its metadata version
 * @param serial distinguishes two loads of the same name and version (unique in the JVM)
 */
public record PluginId(String name, String version, long serial) {
    @Override
    public String toString() {
        return name + "@" + version + "#" + serial;
    }
}
