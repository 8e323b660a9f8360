/*
 * state-counter: counts executions in the plugin's state (ABI 1.2), written on the C PDK.
 *
 * Input: {"key": "<state key>", "atomic": true|false}. Adds one to the counter under the key and outputs
 * {"count": <the value it stored>}.
 *   atomic true (default)  llmtb_state_increment: host_compare_and_set_state in a retry loop, so no
 *                          increment is lost however many instances run at once
 *   atomic false           host_get_state then host_set_state: the racy pattern the docs warn about,
 *                          which loses increments when two instances interleave
 * Proves: host_compare_and_set_state (declared by api_version 1.2) makes read-modify-write safe across
 * concurrent instances (runtime/.../StateConcurrencyTest.java).
 */
#define LLMTB_API_VERSION "1.2"
#include "llmtb.h"

static const char METADATA[] = LLMTB_METADATA("state-counter", "1.0.0", "transform",
                                              "Counts executions in plugin state, atomically or racily");

static int32_t init(llmtb_str config) {
    (void)config;
    return LLMTB_OK;
}

/* The racy read-modify-write: get, add one, set. */
static int32_t racy_increment(const char *key, long long *result) {
    uint32_t key_len = (uint32_t)llmtb_strlen(key);
    char current[24];
    int32_t n = host_get_state(key, key_len, current, sizeof current);
    long long value = 0;
    for (int32_t i = 0; i < n && i < (int32_t)sizeof current; i++) value = value * 10 + (current[i] - '0');
    value++;
    char text[24];
    size_t len = 0;
    char rev[20];
    size_t d = 0;
    long long v = value;
    do {
        rev[d++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (d) text[len++] = rev[--d];
    int32_t rc = host_set_state(key, key_len, text, (uint32_t)len);
    *result = value;
    return rc;
}

static int32_t execute(llmtb_str input, llmtb_output *out) {
    llmtb_str v;
    char key[257];
    if (!llmtb_json_get(input, "key", &v) || !llmtb_json_is_string(v)) {
        return llmtb_error(out, LLMTB_INVALID_INPUT, "input needs a string field \"key\"");
    }
    long n = llmtb_json_unescape(v, key, sizeof key - 1);
    if (n < 0 || n > (long)sizeof key - 1) {
        return llmtb_error(out, LLMTB_INVALID_INPUT, "\"key\" is not a valid key of 1 to 256 bytes");
    }
    key[n] = 0;
    int atomic = 1;
    if (llmtb_json_get(input, "atomic", &v) && !llmtb_json_bool(v, &atomic)) {
        return llmtb_error(out, LLMTB_INVALID_INPUT, "\"atomic\" must be a boolean");
    }
    long long count = 0;
    int32_t rc = atomic ? llmtb_state_increment(key, 1, &count) : racy_increment(key, &count);
    if (rc != LLMTB_OK) {
        return llmtb_error(out, rc, "the state refused the counter");
    }
    llmtb_buf b = {0};
    llmtb_buf_str(&b, "{\"count\":");
    llmtb_buf_int(&b, count);
    llmtb_buf_str(&b, "}");
    int32_t written = llmtb_write_buf(out, &b);
    llmtb_buf_free(&b);
    return written;
}

LLMTB_PLUGIN(METADATA, init, execute)
