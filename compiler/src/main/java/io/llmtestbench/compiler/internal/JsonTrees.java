package io.llmtestbench.compiler.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON trees ({@link JsonNode}) read from and written to text with Jackson's streaming parser and generator, without
 * an {@link ObjectMapper}: the trees and the bytes are exactly what {@code ObjectMapper.readTree} and
 * {@code writeValueAsBytes} of a default mapper produce (same node classes — {@code IntNode}, {@code LongNode},
 * {@code BigIntegerNode}, {@code DoubleNode} — same key order, the last of duplicate keys wins, same parser and so
 * the same errors and limits), but a fresh JVM does not initialise databind's mapper to get them.
 *
 * <p>Why: the first {@code ObjectMapper} of a JVM loads and initialises some 250 classes (serializer and
 * deserializer factories, type resolution, date formats with the JDK's calendar and locale data); on this project's
 * 2-core machine that was about a third of the time to the first result of a pre-compiled plugin (issue #16 point
 * 4; benchmarks/RESULTS.md, "Start-up of a pre-compiled jar: where the time goes"). Every tree the load and call
 * path needs is plain JSON, so the path reads and writes them here; what needs databind proper (pretty printing,
 * a tree holding POJO or binary nodes) uses {@link #mapper()}, created on first use.
 *
 * <p>One difference, on purpose: a number past a double's range ({@code 1e400}) is read as its exact decimal
 * ({@code DecimalNode}, written back {@code 1E+400}), where the mapper reads an infinite {@code DoubleNode} and writes
 * it as the string {@code "Infinity"}: a plugin's number must not come out of the host as a string.
 */
public final class JsonTrees {
    /** Thread-safe; the defaults of the factory a default {@code ObjectMapper} uses (same read constraints). */
    public static final JsonFactory FACTORY = new JsonFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonTrees() {}

    /** {@code ObjectMapper.readTree(byte[])}: the first JSON value (a missing node when there is none). */
    public static JsonNode read(byte[] json) throws IOException {
        try (JsonParser p = FACTORY.createParser(json)) {
            JsonNode node = readValue(p);
            return node == null ? NODES.missingNode() : node;
        }
    }

    /** {@code ObjectMapper.readTree(String)}: the first JSON value (a missing node when there is none). */
    public static JsonNode read(String json) throws IOException {
        try (JsonParser p = FACTORY.createParser(json)) {
            JsonNode node = readValue(p);
            return node == null ? NODES.missingNode() : node;
        }
    }

    /**
     * {@code ObjectMapper.readTree(JsonParser)}: the value at the parser's current token, or at its next one when it
     * has none yet; null at the end of the input. As the mapper does, the parser's current token is cleared after
     * the value, so that {@code nextToken()} returns what follows it.
     */
    public static JsonNode readValue(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            t = p.nextToken();
            if (t == null) {
                return null;
            }
        }
        if (t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY) {
            JsonNode value = scalar(p, t);
            p.clearCurrentToken();
            return value;
        }
        // iterative, like databind's own node deserializer: the depth is bounded by the parser's nesting limit only
        ContainerNode<?> root = t == JsonToken.START_OBJECT ? NODES.objectNode() : NODES.arrayNode();
        ArrayDeque<ContainerNode<?>> open = new ArrayDeque<>();
        open.push(root);
        while (!open.isEmpty()) {
            ContainerNode<?> top = open.peek();
            JsonToken n = p.nextToken();
            if (n == null) {
                throw new com.fasterxml.jackson.core.io.JsonEOFException(p, null, "Unexpected end-of-input within a JSON value");
            }
            if (n == JsonToken.END_OBJECT || n == JsonToken.END_ARRAY) {
                open.pop();
                continue;
            }
            String name = null;
            if (top instanceof ObjectNode) {
                name = p.currentName(); // n is FIELD_NAME
                n = p.nextToken();
            }
            JsonNode child;
            if (n == JsonToken.START_OBJECT || n == JsonToken.START_ARRAY) {
                ContainerNode<?> c = n == JsonToken.START_OBJECT ? NODES.objectNode() : NODES.arrayNode();
                open.push(c);
                child = c;
            } else {
                child = scalar(p, n);
            }
            if (name != null) {
                ((ObjectNode) top).replace(name, child);
            } else {
                ((ArrayNode) top).add(child);
            }
        }
        p.clearCurrentToken();
        return root;
    }

    private static JsonNode scalar(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case VALUE_STRING:
                return NODES.textNode(p.getText());
            case VALUE_NUMBER_INT:
                switch (p.getNumberType()) {
                    case INT:
                        return NODES.numberNode(p.getIntValue());
                    case LONG:
                        return NODES.numberNode(p.getLongValue());
                    default:
                        return NODES.numberNode(p.getBigIntegerValue());
                }
            case VALUE_NUMBER_FLOAT:
                switch (p.getNumberTypeFP()) {
                    case BIG_DECIMAL:
                        return NODES.numberNode(p.getDecimalValue());
                    case FLOAT32:
                        return NODES.numberNode(p.getFloatValue());
                    default:
                        double d = p.getDoubleValue();
                        // past a double's range: the exact decimal, so that it is written back as the number it
                        // was, never as the string "Infinity" (where a default mapper's tree differs from ours)
                        return Double.isInfinite(d) ? NODES.numberNode(p.getDecimalValue()) : NODES.numberNode(d);
                }
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            case VALUE_EMBEDDED_OBJECT:
                Object o = p.getEmbeddedObject();
                return o instanceof byte[] ? NODES.binaryNode((byte[]) o) : NODES.pojoNode(o);
            default: // a text parser reports any other token as an error before it gets here
                throw new com.fasterxml.jackson.core.JsonParseException(p, "Unexpected token " + t + " where a JSON value starts");
        }
    }

    /** {@code ObjectMapper.writeValueAsBytes(node)}: compact UTF-8. */
    public static byte[] write(JsonNode node) throws JsonProcessingException {
        if (!plain(node)) {
            return mapper().writeValueAsBytes(node);
        }
        try (ByteArrayBuilder out = new ByteArrayBuilder()) {
            try (JsonGenerator g = FACTORY.createGenerator(out)) {
                write(node, g);
            }
            return out.toByteArray();
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) { // writing to memory does no I/O
            throw new UncheckedIOException(e);
        }
    }

    /** {@code ObjectMapper.writeValueAsString(node)}: compact, written as characters. */
    public static String writeString(JsonNode node) throws JsonProcessingException {
        if (!plain(node)) {
            return mapper().writeValueAsString(node);
        }
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(node, g);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) { // writing to memory does no I/O
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * What each node's own {@code serialize} writes under a default mapper's configuration (the generator is the
     * same, so numbers, escapes and the nesting limit are too); recursion depth is bounded by the generator's nesting
     * limit.
     */
    private static void write(JsonNode n, JsonGenerator g) throws IOException {
        switch (n.getNodeType()) {
            case OBJECT:
                g.writeStartObject(n);
                for (Map.Entry<String, JsonNode> e : n.properties()) {
                    g.writeFieldName(e.getKey());
                    write(e.getValue(), g);
                }
                g.writeEndObject();
                return;
            case ARRAY:
                g.writeStartArray(n, n.size());
                for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
                    write(it.next(), g);
                }
                g.writeEndArray();
                return;
            case STRING:
                g.writeString(n.textValue());
                return;
            case NUMBER:
                switch (n.numberType()) {
                    case INT:
                        g.writeNumber(n.intValue());
                        return;
                    case LONG:
                        g.writeNumber(n.longValue());
                        return;
                    case BIG_INTEGER:
                        g.writeNumber(n.bigIntegerValue());
                        return;
                    case FLOAT:
                        g.writeNumber(n.floatValue());
                        return;
                    case BIG_DECIMAL:
                        g.writeNumber(n.decimalValue());
                        return;
                    default:
                        g.writeNumber(n.doubleValue());
                        return;
                }
            case BOOLEAN:
                g.writeBoolean(n.booleanValue());
                return;
            default: // NULL, MISSING (POJO and BINARY never get here: see plain)
                g.writeNull();
        }
    }

    /**
     * Whether the tree holds only nodes that write themselves without a serializer provider (everything text JSON
     * reads into); POJO and binary nodes need the mapper's configuration.
     */
    private static boolean plain(JsonNode root) {
        ArrayDeque<JsonNode> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            JsonNode n = todo.pop();
            JsonNodeType type = n.getNodeType();
            if (type == JsonNodeType.POJO || type == JsonNodeType.BINARY) {
                return false;
            }
            if (n.isContainerNode()) {
                for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
                    todo.push(it.next());
                }
            }
        }
        return true;
    }

    /** A default {@code ObjectMapper}, shared and created on first use, for what needs databind itself. */
    public static ObjectMapper mapper() {
        return Mapper.INSTANCE;
    }

    private static final class Mapper {
        static final ObjectMapper INSTANCE = new ObjectMapper();
    }
}
