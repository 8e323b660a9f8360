/*
 * Quicksort of n 32-bit integers: median-of-three pivot, Hoare partition, insertion sort for short
 * ranges, recursion on the smaller side and a loop on the larger one. Data-dependent branches and
 * short inner loops. Each run sorts the same unsorted input (a bulk copy), then checks the order.
 */
#include "kernel.h"

#define MAXN (1 << 18)
#define CUTOFF 16

static int32_t input[MAXN];
static int32_t v[MAXN];
static int32_t size;

static void insertion_sort(int32_t *a, int32_t lo, int32_t hi) {
    for (int32_t i = lo + 1; i <= hi; i++) {
        int32_t x = a[i];
        int32_t j = i - 1;
        while (j >= lo && a[j] > x) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = x;
    }
}

static inline void swap(int32_t *a, int32_t i, int32_t j) {
    int32_t t = a[i];
    a[i] = a[j];
    a[j] = t;
}

static void quicksort(int32_t *a, int32_t lo, int32_t hi) {
    while (hi - lo > CUTOFF) {
        int32_t mid = lo + (hi - lo) / 2;
        if (a[mid] < a[lo]) swap(a, mid, lo);
        if (a[hi] < a[lo]) swap(a, hi, lo);
        if (a[hi] < a[mid]) swap(a, hi, mid);
        int32_t pivot = a[mid];
        int32_t i = lo - 1, j = hi + 1;
        for (;;) {
            do i++; while (a[i] < pivot);
            do j--; while (a[j] > pivot);
            if (i >= j) break;
            swap(a, i, j);
        }
        if (j - lo < hi - j) {
            quicksort(a, lo, j);
            lo = j + 1;
        } else {
            quicksort(a, j + 1, hi);
            hi = j;
        }
    }
    insertion_sort(a, lo, hi);
}

void KERNEL_INIT(int32_t n) {
    if (n > MAXN) n = MAXN;
    size = n;
    uint64_t s = 77;
    for (int32_t i = 0; i < n; i++) {
        uint32_t r = k_rand(&s);
        /* mostly random, some runs of duplicates and an ascending stretch, as real keys have */
        if ((r & 15) == 0) input[i] = (int32_t)(r >> 28);
        else if (i > n / 2 && i < n / 2 + n / 16) input[i] = i;
        else input[i] = (int32_t)r;
    }
}

uint64_t KERNEL_RUN(int32_t n) {
    if (n > size) n = size;
    if (n <= 0) return 0;
    __builtin_memcpy(v, input, sizeof(int32_t) * (size_t)n);
    quicksort(v, 0, n - 1);
    uint64_t h = 0;
    for (int32_t i = 1; i < n; i++)
        if (v[i - 1] > v[i]) return 0xbad0000000000000ULL | (uint64_t)i;
    for (int32_t i = 0; i < n; i += 61) h = k_mix(h, (uint32_t)v[i]);
    return h;
}
