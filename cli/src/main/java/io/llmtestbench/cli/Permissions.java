package io.llmtestbench.cli;

import io.llmtestbench.runtime.PluginPermissions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Turns the CLI's and pipelines' permission grants into {@link PluginPermissions}. */
final class Permissions {
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9*]([A-Za-z0-9.*-]*[A-Za-z0-9])?(:\\d{1,5})?");

    private Permissions() {}

    /**
     * @param dirs "DIR" or "DIR:ro" (or "DIR:rw"); relative to {@code base}
     * @param cli name the grants as the CLI flags (--allow-dir...) in messages, else as pipeline keys
     */
    static PluginPermissions build(List<String> dirs, List<String> hosts, List<String> env, Path base, Warnings warnings,
            boolean cli) {
        String what = cli ? "--allow-dir " : "allow_dirs: ";
        String whatHost = cli ? "--allow-host " : "allow_hosts: ";
        String whatEnv = cli ? "--allow-env " : "allow_env: ";
        List<String> allowedDirs = new ArrayList<>();
        for (String spec : dirs) {
            String d = spec;
            boolean readOnly = false;
            if (d.endsWith(":ro")) {
                readOnly = true;
                d = d.substring(0, d.length() - 3);
            } else if (d.endsWith(":rw")) {
                d = d.substring(0, d.length() - 3);
            }
            if (d.isEmpty()) {
                throw new IllegalArgumentException(what + spec + ": no directory given");
            }
            Path p = Path.of(d);
            if (!p.isAbsolute() && base != null) {
                p = base.resolve(p);
            }
            p = p.toAbsolutePath().normalize();
            if (!Files.isDirectory(p)) {
                throw new IllegalArgumentException(what + spec + ": not a directory: " + p);
            }
            if (readOnly) {
                warnings.warn(what + spec + ": read-only access is not enforced yet (the runtime's permission model "
                        + "has no read-only grant); the plugin can also write in " + p);
            }
            if (!allowedDirs.contains(p.toString())) {
                allowedDirs.add(p.toString());
            }
        }
        List<String> allowedHosts = new ArrayList<>();
        for (String h : hosts) {
            if (!HOST.matcher(h).matches()) {
                throw new IllegalArgumentException(whatHost + h + ": not a host name");
            }
            allowedHosts.add(h);
        }
        if (!allowedHosts.isEmpty()) {
            warnings.warn("network access granted to " + allowedHosts + ", but no host function uses it yet "
                    + "(host_http_request comes in a later version)");
        }
        List<String> envVars = new ArrayList<>();
        for (String e : env) {
            if (!ENV_NAME.matcher(e).matches()) {
                throw new IllegalArgumentException(whatEnv + e + ": not an environment variable name (pass NAME, not NAME=VALUE)");
            }
            if (System.getenv(e) == null) {
                warnings.warn(whatEnv + e + ": the variable is not set; the plugin will not see it");
            }
            envVars.add(e);
        }
        return new PluginPermissions(!allowedDirs.isEmpty(), allowedDirs, !allowedHosts.isEmpty(), allowedHosts, envVars);
    }
}
