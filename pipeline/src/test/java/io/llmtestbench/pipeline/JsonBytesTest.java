package io.llmtestbench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmtestbench.pipeline.internal.Json;
import io.llmtestbench.pipeline.internal.JsonBytes;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The pipeline's byte-level JSON: what it reads of transform outputs, what it copies, how records parse. */
class JsonBytesTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aTransformsTextIsItsLastStringTextAsATreeWouldKeep() {
        assertThat(JsonBytes.topLevel(utf8("{\"a\": {\"text\": 1}, \"text\": \"t\"}"))).isEqualTo(new JsonBytes.Fields("t", false));
        assertThat(JsonBytes.topLevel(utf8("{\"text\": \"one\", \"x\": [1], \"text\": \"two\"}"))).isEqualTo(new JsonBytes.Fields("two", true));
        assertThat(JsonBytes.topLevel(utf8("{\"text\": \"one\", \"text\": 2}")).text()).as("the last one is not a string").isNull();
        assertThat(JsonBytes.topLevel(utf8("{\"text\": 5}")).text()).isNull();
        assertThat(JsonBytes.topLevel(utf8("{}")).text()).isNull();
        assertThat(JsonBytes.topLevel(utf8("[\"text\"]"))).isNull();
        assertThat(JsonBytes.topLevel(utf8("\"text\""))).isNull();
    }

    @Test
    void fieldsAreCopiedInOrderExceptTheNamedOnes() throws Exception {
        byte[] from = utf8("{\"text\": \"t\", \"b\": [1, {\"c\": null}], \"scores\": {\"x\": 1}, \"a\": \"é\\n\", \"n\": 1.5e1}");
        byte[] out = JsonBytes.write(g -> {
            g.writeStartObject();
            g.writeStringField("first", "1");
            JsonBytes.copyFieldsExcept(from, g, "text", "scores");
            g.writeEndObject();
        });
        assertThat(new String(out, StandardCharsets.UTF_8))
                .isEqualTo("{\"first\":\"1\",\"b\":[1,{\"c\":null}],\"a\":\"é\\n\",\"n\":15.0}");
    }

    @Test
    void recordsParseFromBytesOnlyWhenPlainlyUtf8Json() throws Exception {
        byte[] line = utf8("{\"id\": \"r1\", \"response\": \"Grüße\", \"n\": 0.1}");
        assertThat(JsonBytes.parseRecord(line)).isEqualTo(Json.parse("line", new String(line, StandardCharsets.UTF_8)));
        assertThat(JsonBytes.parseRecord(utf8("not json"))).isNull();
        assertThat(JsonBytes.parseRecord(utf8("{} {}"))).as("one value only").isNull();
        assertThat(JsonBytes.parseRecord(new byte[] {'"', (byte) 0xC3, '"', ' '})).isNull();
        assertThat(JsonBytes.parseRecord(utf8("\u0000{}  "))).isNull();
        assertThat(JsonBytes.parseRecord(utf8("\ufeff{\"a\": 1}"))).isNull();
        assertThat(JsonBytes.parseRecord(utf8("{}"))).as("short lines take the text path").isNull();
    }

    /** writeTree writes what the mapper's writeTree writes, for every kind of node, nested or at the root. */
    @Test
    void aTreeIsWrittenAsTheMapperWritesIt() throws Exception {
        var f = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        com.fasterxml.jackson.databind.node.ObjectNode o = f.objectNode();
        o.put("int", 1).put("long", 1L << 40).put("short", (short) 7).put("double", 0.1).put("negzero", -0.0)
                .put("big", 1e300).put("float", 1.25f).put("bigint", new java.math.BigInteger("123456789012345678901234567890"))
                .put("decimal", new java.math.BigDecimal("1.50")).put("decimalExp", new java.math.BigDecimal("1E+5"))
                .put("text", "é \" \\ \n \u0001 \ud83d\ude00").put("t", true).put("f", false).putNull("null")
                .put("binary", new byte[] {1, 2, 3});
        o.putObject("empty");
        o.putArray("emptyArray");
        o.putArray("array").add(1).add("two").addNull().add(f.objectNode().put("x", 3.5)).addArray().add(f.arrayNode());
        o.putPOJO("pojo", java.util.List.of("p"));
        o.set("textNull", f.textNode(null));
        java.util.List<com.fasterxml.jackson.databind.JsonNode> trees = new java.util.ArrayList<>(java.util.List.of(o, f.textNode("root"),
                f.numberNode(3), f.numberNode(2.5), f.nullNode(), f.booleanNode(true), f.arrayNode(), f.missingNode()));
        trees.add(Json.parse("parsed", "{\"id\": \"r\", \"n\": [1, 2.0, -3e-7, 12345678901234567890, 1.0E400], \"o\": {\"a\": {}}}"));
        for (com.fasterxml.jackson.databind.JsonNode tree : trees) {
            byte[] mine = JsonBytes.write(g -> JsonBytes.writeTree(g, tree));
            byte[] mappers = JsonBytes.write(g -> {
                g.setCodec(Json.mapper());
                g.writeTree(tree);
            });
            assertThat(new String(mine, StandardCharsets.UTF_8)).as(tree.toString()).isEqualTo(new String(mappers, StandardCharsets.UTF_8));
        }
        assertThat(JsonBytes.write(g -> JsonBytes.writeTree(g, null))).isEqualTo(utf8("null"));
    }
}
