package io.llmtestbench.pipeline.internal;

import io.llmtestbench.runtime.DirGrant;
import io.llmtestbench.runtime.PluginPermissions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns the pipelines' and the CLI's permission grants into {@link PluginPermissions}. Every entry is parsed by the
 * runtime ({@link DirGrant#parse}, {@link PluginPermissions}'s host and environment checks), so the CLI accepts
 * exactly what the runtime accepts and an invalid entry carries the runtime's reason.
 */
public final class Permissions {
    private Permissions() {}

    /**
     * @param dirs {@code HOST[:GUEST][:ro|:rw]} ({@link DirGrant}); a relative HOST is resolved against {@code base}
     *     (the working directory when null), and seen by the plugin at that absolute path unless GUEST is given
     * @param hosts {@code host}, {@code host:port}, {@code *.suffix} or {@code http[s]://host[:port]} entries
     * @param env environment variable names
     * @param cli name the grants as the CLI flags (--allow-dir...) in messages, else as pipeline keys
     * @throws IllegalArgumentException naming the entry and why it is refused
     */
    public static PluginPermissions build(List<String> dirs, List<String> hosts, List<String> env, Path base, Consumer<String> warnings,
            boolean cli) {
        String whatDir = cli ? "--allow-dir " : "allow_dirs: ";
        String whatHost = cli ? "--allow-host " : "allow_hosts: ";
        String whatEnv = cli ? "--allow-env " : "allow_env: ";
        List<String> grants = new ArrayList<>();
        Map<String, String> byGuest = new HashMap<>();
        for (String spec : dirs) {
            DirGrant g;
            try {
                g = resolve(DirGrant.parse(spec), spec, base);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(whatDir + spec + ": " + e.getMessage(), e);
            }
            if (!Files.isDirectory(Path.of(g.hostPath()))) {
                throw new IllegalArgumentException(whatDir + spec + ": not a directory: " + g.hostPath());
            }
            String other = byGuest.putIfAbsent(g.guestPath(), spec);
            if (other != null) {
                throw new IllegalArgumentException(whatDir + spec + ": the plugin already sees " + g.guestPath() + " through " + whatDir
                        + other + " (two grants cannot use the same guest path; map one elsewhere with HOST:GUEST)");
            }
            grants.add(g.spec());
        }
        for (String h : hosts) {
            try {
                new PluginPermissions(false, List.of(), true, List.of(h), List.of());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(whatHost + h + ": " + e.getMessage(), e);
            }
        }
        for (String e : env) {
            try {
                new PluginPermissions(false, List.of(), false, List.of(), List.of(e));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(whatEnv + e + ": " + ex.getMessage()
                        + (e.indexOf('=') >= 0 ? " (pass NAME, not NAME=VALUE: the value comes from this command's environment)" : ""), ex);
            }
            if (System.getenv(e) == null) {
                warnings.accept(whatEnv + e + ": the variable is not set; the plugin will not see it");
            }
        }
        return new PluginPermissions(!grants.isEmpty(), grants, !hosts.isEmpty(), List.copyOf(hosts), List.copyOf(env));
    }

    /**
     * The grant with a relative host path resolved against {@code base} rather than the working directory
     * ({@link DirGrant} resolves against the latter). Without an explicit guest path, the plugin sees the
     * directory at the resolved absolute path.
     */
    private static DirGrant resolve(DirGrant parsed, String spec, Path base) {
        if (base == null) {
            return parsed;
        }
        String s = spec;
        if (s.endsWith(":ro") || s.endsWith(":rw")) {
            s = s.substring(0, s.length() - 3);
        }
        int split = s.lastIndexOf(":/"); // DirGrant's rule: GUEST is what follows the last ":/"
        String host = split > 0 ? s.substring(0, split) : s;
        if (Path.of(host).isAbsolute()) {
            return parsed;
        }
        String resolved = base.resolve(host).toAbsolutePath().normalize().toString();
        return new DirGrant(resolved, split > 0 ? parsed.guestPath() : null, parsed.readOnly());
    }
}
