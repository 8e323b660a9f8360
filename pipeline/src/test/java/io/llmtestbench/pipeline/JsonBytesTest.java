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
}
