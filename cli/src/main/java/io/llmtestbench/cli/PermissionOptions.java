package io.llmtestbench.cli;

import io.llmtestbench.pipeline.internal.Permissions;
import io.llmtestbench.runtime.PluginPermissions;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Capability flags. Nothing is granted unless asked for. */
final class PermissionOptions {
    @Option(names = "--allow-dir", paramLabel = "DIR[:ro]",
            description = "Grant WASI file access to DIR (repeatable), seen by the plugin at DIR's absolute path; "
                    + "DIR:ro is read-only (writes fail with EROFS). HOST:GUEST[:ro] shows host directory HOST at "
                    + "GUEST (an absolute path), e.g. ./data:/data:ro.")
    List<String> allowDirs = new ArrayList<>();

    @Option(names = "--allow-host", paramLabel = "HOST",
            description = "Let host_http_request reach HOST (repeatable; grants the network permission): host "
                    + "(https, port 443), host:port (https), *.suffix (https, any name ending in .suffix), or "
                    + "http[s]://host[:port] for another scheme or port, e.g. http://127.0.0.1:8080.")
    List<String> allowHosts = new ArrayList<>();

    @Option(names = "--allow-env", paramLabel = "NAME",
            description = "Pass environment variable NAME from this command's environment to the plugin (WASI; repeatable).")
    List<String> allowEnv = new ArrayList<>();

    @Option(names = "--enable-wasi",
            description = "Let the plugin import WASI preview 1 (SystemOptions.enableWasi), with nothing granted beyond the "
                    + "--allow-dir and --allow-env flags, which enable WASI themselves. Without it a plugin that imports "
                    + "WASI is refused, as with the runtime's default configuration.")
    boolean enableWasi;

    /** Whether WASI is enabled: asked for, or implied by a WASI grant. */
    boolean wasi() {
        return enableWasi || !allowDirs.isEmpty() || !allowEnv.isEmpty();
    }

    /** Builds the permissions; throws IllegalArgumentException (a usage error) for a bad flag. */
    PluginPermissions build(java.nio.file.Path base, Warnings warnings) {
        return Permissions.build(allowDirs, allowHosts, allowEnv, base, warnings::warn, true);
    }
}
