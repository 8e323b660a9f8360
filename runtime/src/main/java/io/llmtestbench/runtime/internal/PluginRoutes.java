package io.llmtestbench.runtime.internal;

import io.llmtestbench.runtime.PluginException;
import io.llmtestbench.runtime.PluginId;
import io.llmtestbench.runtime.PluginLoadException.Stage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which loaded versions admit executions, and where executions by name go. Versions are published, replaced
 * and unpublished here; retiring what was unpublished (which runs {@code plugin_shutdown}) is the caller's job,
 * after this class's lock is released.
 *
 * <p><b>Invariants</b>, kept by changing {@link #loaded} and {@link #current} together under {@link #lock}:
 * <ol>
 *   <li>{@code current.get(n)} is the newest handle in {@code loaded} named {@code n} — highest version by semver
 *       precedence, then the latest load — and absent when none is.</li>
 *   <li>No two handles in {@code loaded} claim one name and version with different modules.</li>
 *   <li>A handle leaves {@code loaded} once (unload, replacement or close) and never comes back.</li>
 *   <li>{@code live} holds every handle in {@code loaded} and the unpublished ones still draining; a handle leaves
 *       it when drained ({@link #forget}).</li>
 *   <li>After {@link #closeAll()} nothing is published.</li>
 * </ol>
 * Readers (executions by id or by name) use {@link #get} and {@link #current} without the lock, so they may
 * get a handle that is being retired; its {@code tryEnter()} refuses them, and a caller by name reads the route
 * again, which has already moved on. No plugin code runs under the lock.
 */
public final class PluginRoutes {
    private final Object lock = new Object();
    private final Map<PluginId, PluginHandle> loaded = new ConcurrentHashMap<>();
    private final Map<String, PluginHandle> current = new ConcurrentHashMap<>();
    private final Set<PluginHandle> live = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * Publishes {@code h}. With {@code replace}, every other loaded version of its name is unpublished in the same
     * step; without, a loaded version with the same name and version but another module refuses it
     * ({@link Stage#CONFLICTING}).
     *
     * @return the versions unpublished, for the caller to retire
     * @throws PluginException when refused; nothing changed
     */
    public List<PluginHandle> publish(PluginHandle h, boolean replace) {
        String name = h.id().name();
        List<PluginHandle> replaced = new ArrayList<>();
        synchronized (lock) {
            if (closed) {
                throw Failures.closed();
            }
            for (PluginHandle other : loaded.values()) {
                if (other.id().name().equals(name)) {
                    if (replace) {
                        replaced.add(other);
                    } else if (other.id().version().equals(h.id().version()) && !other.wasmSha256().equals(h.wasmSha256())) {
                        throw conflict(h, other);
                    }
                }
            }
            replaced.forEach(r -> loaded.remove(r.id()));
            live.add(h);
            loaded.put(h.id(), h);
            route(name);
        }
        return replaced;
    }

    private static PluginException conflict(PluginHandle h, PluginHandle other) {
        String version = h.id().name() + "@" + h.id().version();
        return Failures.load(Stage.CONFLICTING, h.id().name(), version + " is already loaded (" + other.id() + ") from "
                + other.location() + " with module SHA-256 " + other.wasmSha256() + ", but " + h.location()
                + " claims the same name and version with module SHA-256 " + h.wasmSha256()
                + "; unload the other first, give this one a new version, or use reloadPlugin to replace it", null);
    }

    /**
     * Unpublishes one version; executions by its name move to the next newest loaded version, if any.
     *
     * @return the handle, for the caller to retire
     * @throws PluginException {@code NOT_LOADED} when no such version is loaded
     * @throws IllegalStateException once closed
     */
    public PluginHandle unpublish(PluginId id) {
        synchronized (lock) {
            PluginHandle h = loaded.remove(id);
            if (h == null) {
                ensureOpen();
                throw notLoaded(id);
            }
            route(id.name());
            return h;
        }
    }

    /** Unpublishes everything and refuses later publications; returns what was loaded, for the caller to retire. */
    public List<PluginHandle> closeAll() {
        synchronized (lock) {
            closed = true;
            List<PluginHandle> all = new ArrayList<>(loaded.values());
            loaded.clear();
            current.clear();
            return all;
        }
    }

    /** Points executions by {@code name} at its newest loaded version (invariant 1; under the lock). */
    private void route(String name) {
        Optional<PluginHandle> best = loaded.values().stream().filter(h -> h.id().name().equals(name))
                .max(Comparator.comparing(PluginHandle::version).thenComparingLong(h -> h.id().serial()));
        if (best.isPresent()) {
            current.put(name, best.get());
        } else {
            current.remove(name);
        }
    }

    /**
     * The loaded version {@code id}.
     *
     * @throws PluginException {@code NOT_LOADED} when it is not loaded (never was, unloaded, or replaced)
     * @throws IllegalStateException once closed
     */
    public PluginHandle get(PluginId id) {
        PluginHandle h = loaded.get(id);
        if (h == null) {
            ensureOpen();
            throw notLoaded(id);
        }
        return h;
    }

    /**
     * The version executions by {@code name} go to, or null when none is loaded.
     *
     * @throws IllegalStateException once closed
     */
    public PluginHandle current(String name) {
        PluginHandle h = current.get(name);
        if (h == null) {
            ensureOpen();
        }
        return h;
    }

    /** Throws what every call on a closed system throws, once {@link #closeAll()} ran. */
    public void ensureOpen() {
        if (closed) {
            throw Failures.closed();
        }
    }

    /** Every version that may still have executions in flight: the loaded ones and the unpublished ones draining. */
    public List<PluginHandle> live() {
        return new ArrayList<>(live);
    }

    /** Every loaded version. */
    public List<PluginHandle> loaded() {
        return new ArrayList<>(loaded.values());
    }

    /** A drained handle leaves the live set (invariant 4). */
    public void forget(PluginHandle h) {
        live.remove(h);
    }

    /** Retires one idle instance of any live plugin, for an execution that needs a permit; false when none is idle. */
    public boolean evictOneIdle() {
        for (PluginHandle h : live) {
            if (h.plugin().evictIdle()) {
                return true;
            }
        }
        return false;
    }

    public static PluginException notLoaded(PluginId id) {
        return Failures.notLoaded(String.valueOf(id), "no plugin loaded with id " + id);
    }

    public static PluginException notLoaded(String name) {
        return Failures.notLoaded(name, "no version of plugin '" + name + "' is loaded; load it with loadPlugin first");
    }
}
