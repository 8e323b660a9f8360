/*
 * Byte-copy and memmove loops over an n-byte buffer: a byte-by-byte copy, a word-wise memmove with
 * overlapping ranges in both directions (the kind of loop a libc-less plugin carries), and one bulk
 * __builtin_memmove (memory.copy in wasm, libc memmove natively). Built with -fno-builtin, so the
 * compiler does not turn the loops into library calls.
 */
#include "kernel.h"

#define MAXN (1 << 20)

static uint8_t src[MAXN];
static uint8_t dst[MAXN];
static int32_t size;

static void copy_bytes(uint8_t *d, const uint8_t *s, int32_t len) {
    for (int32_t i = 0; i < len; i++) d[i] = s[i];
}

/* memmove: 8-byte words when source and destination are equally aligned, bytes otherwise. */
static void move(uint8_t *d, const uint8_t *s, int32_t len) {
    if (d == s || len <= 0) return;
    if (d < s) {
        int32_t i = 0;
        if ((((uintptr_t)d ^ (uintptr_t)s) & 7) == 0) {
            while (i < len && ((uintptr_t)(d + i) & 7) != 0) { d[i] = s[i]; i++; }
            for (; i + 8 <= len; i += 8) *(uint64_t *)(d + i) = *(const uint64_t *)(s + i);
        }
        for (; i < len; i++) d[i] = s[i];
    } else {
        int32_t i = len;
        if ((((uintptr_t)d ^ (uintptr_t)s) & 7) == 0) {
            while (i > 0 && ((uintptr_t)(d + i) & 7) != 0) { i--; d[i] = s[i]; }
            for (; i >= 8; i -= 8) *(uint64_t *)(d + i - 8) = *(const uint64_t *)(s + i - 8);
        }
        while (i > 0) { i--; d[i] = s[i]; }
    }
}

void KERNEL_INIT(int32_t n) {
    if (n > MAXN) n = MAXN;
    size = n;
    uint64_t s = 99;
    for (int32_t i = 0; i < n; i++) src[i] = (uint8_t)k_rand(&s);
}

uint64_t KERNEL_RUN(int32_t n) {
    if (n > size) n = size;
    if (n < 64) return 0;
    copy_bytes(dst, src, n);                      /* byte loop */
    move(dst + 8, dst, n - 16);                   /* overlapping, backwards, words */
    move(dst, dst + 16, n - 32);                  /* overlapping, forwards, words */
    move(dst + 3, dst, n - 8);                    /* misaligned, backwards, bytes */
    move(dst, dst + 5, n - 8);                    /* misaligned, forwards, bytes */
    __builtin_memmove(dst + 1, dst, (size_t)(n / 4)); /* bulk */
    uint64_t h = 0;
    for (int32_t i = 0; i + 8 <= n; i += 64) h = k_mix(h, *(const uint64_t *)(dst + i));
    return h;
}
