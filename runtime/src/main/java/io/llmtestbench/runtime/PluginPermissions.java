package io.llmtestbench.runtime;

import io.llmtestbench.runtime.internal.NetworkPolicy;
import java.util.Arrays;
import java.util.List;

/**
 * Capabilities granted to a plugin. Everything is denied by default ({@link #none()}); grant with
 * {@link #builder()}.
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

    private static final PluginPermissions NONE = new PluginPermissions(false, List.of(), false, List.of(), List.of());

    public PluginPermissions {
        allowedDirs = List.copyOf(allowedDirs);
        allowedDirs.forEach(DirGrant::parse);
        allowedHosts = List.copyOf(allowedHosts);
        allowedHosts.forEach(NetworkPolicy::parseEntry);
        envVars = List.copyOf(envVars);
        for (String name : envVars) {
            if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("environment variable name '" + name + "' is empty or contains '=' or NUL");
            }
        }
    }

    /** Nothing granted. */
    public static PluginPermissions none() {
        return NONE;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().filesystem(filesystem).allowedDirs(allowedDirs).network(network).allowedHosts(allowedHosts).envVars(envVars);
    }

    /** The parsed {@link #allowedDirs()}. */
    public List<DirGrant> dirGrants() {
        return allowedDirs.stream().map(DirGrant::parse).toList();
    }

    /**
     * Builds {@link PluginPermissions}, starting from nothing granted. The setters named after a component set it;
     * {@link #grantDirs} and {@link #grantHosts} also switch on the capability they need.
     */
    public static final class Builder {
        private boolean filesystem;
        private List<String> allowedDirs = List.of();
        private boolean network;
        private List<String> allowedHosts = List.of();
        private List<String> envVars = List.of();

        private Builder() {}

        public Builder filesystem(boolean v) { filesystem = v; return this; }
        public Builder allowedDirs(List<String> v) { allowedDirs = List.copyOf(v); return this; }
        public Builder network(boolean v) { network = v; return this; }
        public Builder allowedHosts(List<String> v) { allowedHosts = List.copyOf(v); return this; }
        public Builder envVars(List<String> v) { envVars = List.copyOf(v); return this; }
        public Builder envVars(String... names) { return envVars(List.of(names)); }

        /** WASI file access to exactly these directories: sets {@code allowedDirs} and {@code filesystem}. */
        public Builder grantDirs(DirGrant... grants) {
            return allowedDirs(Arrays.stream(grants).map(DirGrant::spec).toList()).filesystem(true);
        }

        /** Network access to exactly these hosts (the {@code allowedHosts} forms): sets {@code allowedHosts} and {@code network}. */
        public Builder grantHosts(String... hosts) {
            return allowedHosts(List.of(hosts)).network(true);
        }

        public PluginPermissions build() {
            return new PluginPermissions(filesystem, allowedDirs, network, allowedHosts, envVars);
        }
    }
}
