/*
 * state-counter: counts executions in the plugin's state (ABI 1.2), written on the C PDK.
 *
 * Input: {"key": "<state key>", "mode": "increment" | "cas" | "racy", "work": N}. Adds one to the counter
 * under the key (a decimal integer as text) and outputs {"count": <the value it stored>, "retries": R}.
 *   increment (default)  llmtb_state_increment, the PDK's helper (a loop around host_compare_and_set_state)
 *   cas                  the same loop written out: host_get_state, N iterations of busy work (a window in
 *                        which other instances write), host_compare_and_set_state, again on 1 (R counts them)
 *   racy                 host_get_state, the busy work, host_set_state: the pattern the docs warn about,
 *                        which loses increments when instances interleave
 * Proves: host_compare_and_set_state (declared by api_version 1.2) makes read-modify-write safe across
 * concurrent instances, where get-then-set is not (runtime/.../StateConcurrencyTest.java).
 */
#define LLMTB_API_VERSION "1.2"
#include "llmtb.h"

static const char METADATA[] = LLMTB_METADATA("state-counter", "1.0.0", "transform",
                                              "Counts executions in plugin state, atomically or racily");

static int32_t init(llmtb_str config) {
    (void)config;
    return LLMTB_OK;
}

/* Busy work the optimizer cannot remove: widens the window between reading and writing the counter. */
static volatile uint32_t sink;
static void work(long n) {
    uint32_t x = sink;
    for (long i = 0; i < n; i++) x = x * 1664525u + 1013904223u;
    sink = x;
}

static long long parse(const char *text, int32_t n) {
    long long value = 0;
    for (int32_t i = 0; i < n; i++) value = value * 10 + (text[i] - '0');
    return value;
}

static size_t format(long long value, char *text) {
    char rev[20];
    size_t d = 0, len = 0;
    do {
        rev[d++] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    while (d) text[len++] = rev[--d];
    return len;
}

/* mode cas (atomic) or racy: read, work, write. */
static int32_t read_work_write(const char *key, long n, int atomic, long long *count, long *retries) {
    uint32_t key_len = (uint32_t)llmtb_strlen(key);
    for (;;) {
        char current[24], next[24];
        int32_t len = host_get_state(key, key_len, current, sizeof current - 1);
        if (len >= (int32_t)sizeof current - 1) return LLMTB_ERROR;
        long long value = len > 0 ? parse(current, len) : 0;
        work(n);
        size_t next_len = format(value + 1, next);
        int32_t rc = atomic ? host_compare_and_set_state(key, key_len, current, len, next, (uint32_t)next_len)
                            : host_set_state(key, key_len, next, (uint32_t)next_len);
        if (rc == 1) {
            (*retries)++; /* another instance wrote in between: read again */
            continue;
        }
        *count = value + 1;
        return rc;
    }
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
    char mode[16] = "increment";
    if (llmtb_json_get(input, "mode", &v)) {
        long m = llmtb_json_unescape(v, mode, sizeof mode - 1);
        if (m < 0 || m > (long)sizeof mode - 1) return llmtb_error(out, LLMTB_INVALID_INPUT, "unknown \"mode\"");
        mode[m] = 0;
    }
    double amount = 0;
    if (llmtb_json_get(input, "work", &v) && (!llmtb_json_number(v, &amount) || amount < 0)) {
        return llmtb_error(out, LLMTB_INVALID_INPUT, "\"work\" must be a non-negative number");
    }
    long long count = 0;
    long retries = 0;
    int32_t rc;
    if (llmtb_equal(mode, "increment", 10)) {
        work((long)amount);
        rc = llmtb_state_increment(key, 1, &count);
    } else if (llmtb_equal(mode, "cas", 4) || llmtb_equal(mode, "racy", 5)) {
        rc = read_work_write(key, (long)amount, mode[0] == 'c', &count, &retries);
    } else {
        return llmtb_error(out, LLMTB_INVALID_INPUT, "\"mode\" must be \"increment\", \"cas\" or \"racy\"");
    }
    if (rc != LLMTB_OK) {
        return llmtb_error(out, rc, "the state refused the counter");
    }
    llmtb_buf b = {0};
    llmtb_buf_str(&b, "{\"count\":");
    llmtb_buf_int(&b, count);
    llmtb_buf_str(&b, ",\"retries\":");
    llmtb_buf_int(&b, retries);
    llmtb_buf_str(&b, "}");
    int32_t written = llmtb_write_buf(out, &b);
    llmtb_buf_free(&b);
    return written;
}

LLMTB_PLUGIN(METADATA, init, execute)
