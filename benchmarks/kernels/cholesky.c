/*
 * Cholesky factorization A = L L^T of a symmetric positive definite n x n matrix of doubles
 * (left-looking, column by column: each entry is a dot product of two row prefixes, then a divide or a
 * square root). Triangular loops with inner trip counts from 0 to n-1; the result overwrites a copy of A.
 */
#include "kernel.h"

#define MAXN 320

static double spd[MAXN * MAXN];
static double l[MAXN * MAXN];
static int32_t size;

void KERNEL_INIT(int32_t n) {
    if (n > MAXN) n = MAXN;
    size = n;
    /* A = M M^T + n I with M random: symmetric positive definite; l holds M for a moment */
    uint64_t s = 99;
    for (int32_t i = 0; i < n * n; i++) l[i] = k_rand_unit(&s);
    for (int32_t i = 0; i < n; i++) {
        for (int32_t j = 0; j <= i; j++) {
            double d = 0.0;
            for (int32_t k = 0; k < n; k++) d += l[i * n + k] * l[j * n + k];
            if (i == j) d += (double)n;
            spd[i * n + j] = d;
            spd[j * n + i] = d;
        }
    }
}

uint64_t KERNEL_RUN(int32_t n) {
    if (n > size) n = size;
    if (n <= 0) return 0;
    __builtin_memcpy(l, spd, sizeof(double) * (size_t)n * (size_t)n);
    for (int32_t j = 0; j < n; j++) {
        double *rj = &l[j * n];
        double d = rj[j];
        for (int32_t k = 0; k < j; k++) d -= rj[k] * rj[k];
        if (d <= 0.0) return 0xbad0000000000000ULL | (uint64_t)j; /* not positive definite */
        double djj = __builtin_sqrt(d);
        rj[j] = djj;
        double inv = 1.0 / djj;
        for (int32_t i = j + 1; i < n; i++) {
            double *ri = &l[i * n];
            double v = ri[j];
            for (int32_t k = 0; k < j; k++) v -= ri[k] * rj[k];
            ri[j] = v * inv;
        }
    }
    double trace = 0.0;
    for (int32_t i = 0; i < n; i++) trace += l[i * n + i];
    uint64_t h = k_double_bits(trace);
    for (int32_t i = 0; i < n; i++)
        for (int32_t j = 0; j <= i; j += 7) h = k_mix(h, k_double_bits(l[i * n + j]));
    return h;
}
