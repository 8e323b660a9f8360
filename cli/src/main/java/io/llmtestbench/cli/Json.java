package io.llmtestbench.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** JSON helpers shared by the commands: one strict mapper, and the {@code <json | @file>} argument form. */
final class Json {
    /** Strict: trailing garbage after the value is an error, as it is for the runtime's JSON checks. */
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

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
        if (text.isBlank()) {
            throw new BadJson(source + " is empty; expected a JSON value", null);
        }
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new BadJson(source + " is empty; expected a JSON value", null);
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new BadJson(source + " is not valid JSON: " + e.getOriginalMessage() + location(e), e);
        }
    }

    private static String location(JsonProcessingException e) {
        var loc = e.getLocation();
        if (loc == null || loc.getLineNr() < 0) {
            return "";
        }
        if (loc.getLineNr() == 1) {
            return " (column " + loc.getColumnNr() + ")";
        }
        return " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pretty(JsonNode node) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
