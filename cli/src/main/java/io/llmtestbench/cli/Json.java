package io.llmtestbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * JSON helpers shared by the commands: the pipelines' strict JSON ({@link io.llmtestbench.pipeline.internal.Json}), and
 * the {@code <json | @file>} argument form.
 */
final class Json {
    private Json() {}

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** Thrown for malformed or unreadable JSON arguments; the commands turn it into a usage error (exit 2). */
    static final class BadJson extends Exception {
        private static final long serialVersionUID = 1L;

        BadJson(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Reads an argument given as inline JSON, {@code @file} (UTF-8) or {@code @-} (standard input).
     *
     * @param what how to name the argument in messages, e.g. "--input"
     */
    static JsonNode argument(String what, String value) throws BadJson {
        String text;
        String source;
        if (value.startsWith("@")) {
            String file = value.substring(1);
            if (file.equals("-")) {
                source = what + " (standard input)";
                try {
                    InputStream in = System.in;
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new BadJson(what + ": cannot read standard input: " + e.getMessage(), e);
                }
            } else {
                Path path = Path.of(file);
                source = what + " file " + path;
                try {
                    text = Files.readString(path, StandardCharsets.UTF_8);
                } catch (NoSuchFileException e) {
                    throw new BadJson(what + ": no such file: " + path, e);
                } catch (IOException | java.io.UncheckedIOException e) {
                    throw new BadJson(what + ": cannot read " + path + ": " + e.getMessage(), e);
                }
            }
        } else {
            text = value;
            source = what;
        }
        return parse(source, text);
    }

    /** Parses one JSON value; {@code source} names where it came from in the error. */
    static JsonNode parse(String source, String text) throws BadJson {
        try {
            return io.llmtestbench.pipeline.internal.Json.parse(source, text);
        } catch (io.llmtestbench.pipeline.internal.Json.BadJson e) {
            throw new BadJson(e.getMessage(), e.getCause());
        }
    }

    static String write(JsonNode node) {
        return io.llmtestbench.pipeline.internal.Json.write(node);
    }

    /** One line of a JSONL file: a result's UTF-8 JSON bytes and a newline, written without a tree. */
    static byte[] bytesLine(io.llmtestbench.pipeline.RecordResult r) {
        byte[] b = r.toJsonBytes();
        byte[] line = java.util.Arrays.copyOf(b, b.length + 1);
        line[b.length] = '\n';
        return line;
    }

    /**
     * A value as a tree, as the strict mapper's {@code valueToTree} makes it: numbers, text, booleans, null and
     * trees directly (no mapper initialised for them), anything else through the mapper.
     */
    static JsonNode tree(Object value) {
        if (value == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        if (value instanceof JsonNode) {
            return (JsonNode) value;
        }
        if (value instanceof String) {
            return JsonNodeFactory.instance.textNode((String) value);
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return JsonNodeFactory.instance.numberNode(((Number) value).intValue());
        }
        if (value instanceof Long) {
            return JsonNodeFactory.instance.numberNode((Long) value);
        }
        if (value instanceof Double) {
            return JsonNodeFactory.instance.numberNode((Double) value);
        }
        if (value instanceof Boolean) {
            return JsonNodeFactory.instance.booleanNode((Boolean) value);
        }
        if (value instanceof java.util.Map) {
            ObjectNode o = object();
            for (var e : ((java.util.Map<?, ?>) value).entrySet()) {
                if (!(e.getKey() instanceof String)) {
                    return io.llmtestbench.pipeline.internal.Json.mapper().valueToTree(value);
                }
                o.set((String) e.getKey(), tree(e.getValue()));
            }
            return o;
        }
        return io.llmtestbench.pipeline.internal.Json.mapper().valueToTree(value);
    }

    static String pretty(JsonNode node) {
        return io.llmtestbench.pipeline.internal.Json.pretty(node);
    }
}
