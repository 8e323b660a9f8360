/*
 * Merge sort of n 24-byte records (key, id, score) through a generic qsort-style interface: element size
 * and a comparison function pointer, elements moved with memcpy. Sorted twice, by score then by
 * (key, id), so the comparator is an indirect call at every comparison. Top-down, with insertion sort
 * for short runs and a scratch buffer. Each run sorts the same input (a bulk copy) and checks the order.
 */
#include "kernel.h"

#define MAXN (1 << 16)
#define RUN 8

typedef struct {
    uint32_t key;
    uint32_t id;
    double score;
    uint32_t flags;
    uint32_t pad;
} Record;

typedef int (*Compare)(const void *, const void *);

static Record input[MAXN];
static Record recs[MAXN];
static Record tmp[MAXN];
static int32_t size;

static int by_key(const void *pa, const void *pb) {
    const Record *a = (const Record *)pa, *b = (const Record *)pb;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    if (a->id != b->id) return a->id < b->id ? -1 : 1;
    return 0;
}

static int by_score_desc(const void *pa, const void *pb) {
    const Record *a = (const Record *)pa, *b = (const Record *)pb;
    if (a->score != b->score) return a->score > b->score ? -1 : 1;
    return (int)(a->flags & 3) - (int)(b->flags & 3);
}

static void msort_rec(uint8_t *base, uint8_t *scratch, size_t n, size_t esize, Compare cmp) {
    if (n <= RUN) {
        uint8_t item[64];
        for (size_t i = 1; i < n; i++) {
            __builtin_memcpy(item, base + i * esize, esize);
            size_t j = i;
            while (j > 0 && cmp(base + (j - 1) * esize, item) > 0) {
                __builtin_memcpy(base + j * esize, base + (j - 1) * esize, esize);
                j--;
            }
            __builtin_memcpy(base + j * esize, item, esize);
        }
        return;
    }
    size_t half = n / 2;
    msort_rec(base, scratch, half, esize, cmp);
    msort_rec(base + half * esize, scratch, n - half, esize, cmp);
    if (cmp(base + (half - 1) * esize, base + half * esize) <= 0) return; /* already in order */
    __builtin_memcpy(scratch, base, half * esize);
    size_t i = 0, j = half, k = 0;
    while (i < half && j < n) {
        if (cmp(base + j * esize, scratch + i * esize) < 0) {
            __builtin_memcpy(base + k * esize, base + j * esize, esize);
            j++;
        } else {
            __builtin_memcpy(base + k * esize, scratch + i * esize, esize);
            i++;
        }
        k++;
    }
    if (i < half) __builtin_memcpy(base + k * esize, scratch + i * esize, (half - i) * esize);
}

static void merge_sort(void *base, size_t n, size_t esize, Compare cmp) {
    msort_rec((uint8_t *)base, (uint8_t *)tmp, n, esize, cmp);
}

void KERNEL_INIT(int32_t n) {
    if (n > MAXN) n = MAXN;
    size = n;
    uint64_t s = 4242;
    for (int32_t i = 0; i < n; i++) {
        input[i].key = k_rand(&s) % (uint32_t)(n / 4 + 1);
        input[i].id = (uint32_t)i;
        input[i].score = (double)(k_rand(&s) % 1000) / 8.0;
        input[i].flags = k_rand(&s);
        input[i].pad = 0;
    }
}

uint64_t KERNEL_RUN(int32_t n) {
    if (n > size) n = size;
    if (n <= 0) return 0;
    __builtin_memcpy(recs, input, sizeof(Record) * (size_t)n);
    merge_sort(recs, (size_t)n, sizeof(Record), by_score_desc);
    uint64_t h = 0;
    for (int32_t i = 0; i < n; i += 37) h = k_mix(h, ((uint64_t)recs[i].id << 32) | recs[i].key);
    merge_sort(recs, (size_t)n, sizeof(Record), by_key);
    for (int32_t i = 1; i < n; i++)
        if (by_key(&recs[i - 1], &recs[i]) > 0) return 0xbad0000000000000ULL | (uint64_t)i;
    for (int32_t i = 0; i < n; i += 41) h = k_mix(h, ((uint64_t)recs[i].id << 32) | recs[i].flags);
    return h;
}
