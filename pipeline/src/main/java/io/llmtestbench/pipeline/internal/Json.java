package io.llmtestbench.pipeline.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.ClassUtil;
import io.llmtestbench.compiler.internal.JsonTrees;
import java.io.IOException;

/**
 * The one strict JSON of pipelines, records and results (the CLI's JSON arguments use it too): its factory, and its
 * mapper. {@link #parse} and {@link #write} read and write trees with the factory's parser and generator
 * ({@code JsonTrees}), exactly as the mapper would, so that a one-shot command (`llmtb run`) never initialises a
 * mapper (a third of the runtime's start-up before, issue #16 point 4); the mapper is created on first use.
 */
public final class Json {
    /** Correctly rounded doubles, as the JDK's, and faster. Thread-safe. */
    public static final JsonFactory FACTORY = JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

    private Json() {}

    /** Strict: trailing garbage after the value is an error, as it is for the runtime's JSON checks. */
    public static ObjectMapper mapper() {
        return Mapper.INSTANCE;
    }

    private static final class Mapper {
        static final ObjectMapper INSTANCE = new ObjectMapper(FACTORY)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    }

    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** Malformed JSON; the message names the source and the position. */
    public static final class BadJson extends Exception {
        private static final long serialVersionUID = 1L;

        public BadJson(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Parses one JSON value; {@code source} names where it came from in the error. */
    public static JsonNode parse(String source, String text) throws BadJson {
        if (text.isBlank()) {
            throw new BadJson(source + " is empty; expected a JSON value", null);
        }
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonNode node = readStrict(p);
            if (node == null) {
                throw new BadJson(source + " is empty; expected a JSON value", null);
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new BadJson(source + " is not valid JSON: " + e.getOriginalMessage() + location(e), e);
        } catch (IOException e) { // reading a String does no I/O
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The strict mapper's {@code readTree}: one value (null when there is none), and the mapper's own error for a
     * token after it.
     */
    public static JsonNode readStrict(JsonParser p) throws IOException {
        JsonNode node = JsonTrees.readValue(p);
        if (node != null) {
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                throw MismatchedInputException.from(p, JsonNode.class, String.format(
                        "Trailing token (of type %s) found after value (bound as %s): not allowed as per `DeserializationFeature.FAIL_ON_TRAILING_TOKENS`",
                        trailing, ClassUtil.nameOf(JsonNode.class)));
            }
        }
        return node;
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

    public static String write(JsonNode node) {
        try {
            return JsonTrees.writeString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String pretty(JsonNode node) {
        try {
            return mapper().writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Shortens text for messages: at most {@code max} characters, "..." marking a cut. */
    public static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
