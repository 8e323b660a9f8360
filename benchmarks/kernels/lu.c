/*
 * LU factorization of an n x n matrix of doubles (right-looking Doolittle, in place, no pivoting: the
 * matrix is made diagonally dominant), then forward and back substitution for one right-hand side.
 * Triangular loop nests: the inner trip counts shrink from n-1 to 1 as k advances, as in dense linear
 * algebra code generally. Each run starts from the same matrix (a bulk copy).
 */
#include "kernel.h"

#define MAXN 320

static double initial[MAXN * MAXN];
static double a[MAXN * MAXN];
static double rhs[MAXN];
static double y[MAXN];
static double x[MAXN];
static int32_t size;

void KERNEL_INIT(int32_t n) {
    if (n > MAXN) n = MAXN;
    size = n;
    uint64_t s = 1234;
    for (int32_t i = 0; i < n; i++) {
        for (int32_t j = 0; j < n; j++) initial[i * n + j] = k_rand_unit(&s);
        initial[i * n + i] += (double)n; /* diagonally dominant: no pivoting needed */
        rhs[i] = k_rand_unit(&s);
    }
}

uint64_t KERNEL_RUN(int32_t n) {
    if (n > size) n = size;
    if (n <= 0) return 0;
    __builtin_memcpy(a, initial, sizeof(double) * (size_t)n * (size_t)n);
    for (int32_t k = 0; k < n - 1; k++) {
        const double *rowk = &a[k * n];
        double inv = 1.0 / rowk[k];
        for (int32_t i = k + 1; i < n; i++) {
            double *rowi = &a[i * n];
            double l = rowi[k] * inv;
            rowi[k] = l;
            for (int32_t j = k + 1; j < n; j++) rowi[j] -= l * rowk[j];
        }
    }
    /* L y = b (unit diagonal), then U x = y */
    for (int32_t i = 0; i < n; i++) {
        double s = rhs[i];
        for (int32_t j = 0; j < i; j++) s -= a[i * n + j] * y[j];
        y[i] = s;
    }
    for (int32_t i = n - 1; i >= 0; i--) {
        double s = y[i];
        for (int32_t j = i + 1; j < n; j++) s -= a[i * n + j] * x[j];
        x[i] = s / a[i * n + i];
    }
    double sum = 0.0;
    for (int32_t i = 0; i < n; i++) sum += x[i];
    uint64_t h = k_double_bits(sum);
    for (int32_t i = 0; i < n * n; i += 89) h = k_mix(h, k_double_bits(a[i]));
    return h;
}
