/*
 * 64-bit multiply-heavy mixing: a 64x64->128 multiply built from 32-bit halves (wasm has no
 * multiply-high), folded as in multiply-mix hashes, plus rotates and 64-bit multiplies, n rounds
 * over a small state array.
 */
#include "kernel.h"

#define LANES 16

static uint64_t seed[LANES];

static inline void mul128(uint64_t a, uint64_t b, uint64_t *lo, uint64_t *hi) {
    uint64_t a0 = (uint32_t)a, a1 = a >> 32, b0 = (uint32_t)b, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10;
    *lo = (mid << 32) | (uint32_t)p00;
    *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

static inline uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

void KERNEL_INIT(int32_t n) {
    (void)n;
    uint64_t s = 0x5eed;
    for (int i = 0; i < LANES; i++) seed[i] = ((uint64_t)k_rand(&s) << 32) | k_rand(&s);
}

uint64_t KERNEL_RUN(int32_t n) {
    if (n <= 0) return 0;
    uint64_t st[LANES];
    for (int i = 0; i < LANES; i++) st[i] = seed[i];
    uint64_t acc = 0x243f6a8885a308d3ULL;
    for (int32_t r = 0; r < n; r++) {
        int i = r & (LANES - 1);
        uint64_t lo, hi;
        mul128(st[i] ^ 0xa0761d6478bd642fULL, acc ^ 0xe7037ed1a0b428dbULL, &lo, &hi);
        acc = lo ^ hi;
        st[i] = rotl(st[i] * 0x9e3779b97f4a7c15ULL + acc, 23) ^ (uint64_t)r;
        acc += st[(i + 5) & (LANES - 1)] * 0xbf58476d1ce4e5b9ULL;
    }
    uint64_t h = acc;
    for (int i = 0; i < LANES; i++) h = k_mix(h, st[i]);
    return h;
}
