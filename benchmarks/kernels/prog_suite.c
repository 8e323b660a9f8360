/*
 * A program with a very large main function: a benchmark-suite style program whose main routine runs
 * twenty-four small workloads one after the other (checksums, sorting, dynamic programming, integer
 * and floating-point loops, text transforms, bit tricks), each written as a static function called
 * once, so clang inlines all of them into run() at -O2, as it does with any single-file program. The
 * work is modest; the function is not: its JVM translation is several times HugeMethodLimit, and with
 * metering instrumentation it can pass the JVM's 64 KiB method limit.
 */
#include "kernel.h"

#define N 4096

static uint8_t bytes[N];
static int32_t ints[N];
static int32_t work[N];
static double reals[N];
static uint8_t text[N];
static uint8_t scratch[4 * N];
static int32_t dp[2][N + 1];

static uint32_t w_crc(const uint8_t *p, int32_t n) {
    uint32_t c = 0xffffffffu;
    for (int32_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0x82f63b78u & (0u - (c & 1)));
    }
    return ~c;
}

static uint32_t w_fletcher(const uint8_t *p, int32_t n) {
    uint32_t a = 0, b = 0;
    for (int32_t i = 0; i < n; i++) {
        a = (a + p[i]) % 255;
        b = (b + a) % 255;
    }
    return b << 8 | a;
}

static uint64_t w_fnv(const uint8_t *p, int32_t n) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (int32_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}

static uint64_t w_insertion(int32_t *a, int32_t n) {
    for (int32_t i = 1; i < n; i++) {
        int32_t x = a[i], j = i - 1;
        while (j >= 0 && a[j] > x) { a[j + 1] = a[j]; j--; }
        a[j + 1] = x;
    }
    uint64_t h = 0;
    for (int32_t i = 0; i < n; i += 7) h = h * 31 + (uint32_t)a[i];
    return h;
}

static uint64_t w_shellsort(int32_t *a, int32_t n) {
    static const int32_t GAPS[] = {701, 301, 132, 57, 23, 10, 4, 1};
    for (int g = 0; g < 8; g++) {
        int32_t gap = GAPS[g];
        for (int32_t i = gap; i < n; i++) {
            int32_t x = a[i], j = i;
            while (j >= gap && a[j - gap] > x) { a[j] = a[j - gap]; j -= gap; }
            a[j] = x;
        }
    }
    uint64_t h = 0;
    for (int32_t i = 0; i < n; i += 13) h = h * 37 + (uint32_t)a[i];
    return h;
}

static uint32_t w_binsearch(const int32_t *sorted, int32_t n, const int32_t *keys, int32_t m) {
    uint32_t found = 0;
    for (int32_t q = 0; q < m; q++) {
        int32_t lo = 0, hi = n - 1, key = keys[q];
        while (lo <= hi) {
            int32_t mid = lo + (hi - lo) / 2;
            if (sorted[mid] < key) lo = mid + 1;
            else if (sorted[mid] > key) hi = mid - 1;
            else { found += (uint32_t)mid; break; }
        }
    }
    return found;
}

static uint32_t w_sieve(uint8_t *flags, int32_t n) {
    for (int32_t i = 0; i < n; i++) flags[i] = 1;
    uint32_t count = 0;
    for (int32_t i = 2; i < n; i++) {
        if (!flags[i]) continue;
        count++;
        for (int32_t j = i + i; j < n; j += i) flags[j] = 0;
    }
    return count;
}

static uint32_t w_gcd_sum(const int32_t *a, int32_t n) {
    uint32_t s = 0;
    for (int32_t i = 1; i < n; i++) {
        uint32_t x = (uint32_t)a[i - 1] | 1, y = (uint32_t)a[i] | 1;
        while (y) { uint32_t t = x % y; x = y; y = t; }
        s += x;
    }
    return s;
}

static uint32_t w_collatz(int32_t lo, int32_t hi) {
    uint32_t best = 0;
    for (int32_t start = lo; start < hi; start++) {
        uint64_t x = (uint64_t)start;
        uint32_t steps = 0;
        while (x != 1) { x = (x & 1) ? 3 * x + 1 : x >> 1; steps++; }
        if (steps > best) best = steps;
    }
    return best;
}

static uint32_t w_popcount(const int32_t *a, int32_t n) {
    uint32_t total = 0;
    for (int32_t i = 0; i < n; i++) {
        uint32_t v = (uint32_t)a[i];
        v = v - ((v >> 1) & 0x55555555u);
        v = (v & 0x33333333u) + ((v >> 2) & 0x33333333u);
        total += (((v + (v >> 4)) & 0x0f0f0f0fu) * 0x01010101u) >> 24;
    }
    return total;
}

static uint32_t w_bitreverse(const int32_t *a, int32_t n) {
    uint32_t acc = 0;
    for (int32_t i = 0; i < n; i++) {
        uint32_t v = (uint32_t)a[i], r = 0;
        for (int k = 0; k < 32; k++) { r = r << 1 | (v & 1); v >>= 1; }
        acc ^= r + (uint32_t)i;
    }
    return acc;
}

static uint32_t w_lcs(const uint8_t *x, int32_t n, const uint8_t *y, int32_t m) {
    for (int32_t j = 0; j <= m; j++) dp[0][j] = 0;
    for (int32_t i = 1; i <= n; i++) {
        int32_t *cur = dp[i & 1], *prev = dp[(i - 1) & 1];
        cur[0] = 0;
        for (int32_t j = 1; j <= m; j++) {
            if (x[i - 1] == y[j - 1]) cur[j] = prev[j - 1] + 1;
            else cur[j] = prev[j] > cur[j - 1] ? prev[j] : cur[j - 1];
        }
    }
    return (uint32_t)dp[n & 1][m];
}

static uint32_t w_edit(const uint8_t *x, int32_t n, const uint8_t *y, int32_t m) {
    for (int32_t j = 0; j <= m; j++) dp[0][j] = j;
    for (int32_t i = 1; i <= n; i++) {
        int32_t *cur = dp[i & 1], *prev = dp[(i - 1) & 1];
        cur[0] = i;
        for (int32_t j = 1; j <= m; j++) {
            int32_t best = prev[j - 1] + (x[i - 1] != y[j - 1]);
            if (prev[j] + 1 < best) best = prev[j] + 1;
            if (cur[j - 1] + 1 < best) best = cur[j - 1] + 1;
            cur[j] = best;
        }
    }
    return (uint32_t)dp[n & 1][m];
}

static uint32_t w_knapsack(const int32_t *wt, const int32_t *val, int32_t items, int32_t cap) {
    int32_t *best = dp[0];
    for (int32_t c = 0; c <= cap; c++) best[c] = 0;
    for (int32_t i = 0; i < items; i++)
        for (int32_t c = cap; c >= wt[i]; c--)
            if (best[c - wt[i]] + val[i] > best[c]) best[c] = best[c - wt[i]] + val[i];
    return (uint32_t)best[cap];
}

static uint64_t w_prefix(const int32_t *a, int32_t *out, int32_t n) {
    int64_t s = 0;
    for (int32_t i = 0; i < n; i++) { s += a[i] >> 8; out[i] = (int32_t)s; }
    int64_t best = -(1LL << 62), cur = 0;
    for (int32_t i = 0; i < n; i++) { /* maximum subarray (Kadane) */
        cur = cur > 0 ? cur + (a[i] >> 20) : (a[i] >> 20);
        if (cur > best) best = cur;
    }
    return (uint64_t)s ^ (uint64_t)best;
}

static uint32_t w_histogram(const uint8_t *p, int32_t n) {
    uint32_t hist[256];
    for (int k = 0; k < 256; k++) hist[k] = 0;
    for (int32_t i = 0; i < n; i++) hist[p[i]]++;
    uint32_t mode = 0, entropyish = 0;
    for (int k = 0; k < 256; k++) {
        if (hist[k] > hist[mode]) mode = (uint32_t)k;
        entropyish += hist[k] * hist[k];
    }
    return mode << 24 ^ entropyish;
}

static uint32_t w_rle(const uint8_t *p, int32_t n, uint8_t *out) {
    int32_t o = 0;
    for (int32_t i = 0; i < n;) {
        int32_t j = i + 1;
        while (j < n && p[j] == p[i] && j - i < 255) j++;
        out[o++] = (uint8_t)(j - i);
        out[o++] = p[i];
        i = j;
    }
    uint32_t back = 0; /* decode and checksum */
    for (int32_t k = 0; k < o; k += 2)
        for (int32_t r = 0; r < out[k]; r++) back = back * 33 + out[k + 1];
    return back ^ (uint32_t)o;
}

static uint32_t w_base64(const uint8_t *p, int32_t n, uint8_t *out) {
    static const char ALPHA[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    int32_t o = 0;
    for (int32_t i = 0; i + 2 < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        out[o++] = (uint8_t)ALPHA[v >> 18];
        out[o++] = (uint8_t)ALPHA[(v >> 12) & 63];
        out[o++] = (uint8_t)ALPHA[(v >> 6) & 63];
        out[o++] = (uint8_t)ALPHA[v & 63];
    }
    uint32_t h = 0;
    for (int32_t i = 0; i < o; i++) {
        uint8_t c = out[i];
        uint32_t d = c >= 'A' && c <= 'Z' ? (uint32_t)(c - 'A') : c >= 'a' && c <= 'z' ? (uint32_t)(c - 'a' + 26)
                   : c >= '0' && c <= '9' ? (uint32_t)(c - '0' + 52) : c == '+' ? 62u : 63u;
        h = h * 64 + d;
    }
    return h;
}

static uint32_t w_caesar_words(const uint8_t *src, int32_t n, uint8_t *out) {
    uint32_t words = 0, upper = 0;
    int in_word = 0;
    for (int32_t i = 0; i < n; i++) {
        uint8_t c = src[i];
        if (c >= 'a' && c <= 'z') c = (uint8_t)('a' + (c - 'a' + 13) % 26);
        else if (c >= 'A' && c <= 'Z') { c = (uint8_t)('A' + (c - 'A' + 13) % 26); upper++; }
        out[i] = c;
        int letter = (c | 32) >= 'a' && (c | 32) <= 'z';
        if (letter && !in_word) words++;
        in_word = letter;
    }
    return words << 16 ^ upper;
}

static uint64_t w_matmul_int(const int32_t *a, int32_t n) {
    /* 24 x 24 integer matrices taken from a */
    int32_t c[24 * 24];
    for (int i = 0; i < 24; i++)
        for (int j = 0; j < 24; j++) {
            int32_t s = 0;
            for (int k = 0; k < 24; k++) s += (a[i * 24 + k] & 255) * (a[(k * 24 + j + 600) % n] & 255);
            c[i * 24 + j] = s;
        }
    uint64_t h = 0;
    for (int i = 0; i < 24 * 24; i += 5) h = h * 31 + (uint32_t)c[i];
    return h;
}

static uint64_t w_horner(const double *coef, int32_t n) {
    double acc = 0.0;
    for (int32_t x = 0; x < 200; x++) {
        double t = (double)x / 200.0 - 0.5, y = 0.0;
        for (int32_t k = 0; k < 16; k++) y = y * t + coef[k];
        acc += y;
    }
    (void)n;
    return k_double_bits(acc);
}

static uint64_t w_newton(const double *v, int32_t n) {
    double acc = 0.0;
    for (int32_t i = 0; i < n; i++) {
        double x = v[i] * v[i] + 1.0, r = x;
        for (int k = 0; k < 20 && r * r - x > 1e-12 * x; k++) r = 0.5 * (r + x / r);
        acc += r;
    }
    return k_double_bits(acc);
}

static uint32_t w_mandel(int32_t size) {
    uint32_t inside = 0;
    for (int32_t py = 0; py < size; py++)
        for (int32_t px = 0; px < size; px++) {
            double cr = -2.0 + 2.5 * px / size, ci = -1.25 + 2.5 * py / size, zr = 0, zi = 0;
            int it = 0;
            while (it < 64 && zr * zr + zi * zi <= 4.0) {
                double t = zr * zr - zi * zi + cr;
                zi = 2 * zr * zi + ci;
                zr = t;
                it++;
            }
            inside += it == 64;
        }
    return inside;
}

static uint64_t w_conv(const double *x, int32_t n, double *y) {
    static const double KERN[7] = {0.05, 0.1, 0.2, 0.3, 0.2, 0.1, 0.05};
    double s = 0.0;
    for (int32_t i = 3; i < n - 3; i++) {
        double v = 0.0;
        for (int k = 0; k < 7; k++) v += KERN[k] * x[i + k - 3];
        y[i] = v;
        s += v;
    }
    return k_double_bits(s);
}

static uint64_t w_stats(const double *x, int32_t n) {
    double mean = 0.0, m2 = 0.0, lo = x[0], hi = x[0];
    for (int32_t i = 0; i < n; i++) { /* Welford */
        double d = x[i] - mean;
        mean += d / (double)(i + 1);
        m2 += d * (x[i] - mean);
        if (x[i] < lo) lo = x[i];
        if (x[i] > hi) hi = x[i];
    }
    return k_mix(k_double_bits(mean), k_double_bits(m2 / (double)n) ^ k_double_bits(hi - lo));
}

static uint32_t w_transpose(const int32_t *a, int32_t *out) {
    for (int i = 0; i < 64; i++)
        for (int j = 0; j < 64; j++) out[j * 64 + i] = a[i * 64 + j];
    uint32_t h = 0;
    for (int i = 0; i < 64 * 64; i += 9) h = h * 17 + (uint32_t)out[i];
    return h;
}

void KERNEL_INIT(int32_t n) {
    (void)n;
    uint64_t s = 606;
    for (int32_t i = 0; i < N; i++) {
        uint32_t r = k_rand(&s);
        bytes[i] = (uint8_t)(r >> 24 & (r & 0x100 ? 0x0f : 0xff));
        ints[i] = (int32_t)r;
        reals[i] = k_rand_unit(&s);
        text[i] = (uint8_t)((r & 7) == 0 ? ' ' : (r & 31) == 1 ? 'A' + (r >> 8) % 26 : 'a' + (r >> 8) % 26);
    }
}

uint64_t KERNEL_RUN(int32_t n) {
    if (n <= 0) return 0;
    uint64_t h = 0;
    for (int32_t rep = 0; rep < n; rep++) {
        h = k_mix(h, w_crc(bytes, N));
        h = k_mix(h, w_fletcher(bytes, N));
        h = k_mix(h, w_fnv(text, N));
        for (int32_t i = 0; i < 1024; i++) work[i] = ints[(i * 7 + rep) & (N - 1)] >> 4;
        h = k_mix(h, w_insertion(work, 512));
        for (int32_t i = 0; i < N; i++) work[i] = ints[(i + rep) & (N - 1)];
        h = k_mix(h, w_shellsort(work, N));
        h = k_mix(h, w_binsearch(work, N, ints, 2048));
        h = k_mix(h, w_sieve(scratch, 4 * N));
        h = k_mix(h, w_gcd_sum(ints, 1024));
        h = k_mix(h, w_collatz(1, 1500 + rep));
        h = k_mix(h, w_popcount(ints, N));
        h = k_mix(h, w_bitreverse(ints, 512));
        h = k_mix(h, w_lcs(text, 300, text + 1000, 300));
        h = k_mix(h, w_edit(text + 2000, 200, text + 3000, 200));
        for (int32_t i = 0; i < 64; i++) work[i] = 1 + (ints[i] & 63), work[64 + i] = ints[i + 64] & 1023;
        h = k_mix(h, w_knapsack(work, work + 64, 64, 1000));
        h = k_mix(h, w_prefix(ints, work, N));
        h = k_mix(h, w_histogram(bytes, N));
        h = k_mix(h, w_rle(bytes, N, scratch));
        h = k_mix(h, w_base64(bytes, 3000, scratch));
        h = k_mix(h, w_caesar_words(text, N, scratch));
        h = k_mix(h, w_matmul_int(ints, N));
        h = k_mix(h, w_horner(reals, N));
        h = k_mix(h, w_newton(reals, 1024));
        h = k_mix(h, w_mandel(48));
        h = k_mix(h, w_conv(reals, N, (double *)scratch));
        h = k_mix(h, w_stats(reals, N));
        h = k_mix(h, w_transpose(ints, work));
    }
    return h;
}
