package io.llmtestbench.runtime;

import java.util.List;

/**
 * Capabilities granted to a plugin. Everything is denied by default ({@link #none()}).
 *
 * @param filesystem whether WASI file access is granted at all
 * @param allowedDirs host directories visible to the guest (only with {@code filesystem})
 * @param network whether network access through the host is granted
 * @param allowedHosts host names the plugin may reach (only with {@code network})
 * @param envVars names of environment variables passed to the guest
 */
public record PluginPermissions(
        boolean filesystem, List<String> allowedDirs, boolean network, List<String> allowedHosts, List<String> envVars) {

    public PluginPermissions {
        allowedDirs = List.copyOf(allowedDirs);
        allowedHosts = List.copyOf(allowedHosts);
        envVars = List.copyOf(envVars);
    }

    /** Nothing granted. */
    public static PluginPermissions none() {
        return new PluginPermissions(false, List.of(), false, List.of(), List.of());
    }
}
