/*
 * {{name}}: an LLM Test Bench transform plugin, on the C PDK (llmtb.h).
 *
 * Input: a record, {"text": "...", <any other fields>}; output: the same record with its "text"
 * transformed (a transform must copy the fields it does not change). This one trims the text and
 * collapses runs of whitespace; with config {"lowercase": true} it also lowercases ASCII letters.
 */
#include "llmtb.h"

static int lowercase;

static int32_t init(llmtb_str config) {
    llmtb_str value;
    lowercase = 0;
    if (llmtb_json_get(config, "lowercase", &value) == 1 && !llmtb_json_bool(value, &lowercase))
        return llmtb_init_error(LLMTB_INVALID_INPUT, "invalid config: lowercase must be true or false");
    return LLMTB_OK;
}

/* Trims, collapses whitespace and (optionally) lowercases s in place; returns the new length. */
static size_t normalize(char *s, size_t n) {
    size_t o = 0;
    int pending_space = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            pending_space = o > 0;
            continue;
        }
        if (pending_space) s[o++] = ' ';
        pending_space = 0;
        s[o++] = lowercase && c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
    }
    return o;
}

static int32_t execute(llmtb_str input, llmtb_output *out) {
    llmtb_json_iter it;
    llmtb_str key, value;
    int r, saw_text = 0;
    if (!llmtb_json_object(input, &it)) return llmtb_error(out, LLMTB_INVALID_INPUT, "input must be a JSON object");
    llmtb_buf json = {0};
    llmtb_buf_str(&json, "{");
    while ((r = llmtb_json_next(&it, &key, &value)) == 1) {
        if (json.len > 1) llmtb_buf_str(&json, ",");
        llmtb_buf_raw(&json, key.ptr, key.len);
        llmtb_buf_str(&json, ":");
        if (!llmtb_json_key_is(key, "text")) {
            llmtb_buf_raw(&json, value.ptr, value.len); /* copied as it is */
            continue;
        }
        size_t len;
        char *text = llmtb_json_string(value, &len);
        if (!text) {
            llmtb_buf_free(&json);
            return llmtb_json_is_string(value) ? llmtb_error(out, LLMTB_OUT_OF_MEMORY, "out of memory")
                                               : llmtb_error(out, LLMTB_INVALID_INPUT, "field \"text\" must be a string");
        }
        llmtb_buf_json_string(&json, text, normalize(text, len));
        llmtb_free(text);
        saw_text = 1;
    }
    llmtb_buf_str(&json, "}");
    int32_t rc = r < 0      ? llmtb_error(out, LLMTB_INVALID_INPUT, "input is not valid JSON")
                 : !saw_text ? llmtb_error(out, LLMTB_INVALID_INPUT, "input needs a string field \"text\"")
                             : llmtb_write_buf(out, &json);
    llmtb_buf_free(&json);
    return rc;
}

LLMTB_PLUGIN(LLMTB_METADATA("{{name}}", "0.1.0", "transform", "Trims the text and collapses whitespace"), init, execute)
