package io.llmtestbench.runtime.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

/**
 * One converted {@code .wast} script: the commands of a wabt {@code wast2json} {@code spec.json}, and the
 * directory holding its {@code spec.N.wasm} modules.
 *
 * @param id the script's path under {@code json/}, e.g. {@code i32} or {@code proposals/threads/atomic}
 * @param dir the directory of {@code spec.json}
 */
record SpecScript(String id, Path dir, List<Command> commands) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The name used in reports and in the exclusion file, e.g. {@code i32.wast}. */
    String wastName() {
        return id + ".wast";
    }

    /** Whether this is one of the SIMD scripts (not compiled by this project). */
    boolean simd() {
        String base = id.substring(id.lastIndexOf('/') + 1);
        return base.startsWith("simd_");
    }

    /** Whether this script belongs to a proposal rather than to the core suite. */
    boolean proposal() {
        return id.startsWith("proposals/");
    }

    byte[] module(String filename) {
        try {
            return Files.readAllBytes(dir.resolve(filename));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A spec value: {@code type} is i32, i64, f32, f64, externref, funcref (v128 is not supported). */
    record Value(String type, String value) {
        @Override
        public String toString() {
            return value == null ? type : type + ":" + value;
        }
    }

    /** {@code invoke} or {@code get}. */
    record Action(String type, String module, String field, List<Value> args) {
        @Override
        public String toString() {
            String target = (module != null ? module + "." : "") + field;
            if (type.equals("get")) {
                return "get " + target;
            }
            StringBuilder b = new StringBuilder(target).append('(');
            for (int i = 0; i < args.size(); i++) {
                b.append(i > 0 ? ", " : "").append(args.get(i));
            }
            return b.append(')').toString();
        }
    }

    /**
     * One command. Only the fields its type uses are set: {@code filename} and {@code name} for modules,
     * {@code as} for register, {@code action} and {@code expected} for assertions on actions, {@code text}
     * for the expected failure message, {@code moduleType} (binary/text) for module assertions.
     */
    record Command(
            String type,
            int line,
            String filename,
            String name,
            String as,
            String text,
            String moduleType,
            Action action,
            List<Value> expected) {

        boolean textModule() {
            return "text".equals(moduleType) || (filename != null && filename.endsWith(".wat"));
        }

        String describe() {
            StringBuilder b = new StringBuilder(type);
            if (name != null) {
                b.append(' ').append(name);
            }
            if (as != null) {
                b.append(" as ").append(as);
            }
            if (filename != null) {
                b.append(' ').append(filename);
            }
            if (action != null) {
                b.append(' ').append(action);
            }
            if (expected != null && !expected.isEmpty()) {
                b.append(" -> ").append(expected);
            }
            if (text != null) {
                b.append(" \"").append(text).append('"');
            }
            return b.toString();
        }
    }

    /** Every {@code spec.json} under {@code jsonRoot}, sorted by id (core scripts before proposals). */
    static List<SpecScript> loadAll(Path jsonRoot) {
        List<SpecScript> scripts = new ArrayList<>();
        try (Stream<Path> files = Files.walk(jsonRoot)) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.getFileName().toString().equals("spec.json"))::iterator) {
                scripts.add(load(jsonRoot, p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        scripts.sort((a, b) -> {
            if (a.proposal() != b.proposal()) {
                return a.proposal() ? 1 : -1;
            }
            return a.id().compareTo(b.id());
        });
        return scripts;
    }

    static SpecScript load(Path jsonRoot, Path specJson) {
        Path dir = specJson.getParent();
        String id = jsonRoot.relativize(dir).toString().replace('\\', '/');
        JsonNode root;
        try {
            root = JSON.readTree(specJson.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + specJson, e);
        }
        List<Command> commands = new ArrayList<>();
        for (JsonNode c : root.get("commands")) {
            commands.add(new Command(
                    c.get("type").asText(),
                    c.get("line").asInt(),
                    text(c, "filename"),
                    text(c, "name"),
                    text(c, "as"),
                    text(c, "text"),
                    text(c, "module_type"),
                    c.has("action") ? action(c.get("action")) : null,
                    c.has("expected") ? values(c.get("expected")) : List.of()));
        }
        return new SpecScript(id, dir, Collections.unmodifiableList(commands));
    }

    private static Action action(JsonNode a) {
        return new Action(text(a, "type"), text(a, "module"), text(a, "field"),
                a.has("args") ? values(a.get("args")) : List.of());
    }

    private static List<Value> values(JsonNode array) {
        List<Value> values = new ArrayList<>();
        for (JsonNode v : array) {
            values.add(new Value(text(v, "type"), v.has("value") && v.get("value").isTextual() ? v.get("value").asText() : null));
        }
        return values;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
