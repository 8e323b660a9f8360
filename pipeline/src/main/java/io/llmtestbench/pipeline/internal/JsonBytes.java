package io.llmtestbench.pipeline.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * JSON as UTF-8 bytes, for the pipeline's per-record path: stage inputs written straight to bytes, plugin outputs
 * read token by token, records parsed from their bytes. Same trees and strictness as {@link Json}.
 */
public final class JsonBytes {
    private static final JsonFactory FACTORY = Json.FACTORY;

    private JsonBytes() {}

    /** Writes JSON with a generator. */
    @FunctionalInterface
    public interface Writing {
        void write(JsonGenerator g) throws IOException;
    }

    /** The bytes {@code writing} writes. */
    public static byte[] write(Writing writing) {
        ByteArrayBuilder out = new ByteArrayBuilder(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            writing.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Writes a tree as the pipeline's mapper writes it ({@code g.writeTree(node)}: the same calls on the generator, so
     * the same bytes), without what the mapper adds per call (a serializer provider, a serializer lookup, a flush);
     * a null node is JSON null. Node kinds a parsed value never has (binary, POJO) go through the mapper.
     */
    public static void writeTree(JsonGenerator g, JsonNode node) throws IOException {
        if (node == null) {
            g.writeNull();
            return;
        }
        switch (node.getNodeType()) {
            case OBJECT -> {
                g.writeStartObject(node, node.size());
                for (var field : node.properties()) {
                    g.writeFieldName(field.getKey());
                    writeTree(g, field.getValue());
                }
                g.writeEndObject();
            }
            case ARRAY -> {
                g.writeStartArray(node, node.size());
                for (int i = 0, n = node.size(); i < n; i++) {
                    writeTree(g, node.get(i));
                }
                g.writeEndArray();
            }
            case STRING -> {
                String text = node.textValue();
                if (text == null) {
                    g.writeNull();
                } else {
                    g.writeString(text);
                }
            }
            case NUMBER -> {
                switch (node.numberType()) {
                    case INT -> g.writeNumber(node.intValue());
                    case LONG -> g.writeNumber(node.longValue());
                    case DOUBLE -> g.writeNumber(node.doubleValue());
                    case FLOAT -> g.writeNumber(node.floatValue());
                    case BIG_INTEGER -> g.writeNumber(node.bigIntegerValue());
                    case BIG_DECIMAL -> g.writeNumber(node.decimalValue());
                    default -> mapperWrites(g, node);
                }
            }
            case BOOLEAN -> g.writeBoolean(node.booleanValue());
            case NULL -> g.writeNull();
            default -> mapperWrites(g, node);
        }
    }

    private static void mapperWrites(JsonGenerator g, JsonNode node) throws IOException {
        if (g.getCodec() == null) {
            g.setCodec(Json.mapper());
        }
        g.writeTree(node);
    }

    /** A JSON value the runtime has already checked (UTF-8, one value), as a tree. */
    public static JsonNode tree(byte[] json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            return Json.readStrict(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A data line as a tree, parsed from its bytes; null when it is not plainly one JSON value in UTF-8 (the
     * caller's text path then says why). A byte source lets Jackson guess the encoding from NULs and skip a byte
     * order mark, which the text path does not do: such lines take the text path too.
     */
    public static JsonNode parseRecord(byte[] utf8) {
        if (utf8.length < 4 || utf8[0] == 0 || utf8[1] == 0 || utf8[2] == 0 || utf8[3] == 0 || (utf8[0] & 0xff) == 0xEF
                || !isUtf8(utf8)) {
            return null;
        }
        // the tree every other JSON of the pipeline is read into (Json.readStrict, so JsonTrees decides how numbers
        // are read: 1e400 stays that number), never the mapper's, which would turn it into the string "Infinity"
        try (JsonParser p = FACTORY.createParser(utf8)) {
            return Json.readStrict(p);
        } catch (IOException e) {
            return null;
        }
    }

    /** Strict UTF-8 (as the decoder checks it), with a scan for the common all-ASCII case. */
    static boolean isUtf8(byte[] b) {
        for (byte x : b) {
            if (x < 0) {
                try {
                    StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
                    return true;
                } catch (CharacterCodingException e) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * What the host needs of a transform's output: its string {@code "text"} (the last one, as a tree would keep),
     * or a null text when it has none or it is not a string; whether a key appears twice.
     */
    public record Fields(String text, boolean duplicateKeys) {}

    /** The top level of a checked JSON value read token by token; null when it is not an object. */
    public static Fields topLevel(byte[] json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String text = null;
            Set<String> seen = null;
            String first = null;
            boolean duplicates = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (first == null) {
                    first = name;
                } else {
                    if (seen == null) {
                        seen = new HashSet<>();
                        seen.add(first);
                    }
                    duplicates |= !seen.add(name);
                }
                JsonToken value = p.nextToken();
                if (name.equals("text")) {
                    text = value == JsonToken.VALUE_STRING ? p.getText() : null;
                }
                p.skipChildren();
            }
            return new Fields(text, duplicates);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the fields of a JSON object (bytes) into the object {@code g} is writing, except the named ones. */
    public static void copyFieldsExcept(byte[] object, JsonGenerator g, String skip1, String skip2) throws IOException {
        try (JsonParser p = FACTORY.createParser(object)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals(skip1) || name.equals(skip2)) {
                    p.skipChildren();
                } else {
                    g.writeFieldName(name);
                    g.copyCurrentStructure(p);
                }
            }
        }
    }
}
