package io.llmtestbench.runtime;

import java.util.List;

/**
 * Capabilities granted to a plugin. Everything is denied by default ({@link #none()}).
 *
 * @param filesystem whether WASI file access is granted at all
 * @param allowedDirs directories visible to the guest through WASI (only with {@code filesystem}), each a
 *     {@link DirGrant} string {@code HOST[:GUEST][:ro|:rw]}: {@code "/tmp/plugin_data"} is read-write and seen by the
 *     guest at {@code /tmp/plugin_data}. Nothing outside them is reachable (see {@link DirGrant}). An invalid entry
 *     throws IllegalArgumentException.
 * @param network whether network access through the host is granted
 * @param allowedHosts what {@code host_http_request} may reach (only with {@code network}): {@code host} (https on
 *     443 only), {@code host:port} (https), {@code *.suffix} (any name ending in {@code .suffix}, not
 *     {@code suffix} itself), or {@code http[s]://host-or-*.suffix[:port]}; plain http and other ports must be
 *     named explicitly, e.g. {@code http://127.0.0.1:8080}. An invalid entry throws IllegalArgumentException.
 *     The rules: docs/plugin-abi.md, {@code host_http_request}.
 * @param envVars names of environment variables passed to the guest through WASI, with their values in this
 *     process's environment (a name that is not set is simply absent); the guest sees no other variable
 */
public record PluginPermissions(
        boolean filesystem, List<String> allowedDirs, boolean network, List<String> allowedHosts, List<String> envVars) {

    public PluginPermissions {
        allowedDirs = List.copyOf(allowedDirs);
        allowedHosts = List.copyOf(allowedHosts);
        allowedHosts.forEach(io.llmtestbench.runtime.internal.NetworkPolicy::parseEntry);
        envVars = List.copyOf(envVars);
        allowedDirs.forEach(DirGrant::parse);
        for (String name : envVars) {
            if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("environment variable name '" + name + "' is empty or contains '=' or NUL");
            }
        }
    }

    /** The parsed {@link #allowedDirs()}. */
    public List<DirGrant> dirGrants() {
        return allowedDirs.stream().map(DirGrant::parse).toList();
    }

    /** These permissions with WASI file access to exactly {@code grants} ({@code filesystem} true). */
    public PluginPermissions withDirs(DirGrant... grants) {
        return new PluginPermissions(true, java.util.Arrays.stream(grants).map(DirGrant::spec).toList(), network, allowedHosts, envVars);
    }

    /** These permissions passing exactly the environment variables {@code names}. */
    public PluginPermissions withEnvVars(String... names) {
        return new PluginPermissions(filesystem, allowedDirs, network, allowedHosts, List.of(names));
    }

    /** Nothing granted. */
    public static PluginPermissions none() {
        return new PluginPermissions(false, List.of(), false, List.of(), List.of());
    }
}
