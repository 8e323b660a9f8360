package io.llmtestbench.cli;

import io.llmtestbench.runtime.PluginPermissions;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Capability flags. Nothing is granted unless asked for. */
final class PermissionOptions {
    @Option(names = "--allow-dir", paramLabel = "DIR[:ro]",
            description = "Grant WASI file access to DIR, visible to the plugin at its host path (repeatable). "
                    + "':ro' asks for read-only access, which the runtime cannot enforce yet (a warning says so).")
    List<String> allowDirs = new ArrayList<>();

    @Option(names = "--allow-host", paramLabel = "HOST",
            description = "Grant network access to HOST (repeatable). No host function uses it yet.")
    List<String> allowHosts = new ArrayList<>();

    @Option(names = "--allow-env", paramLabel = "NAME",
            description = "Pass environment variable NAME from this command's environment to the plugin (WASI; repeatable).")
    List<String> allowEnv = new ArrayList<>();

    /** Builds the permissions; throws IllegalArgumentException (a usage error) for a bad flag. */
    PluginPermissions build(java.nio.file.Path base, Warnings warnings) {
        return Permissions.build(allowDirs, allowHosts, allowEnv, base, warnings, true);
    }
}
