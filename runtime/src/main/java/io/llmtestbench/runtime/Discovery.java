package io.llmtestbench.runtime;

import java.util.List;

/**
 * What one {@link PluginSystem#discover()} found.
 *
 * @param plugins every plugin found and indexed, by name then newest version first (a plugin found twice with the
 *     same content, e.g. as a {@code .wasm} and as its pre-compiled jar, is listed once: the first found)
 * @param problems candidates that could not be indexed, each naming its source and the reason: files that are
 *     not plugins, plugins that fail to load or to pass the {@link SignaturePolicy}, and two plugins claiming
 *     one name and version with different content ({@link PluginLoadException.Stage#CONFLICTING}; neither is
 *     loaded by that version)
 */
public record Discovery(List<PluginDescriptor> plugins, List<PluginLoadException> problems) {
    public Discovery {
        plugins = List.copyOf(plugins);
        problems = List.copyOf(problems);
    }
}
