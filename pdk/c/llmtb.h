/*
 * llmtb.h: the C plugin development kit for LLM Test Bench plugins (plugin ABI 1.x, docs/plugin-abi.md).
 * Header-only: include it; in exactly one .c file, also use LLMTB_PLUGIN(...) to emit the exports.
 *
 *   #include "llmtb.h"
 *
 *   static int32_t init(llmtb_str config) { return LLMTB_OK; }
 *
 *   static int32_t execute(llmtb_str input, llmtb_output *out) {
 *       llmtb_str text;
 *       if (llmtb_json_get(input, "text", &text) != 1 || !llmtb_json_is_string(text))
 *           return llmtb_error(out, LLMTB_INVALID_INPUT, "input needs a string field \"text\"");
 *       return llmtb_write(out, "{\"score\":1}", 11);
 *   }
 *
 *   LLMTB_PLUGIN(LLMTB_METADATA("my-evaluator", "0.1.0", "evaluator", "Scores everything 1"), init, execute)
 *
 * LLMTB_PLUGIN emits the six exports of the ABI: plugin_alloc and plugin_free (malloc/free, or a built-in
 * allocator with LLMTB_NO_LIBC), plugin_metadata, plugin_init (calls your init with the configuration JSON),
 * plugin_execute (calls your execute with the input JSON) and plugin_shutdown (LLMTB_PLUGIN_WITH_SHUTDOWN
 * also calls your shutdown). The buffer protocol is done for you: llmtb_write() answers "buffer too small"
 * with the size needed and keeps the output, so the host's retry gets it without calling execute again
 * (ABI §6.4).
 *
 * Build (wasi-libc, imports nothing unless you call stdio, time or getenv):
 *   clang --target=wasm32-wasi -Oz -c -o plugin.o plugin.c
 *   clang --target=wasm32-wasi -mexec-model=reactor -o plugin.wasm plugin.o
 * or without any libc:
 *   clang --target=wasm32-unknown-unknown -DLLMTB_NO_LIBC -nostdlib -Oz -c -o plugin.o plugin.c
 *   clang --target=wasm32-unknown-unknown -nostdlib -Wl,--no-entry -o plugin.wasm plugin.o
 * (compile and link in two steps: a link step with -O makes clang run wasm-opt when binaryen is installed.)
 *
 * Options (define before including):
 *   LLMTB_NO_LIBC            no libc: a built-in allocator (reset when every block is freed) and copy loops
 *   LLMTB_CUSTOM_ALLOCATOR   LLMTB_PLUGIN emits no plugin_alloc/plugin_free: define your own
 *   LLMTB_API_VERSION        the api_version LLMTB_METADATA declares (default "1.0"; "1.1" when you call
 *                            host_http_request/host_http_response, "1.2" for host_compare_and_set_state)
 */
#ifndef LLMTB_H
#define LLMTB_H

#include <stddef.h>
#include <stdint.h>
#ifndef LLMTB_NO_LIBC
#include <stdlib.h>
#include <string.h>
#endif

#define LLMTB_EXPORT(name) __attribute__((export_name(name)))
#define LLMTB_IMPORT(name) __attribute__((import_module("env"), import_name(name)))

#ifndef LLMTB_API_VERSION
#define LLMTB_API_VERSION "1.0"
#endif

/* ---- result codes (ABI §7) and log levels ----------------------------------------------------- */

enum {
    LLMTB_OK = 0,
    LLMTB_ERROR = -1,              /* reported as PLUGIN_ERROR */
    LLMTB_INVALID_INPUT = -2,      /* PLUGIN_ERROR; from init: the configuration is invalid */
    LLMTB_TIMEOUT = -3,            /* TIMEOUT: the plugin gave up on its own time budget */
    LLMTB_OUT_OF_MEMORY = -4,      /* MEMORY_LIMIT */
    LLMTB_BUFFER_TOO_SMALL = -5    /* handled by llmtb_write() */
};

enum { LLMTB_LOG_TRACE = 0, LLMTB_LOG_DEBUG = 1, LLMTB_LOG_INFO = 2, LLMTB_LOG_WARN = 3, LLMTB_LOG_ERROR = 4 };

/* ---- host functions (module "env", ABI §10); a plugin imports only those it calls -------------- */

/* Logs len bytes of UTF-8 to the plugin's logger llmtb.plugin.<name>: 0 logged, 1 dropped (the
 * execution's log cap, 64 KiB by default), -2 bad level. */
LLMTB_IMPORT("host_log") int32_t host_log(int32_t level, const void *ptr, uint32_t len);
/* Milliseconds since the Unix epoch. */
LLMTB_IMPORT("host_current_time_ms") int64_t host_current_time_ms(void);
/* Uniform in [0, max); -2 when max <= 0. */
LLMTB_IMPORT("host_random") int32_t host_random(int32_t max);
/* Plugin state (ABI §11): 0 stored, -2 invalid key (empty or over 256 bytes), -4 over the state cap. */
LLMTB_IMPORT("host_set_state")
int32_t host_set_state(const void *key_ptr, uint32_t key_len, const void *val_ptr, uint32_t val_len);
/* The value's full length, copying at most val_max bytes; -1 when absent. */
LLMTB_IMPORT("host_get_state")
int32_t host_get_state(const void *key_ptr, uint32_t key_len, void *val_ptr, uint32_t val_max);
/* The execution context JSON's full length, copying at most max bytes; -1 when none (ABI §12). */
LLMTB_IMPORT("host_get_context") int32_t host_get_context(void *ptr, uint32_t max);
/* ABI 1.1: an HTTP request through the host (only to the plugin's allowed hosts): the response JSON's
 * full length, copying at most resp_max bytes; -2 malformed request; -3 the request failed. */
LLMTB_IMPORT("host_http_request")
int32_t host_http_request(const void *req_ptr, uint32_t req_len, void *resp_ptr, uint32_t resp_max);
/* ABI 1.1: re-reads the JSON of this execution's last host_http_request; -1 when none. */
LLMTB_IMPORT("host_http_response") int32_t host_http_response(void *ptr, uint32_t max);
/* ABI 1.2: atomically stores new under the key if its value equals expected (expected_len -1: if the key is
 * absent): 0 stored, 1 not stored (the value differs), -2 invalid key, -4 over the state cap. */
LLMTB_IMPORT("host_compare_and_set_state")
int32_t host_compare_and_set_state(const void *key_ptr, uint32_t key_len, const void *expected_ptr, int32_t expected_len,
                                   const void *new_ptr, uint32_t new_len);

/* ---- small helpers ------------------------------------------------------------------------------ */

/* A byte range: the input, the configuration, a JSON value. Not NUL-terminated. */
typedef struct {
    const char *ptr;
    size_t len;
} llmtb_str;

static inline size_t llmtb_strlen(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

static inline void llmtb_copy(void *dst, const void *src, size_t n) {
#ifdef LLMTB_NO_LIBC
    unsigned char *d = (unsigned char *)dst;
    const unsigned char *s = (const unsigned char *)src;
    while (n--) *d++ = *s++;
#else
    if (n) memcpy(dst, src, n);
#endif
}

static inline int llmtb_equal(const void *a, const void *b, size_t n) {
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i]) return 0;
    return 1;
}

/* Logs a NUL-terminated message; 1 when logged, 0 when dropped by the log cap. */
static inline int llmtb_log(int32_t level, const char *message) {
    return host_log(level, message, (uint32_t)llmtb_strlen(message)) == 0;
}

/* ---- plugin state (ABI §11) ---------------------------------------------------------------------- */

/* Each state call is atomic, but a host_get_state followed by a host_set_state is not: two instances running
 * at once can both read 41 and both write 42, and one update is lost. For read-modify-write, use
 * llmtb_state_increment or a loop around host_compare_and_set_state (ABI 1.2: #define LLMTB_API_VERSION "1.2"
 * before including this header).
 *
 * llmtb_state_increment atomically adds delta to the counter under the NUL-terminated key: a decimal integer
 * as text (absent counts as 0), so host_get_state reads it as text. It retries while another instance writes
 * in between, and stores the new value in *result (if not NULL). Returns LLMTB_OK, -2 (LLMTB_INVALID_INPUT) for
 * an empty key or one over 256 bytes, -4 (LLMTB_OUT_OF_MEMORY) over the state cap, or LLMTB_ERROR when the
 * stored value is not a decimal integer. ABI 1.2. */
static inline int32_t llmtb_state_increment(const char *key, long long delta, long long *result) {
    uint32_t key_len = (uint32_t)llmtb_strlen(key);
    for (;;) {
        char current[24];
        int32_t n = host_get_state(key, key_len, current, sizeof current);
        unsigned long long value = 0;
        if (n >= (int32_t)sizeof current) return LLMTB_ERROR; /* longer than any 64-bit integer */
        if (n >= 0) {
            int32_t i = 0, negative = 0, digits = 0;
            while (i < n && current[i] == ' ') i++;
            if (i < n && (current[i] == '-' || current[i] == '+')) negative = current[i++] == '-';
            for (; i < n && current[i] >= '0' && current[i] <= '9'; i++, digits++)
                value = value * 10 + (unsigned long long)(current[i] - '0');
            while (i < n && current[i] == ' ') i++;
            if (!digits || i != n || digits > 19) return LLMTB_ERROR;
            if (negative) value = 0 - value;
        }
        long long next = (long long)(value + (unsigned long long)delta); /* wraps like two's complement */
        char text[24];
        size_t len = 0;
        unsigned long long magnitude = next < 0 ? 0 - (unsigned long long)next : (unsigned long long)next;
        char digits_rev[20];
        size_t d = 0;
        do {
            digits_rev[d++] = (char)('0' + magnitude % 10);
            magnitude /= 10;
        } while (magnitude);
        if (next < 0) text[len++] = '-';
        while (d) text[len++] = digits_rev[--d];
        int32_t rc = host_compare_and_set_state(key, key_len, current, n, text, (uint32_t)len);
        if (rc == 0) {
            if (result) *result = next;
            return LLMTB_OK;
        }
        if (rc != 1) return rc; /* -2 invalid key, -4 over the cap */
        /* 1: another instance wrote in between: read again */
    }
}

/* ---- memory ------------------------------------------------------------------------------------- */

#ifdef LLMTB_NO_LIBC
/* A bump allocator over the heap after __heap_base that rewinds when every block is freed: the host
 * frees all its buffers after each call, so memory does not grow from call to call. What init allocates
 * is kept for good (the allocator's floor moves above it when init returns); anything else a plugin keeps
 * from one call to the next stops the rewinding, so keep such data in static arrays. */
extern unsigned char __heap_base;
/* Weak: one allocator for every file of the plugin that includes this header. */
__attribute__((weak)) uint32_t llmtb__heap_top, llmtb__heap_floor, llmtb__live;

static inline void *llmtb_malloc(size_t size) {
    if (llmtb__heap_top == 0) llmtb__heap_top = (uint32_t)(uintptr_t)&__heap_base;
    uint32_t p = (llmtb__heap_top + 7u) & ~7u; /* 8-byte alignment */
    unsigned long long end = (unsigned long long)p + size;
    unsigned long long have = (unsigned long long)__builtin_wasm_memory_size(0) << 16;
    if (end > 0xFFFFFFFFull) return NULL;
    if (end > have) {
        unsigned long long pages = (end - have + 65535u) >> 16;
        if (__builtin_wasm_memory_grow(0, (unsigned long)pages) == (unsigned long)-1) return NULL; /* the cap */
    }
    llmtb__heap_top = (uint32_t)end;
    llmtb__live++;
    return (void *)(uintptr_t)p; /* never NULL: __heap_base is above 0 */
}

static inline void llmtb_free(void *ptr) {
    if (ptr && llmtb__live > 0 && --llmtb__live == 0) llmtb__heap_top = llmtb__heap_floor;
}

/* After init: what it allocated stays; the blocks the host allocated before (the configuration) are
 * forgotten (their frees are ignored). */
static inline void llmtb__keep_init_allocations(void) {
    llmtb__heap_floor = llmtb__heap_top;
    llmtb__live = 0;
}

/* Only grows the last block in place or copies: enough for llmtb_buf. */
static inline void *llmtb_realloc(void *ptr, size_t old_size, size_t size) {
    void *p = llmtb_malloc(size);
    if (p && ptr) {
        llmtb_copy(p, ptr, old_size < size ? old_size : size);
        llmtb_free(ptr);
    }
    return p;
}
#else
static inline void llmtb__keep_init_allocations(void) {}
static inline void *llmtb_malloc(size_t size) { return malloc(size ? size : 1); }
static inline void llmtb_free(void *ptr) { free(ptr); }
static inline void *llmtb_realloc(void *ptr, size_t old_size, size_t size) {
    (void)old_size;
    return realloc(ptr, size ? size : 1);
}
#endif

/* ---- the output buffer (ABI §6) ------------------------------------------------------------------ */

/* The host's output buffer and length cell for one call. */
typedef struct {
    char *ptr;
    uint32_t *len_cell; /* capacity on entry; the length written or needed on return (may be unaligned) */
    llmtb_str input;    /* the input of this call, kept with an output that did not fit */
} llmtb_output;

static inline uint32_t llmtb__load_u32(const void *p) {
    uint32_t v;
    llmtb_copy(&v, p, 4);
    return v;
}

static inline void llmtb__store_u32(void *p, uint32_t v) { llmtb_copy(p, &v, 4); }

/* An output that did not fit, kept for the host's retry (which comes next, with the same input). Weak:
 * one for every file of the plugin that includes this header. */
struct llmtb__pending_output {
    char *input, *output;
    size_t input_len, output_len;
    int valid;
};
__attribute__((weak)) struct llmtb__pending_output llmtb__pending;

static inline void llmtb__drop_pending(void) {
    if (llmtb__pending.valid) {
        llmtb_free(llmtb__pending.input);
        llmtb_free(llmtb__pending.output);
        llmtb__pending.valid = 0;
    }
}

/* The capacity of the host's buffer. */
static inline uint32_t llmtb_capacity(const llmtb_output *out) { return llmtb__load_u32(out->len_cell); }

/* Writes the output (JSON) and returns LLMTB_OK, or, when it does not fit, stores the length needed and
 * returns LLMTB_BUFFER_TOO_SMALL: return that code, the host calls again with a large enough buffer, and
 * gets this output without your execute running twice. Return whatever llmtb_write returns. */
static inline int32_t llmtb_write(llmtb_output *out, const void *bytes, size_t len) {
    uint32_t capacity = llmtb_capacity(out);
    llmtb__store_u32(out->len_cell, (uint32_t)len);
    if (len > capacity) {
        llmtb__drop_pending();
        char *in = (char *)llmtb_malloc(out->input.len), *kept = (char *)llmtb_malloc(len);
        if (in && kept) {
            llmtb_copy(in, out->input.ptr, out->input.len);
            llmtb_copy(kept, bytes, len);
            llmtb__pending.input = in;
            llmtb__pending.input_len = out->input.len;
            llmtb__pending.output = kept;
            llmtb__pending.output_len = len;
            llmtb__pending.valid = 1;
        } else { /* no memory to keep it: the retry runs execute again */
            llmtb_free(in);
            llmtb_free(kept);
        }
        return LLMTB_BUFFER_TOO_SMALL;
    }
    llmtb_copy(out->ptr, bytes, len);
    return LLMTB_OK;
}

/* Writes a NUL-terminated output. */
static inline int32_t llmtb_write_str(llmtb_output *out, const char *json) {
    return llmtb_write(out, json, llmtb_strlen(json));
}

/* Fails with `code` (LLMTB_ERROR, LLMTB_INVALID_INPUT, ...) and a message the host appends to its error:
 * "Plugin 'x' execution failed with code: -2 (RESULT_INVALID_INPUT): <message>". The message is cut below
 * the buffer's capacity (a length of capacity or more means "no message" to the host), at a UTF-8
 * character boundary; NULL or "" means no message. */
static inline int32_t llmtb_error(llmtb_output *out, int32_t code, const char *message) {
    uint32_t capacity = llmtb_capacity(out);
    size_t n = message ? llmtb_strlen(message) : 0;
    size_t max = capacity > 0 ? capacity - 1 : 0;
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)message[n] & 0xC0) == 0x80) n--; /* not inside a UTF-8 sequence */
    }
    if (n) llmtb_copy(out->ptr, message, n);
    llmtb__store_u32(out->len_cell, (uint32_t)n);
    return code == LLMTB_OK || code == LLMTB_BUFFER_TOO_SMALL ? LLMTB_ERROR : code;
}

/* For init, which has no output buffer: logs the message at error level (the host shows the last error
 * line of a failed plugin_init in the load failure) and returns code. */
static inline int32_t llmtb_init_error(int32_t code, const char *message) {
    llmtb_log(LLMTB_LOG_ERROR, message);
    return code == LLMTB_OK ? LLMTB_ERROR : code;
}

/* ---- a growable buffer, for building output ------------------------------------------------------ */

typedef struct {
    char *data;
    size_t len, cap;
    int failed; /* an allocation failed: the content is incomplete */
} llmtb_buf;

static inline void llmtb_buf_raw(llmtb_buf *b, const void *p, size_t n) {
    if (b->failed) return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n) cap *= 2;
        char *data = (char *)llmtb_realloc(b->data, b->len, cap);
        if (!data) {
            b->failed = 1;
            return;
        }
        b->data = data;
        b->cap = cap;
    }
    llmtb_copy(b->data + b->len, p, n);
    b->len += n;
}

/* Appends a NUL-terminated string as it is (JSON punctuation, literals). */
static inline void llmtb_buf_str(llmtb_buf *b, const char *s) { llmtb_buf_raw(b, s, llmtb_strlen(s)); }

/* Appends bytes of UTF-8 text as a quoted JSON string, escaping what JSON requires. */
static inline void llmtb_buf_json_string(llmtb_buf *b, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    llmtb_buf_raw(b, "\"", 1);
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        llmtb_buf_raw(b, s + start, i - start);
        start = i + 1;
        char e[6] = {'\\', (char)c, 0, 0, 0, 0};
        if (c == '\n') e[1] = 'n';
        else if (c == '\r') e[1] = 'r';
        else if (c == '\t') e[1] = 't';
        if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
            e[1] = 'u', e[2] = '0', e[3] = '0', e[4] = hex[c >> 4], e[5] = hex[c & 15];
            llmtb_buf_raw(b, e, 6);
        } else {
            llmtb_buf_raw(b, e, 2);
        }
    }
    llmtb_buf_raw(b, s + start, n - start);
    llmtb_buf_raw(b, "\"", 1);
}

/* Appends an integer. */
static inline void llmtb_buf_int(llmtb_buf *b, long long v) {
    char digits[24];
    int n = 0;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do digits[n++] = (char)('0' + u % 10); while ((u /= 10) && n < 23);
    if (v < 0) llmtb_buf_raw(b, "-", 1);
    while (n) llmtb_buf_raw(b, &digits[--n], 1);
}

/* Appends a number: up to 6 decimals, trailing zeros dropped (e.g. 0.5, 1, 0.333333); above 1e15 in
 * magnitude in exponent form. NaN and infinities, which JSON cannot represent, become null. */
static inline void llmtb_buf_number(llmtb_buf *b, double v) {
    if (v != v || v > 1.7e308 || v < -1.7e308) {
        llmtb_buf_str(b, "null");
        return;
    }
    int exp10 = 0;
    while (v >= 1e15 || v <= -1e15) {
        v /= 10;
        exp10++;
    }
    long long scaled = (long long)(v * 1000000.0 + (v < 0 ? -0.5 : 0.5));
    long long whole = scaled / 1000000, frac = scaled % 1000000;
    if (frac < 0) frac = -frac;
    if (scaled < 0 && whole == 0) llmtb_buf_raw(b, "-", 1);
    llmtb_buf_int(b, whole);
    if (frac) {
        char d[6];
        int n = 6;
        for (int i = 5; i >= 0; i--, frac /= 10) d[i] = (char)('0' + frac % 10);
        while (n > 0 && d[n - 1] == '0') n--;
        llmtb_buf_raw(b, ".", 1);
        llmtb_buf_raw(b, d, (size_t)n);
    }
    if (exp10) {
        llmtb_buf_raw(b, "e", 1);
        llmtb_buf_int(b, exp10);
    }
}

static inline void llmtb_buf_free(llmtb_buf *b) {
    llmtb_free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
}

/* Writes the buffer as the output (llmtb_write), or fails with LLMTB_OUT_OF_MEMORY when it is incomplete. */
static inline int32_t llmtb_write_buf(llmtb_output *out, const llmtb_buf *b) {
    if (b->failed) return llmtb_error(out, LLMTB_OUT_OF_MEMORY, "out of memory while building the output");
    return llmtb_write(out, b->data, b->len);
}

/* ---- reading JSON ---------------------------------------------------------------------------------
 * The host passes compact, valid JSON; these functions are bounds-checked for any bytes, find the members
 * of an object, and give each value as its raw text (a string value with its quotes and escapes). */

static inline const char *llmtb__ws(const char *p, const char *end) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    return p;
}

/* The end of the JSON value starting at p, or NULL when it is malformed (or nested over 128 levels). */
static inline const char *llmtb__skip(const char *p, const char *end) {
    int depth = 0;
    p = llmtb__ws(p, end);
    do {
        if (p >= end) return NULL;
        char c = *p;
        if (c == '"') {
            for (p++; p < end && *p != '"'; p++)
                if (*p == '\\') p++;
            if (p >= end) return NULL;
            p++;
        } else if (c == '{' || c == '[') {
            if (++depth > 128) return NULL;
            p++;
        } else if (c == '}' || c == ']') {
            if (--depth < 0) return NULL;
            p++;
        } else if (c == ',' || c == ':' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (depth == 0) return NULL;
            p++;
        } else {
            const char *start = p;
            while (p < end && *p != ',' && *p != ':' && *p != '}' && *p != ']' && *p != ' ' && *p != '"' &&
                   *p != '\t' && *p != '\n' && *p != '\r' && *p != '{' && *p != '[')
                p++;
            if (p == start) return NULL;
        }
    } while (depth > 0);
    return p;
}

/* Iterates over the members of a JSON object. */
typedef struct {
    const char *p, *end;
    int first;
} llmtb_json_iter;

/* Starts iterating `json`; 1 when it is an object, 0 otherwise. */
static inline int llmtb_json_object(llmtb_str json, llmtb_json_iter *it) {
    const char *p = llmtb__ws(json.ptr, json.ptr + json.len);
    it->end = json.ptr + json.len;
    it->first = 1;
    if (p >= it->end || *p != '{') {
        it->p = it->end;
        return 0;
    }
    it->p = p + 1;
    return 1;
}

/* The next member: 1 (key: the raw key with its quotes, value: the raw value), 0 at the end, -1 malformed. */
static inline int llmtb_json_next(llmtb_json_iter *it, llmtb_str *key, llmtb_str *value) {
    const char *p = llmtb__ws(it->p, it->end);
    if (p < it->end && *p == '}') {
        it->p = p + 1;
        return 0;
    }
    if (!it->first) {
        if (p >= it->end || *p != ',') return -1;
        p = llmtb__ws(p + 1, it->end);
    }
    if (p >= it->end || *p != '"') return -1;
    const char *k = llmtb__skip(p, it->end);
    if (!k) return -1;
    key->ptr = p;
    key->len = (size_t)(k - p);
    p = llmtb__ws(k, it->end);
    if (p >= it->end || *p != ':') return -1;
    p = llmtb__ws(p + 1, it->end);
    const char *v = llmtb__skip(p, it->end);
    if (!v) return -1;
    value->ptr = p;
    value->len = (size_t)(v - p);
    it->p = v;
    it->first = 0;
    return 1;
}

/* Whether a raw key (with quotes) is `name` (compared as written: keys with escapes do not match). */
static inline int llmtb_json_key_is(llmtb_str key, const char *name) {
    size_t n = llmtb_strlen(name);
    return key.len == n + 2 && llmtb_equal(key.ptr + 1, name, n);
}

/* Finds the member `name` of the object `json`: 1 found (value: its raw text), 0 absent, -1 not an object
 * or malformed. */
static inline int llmtb_json_get(llmtb_str json, const char *name, llmtb_str *value) {
    llmtb_json_iter it;
    llmtb_str key;
    int r;
    if (!llmtb_json_object(json, &it)) return -1;
    while ((r = llmtb_json_next(&it, &key, value)) == 1)
        if (llmtb_json_key_is(key, name)) return 1;
    return r;
}

static inline int llmtb_json_is_string(llmtb_str v) { return v.len >= 2 && v.ptr[0] == '"'; }
static inline int llmtb_json_is_object(llmtb_str v) { return v.len >= 2 && v.ptr[0] == '{'; }
static inline int llmtb_json_is_null(llmtb_str v) { return v.len == 4 && llmtb_equal(v.ptr, "null", 4); }

/* A JSON boolean: 1 (*out set) or 0 when v is not true/false. */
static inline int llmtb_json_bool(llmtb_str v, int *out) {
    if (v.len == 4 && llmtb_equal(v.ptr, "true", 4)) return *out = 1, 1;
    if (v.len == 5 && llmtb_equal(v.ptr, "false", 5)) return *out = 0, 1;
    return 0;
}

/* A JSON number: 1 (*out set) or 0 when v is not a number. Exact for integers up to 2^53 and for up to 15
 * significant digits. */
static inline int llmtb_json_number(llmtb_str v, double *out) {
    const char *p = v.ptr, *end = v.ptr + v.len;
    int neg = 0, digits = 0, exp = 0, eneg = 0, e = 0;
    double x = 0;
    if (p < end && *p == '-') neg = 1, p++;
    for (; p < end && *p >= '0' && *p <= '9'; p++, digits++) x = x * 10 + (*p - '0');
    if (p < end && *p == '.') {
        for (p++; p < end && *p >= '0' && *p <= '9'; p++, digits++, exp--) x = x * 10 + (*p - '0');
    }
    if (!digits) return 0;
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-')) eneg = *p++ == '-';
        if (p >= end || *p < '0' || *p > '9') return 0;
        for (; p < end && *p >= '0' && *p <= '9'; p++)
            if (e < 10000) e = e * 10 + (*p - '0');
        exp += eneg ? -e : e;
    }
    if (p != end) return 0;
    for (; exp > 0; exp--) x *= 10;
    for (; exp < 0; exp++) x /= 10;
    *out = neg ? -x : x;
    return 1;
}

static inline int llmtb__hex4(const char *p, const char *end, uint32_t *out) {
    uint32_t v = 0;
    if (end - p < 4) return 0;
    for (int i = 0; i < 4; i++) {
        char h = p[i];
        int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
        if (d < 0) return 0;
        v = v << 4 | (uint32_t)d;
    }
    *out = v;
    return 1;
}

/* Decodes a JSON string value (raw, with quotes) into dst as UTF-8, writing at most cap bytes; returns the
 * decoded length (which may exceed cap: then dst holds the first cap bytes), or -1 when v is not a string.
 * \uXXXX escapes become UTF-8 (a lone surrogate becomes U+FFFD). dst is not NUL-terminated. */
static inline long llmtb_json_unescape(llmtb_str v, char *dst, size_t cap) {
    if (!llmtb_json_is_string(v)) return -1;
    const char *p = v.ptr + 1, *end = v.ptr + v.len - 1;
    size_t n = 0;
#define LLMTB__PUT(ch) do { if (n < cap) dst[n] = (char)(ch); n++; } while (0)
    while (p < end) {
        unsigned char c = (unsigned char)*p++;
        if (c != '\\') {
            LLMTB__PUT(c);
            continue;
        }
        if (p >= end) return -1;
        char e = *p++;
        uint32_t cp, lo;
        switch (e) {
        case 'b': cp = '\b'; break;
        case 'f': cp = '\f'; break;
        case 'n': cp = '\n'; break;
        case 'r': cp = '\r'; break;
        case 't': cp = '\t'; break;
        case 'u':
            if (!llmtb__hex4(p, end, &cp)) return -1;
            p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF && end - p >= 6 && p[0] == '\\' && p[1] == 'u' && llmtb__hex4(p + 2, end, &lo) &&
                lo >= 0xDC00 && lo <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                p += 6;
            } else if (cp >= 0xD800 && cp <= 0xDFFF) {
                cp = 0xFFFD;
            }
            break;
        default: cp = (unsigned char)e; break; /* \" \\ \/ */
        }
        if (cp < 0x80) {
            LLMTB__PUT(cp);
        } else if (cp < 0x800) {
            LLMTB__PUT(0xC0 | (cp >> 6));
            LLMTB__PUT(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            LLMTB__PUT(0xE0 | (cp >> 12));
            LLMTB__PUT(0x80 | ((cp >> 6) & 0x3F));
            LLMTB__PUT(0x80 | (cp & 0x3F));
        } else {
            LLMTB__PUT(0xF0 | (cp >> 18));
            LLMTB__PUT(0x80 | ((cp >> 12) & 0x3F));
            LLMTB__PUT(0x80 | ((cp >> 6) & 0x3F));
            LLMTB__PUT(0x80 | (cp & 0x3F));
        }
    }
#undef LLMTB__PUT
    return (long)n;
}

/* Decodes a JSON string value into a new NUL-terminated buffer (free it with llmtb_free); NULL when v is
 * not a string or memory is short. *len (if not NULL) receives the length. */
static inline char *llmtb_json_string(llmtb_str v, size_t *len) {
    long n = llmtb_json_unescape(v, NULL, 0);
    if (n < 0) return NULL;
    char *s = (char *)llmtb_malloc((size_t)n + 1);
    if (!s) return NULL;
    llmtb_json_unescape(v, s, (size_t)n);
    s[n] = 0;
    if (len) *len = (size_t)n;
    return s;
}

/* ---- metadata and exports ------------------------------------------------------------------------ */

/* The metadata JSON (ABI §15) as a string literal; arguments are string literals, JSON-escaped by you.
 * type: "evaluator", "provider", "transform" or "filter". */
#define LLMTB_METADATA(name, version, type, description)                                                    \
    "{\"name\":\"" name "\",\"version\":\"" version "\",\"description\":\"" description "\",\"plugin_type\":\"" \
    type "\",\"api_version\":\"" LLMTB_API_VERSION "\"}"

/* Implementation of the exports; used by LLMTB_PLUGIN. */
static inline int32_t llmtb__metadata(const char *metadata, char *out, uint32_t *out_len) {
    llmtb_output o = {out, out_len, {0, 0}};
    return llmtb_write_str(&o, metadata);
}

static inline int32_t llmtb__execute(int32_t (*execute)(llmtb_str, llmtb_output *), const char *in, uint32_t in_len,
                                     char *out, uint32_t *out_len) {
    llmtb_output o = {out, out_len, {in, in_len}};
    if (llmtb__pending.valid) {
        int same = llmtb__pending.input_len == in_len && llmtb_equal(llmtb__pending.input, in, in_len);
        if (same && llmtb__pending.output_len <= llmtb_capacity(&o)) {
            llmtb_copy(out, llmtb__pending.output, llmtb__pending.output_len);
            llmtb__store_u32(out_len, (uint32_t)llmtb__pending.output_len);
            llmtb__drop_pending();
            return LLMTB_OK;
        }
        llmtb__drop_pending();
    }
    llmtb_str input = {in, in_len};
    return execute(input, &o);
}

#ifdef LLMTB_CUSTOM_ALLOCATOR
#define LLMTB__ALLOCATOR
#else
#define LLMTB__ALLOCATOR                                                                                     \
    LLMTB_EXPORT("plugin_alloc") void *plugin_alloc(int32_t size) {                                        \
        return size < 0 ? NULL : llmtb_malloc((size_t)size);                                               \
    }                                                                                                       \
    LLMTB_EXPORT("plugin_free") void plugin_free(void *ptr, int32_t size) {                                \
        (void)size;                                                                                         \
        llmtb_free(ptr);                                                                                    \
    }
#endif

static inline void llmtb__no_shutdown(void) {}

/* Emits the six exports. metadata: a NUL-terminated JSON object (e.g. LLMTB_METADATA(...));
 *   int32_t init(llmtb_str config)     the configuration object ({} when none): LLMTB_OK, or an error code
 *                                      (return llmtb_init_error(code, "why") to say why)
 *   int32_t execute(llmtb_str input, llmtb_output *out)
 *                                      return llmtb_write(out, ...) / llmtb_write_buf / llmtb_error(out, ...)
 * LLMTB_PLUGIN_WITH_SHUTDOWN also calls void shutdown(void) when the host retires a healthy instance. */
#define LLMTB_PLUGIN(metadata, init, execute) LLMTB_PLUGIN_WITH_SHUTDOWN(metadata, init, execute, llmtb__no_shutdown)

#define LLMTB_PLUGIN_WITH_SHUTDOWN(metadata, init, execute, shutdown)                                         \
    LLMTB__ALLOCATOR                                                                                        \
    LLMTB_EXPORT("plugin_metadata") int32_t plugin_metadata(char *out, uint32_t *out_len) {                \
        return llmtb__metadata((metadata), out, out_len);                                                   \
    }                                                                                                       \
    LLMTB_EXPORT("plugin_init") int32_t plugin_init(const char *config, uint32_t config_len) {             \
        llmtb_str c = {config, config_len};                                                                 \
        int32_t rc = (init)(c);                                                                             \
        llmtb__keep_init_allocations();                                                                     \
        return rc;                                                                                          \
    }                                                                                                       \
    LLMTB_EXPORT("plugin_execute")                                                                          \
    int32_t plugin_execute(const char *in, uint32_t in_len, char *out, uint32_t *out_len) {                 \
        return llmtb__execute((execute), in, in_len, out, out_len);                                         \
    }                                                                                                       \
    LLMTB_EXPORT("plugin_shutdown") int32_t plugin_shutdown(void) {                                        \
        llmtb__drop_pending();                                                                              \
        (shutdown)();                                                                                       \
        return LLMTB_OK;                                                                                    \
    }

#endif /* LLMTB_H */
