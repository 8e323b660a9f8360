package io.llmtestbench.compiler.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** JsonTrees reads and writes exactly what a default ObjectMapper does, node class for node class, byte for byte. */
class JsonTreesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final List<String> CORPUS = List.of(
            "{\"text\":\"The capital of France is Paris.\",\"expected\":\"Paris\",\"id\":\"case-0042\",\"tags\":[\"geo\",\"qa\"]}",
            "{}", "[]", "[[],{},[{}]]", "null", "true", "false", "\"\"", "\"x\"", "0", "-0", "-1", "1.0", "-0.0", "1e3",
            "1E-7", "2147483647", "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
            "-92233720368547758080", "123456789012345678901234567890", "3.141592653589793238462643383279",
            "4.9e-325", "{\"a\":1,\"a\":2,\"b\":{\"a\":[1,{\"a\":null}]}}",
            "{\"b\":1,\"a\":2,\"b\":3}", "\"\\u00e9\\ud83d\\ude00\\n\\t\\\"\\\\\\/\\u0000\"", "{\"é\":\"ü\",\"\\u2028\":\"\\u2029\"}",
            "  {\"spaced\" :  [ 1 , 2 ] }  ", "{\"a\":1} trailing", "[1,2] [3]", "[1]]", "\"\\ud800\"");

    @Test
    void readsTheTreesTheMapperReads() throws IOException {
        for (String json : CORPUS) {
            assertSameTree(JsonTrees.read(json), MAPPER.readTree(json), json);
            byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
            assertSameTree(JsonTrees.read(utf8), MAPPER.readTree(utf8), json);
            try (var p = JsonTrees.FACTORY.createParser(json); var q = MAPPER.getFactory().createParser(json)) {
                assertSameTree(JsonTrees.readValue(p), MAPPER.readTree(q), json);
                assertThat(p.currentToken()).as(json).isEqualTo(q.currentToken());
                assertThat(next(p)).as(json).isEqualTo(next(q)); // what follows the value, for both
            }
        }
    }

    @Test
    void writesTheBytesTheMapperWrites() throws IOException {
        for (String json : CORPUS) {
            JsonNode tree = MAPPER.readTree(json);
            assertThat(new String(JsonTrees.write(tree), StandardCharsets.UTF_8)).as(json)
                    .isEqualTo(new String(MAPPER.writeValueAsBytes(tree), StandardCharsets.UTF_8));
            assertThat(JsonTrees.writeString(tree)).as(json).isEqualTo(MAPPER.writeValueAsString(tree));
        }
        ObjectNode built = JsonNodeFactory.instance.objectNode();
        built.put("f", 1.5f).put("s", (short) 7).put("d", new BigDecimal("1.50")).put("nan", Double.NaN)
                .put("inf", Double.NEGATIVE_INFINITY).put("big", new java.math.BigInteger("123456789012345678901234567890"))
                .putNull("n").putArray("a").add(JsonNodeFactory.instance.missingNode()).add(true);
        assertThat(JsonTrees.write(built)).isEqualTo(MAPPER.writeValueAsBytes(built));
        assertThat(JsonTrees.writeString(built)).isEqualTo(MAPPER.writeValueAsString(built));
        // nodes that need the mapper's configuration are written by it
        built.putPOJO("pojo", Map.of("k", List.of(1, 2))).put("bytes", new byte[] {1, 2, 3});
        assertThat(JsonTrees.write(built)).isEqualTo(MAPPER.writeValueAsBytes(built));
        assertThat(JsonTrees.writeString(built)).isEqualTo(MAPPER.writeValueAsString(built));
    }

    /** Past a double's range the mapper's tree holds an infinity, written as the string "Infinity"; ours the number. */
    @Test
    void aNumberPastADoublesRangeStaysTheNumberItWas() throws IOException {
        for (String json : List.of("1.7976931348623157e309", "1e400", "-1e400", "[1e400,{\"x\":-2.5E+999}]")) {
            assertThat(MAPPER.writeValueAsString(MAPPER.readTree(json))).as(json).contains("Infinity");
            JsonNode tree = JsonTrees.read(json);
            String written = JsonTrees.writeString(tree);
            assertThat(written).as(json).doesNotContain("Infinity");
            assertThat(JsonTrees.read(written)).as(json).isEqualTo(tree); // the same exact values again
        }
        assertThat(JsonTrees.writeString(JsonTrees.read("1e400"))).isEqualTo("1E+400");
        assertThat(JsonTrees.read("{\"score\":-1e400}").path("score").decimalValue()).isEqualByComparingTo("-1e400");
        assertThat(JsonTrees.read("1e308").isDouble()).isTrue(); // in range: a double as before
        assertThat(JsonTrees.read("1e-400").isDouble()).isTrue(); // underflow is zero, as any double parse gives
    }

    @Test
    void randomTreesRoundTripLikeTheMapper() throws IOException {
        Random r = new Random(16);
        for (int i = 0; i < 300; i++) {
            String json = MAPPER.writeValueAsString(random(r, 0));
            assertSameTree(JsonTrees.read(json), MAPPER.readTree(json), json);
            assertThat(JsonTrees.write(JsonTrees.read(json))).as(json).isEqualTo(MAPPER.writeValueAsBytes(MAPPER.readTree(json)));
            assertThat(JsonTrees.writeString(JsonTrees.read(json))).as(json).isEqualTo(MAPPER.writeValueAsString(MAPPER.readTree(json)));
        }
    }

    @Test
    void noContentIsAMissingNodeAndBadJsonFailsWithTheParsersMessage() throws IOException {
        assertThat(JsonTrees.read("").isMissingNode()).isTrue();
        assertThat(JsonTrees.read("   ")).isEqualTo(MAPPER.readTree("   "));
        assertThat(JsonTrees.read(new byte[0])).isEqualTo(MAPPER.readTree(new byte[0]));
        try (var p = JsonTrees.FACTORY.createParser("")) {
            assertThat(JsonTrees.readValue(p)).isNull();
        }
        for (String bad : List.of("{", "[1,", "{\"a\" 1}", "{\"a\":1,}", "tru", "{\"a\":01}", "\"\\x\"", "NaN",
                "[" + "[".repeat(1200) + "]".repeat(1201))) {
            String expected = messageOf(() -> MAPPER.readTree(bad));
            assertThat(expected).as(bad).isNotNull();
            assertThatThrownBy(() -> JsonTrees.read(bad)).as(bad).isInstanceOf(JsonProcessingException.class)
                    .satisfies(e -> assertThat(firstLine(e.getMessage())).isEqualTo(firstLine(expected)));
        }
    }

    private static String next(com.fasterxml.jackson.core.JsonParser p) {
        try {
            return String.valueOf(p.nextToken());
        } catch (IOException e) {
            return firstLine(e.getMessage());
        }
    }

    private interface Read {
        Object run() throws IOException;
    }

    private static String messageOf(Read read) {
        try {
            read.run();
            return null;
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    private static String firstLine(String m) {
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static Object random(Random r, int depth) {
        int k = r.nextInt(depth > 4 ? 6 : 8);
        switch (k) {
            case 0: return r.nextInt();
            case 1: return r.nextLong();
            case 2: return r.nextDouble() * Math.pow(10, r.nextInt(40) - 20);
            case 3: return r.nextBoolean() ? null : r.nextBoolean();
            case 4: return new java.math.BigInteger(100, r).negate();
            case 5: {
                StringBuilder s = new StringBuilder();
                for (int i = r.nextInt(6); i > 0; i--) {
                    s.appendCodePoint(r.nextInt(4) == 0 ? 0x1F600 + r.nextInt(40) : r.nextInt(0x3000));
                }
                return s.toString();
            }
            case 6: {
                List<Object> l = new ArrayList<>();
                for (int i = r.nextInt(5); i > 0; i--) {
                    l.add(random(r, depth + 1));
                }
                return l;
            }
            default: {
                Map<String, Object> m = new java.util.LinkedHashMap<>();
                for (int i = r.nextInt(5); i > 0; i--) {
                    m.put("k" + r.nextInt(8), random(r, depth + 1));
                }
                return m;
            }
        }
    }

    /** Equal, and of the same node class at every position (IntNode vs LongNode, DoubleNode vs DecimalNode). */
    private static void assertSameTree(JsonNode actual, JsonNode expected, String json) {
        assertThat(actual).as(json).isEqualTo(expected);
        assertThat(actual.getClass()).as(json).isEqualTo(expected.getClass());
        if (expected.isObject()) {
            assertThat(iterable(actual.fieldNames())).as(json).containsExactlyElementsOf(iterable(expected.fieldNames()));
        }
        Iterator<JsonNode> a = actual.elements();
        Iterator<JsonNode> e = expected.elements();
        while (e.hasNext()) {
            assertSameTree(a.next(), e.next(), json);
        }
    }

    private static List<String> iterable(Iterator<String> it) {
        List<String> l = new ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }
}
