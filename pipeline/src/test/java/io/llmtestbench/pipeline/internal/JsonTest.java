package io.llmtestbench.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Json#parse} and {@link Json#write} give what the strict mapper gives (trees, texts, errors), without the
 * mapper: a one-shot command never initialises one (issue #16 point 4).
 */
class JsonTest {
    private static final List<String> VALID = List.of("{\"text\":\"a\",\"n\":1,\"x\":2.5e-3,\"l\":9223372036854775807}", "[1,[2,{}]]",
            "null", "\"s\\u00e9\"", "12345678901234567890", "0.1", " {\"a\" : [ true , false ] } ", "{\"a\":1,\"a\":2}");
    private static final List<String> INVALID = List.of("{", "{\"a\":1} x", "[1]]", "1 2", "{} {}", "{\"a\":1,}", "tru", "\"\\q\"",
            "{\"a\":1}\n{\"b\":2}", "[" + "[".repeat(1100) + "]".repeat(1101));

    @Test
    void parsesAndWritesAsTheStrictMapper() throws Exception {
        for (String text : VALID) {
            JsonNode node = Json.parse("--input", text);
            JsonNode expected = Json.mapper().readTree(text);
            assertThat(node).as(text).isEqualTo(expected);
            assertThat(Json.write(node)).as(text).isEqualTo(Json.mapper().writeValueAsString(expected));
        }
    }

    @Test
    void refusesWhatTheStrictMapperRefusesWithItsMessage() {
        for (String text : INVALID) {
            String expected = null;
            try {
                Json.mapper().readTree(text);
            } catch (JsonProcessingException e) {
                expected = "--input is not valid JSON: " + e.getOriginalMessage();
            }
            assertThat(expected).as(text).isNotNull();
            try {
                Json.parse("--input", text);
                throw new AssertionError("accepted " + text);
            } catch (Json.BadJson e) {
                assertThat(e.getMessage()).as(text).startsWith(expected);
            }
        }
    }

    @Test
    void emptyInputIsRefusedAsEmpty() {
        for (String text : List.of("", "  ", "\n")) {
            try {
                Json.parse("--input", text);
                throw new AssertionError("accepted '" + text + "'");
            } catch (Json.BadJson e) {
                assertThat(e.getMessage()).isEqualTo("--input is empty; expected a JSON value");
            }
        }
    }
}
