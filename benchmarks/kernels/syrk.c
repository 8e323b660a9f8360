/*
 * Symmetric rank-k update of the lower triangle, C = alpha A A^T + beta C, with A n x m, in the loop
 * order of the classic reference code: for each row i, scale C[i][0..i], then for each k add
 * alpha A[i][k] A[j][k] over j <= i. The inner loop walks a column of A (stride m doubles) and has a
 * trip count that grows with i: a triangular, strided, double-precision loop nest.
 */
#include "kernel.h"

#define MAXN 256
#define MAXM 256

static double a[MAXN * MAXM];
static double c0[MAXN * MAXN];
static double c[MAXN * MAXN];
static int32_t size, cols;

void KERNEL_INIT(int32_t n) {
    if (n > MAXN) n = MAXN;
    size = n;
    cols = n * 4 / 5 > MAXM ? MAXM : n * 4 / 5;
    uint64_t s = 31;
    for (int32_t i = 0; i < n * cols; i++) a[i] = k_rand_unit(&s);
    for (int32_t i = 0; i < n * n; i++) c0[i] = k_rand_unit(&s);
}

uint64_t KERNEL_RUN(int32_t n) {
    if (n > size) n = size;
    if (n <= 0) return 0;
    const int32_t m = cols;
    const double alpha = 1.5, beta = 1.2;
    __builtin_memcpy(c, c0, sizeof(double) * (size_t)n * (size_t)n);
    for (int32_t i = 0; i < n; i++) {
        double *ci = &c[i * n];
        for (int32_t j = 0; j <= i; j++) ci[j] *= beta;
        for (int32_t k = 0; k < m; k++) {
            double aik = alpha * a[i * m + k];
            for (int32_t j = 0; j <= i; j++) ci[j] += aik * a[j * m + k];
        }
    }
    double sum = 0.0;
    for (int32_t i = 0; i < n; i++) sum += c[i * n + i / 2];
    uint64_t h = k_double_bits(sum);
    for (int32_t i = 0; i < n; i++)
        for (int32_t j = 0; j <= i; j += 11) h = k_mix(h, k_double_bits(c[i * n + j]));
    return h;
}
