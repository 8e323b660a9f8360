/*
 * {{name}}: an LLM Test Bench provider plugin, on the C PDK (llmtb.h).
 *
 * Input {"prompt": "...", "model"?, "system"?, "max_tokens"?, "temperature"?}; output
 * {"text", "model", "finish_reason": "stop", "usage": {"prompt_tokens", "completion_tokens"}}.
 * This one answers without a model: it echoes the prompt. To call a real model, send the request with
 * host_http_request (define LLMTB_API_VERSION "1.1" before including llmtb.h; the host sends it only to
 * the hosts `llmtb run --allow-host` grants). Config: {"model": "{{name}}-1"}.
 */
#include "llmtb.h"

static char *model; /* from the config, NUL-terminated */

static int32_t init(llmtb_str config) {
    llmtb_str value;
    llmtb_free(model);
    model = NULL;
    int found = llmtb_json_get(config, "model", &value);
    if (found == 1) {
        if (!llmtb_json_is_string(value) || value.len <= 2)
            return llmtb_init_error(LLMTB_INVALID_INPUT, "invalid config: model must be a non-empty string");
        model = llmtb_json_string(value, NULL);
    } else {
        llmtb_str fallback = {"\"{{name}}-1\"", sizeof "\"{{name}}-1\"" - 1};
        model = llmtb_json_string(fallback, NULL);
    }
    return model ? LLMTB_OK : llmtb_init_error(LLMTB_OUT_OF_MEMORY, "out of memory");
}

static size_t words(const char *s, size_t n) {
    size_t count = 0;
    int in_word = 0;
    for (size_t i = 0; i < n; i++) {
        int space = s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r';
        if (!space && !in_word) count++;
        in_word = !space;
    }
    return count;
}

static int32_t execute(llmtb_str input, llmtb_output *out) {
    llmtb_str prompt_json, model_json;
    if (llmtb_json_get(input, "prompt", &prompt_json) != 1 || !llmtb_json_is_string(prompt_json))
        return llmtb_error(out, LLMTB_INVALID_INPUT, "input needs a string field \"prompt\"");
    size_t prompt_len;
    char *prompt = llmtb_json_string(prompt_json, &prompt_len);
    if (!prompt) return llmtb_error(out, LLMTB_OUT_OF_MEMORY, "out of memory");
    llmtb_buf answer = {0}, json = {0};
    llmtb_buf_str(&answer, "You said: ");
    llmtb_buf_raw(&answer, prompt, prompt_len);

    llmtb_buf_str(&json, "{\"text\":");
    llmtb_buf_json_string(&json, answer.data, answer.len);
    llmtb_buf_str(&json, ",\"model\":");
    if (llmtb_json_get(input, "model", &model_json) == 1 && llmtb_json_is_string(model_json))
        llmtb_buf_raw(&json, model_json.ptr, model_json.len); /* already a JSON string */
    else
        llmtb_buf_json_string(&json, model, llmtb_strlen(model));
    llmtb_buf_str(&json, ",\"finish_reason\":\"stop\",\"usage\":{\"prompt_tokens\":");
    llmtb_buf_int(&json, (long long)words(prompt, prompt_len));
    llmtb_buf_str(&json, ",\"completion_tokens\":");
    llmtb_buf_int(&json, (long long)words(answer.data, answer.len));
    llmtb_buf_str(&json, "}}");
    int32_t rc = answer.failed ? llmtb_error(out, LLMTB_OUT_OF_MEMORY, "out of memory") : llmtb_write_buf(out, &json);
    llmtb_buf_free(&answer);
    llmtb_buf_free(&json);
    llmtb_free(prompt);
    return rc;
}

LLMTB_PLUGIN(LLMTB_METADATA("{{name}}", "0.1.0", "provider", "Answers every prompt by echoing it (a template: call your model here)"),
             init, execute)
