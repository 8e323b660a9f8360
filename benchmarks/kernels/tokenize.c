/*
 * String tokenizing and scoring, as an evaluator plugin does: split an n-byte text into words
 * (ASCII letters and digits; everything else separates), lowercase, FNV-1a hash, look each word up in
 * an open-addressing table of scored vocabulary words, and count word bigrams in a hash histogram.
 */
#include "kernel.h"

#define MAXN (1 << 20)
#define TABLE 512   /* power of two, > 2 x vocabulary */
#define BIGRAMS 4096

static const char *const VOCAB[] = {
    "the", "answer", "is", "paris", "capital", "of", "france", "model", "response", "correct",
    "incorrect", "good", "bad", "excellent", "poor", "helpful", "harmful", "accurate", "wrong", "right",
    "because", "therefore", "however", "although", "question", "context", "score", "token", "reasoning", "step",
    "first", "second", "finally", "summary", "json", "output", "input", "value", "error", "success",
    "great", "terrible", "clear", "unclear", "relevant", "irrelevant", "safe", "unsafe", "yes", "no",
    "a", "an", "and", "or", "not", "in", "on", "to", "for", "with", "2024", "42", "gpt", "llm"};
#define NVOCAB ((int)(sizeof(VOCAB) / sizeof(VOCAB[0])))

static uint8_t text[MAXN];
static int32_t size;
static uint32_t slot_hash[TABLE];
static int32_t slot_score[TABLE];
static uint16_t bigram[BIGRAMS];
static uint8_t cls[256]; /* 0 separator, 1 word char (lowercase already), 2 uppercase letter */

static uint32_t fnv1a(const char *s) {
    uint32_t h = 2166136261u;
    while (*s) { h ^= (uint8_t)*s++; h *= 16777619u; }
    return h;
}

void KERNEL_INIT(int32_t n) {
    if (n > MAXN) n = MAXN;
    size = n;
    for (int c = 0; c < 256; c++) {
        cls[c] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? 1 : (c >= 'A' && c <= 'Z') ? 2 : 0;
    }
    for (int i = 0; i < TABLE; i++) { slot_hash[i] = 0; slot_score[i] = 0; }
    for (int v = 0; v < NVOCAB; v++) {
        uint32_t h = fnv1a(VOCAB[v]);
        uint32_t s = h & (TABLE - 1);
        while (slot_hash[s] != 0) s = (s + 1) & (TABLE - 1);
        slot_hash[s] = h;
        slot_score[s] = (v % 7) - 3 + (v % 3);
    }
    /* text: vocabulary words and random non-words, random case, punctuation and whitespace */
    static const char PUNCT[] = " ,.;:!?\n\t()\"-";
    uint64_t s = 2024;
    int32_t i = 0;
    while (i < n) {
        uint32_t r = k_rand(&s);
        if (r % 5 != 0) {
            const char *w = VOCAB[(r >> 8) % NVOCAB];
            int upper = ((r >> 20) & 7) == 0;
            for (int k = 0; w[k] && i < n; k++) {
                char c = w[k];
                if ((upper || (k == 0 && ((r >> 24) & 3) == 0)) && c >= 'a' && c <= 'z') c = (char)(c - 32);
                text[i++] = (uint8_t)c;
            }
        } else {
            int len = 2 + (int)((r >> 8) % 9);
            for (int k = 0; k < len && i < n; k++) text[i++] = (uint8_t)('a' + k_rand(&s) % 26);
        }
        int seps = 1 + (int)((r >> 28) & 1);
        for (int k = 0; k < seps && i < n; k++) text[i++] = (uint8_t)PUNCT[k_rand(&s) % (sizeof(PUNCT) - 1)];
    }
}

uint64_t KERNEL_RUN(int32_t n) {
    if (n > size) n = size;
    if (n <= 0) return 0;
    __builtin_memset(bigram, 0, sizeof(bigram));
    int64_t score = 0;
    uint32_t tokens = 0, known = 0, prev = 0, longest = 0;
    int32_t i = 0;
    while (i < n) {
        while (i < n && cls[text[i]] == 0) i++;
        if (i >= n) break;
        uint32_t h = 2166136261u;
        int32_t start = i;
        while (i < n && cls[text[i]] != 0) {
            uint8_t c = text[i];
            if (cls[c] == 2) c = (uint8_t)(c + 32);
            h ^= c;
            h *= 16777619u;
            i++;
        }
        uint32_t len = (uint32_t)(i - start);
        if (len > longest) longest = len;
        tokens++;
        uint32_t s = h & (TABLE - 1);
        while (slot_hash[s] != 0) {
            if (slot_hash[s] == h) { score += slot_score[s]; known++; break; }
            s = (s + 1) & (TABLE - 1);
        }
        bigram[(prev * 31u + h) & (BIGRAMS - 1)]++;
        prev = h;
    }
    uint32_t distinct = 0, maxcount = 0;
    for (int b = 0; b < BIGRAMS; b++) {
        if (bigram[b]) distinct++;
        if (bigram[b] > maxcount) maxcount = bigram[b];
    }
    uint64_t h = k_mix((uint64_t)score, tokens);
    h = k_mix(h, known);
    h = k_mix(h, longest);
    h = k_mix(h, distinct);
    return k_mix(h, maxcount);
}
