package io.llmtestbench.pipeline.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one strict JSON mapper of pipelines, records and results (the CLI's JSON arguments use it too). */
public final class Json {
    /** Strict: trailing garbage after the value is an error, as it is for the runtime's JSON checks. */
    public static final ObjectMapper MAPPER = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
                    .enable(com.fasterxml.jackson.core.StreamReadFeature.USE_FAST_DOUBLE_PARSER) // correctly rounded, as the JDK's
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Json() {}

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

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String pretty(JsonNode node) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Shortens text for messages: at most {@code max} characters, "..." marking a cut. */
    public static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
