package io.llmtestbench.runtime.internal.registry;

import io.llmtestbench.runtime.PluginDescriptor;
import io.llmtestbench.runtime.PluginLoadException;
import io.llmtestbench.runtime.PluginLoadException.Stage;
import io.llmtestbench.runtime.PluginMetadata;
import io.llmtestbench.runtime.internal.Failures;
import io.llmtestbench.runtime.internal.PluginFaults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Finds plugins for {@code PluginSystem.discover()}: every {@code *.wasm} and every plugin of every {@code *.jar}
 * in the plugin directories (not recursively), then every pre-compiled artifact on the class path. A candidate
 * that fails is a problem of the index naming its source; the scan itself does not fail.
 */
public final class DiscoveryScanner {
    private final PluginSources sources;
    private final Function<PluginSources.Candidate, PluginMetadata> probe;

    /** @param probe reads a candidate's metadata by running its {@code plugin_metadata} */
    public DiscoveryScanner(PluginSources sources, Function<PluginSources.Candidate, PluginMetadata> probe) {
        this.sources = sources;
        this.probe = probe;
    }

    /**
     * @param classpath the class loader whose {@code META-INF/llmtb/index.json} resources are scanned, or null for none
     * @param known metadata already read, by content SHA-256: such content is not run again
     */
    public PluginIndex scan(List<Path> dirs, ClassLoader classpath, Map<String, PluginDescriptor> known) {
        PluginIndex idx = PluginIndex.empty();
        for (Path dir : dirs) {
            List<Path> files;
            try (Stream<Path> list = Files.list(dir)) {
                files = list.filter(Files::isRegularFile).sorted().toList();
            } catch (IOException e) {
                idx.problem(Failures.load(Stage.UNREADABLE, dir.toString(), "cannot list plugin directory " + dir + ": " + e, e));
                continue;
            }
            for (Path f : files) {
                String n = f.getFileName().toString();
                if (n.endsWith(".wasm")) {
                    describe(idx, known, f.toString(), () -> sources.open(f, null));
                } else if (n.endsWith(".jar")) {
                    List<String> ids;
                    try {
                        ids = sources.ids(f);
                    } catch (PluginLoadException e) {
                        idx.problem(e);
                        continue;
                    }
                    for (String id : ids) {
                        describe(idx, known, f + " (plugin " + id + ")", () -> sources.open(f, id));
                    }
                }
            }
        }
        if (classpath != null) {
            for (String base : PluginSources.classpathArtifacts(classpath)) {
                List<String> ids;
                try {
                    ids = sources.ids(base);
                } catch (PluginLoadException e) {
                    idx.problem(e);
                    continue;
                }
                for (String id : ids) {
                    describe(idx, known, PluginSources.describe(base) + " (plugin " + id + ")", () -> sources.open(base, id));
                }
            }
        }
        return idx;
    }

    private void describe(PluginIndex idx, Map<String, PluginDescriptor> known, String where, Supplier<PluginSources.Candidate> open) {
        try {
            PluginSources.Candidate c = open.get();
            PluginDescriptor seen = known.get(c.sha256);
            PluginMetadata metadata = seen != null ? seen.metadata() : probe.apply(c);
            idx.add(new PluginDescriptor(metadata, c.source, c.artifactId(), c.sha256, c.wasmSha256, c.signedBy), c.locator);
        } catch (PluginLoadException e) {
            idx.problem(Failures.at(where, e));
        } catch (RuntimeException | Error e) {
            PluginFaults.rethrowHostErrors(e);
            idx.problem(Failures.load(Stage.UNINSTANTIABLE, where, "cannot read its metadata: " + PluginFaults.describe(e), e));
        }
    }
}
