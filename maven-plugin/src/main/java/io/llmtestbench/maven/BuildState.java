package io.llmtestbench.maven;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the previous run of a goal wrote, kept in {@code <stateDirectory>/state.json}: the version of this
 * Maven plugin, the directories written to, and every file written there, so that outputs of removed or
 * renamed inputs can be deleted. A state written by another version of the plugin is ignored (and its cache
 * with it): that version may have checked or compiled differently.
 */
final class BuildState {
    static final int FORMAT = 2;
    static final String FILE = "state.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    final String pluginVersion;
    /** Absolute, normalized directories the outputs were written into. */
    final Set<String> roots = new LinkedHashSet<>();
    /** Paths of the outputs, relative to each root, with '/'. */
    final List<String> outputs = new ArrayList<>();

    BuildState(String pluginVersion) {
        this.pluginVersion = Objects.requireNonNull(pluginVersion);
    }

    /**
     * The state in {@code dir}. Written by another version of this plugin, its outputs are still listed (so
     * that they can be deleted when no longer produced), but {@code cacheValid} is false: that version may have
     * checked or compiled differently. A damaged state reads as empty, also with {@code cacheValid} false.
     */
    static Loaded load(Path dir, String pluginVersion) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return new Loaded(new BuildState(pluginVersion), true);
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (root.path("format").asInt() != FORMAT) {
                return new Loaded(new BuildState(pluginVersion), false);
            }
            BuildState state = new BuildState(pluginVersion);
            root.path("roots").forEach(n -> state.roots.add(n.asText()));
            root.path("outputs").forEach(n -> state.outputs.add(n.asText()));
            return new Loaded(state, pluginVersion.equals(root.path("plugin").asText()));
        } catch (IOException | RuntimeException e) {
            return new Loaded(new BuildState(pluginVersion), false); // a damaged state only costs a full rebuild
        }
    }

    /** A loaded state; {@code cacheValid} is false when it came from another plugin version or was damaged. */
    record Loaded(BuildState state, boolean cacheValid) {}

    byte[] toJson() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("plugin", pluginVersion);
        ArrayNode r = root.putArray("roots");
        roots.forEach(r::add);
        ArrayNode out = root.putArray("outputs");
        outputs.forEach(out::add);
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    /** Writes the state, unless the file already holds exactly this. */
    void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE);
        byte[] bytes = toJson();
        if (Files.isRegularFile(file) && java.util.Arrays.equals(Files.readAllBytes(file), bytes)) {
            return;
        }
        Path tmp = dir.resolve(FILE + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
