/*
 * Substring search as a filter plugin does it: count the occurrences of 24 words and phrases (3 to 22
 * bytes) in an n-byte English-like text with Boyer-Moore-Horspool (a 256-entry skip table per
 * pattern, compare from the end), case-sensitively, then case-insensitively for a few patterns with
 * a folding table, and count lines. Data-dependent loop exits and skips.
 */
#include "kernel.h"

#define MAXN (1 << 20)
#define NPAT 24

static const char *const PATTERNS[NPAT] = {
    "the", "answer", "Paris", "capital of France", "because", "however", "score", "evaluation",
    "tool_calls", "assistant", "reasoning step", "I cannot", "As an AI language model", "http://",
    "error", "\"role\"", "{\"", "fn(", "TODO", "yes", "no.", "function", "model answered", "42"};

static uint8_t text[MAXN];
static uint8_t fold[256];
static int32_t size;

typedef struct {
    const uint8_t *p;
    uint32_t len;
    uint32_t skip[256];
} Pattern;

static Pattern pats[NPAT];

static uint32_t count_horspool(const Pattern *pt, const uint8_t *t, uint32_t n) {
    uint32_t m = pt->len, count = 0, i = 0;
    if (m == 0 || m > n) return 0;
    uint8_t last = pt->p[m - 1];
    while (i <= n - m) {
        uint8_t c = t[i + m - 1];
        if (c == last) {
            uint32_t k = m - 1;
            while (k > 0 && t[i + k - 1] == pt->p[k - 1]) k--;
            if (k == 0) count++;
        }
        i += pt->skip[c];
    }
    return count;
}

static uint32_t count_folded(const uint8_t *pat, uint32_t m, const uint8_t *t, uint32_t n) {
    uint32_t count = 0;
    if (m == 0 || m > n) return 0;
    uint8_t first = fold[pat[0]];
    for (uint32_t i = 0; i + m <= n; i++) {
        if (fold[t[i]] != first) continue;
        uint32_t k = 1;
        while (k < m && fold[t[i + k]] == fold[pat[k]]) k++;
        if (k == m) count++;
    }
    return count;
}

void KERNEL_INIT(int32_t n) {
    if (n > MAXN) n = MAXN;
    size = n;
    for (int c = 0; c < 256; c++) fold[c] = (uint8_t)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    for (int k = 0; k < NPAT; k++) {
        Pattern *pt = &pats[k];
        pt->p = (const uint8_t *)PATTERNS[k];
        pt->len = 0;
        while (PATTERNS[k][pt->len]) pt->len++;
        for (int c = 0; c < 256; c++) pt->skip[c] = pt->len;
        for (uint32_t i = 0; i + 1 < pt->len; i++) pt->skip[pt->p[i]] = pt->len - 1 - i;
    }
    static const char *const FILL[] = {"The model answered ", "because the question ", "asked about ", "Paris, ",
                                       "the capital of France. ", "However, ", "the score ", "was low. ", "\n",
                                       "{\"role\": \"assistant\"} ", "reasoning steps ", "error: ", "yes ", "no. ",
                                       "evaluation of ", "function fn(x) ", "TODO ", "42 ", "http://example.com/ ",
                                       "I cannot say. "};
    uint64_t s = 17;
    int32_t i = 0;
    while (i < n) {
        const char *w = FILL[k_rand(&s) % 20];
        while (*w && i < n) text[i++] = (uint8_t)*w++;
    }
}

uint64_t KERNEL_RUN(int32_t n) {
    if (n > size) n = size;
    if (n <= 0) return 0;
    uint64_t h = 0;
    for (int k = 0; k < NPAT; k++) h = k_mix(h, count_horspool(&pats[k], text, (uint32_t)n));
    for (int k = 0; k < NPAT; k += 6) h = k_mix(h, count_folded(pats[k].p, pats[k].len, text, (uint32_t)n));
    uint32_t lines = 0;
    for (int32_t i = 0; i < n; i++) lines += text[i] == '\n';
    return k_mix(h, lines);
}
