package io.llmtestbench.maven;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the previous {@code wasm-compile} run did, kept in {@code target/llmtb-wasm-compile/state.json}: for
 * each input, the key it was compiled under (stamp with the module's SHA-256 and the options, plugin id,
 * class name) and the single-plugin jar that caches its output; and every file written to the output
 * directory, so that outputs of removed inputs can be deleted.
 */
final class BuildState {
    static final int FORMAT = 1;
    static final String FILE = "state.json";

    /** One compiled input: its key, plugin id, and the cache jar (relative to the state directory). */
    record Input(String key, String id, String cache) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    String outputDirectory;
    final Map<String, Input> inputs = new TreeMap<>();
    final List<String> outputs = new ArrayList<>();

    /** The state in {@code dir}, or an empty one when there is none or it cannot be read. */
    static BuildState load(Path dir) {
        BuildState state = new BuildState();
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return state;
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (root.path("format").asInt() != FORMAT) {
                return state;
            }
            state.outputDirectory = root.path("outputDirectory").asText(null);
            for (var e : root.path("inputs").properties()) {
                state.inputs.put(e.getKey(), new Input(
                        e.getValue().path("key").asText(), e.getValue().path("id").asText(), e.getValue().path("cache").asText()));
            }
            root.path("outputs").forEach(n -> state.outputs.add(n.asText()));
            return state;
        } catch (IOException | RuntimeException e) {
            return new BuildState(); // a damaged state only costs a full rebuild
        }
    }

    byte[] toJson() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("outputDirectory", outputDirectory);
        ObjectNode in = root.putObject("inputs");
        inputs.forEach((path, input) -> in.putObject(path)
                .put("key", input.key()).put("id", input.id()).put("cache", input.cache()));
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
