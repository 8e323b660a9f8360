/*
 * A numerical program in the style of a linear-algebra benchmark suite's main(): it initializes its
 * matrices, runs a few dense kernels on them (modified Gram-Schmidt QR, a correlation matrix, a chained
 * matrix product, a triangular solve, heat diffusion, an LU log-determinant) and folds the results into a checksum, every phase a static
 * function inlined into run() by clang -O2. The loops are ordinary (rectangular and triangular nests over
 * doubles); what matters is that they all sit in one function of a few kilobytes of wasm, called once per
 * run, as in a program whose main does everything: its JVM translation is under HotSpot's 8,000-byte
 * HugeMethodLimit unmetered and over it once metered.
 */
#include "kernel.h"

#define MAXN 96

static double a[MAXN][MAXN], q[MAXN][MAXN], r[MAXN][MAXN];
static double data[MAXN][MAXN], corr[MAXN][MAXN], mean[MAXN], stddev[MAXN];
static double b[MAXN][MAXN], c[MAXN][MAXN], tmp[MAXN][MAXN], d[MAXN][MAXN];
static double x[MAXN], rhs[MAXN];

static void init_arrays(int32_t n) {
    for (int32_t i = 0; i < n; i++) {
        for (int32_t j = 0; j < n; j++) {
            a[i][j] = (double)((i * j + 1) % n) / n + (i == j ? 1.0 : 0.0);
            data[i][j] = (double)(i * (j + 1) % n) / n + 0.01 * j;
            b[i][j] = (double)(i * (j + 3) % n) / n;
            c[i][j] = (double)((i + 2) * j % n) / n;
        }
        rhs[i] = (double)(i % 7) / 7.0 + 1.0;
    }
}

static void gram_schmidt(int32_t n) {
    for (int32_t k = 0; k < n; k++) {
        double nrm = 0.0;
        for (int32_t i = 0; i < n; i++) nrm += a[i][k] * a[i][k];
        r[k][k] = __builtin_sqrt(nrm);
        for (int32_t i = 0; i < n; i++) q[i][k] = a[i][k] / r[k][k];
        for (int32_t j = k + 1; j < n; j++) {
            r[k][j] = 0.0;
            for (int32_t i = 0; i < n; i++) r[k][j] += q[i][k] * a[i][j];
            for (int32_t i = 0; i < n; i++) a[i][j] = a[i][j] - q[i][k] * r[k][j];
        }
    }
}

static void correlation(int32_t n) {
    const double eps = 0.1;
    for (int32_t j = 0; j < n; j++) {
        mean[j] = 0.0;
        for (int32_t i = 0; i < n; i++) mean[j] += data[i][j];
        mean[j] /= n;
    }
    for (int32_t j = 0; j < n; j++) {
        stddev[j] = 0.0;
        for (int32_t i = 0; i < n; i++) stddev[j] += (data[i][j] - mean[j]) * (data[i][j] - mean[j]);
        stddev[j] = __builtin_sqrt(stddev[j] / n);
        stddev[j] = stddev[j] <= eps ? 1.0 : stddev[j];
    }
    for (int32_t i = 0; i < n; i++)
        for (int32_t j = 0; j < n; j++) data[i][j] = (data[i][j] - mean[j]) / (__builtin_sqrt((double)n) * stddev[j]);
    for (int32_t i = 0; i < n - 1; i++) {
        corr[i][i] = 1.0;
        for (int32_t j = i + 1; j < n; j++) {
            corr[i][j] = 0.0;
            for (int32_t k = 0; k < n; k++) corr[i][j] += data[k][i] * data[k][j];
            corr[j][i] = corr[i][j];
        }
    }
    corr[n - 1][n - 1] = 1.0;
}

static void chained_product(int32_t n, double alpha, double beta) {
    for (int32_t i = 0; i < n; i++)
        for (int32_t j = 0; j < n; j++) {
            tmp[i][j] = 0.0;
            for (int32_t k = 0; k < n; k++) tmp[i][j] += alpha * r[i][k] * b[k][j];
        }
    for (int32_t i = 0; i < n; i++)
        for (int32_t j = 0; j < n; j++) {
            d[i][j] *= beta;
            for (int32_t k = 0; k < n; k++) d[i][j] += tmp[i][k] * c[k][j];
        }
}

static void triangular_solve(int32_t n) {
    /* R x = rhs, R upper triangular from the QR above */
    for (int32_t i = n - 1; i >= 0; i--) {
        double s = rhs[i];
        for (int32_t j = i + 1; j < n; j++) s -= r[i][j] * x[j];
        x[i] = s / r[i][i];
    }
}

static void heat(int32_t n, int32_t steps) {
    /* explicit 2D heat diffusion on b, ping-ponging through tmp (boundary kept) */
    for (int32_t t = 0; t < steps; t++) {
        for (int32_t i = 1; i < n - 1; i++)
            for (int32_t j = 1; j < n - 1; j++)
                tmp[i][j] = b[i][j] + 0.125 * (b[i - 1][j] - 2.0 * b[i][j] + b[i + 1][j]) +
                            0.125 * (b[i][j - 1] - 2.0 * b[i][j] + b[i][j + 1]);
        for (int32_t i = 1; i < n - 1; i++)
            for (int32_t j = 1; j < n - 1; j++) b[i][j] = tmp[i][j];
    }
}

static double lu_logdet(int32_t n) {
    /* LU without pivoting of corr + n I (diagonally dominant), in place in c; returns log|det| */
    for (int32_t i = 0; i < n; i++)
        for (int32_t j = 0; j < n; j++) c[i][j] = corr[i][j] + (i == j ? (double)n : 0.0);
    for (int32_t i = 0; i < n; i++) {
        for (int32_t j = 0; j < i; j++) {
            double w = c[i][j];
            for (int32_t k = 0; k < j; k++) w -= c[i][k] * c[k][j];
            c[i][j] = w / c[j][j];
        }
        for (int32_t j = i; j < n; j++) {
            double w = c[i][j];
            for (int32_t k = 0; k < i; k++) w -= c[i][k] * c[k][j];
            c[i][j] = w;
        }
    }
    double s = 0.0;
    for (int32_t i = 0; i < n; i++) {
        double v = c[i][i] < 0 ? -c[i][i] : c[i][i];
        /* log by range reduction and a series, no libm */
        int32_t e = 0;
        while (v >= 2.0) { v *= 0.5; e++; }
        while (v < 1.0) { v *= 2.0; e--; }
        double z = (v - 1.0) / (v + 1.0), z2 = z * z, term = z, acc = 0.0;
        for (int32_t k = 1; k < 40; k += 2) { acc += term / k; term *= z2; }
        s += 2.0 * acc + e * 0.6931471805599453;
    }
    return s;
}

static uint64_t checksum(int32_t n) {
    double s1 = 0.0, s2 = 0.0, s3 = 0.0;
    for (int32_t i = 0; i < n; i++) {
        s1 += x[i];
        for (int32_t j = 0; j < n; j++) {
            s2 += corr[i][j] * (i + 1);
            s3 += d[i][j] / (j + 1);
        }
    }
    return k_mix(k_mix(k_double_bits(s1), k_double_bits(s2)), k_double_bits(s3));
}

void KERNEL_INIT(int32_t n) {
    (void)n;
}

uint64_t KERNEL_RUN(int32_t n) {
    if (n > MAXN) n = MAXN;
    if (n < 2) return 0;
    init_arrays(n);
    for (int32_t i = 0; i < n; i++)
        for (int32_t j = 0; j < n; j++) d[i][j] = (double)((i + j) % 5);
    gram_schmidt(n);
    correlation(n);
    chained_product(n, 1.5, 1.2);
    triangular_solve(n);
    heat(n, 4);
    double logdet = lu_logdet(n);
    return k_mix(checksum(n), k_double_bits(logdet));
}
