/*
 * {{name}}: an LLM Test Bench filter plugin, on the C PDK (llmtb.h).
 *
 * Input {"text": "...", "scores": {"<evaluator>": 0..1, ...}, <other record fields>}; output
 * {"keep": bool, "reason": "..."}. This one keeps a record when every score reaches min_score.
 * Config: {"min_score": 0.5}.
 */
#include "llmtb.h"

static double min_score;

static int32_t init(llmtb_str config) {
    llmtb_str value;
    min_score = 0.5;
    if (llmtb_json_get(config, "min_score", &value) == 1 &&
        (!llmtb_json_number(value, &min_score) || min_score < 0 || min_score > 1))
        return llmtb_init_error(LLMTB_INVALID_INPUT, "invalid config: min_score must be a number in [0, 1]");
    return LLMTB_OK;
}

static int32_t execute(llmtb_str input, llmtb_output *out) {
    llmtb_str scores, key, value;
    llmtb_json_iter it;
    int r, count = 0;
    if (llmtb_json_get(input, "scores", &scores) != 1 || !llmtb_json_object(scores, &it))
        return llmtb_error(out, LLMTB_INVALID_INPUT, "input needs an object field \"scores\"");
    llmtb_buf below = {0}, json = {0};
    while ((r = llmtb_json_next(&it, &key, &value)) == 1) {
        double score;
        if (!llmtb_json_number(value, &score)) {
            llmtb_buf_free(&below);
            return llmtb_error(out, LLMTB_INVALID_INPUT, "every score must be a number");
        }
        count++;
        if (score < min_score) {
            if (below.len) llmtb_buf_str(&below, ", ");
            llmtb_buf_raw(&below, key.ptr + 1, key.len - 2); /* the name, as written */
            llmtb_buf_str(&below, "=");
            llmtb_buf_raw(&below, value.ptr, value.len);
        }
    }
    if (r < 0) {
        llmtb_buf_free(&below);
        return llmtb_error(out, LLMTB_INVALID_INPUT, "input is not valid JSON");
    }
    if (count == 0) {
        llmtb_buf_str(&json, "{\"keep\":false,\"reason\":\"no scores to judge\"}");
    } else if (below.len == 0) {
        llmtb_buf_str(&json, "{\"keep\":true,\"reason\":\"all scores >= ");
        llmtb_buf_number(&json, min_score);
        llmtb_buf_str(&json, "\"}");
    } else {
        llmtb_buf reason = {0};
        llmtb_buf_str(&reason, "below ");
        llmtb_buf_number(&reason, min_score);
        llmtb_buf_str(&reason, ": ");
        llmtb_buf_raw(&reason, below.data, below.len);
        llmtb_buf_str(&json, "{\"keep\":false,\"reason\":");
        llmtb_buf_json_string(&json, reason.data, reason.len);
        llmtb_buf_str(&json, "}");
        if (reason.failed) json.failed = 1;
        llmtb_buf_free(&reason);
    }
    int32_t rc = below.failed ? llmtb_error(out, LLMTB_OUT_OF_MEMORY, "out of memory") : llmtb_write_buf(out, &json);
    llmtb_buf_free(&below);
    llmtb_buf_free(&json);
    return rc;
}

LLMTB_PLUGIN(LLMTB_METADATA("{{name}}", "0.1.0", "filter", "Keeps records whose scores all reach min_score"), init, execute)
