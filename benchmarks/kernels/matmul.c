/* Dense matrix multiply, C = A x B, n x n doubles, i-k-j loop order (row-major, cache friendly). */
#include "kernel.h"

#define MAXN 192

static double A[MAXN * MAXN];
static double B[MAXN * MAXN];
static double C[MAXN * MAXN];
static int32_t size;

void KERNEL_INIT(int32_t n) {
    if (n > MAXN) n = MAXN;
    size = n;
    uint64_t s = 42;
    for (int32_t i = 0; i < n * n; i++) A[i] = k_rand_unit(&s);
    for (int32_t i = 0; i < n * n; i++) B[i] = k_rand_unit(&s);
}

uint64_t KERNEL_RUN(int32_t n) {
    if (n > size) n = size;
    if (n <= 0) return 0;
    __builtin_memset(C, 0, sizeof(double) * (size_t)n * (size_t)n);
    for (int32_t i = 0; i < n; i++) {
        double *ci = &C[i * n];
        for (int32_t k = 0; k < n; k++) {
            double a = A[i * n + k];
            const double *bk = &B[k * n];
            for (int32_t j = 0; j < n; j++) {
                ci[j] += a * bk[j];
            }
        }
    }
    /* checksum: the diagonal and a strided sample, summed in a fixed order */
    double sum = 0.0;
    for (int32_t i = 0; i < n; i++) sum += C[i * n + i];
    uint64_t h = k_double_bits(sum);
    for (int32_t i = 0; i < n * n; i += 97) h = k_mix(h, k_double_bits(C[i]));
    return h;
}
