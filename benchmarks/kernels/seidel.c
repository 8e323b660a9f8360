/*
 * 2D Gauss-Seidel relaxation, nine-point average, in place on an n x n grid of doubles with a fixed
 * boundary, SWEEPS sweeps. Unlike a Jacobi sweep each point reads values updated earlier in the same
 * sweep (a loop-carried dependence through memory). Each run starts from the same grid.
 */
#include "kernel.h"

#define MAXN 320
#define SWEEPS 10

static double initial[MAXN * MAXN];
static double g[MAXN * MAXN];
static int32_t size;

void KERNEL_INIT(int32_t n) {
    if (n > MAXN) n = MAXN;
    size = n;
    uint64_t s = 5;
    for (int32_t i = 0; i < n * n; i++) initial[i] = k_rand_unit(&s);
    for (int32_t i = 0; i < n; i++) {
        initial[i * n] = 2.0;
        initial[i * n + n - 1] = -2.0;
    }
}

uint64_t KERNEL_RUN(int32_t n) {
    if (n > size) n = size;
    if (n < 3) return 0;
    __builtin_memcpy(g, initial, sizeof(double) * (size_t)n * (size_t)n);
    for (int32_t t = 0; t < SWEEPS; t++) {
        for (int32_t i = 1; i < n - 1; i++) {
            double *up = &g[(i - 1) * n], *mid = &g[i * n], *down = &g[(i + 1) * n];
            for (int32_t j = 1; j < n - 1; j++) {
                mid[j] = (up[j - 1] + up[j] + up[j + 1] + mid[j - 1] + mid[j] + mid[j + 1] + down[j - 1] + down[j] +
                          down[j + 1]) / 9.0;
            }
        }
    }
    double sum = 0.0;
    for (int32_t i = 0; i < n; i++) sum += g[i * n + (i * 5) % n];
    uint64_t h = k_double_bits(sum);
    for (int32_t i = 0; i < n * n; i += 103) h = k_mix(h, k_double_bits(g[i]));
    return h;
}
