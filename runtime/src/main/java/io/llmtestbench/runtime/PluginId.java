package io.llmtestbench.runtime;

/**
 * Identifies one loaded plugin version within a {@link PluginSystem}.
 *
 * @param name the plugin's metadata name
 * @param version its metadata version
 * @param serial distinguishes two loads of the same name and version (unique in the JVM)
 */
public record PluginId(String name, String version, long serial) {
    // equals and hashCode are written out (the same values a record's generated ones give) because a record's are
    // bound through invokedynamic at first use, which costs a fresh JVM tens of milliseconds of start-up.
    @Override
    public boolean equals(Object o) {
        return o instanceof PluginId p && serial == p.serial && java.util.Objects.equals(name, p.name) && java.util.Objects.equals(version, p.version);
    }

    @Override
    public int hashCode() {
        return (31 * java.util.Objects.hashCode(name) + java.util.Objects.hashCode(version)) * 31 + Long.hashCode(serial);
    }

    @Override
    public String toString() {
        return name + "@" + version + "#" + serial;
    }
}
