/*
 * A program with a huge main function: the test driver of a small generic-algorithms library written
 * with C "template" macros (one instantiation per element type, as klib- or stb-style headers do).
 * Twenty algorithms (sorts, searches, scans, reductions, merges, small matrix products, ...) are
 * instantiated for ten element types, and the driver runs each instantiation once per pass. Every
 * instantiation is a static function with one caller, so clang -O2 inlines all of them into run(): one
 * wasm function of ~50 KB. Its JVM translation is far above HugeMethodLimit, and with metering it no
 * longer fits in a JVM method at all (64 KiB), so a translator that cannot split functions has to leave
 * it to an interpreter.
 */
#include "kernel.h"

#define LEN 512

static uint64_t seed_state;

#define DEFINE_ALGOS(T, NAME, ACC)                                                                           \
    static T NAME##_a[LEN], NAME##_b[LEN], NAME##_c[2 * LEN];                                                 \
    static void NAME##_fill(uint32_t salt) {                                                                  \
        uint64_t s = seed_state ^ salt;                                                                       \
        for (int32_t i = 0; i < LEN; i++) {                                                                   \
            NAME##_a[i] = (T)(int32_t)(k_rand(&s) >> 9);                                                      \
            NAME##_b[i] = (T)(int32_t)(k_rand(&s) >> 11);                                                     \
        }                                                                                                     \
    }                                                                                                         \
    static uint64_t NAME##_insertion_sort(T *v, int32_t n) {                                                  \
        for (int32_t i = 1; i < n; i++) {                                                                     \
            T x = v[i];                                                                                       \
            int32_t j = i - 1;                                                                                \
            while (j >= 0 && v[j] > x) { v[j + 1] = v[j]; j--; }                                              \
            v[j + 1] = x;                                                                                     \
        }                                                                                                     \
        return (uint64_t)(ACC)v[0] ^ (uint64_t)(ACC)v[n - 1] << 1;                                            \
    }                                                                                                         \
    static uint64_t NAME##_shell_sort(T *v, int32_t n) {                                                      \
        for (int32_t gap = n / 2; gap > 0; gap = gap == 2 ? 1 : gap * 5 / 11) {                               \
            for (int32_t i = gap; i < n; i++) {                                                               \
                T x = v[i];                                                                                   \
                int32_t j = i;                                                                                \
                while (j >= gap && v[j - gap] > x) { v[j] = v[j - gap]; j -= gap; }                           \
                v[j] = x;                                                                                     \
            }                                                                                                 \
        }                                                                                                     \
        return (uint64_t)(ACC)v[n / 2];                                                                       \
    }                                                                                                         \
    static int32_t NAME##_lower_bound(const T *v, int32_t n, T key) {                                         \
        int32_t lo = 0, hi = n;                                                                               \
        while (lo < hi) {                                                                                     \
            int32_t mid = (lo + hi) >> 1;                                                                     \
            if (v[mid] < key) lo = mid + 1; else hi = mid;                                                    \
        }                                                                                                     \
        return lo;                                                                                            \
    }                                                                                                         \
    static uint64_t NAME##_search_all(const T *sorted, const T *keys, int32_t n) {                            \
        uint64_t s = 0;                                                                                       \
        for (int32_t i = 0; i < n; i++) s += (uint64_t)NAME##_lower_bound(sorted, n, keys[i]);                \
        return s;                                                                                             \
    }                                                                                                         \
    static uint64_t NAME##_merge(const T *x, const T *y, int32_t n, T *out) {                                 \
        int32_t i = 0, j = 0, k = 0;                                                                          \
        while (i < n && j < n) out[k++] = x[i] <= y[j] ? x[i++] : y[j++];                                     \
        while (i < n) out[k++] = x[i++];                                                                      \
        while (j < n) out[k++] = y[j++];                                                                      \
        return (uint64_t)(ACC)out[n] ^ (uint64_t)k;                                                           \
    }                                                                                                         \
    static uint64_t NAME##_unique(T *v, int32_t n) {                                                          \
        int32_t w = 1;                                                                                        \
        for (int32_t i = 1; i < n; i++)                                                                       \
            if (v[i] != v[w - 1]) v[w++] = v[i];                                                              \
        return (uint64_t)w;                                                                                   \
    }                                                                                                         \
    static uint64_t NAME##_reduce(const T *v, int32_t n) {                                                    \
        ACC sum = 0;                                                                                          \
        T lo = v[0], hi = v[0];                                                                               \
        for (int32_t i = 0; i < n; i++) {                                                                     \
            sum += (ACC)v[i];                                                                                 \
            if (v[i] < lo) lo = v[i];                                                                         \
            if (v[i] > hi) hi = v[i];                                                                         \
        }                                                                                                     \
        return (uint64_t)sum ^ (uint64_t)(ACC)lo << 7 ^ (uint64_t)(ACC)hi << 13;                              \
    }                                                                                                         \
    static uint64_t NAME##_scan(const T *v, int32_t n, T *out) {                                              \
        ACC run = 0;                                                                                          \
        for (int32_t i = 0; i < n; i++) { run += (ACC)v[i]; out[i] = (T)run; }                                \
        return (uint64_t)run;                                                                                 \
    }                                                                                                         \
    static uint64_t NAME##_reverse_rotate(T *v, int32_t n, int32_t by) {                                      \
        for (int32_t i = 0, j = n - 1; i < j; i++, j--) { T t = v[i]; v[i] = v[j]; v[j] = t; }                \
        for (int32_t r = 0; r < by; r++) {                                                                    \
            T first = v[0];                                                                                   \
            for (int32_t i = 1; i < n; i++) v[i - 1] = v[i];                                                  \
            v[n - 1] = first;                                                                                 \
        }                                                                                                     \
        return (uint64_t)(ACC)v[0];                                                                           \
    }                                                                                                         \
    static uint64_t NAME##_dot(const T *x, const T *y, int32_t n) {                                           \
        ACC s = 0;                                                                                            \
        for (int32_t i = 0; i < n; i++) s += (ACC)x[i] * (ACC)y[i];                                           \
        return (uint64_t)s;                                                                                   \
    }                                                                                                         \
    static uint64_t NAME##_conv3(const T *x, int32_t n, T *out) {                                             \
        for (int32_t i = 1; i < n - 1; i++) out[i] = (T)(((ACC)x[i - 1] + (ACC)x[i] * 2 + (ACC)x[i + 1]) / 4);\
        return (uint64_t)(ACC)out[n / 3];                                                                     \
    }                                                                                                         \
    static uint64_t NAME##_matmul8(const T *x, const T *y, T *out) {                                          \
        for (int32_t i = 0; i < 8; i++)                                                                       \
            for (int32_t j = 0; j < 8; j++) {                                                                 \
                ACC s = 0;                                                                                    \
                for (int32_t k = 0; k < 8; k++) s += (ACC)x[i * 8 + k] * (ACC)y[k * 8 + j];                   \
                out[i * 8 + j] = (T)s;                                                                        \
            }                                                                                                 \
        return (uint64_t)(ACC)out[9] ^ (uint64_t)(ACC)out[54];                                                \
    }                                                                                                         \
    static uint64_t NAME##_count_if(const T *v, int32_t n, T pivot) {                                         \
        uint64_t below = 0, equal = 0;                                                                        \
        for (int32_t i = 0; i < n; i++) { below += v[i] < pivot; equal += v[i] == pivot; }                    \
        return below << 32 | equal;                                                                           \
    }                                                                                                         \
    static uint64_t NAME##_heap_sort(T *v, int32_t n) {                                                       \
        for (int32_t start = n / 2 - 1, end = n; end > 1;) {                                                  \
            int32_t root;                                                                                     \
            if (start >= 0) root = start--;                                                                   \
            else { end--; T t = v[0]; v[0] = v[end]; v[end] = t; root = 0; }                                  \
            for (int32_t child; (child = 2 * root + 1) < end; root = child) {                                 \
                if (child + 1 < end && v[child] < v[child + 1]) child++;                                      \
                if (!(v[root] < v[child])) break;                                                             \
                T t = v[root]; v[root] = v[child]; v[child] = t;                                              \
            }                                                                                                 \
        }                                                                                                     \
        return (uint64_t)(ACC)v[1] ^ (uint64_t)(ACC)v[n - 2] << 3;                                            \
    }                                                                                                         \
    static uint64_t NAME##_select(T *v, int32_t n, int32_t k) {                                               \
        int32_t lo = 0, hi = n - 1;                                                                           \
        while (lo < hi) {                                                                                     \
            T pivot = v[(lo + hi) >> 1];                                                                      \
            int32_t i = lo, j = hi;                                                                           \
            while (i <= j) {                                                                                  \
                while (v[i] < pivot) i++;                                                                     \
                while (pivot < v[j]) j--;                                                                     \
                if (i <= j) { T t = v[i]; v[i] = v[j]; v[j] = t; i++; j--; }                                  \
            }                                                                                                 \
            if (k <= j) hi = j; else if (k >= i) lo = i; else break;                                          \
        }                                                                                                     \
        return (uint64_t)(ACC)v[k];                                                                           \
    }                                                                                                         \
    static uint64_t NAME##_kadane(const T *v, int32_t n, T bias) {                                            \
        ACC best = (ACC)v[0] - (ACC)bias, cur = 0;                                                            \
        for (int32_t i = 0; i < n; i++) {                                                                     \
            ACC x = (ACC)v[i] - (ACC)bias;                                                                    \
            cur = cur > 0 ? cur + x : x;                                                                      \
            if (cur > best) best = cur;                                                                       \
        }                                                                                                     \
        return (uint64_t)best;                                                                                \
    }                                                                                                         \
    static uint64_t NAME##_mismatch(const T *x, const T *y, int32_t n) {                                      \
        uint64_t diffs = 0;                                                                                   \
        int32_t first = -1;                                                                                   \
        for (int32_t i = 0; i < n; i++)                                                                       \
            if (x[i] != y[i]) { diffs++; if (first < 0) first = i; }                                          \
        return diffs << 20 ^ (uint64_t)(uint32_t)first;                                                       \
    }                                                                                                         \
    static uint64_t NAME##_adjacent_diff(const T *v, int32_t n, T *out) {                                     \
        out[0] = v[0];                                                                                        \
        for (int32_t i = 1; i < n; i++) out[i] = (T)((ACC)v[i] - (ACC)v[i - 1]);                              \
        ACC back = 0;                                                                                         \
        for (int32_t i = 0; i < n; i++) back += (ACC)out[i];                                                  \
        return (uint64_t)back;                                                                                \
    }                                                                                                         \
    static uint64_t NAME##_is_sorted(const T *v, int32_t n) {                                                 \
        for (int32_t i = 1; i < n; i++)                                                                       \
            if (v[i] < v[i - 1]) return (uint64_t)i;                                                          \
        return 0;                                                                                             \
    }                                                                                                         \
    static uint64_t NAME##_test(uint32_t salt) {                                                              \
        uint64_t h = 0;                                                                                       \
        NAME##_fill(salt);                                                                                    \
        h = k_mix(h, NAME##_reduce(NAME##_a, LEN));                                                           \
        h = k_mix(h, NAME##_dot(NAME##_a, NAME##_b, LEN));                                                    \
        h = k_mix(h, NAME##_matmul8(NAME##_a, NAME##_b, NAME##_c));                                           \
        h = k_mix(h, NAME##_conv3(NAME##_a, LEN, NAME##_c));                                                  \
        h = k_mix(h, NAME##_scan(NAME##_b, LEN, NAME##_c));                                                   \
        h = k_mix(h, NAME##_count_if(NAME##_a, LEN, NAME##_b[7]));                                            \
        h = k_mix(h, NAME##_insertion_sort(NAME##_a, LEN / 4));                                               \
        h = k_mix(h, NAME##_shell_sort(NAME##_a, LEN));                                                       \
        h = k_mix(h, NAME##_shell_sort(NAME##_b, LEN));                                                       \
        h = k_mix(h, NAME##_search_all(NAME##_a, NAME##_b, LEN));                                             \
        h = k_mix(h, NAME##_merge(NAME##_a, NAME##_b, LEN, NAME##_c));                                        \
        h = k_mix(h, NAME##_unique(NAME##_c, 2 * LEN));                                                       \
        h = k_mix(h, NAME##_reverse_rotate(NAME##_b, LEN, 3));                                                \
        h = k_mix(h, NAME##_is_sorted(NAME##_a, LEN));                                                        \
        h = k_mix(h, NAME##_mismatch(NAME##_a, NAME##_b, LEN));                                               \
        NAME##_fill(salt + 1);                                                                                \
        h = k_mix(h, NAME##_kadane(NAME##_a, LEN, NAME##_b[3]));                                              \
        h = k_mix(h, NAME##_adjacent_diff(NAME##_a, LEN, NAME##_c));                                          \
        h = k_mix(h, NAME##_select(NAME##_b, LEN, LEN / 3));                                                  \
        h = k_mix(h, NAME##_heap_sort(NAME##_a, LEN));                                                        \
        h = k_mix(h, NAME##_is_sorted(NAME##_a, LEN));                                                        \
        return h;                                                                                             \
    }

DEFINE_ALGOS(int8_t, i8, int64_t)
DEFINE_ALGOS(uint8_t, u8, uint64_t)
DEFINE_ALGOS(int16_t, i16, int64_t)
DEFINE_ALGOS(uint16_t, u16, uint64_t)
DEFINE_ALGOS(int32_t, i32, int64_t)
DEFINE_ALGOS(uint32_t, u32, uint64_t)
DEFINE_ALGOS(int64_t, i64, int64_t)
DEFINE_ALGOS(uint64_t, u64, uint64_t)
DEFINE_ALGOS(float, f32, double)
DEFINE_ALGOS(double, f64, double)

void KERNEL_INIT(int32_t n) {
    (void)n;
    seed_state = 0x5eedULL;
}

uint64_t KERNEL_RUN(int32_t n) {
    if (n <= 0) return 0;
    uint64_t h = 0;
    for (int32_t pass = 0; pass < n; pass++) {
        uint32_t salt = (uint32_t)pass * 2654435761u;
        h = k_mix(h, i8_test(salt));
        h = k_mix(h, u8_test(salt));
        h = k_mix(h, i16_test(salt));
        h = k_mix(h, u16_test(salt));
        h = k_mix(h, i32_test(salt));
        h = k_mix(h, u32_test(salt));
        h = k_mix(h, i64_test(salt));
        h = k_mix(h, u64_test(salt));
        h = k_mix(h, f32_test(salt));
        h = k_mix(h, f64_test(salt));
    }
    return h;
}
