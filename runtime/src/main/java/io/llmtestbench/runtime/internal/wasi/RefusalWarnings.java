package io.llmtestbench.runtime.internal.wasi;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Warnings on a plugin's own log (logger {@code llmtb.plugin.<name>}) when WASI refuses it something for lack
 * of permission: one per distinct path, one per environment variable, for as long as the plugin is loaded (its
 * instances share one), each naming the flag and settings that grant it. The refusal itself is an errno to the
 * guest, which a plugin often turns into a vague error of its own; the warning says what the operator can do.
 * At most {@value #MAX_DISTINCT} distinct warnings, then one saying that further ones are not logged.
 */
public final class RefusalWarnings {
    static final int MAX_DISTINCT = 100;
    static final String GRANT_DIRS = "grant a directory with --allow-dir DIR, DIR:ro or HOST_DIR:GUEST_PATH[:ro] (Java: "
            + "PluginPermissions.builder().grantDirs(...); pipelines: permissions.allow_dirs)";
    static final String GRANT_ENV = "grant one with --allow-env NAME (Java: PluginPermissions.builder().envVars(...); "
            + "pipelines: permissions.allow_env)";

    private final Supplier<Logger> logger;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean full = new AtomicBoolean();

    /** @param logger the plugin's logger (looked up on every warning: the plugin is renamed once its metadata is read) */
    public RefusalWarnings(Supplier<Logger> logger) {
        this.logger = logger;
    }

    /** {@code function} was refused {@code guestPath} because of {@code why} (e.g. outside every granted directory). */
    void path(String function, String guestPath, String why) {
        if (first("path:" + guestPath)) {
            logger.get().warn("WASI {} refused {}: {}; {}", function, io.llmtestbench.runtime.internal.LogText.escapeControls(guestPath),
                    why, GRANT_DIRS);
        }
    }

    /**
     * The plugin read its environment. WASI hands a plugin its whole environment at once, so the host cannot tell
     * which variable it looks for; it warns when nothing is granted, and for each granted variable the host's
     * environment does not have.
     *
     * @param granted the variables granted
     * @param unset those of them not set in the host's environment
     */
    void environment(List<String> granted, List<String> unset) {
        if (granted.isEmpty()) {
            if (first("env:")) {
                logger.get().warn("WASI: the plugin read its environment, but no environment variable is granted, so it sees "
                        + "none; {}", GRANT_ENV);
            }
            return;
        }
        for (String name : unset) {
            if (first("env:" + name)) {
                logger.get().warn("WASI: the plugin read its environment; {} is granted but not set in the host's "
                        + "environment, so the plugin does not see it", name);
            }
        }
    }

    private boolean first(String key) {
        if (seen.contains(key)) {
            return false;
        }
        if (seen.size() >= MAX_DISTINCT) {
            if (full.compareAndSet(false, true)) {
                logger.get().warn("WASI: more than {} distinct refusals; further ones are not logged", MAX_DISTINCT);
            }
            return false;
        }
        return seen.add(key);
    }
}
