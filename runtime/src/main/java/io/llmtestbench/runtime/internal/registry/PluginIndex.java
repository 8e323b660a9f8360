package io.llmtestbench.runtime.internal.registry;

import io.llmtestbench.runtime.PluginDescriptor;
import io.llmtestbench.runtime.PluginLoadException;
import io.llmtestbench.runtime.internal.Failures;
import io.llmtestbench.runtime.internal.Versions;
import io.llmtestbench.runtime.PluginType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The result of one discovery, indexed by name and version (and searchable by type and capability). Two
 * plugins claiming the same name and version with different module SHA-256s make that version a
 * <em>conflict</em>: asking for it fails naming both sources. Immutable once built.
 */
public final class PluginIndex {
    /** One name@version: the plugins claiming it (more than one: a conflict) and where to find the first again. */
    private record Slot(List<PluginDescriptor> claims, PluginSources.Locator locator, PluginLoadException conflict) {}

    private final Map<String, TreeMap<Semver, Slot>> byName = new TreeMap<>();
    private final List<PluginLoadException> problems = new ArrayList<>();

    public static PluginIndex empty() {
        return new PluginIndex();
    }

    /**
     * Adds a plugin. Another plugin with the same name, version and module SHA-256 is the same plugin and is
     * ignored (the first found wins); one with another module makes that version a conflict.
     */
    public void add(PluginDescriptor d, PluginSources.Locator locator) {
        Semver v = Versions.version(d.version()); // the one version rule (validated at load already)
        TreeMap<Semver, Slot> versions = byName.computeIfAbsent(d.name(), n -> new TreeMap<>(Comparator.reverseOrder()));
        Slot old = versions.get(v);
        if (old == null) {
            versions.put(v, new Slot(List.of(d), locator, null));
            return;
        }
        if (old.claims().stream().anyMatch(c -> c.wasmSha256().equals(d.wasmSha256()))) {
            return;
        }
        List<PluginDescriptor> claims = new ArrayList<>(old.claims());
        claims.add(d);
        PluginLoadException conflict = Failures.load(PluginLoadException.Stage.CONFLICTING, d.name(),
                (claims.size() == 2 ? "two" : String.valueOf(claims.size())) + " plugins claim " + d.name() + "@" + d.version()
                        + " with different content: " + String.join(" and ", claims.stream().map(PluginIndex::describe).toList())
                        + "; remove all but one, or give them different versions", null);
        if (old.conflict() != null) {
            problems.remove(old.conflict());
        }
        problems.add(conflict);
        versions.put(v, new Slot(List.copyOf(claims), null, conflict));
    }

    private static String describe(PluginDescriptor d) {
        return d.source() + (d.artifactId() != null ? " (plugin " + d.artifactId() + ")" : "") + " with module SHA-256 " + d.wasmSha256();
    }

    public void problem(PluginLoadException e) {
        problems.add(e);
    }

    public List<PluginLoadException> problems() {
        return List.copyOf(problems);
    }

    /** Every indexed plugin, by name, newest version first; conflicts left out. */
    public List<PluginDescriptor> all() {
        List<PluginDescriptor> out = new ArrayList<>();
        byName.values().forEach(vs -> vs.values().forEach(s -> {
            if (s.conflict() == null) {
                out.add(s.claims().get(0));
            }
        }));
        return out;
    }

    /**
     * The newest version of {@code name} in the range, with where to find it.
     *
     * @throws PluginLoadException ({@code DUPLICATE}) when that version is claimed by two different plugins
     */
    public Optional<Map.Entry<PluginDescriptor, PluginSources.Locator>> find(String name, VersionRange range) {
        TreeMap<Semver, Slot> versions = byName.get(name);
        if (versions == null) {
            return Optional.empty();
        }
        for (var e : versions.entrySet()) {
            if (range.matches(e.getKey())) {
                Slot s = e.getValue();
                if (s.conflict() != null) {
                    throw s.conflict();
                }
                return Optional.of(Map.entry(s.claims().get(0), s.locator()));
            }
        }
        return Optional.empty();
    }

    /** Versions of {@code name} found, newest first (for messages). */
    public List<String> versions(String name) {
        TreeMap<Semver, Slot> versions = byName.get(name);
        return versions == null ? List.of() : versions.keySet().stream().map(Semver::toString).toList();
    }

    public List<PluginDescriptor> byType(PluginType type) {
        return all().stream().filter(d -> d.type() == type).toList();
    }

    public List<PluginDescriptor> byCapability(String capability) {
        return all().stream().filter(d -> d.metadata().capabilities().contains(capability)).toList();
    }

    /** Every plugin read (conflicting ones too) by content digest, so the next discovery need not run them again. */
    public Map<String, PluginDescriptor> byDigest() {
        Map<String, PluginDescriptor> m = new LinkedHashMap<>();
        byName.values().forEach(vs -> vs.values().forEach(s -> s.claims().forEach(d -> m.put(d.sha256(), d))));
        return m;
    }
}
