/*
 * {{name}}: an LLM Test Bench evaluator plugin, on the C PDK (llmtb.h).
 *
 * Input {"text": "<model response>", "expected": "<reference answer>", "prompt"?: "..."}; output
 * {"score": 0..1, "passed": bool, "label": "..."}. This one scores 1 when the response contains the
 * reference answer, ignoring ASCII case. Config: {"case_sensitive": false}.
 */
#include "llmtb.h"

static int case_sensitive;

static int32_t init(llmtb_str config) {
    llmtb_str value;
    case_sensitive = 0;
    if (llmtb_json_get(config, "case_sensitive", &value) == 1 && !llmtb_json_bool(value, &case_sensitive))
        return llmtb_init_error(LLMTB_INVALID_INPUT, "invalid config: case_sensitive must be true or false");
    return LLMTB_OK;
}

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }

static int contains(const char *text, size_t text_len, const char *needle, size_t needle_len) {
    for (size_t i = 0; i + needle_len <= text_len; i++) {
        size_t j = 0;
        while (j < needle_len && (case_sensitive ? text[i + j] == needle[j] : lower(text[i + j]) == lower(needle[j]))) j++;
        if (j == needle_len) return 1;
    }
    return 0;
}

static int32_t execute(llmtb_str input, llmtb_output *out) {
    llmtb_str text_json, expected_json;
    if (llmtb_json_get(input, "text", &text_json) != 1 || !llmtb_json_is_string(text_json))
        return llmtb_error(out, LLMTB_INVALID_INPUT, "input needs a string field \"text\"");
    if (llmtb_json_get(input, "expected", &expected_json) != 1 || !llmtb_json_is_string(expected_json))
        return llmtb_error(out, LLMTB_INVALID_INPUT, "input needs a string field \"expected\", the reference answer");
    size_t text_len, expected_len;
    char *text = llmtb_json_string(text_json, &text_len);
    char *expected = llmtb_json_string(expected_json, &expected_len);
    if (!text || !expected) {
        llmtb_free(text);
        llmtb_free(expected);
        return llmtb_error(out, LLMTB_OUT_OF_MEMORY, "out of memory");
    }
    int found = contains(text, text_len, expected, expected_len);
    llmtb_free(text);
    llmtb_free(expected);
    return llmtb_write_str(out, found ? "{\"score\":1,\"passed\":true,\"label\":\"match\"}"
                                      : "{\"score\":0,\"passed\":false,\"label\":\"no_match\"}");
}

LLMTB_PLUGIN(LLMTB_METADATA("{{name}}", "0.1.0", "evaluator", "Scores 1 when the response contains the expected answer"),
             init, execute)
