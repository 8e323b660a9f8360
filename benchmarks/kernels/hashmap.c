/*
 * A string-keyed hash map with open addressing (linear probing, power-of-two capacity): a 64-bit hash
 * in the style of the xxHash family (8-byte lanes read unaligned, multiply, rotate, avalanche), keys
 * kept in an arena, and a stored 32-bit hash tag to skip most key compares. run(n) counts word
 * occurrences over n generated keys (insert or increment), then looks up n more keys (half absent)
 * and removes a third of the entries with backward-shift deletion.
 */
#include "kernel.h"

#define MAXN (1 << 17)
#define CAP (1 << 17) /* slots; the table stays under half full */
#define ARENA (MAXN * 24)

typedef struct {
    uint32_t tag; /* 0: empty */
    uint32_t off;
    uint32_t len;
    uint32_t count;
} Slot;

static uint8_t keys[ARENA];      /* the n + n keys, generated once */
static uint32_t key_off[2 * MAXN], key_len[2 * MAXN];
static Slot table[CAP];
static int32_t size;

static const uint64_t P1 = 0x9e3779b185ebca87ULL, P2 = 0xc2b2ae3d27d4eb4fULL, P3 = 0x165667b19e3779f9ULL;

static inline uint64_t rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static inline uint64_t read64(const uint8_t *p) {
    uint64_t v;
    __builtin_memcpy(&v, p, 8);
    return v;
}

static uint64_t hash_bytes(const uint8_t *p, uint32_t len) {
    uint64_t h = P3 + len;
    uint32_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t k = read64(p + i) * P2;
        h ^= rotl64(k, 31) * P1;
        h = rotl64(h, 27) * P1 + P3;
    }
    for (; i < len; i++) {
        h ^= p[i] * P3;
        h = rotl64(h, 11) * P1;
    }
    h ^= h >> 33;
    h *= P2;
    h ^= h >> 29;
    h *= P3;
    return h ^ (h >> 32);
}

static int same_key(const Slot *s, const uint8_t *k, uint32_t len) {
    if (s->len != len) return 0;
    const uint8_t *a = keys + s->off;
    for (uint32_t i = 0; i < len; i++)
        if (a[i] != k[i]) return 0;
    return 1;
}

static Slot *find(const uint8_t *k, uint32_t len, uint32_t tag, uint32_t *index) {
    uint32_t i = tag & (CAP - 1);
    for (;;) {
        Slot *s = &table[i];
        if (s->tag == 0 || (s->tag == tag && same_key(s, k, len))) {
            *index = i;
            return s;
        }
        i = (i + 1) & (CAP - 1);
    }
}

static uint32_t tag_of(uint64_t h) {
    uint32_t t = (uint32_t)h;
    return t ? t : 1;
}

static void remove_at(uint32_t i) {
    /* backward-shift deletion: no tombstones */
    uint32_t j = i;
    for (;;) {
        j = (j + 1) & (CAP - 1);
        if (table[j].tag == 0) break;
        uint32_t home = table[j].tag & (CAP - 1);
        /* move j back to i unless its home lies cyclically in (i, j] */
        if (((j - home) & (CAP - 1)) >= ((j - i) & (CAP - 1))) {
            table[i] = table[j];
            i = j;
        }
    }
    table[i].tag = 0;
}

void KERNEL_INIT(int32_t n) {
    if (n > MAXN) n = MAXN;
    size = n;
    static const char *const STEMS[] = {"user", "session", "token", "model", "eval", "metric", "prompt", "reply",
                                        "score", "label", "trace", "span", "request", "response", "cache", "plugin"};
    uint64_t s = 8080;
    uint32_t at = 0;
    for (int32_t i = 0; i < 2 * n; i++) {
        uint32_t r = k_rand(&s);
        const char *stem = STEMS[r & 15];
        key_off[i] = at;
        for (int k = 0; stem[k]; k++) keys[at++] = (uint8_t)stem[k];
        keys[at++] = ':';
        /* the first n keys repeat (about n/4 distinct); the lookups are half present, half new */
        uint32_t id = i < n ? (r >> 4) % (uint32_t)(n / 4 + 1) : ((r >> 4) % 2 ? (r >> 5) % (uint32_t)(n / 4 + 1) : r >> 5);
        do {
            keys[at++] = (uint8_t)("0123456789abcdefghijklmnopqrstuv"[id & 31]);
            id >>= 5;
        } while (id);
        key_len[i] = at - key_off[i];
    }
}

uint64_t KERNEL_RUN(int32_t n) {
    if (n > size) n = size;
    if (n <= 0) return 0;
    __builtin_memset(table, 0, sizeof(table));
    uint32_t distinct = 0;
    for (int32_t i = 0; i < n; i++) {
        const uint8_t *k = keys + key_off[i];
        uint32_t tag = tag_of(hash_bytes(k, key_len[i])), at;
        Slot *sl = find(k, key_len[i], tag, &at);
        if (sl->tag == 0) {
            sl->tag = tag;
            sl->off = key_off[i];
            sl->len = key_len[i];
            sl->count = 1;
            distinct++;
        } else {
            sl->count++;
        }
    }
    uint64_t found = 0, total = 0, removed = 0;
    for (int32_t i = n; i < 2 * n; i++) {
        const uint8_t *k = keys + key_off[i];
        uint32_t tag = tag_of(hash_bytes(k, key_len[i])), at;
        Slot *sl = find(k, key_len[i], tag, &at);
        if (sl->tag != 0) {
            found++;
            total += sl->count;
            if (i % 3 == 0) {
                remove_at(at);
                removed++;
            }
        }
    }
    uint64_t h = k_mix(distinct, found);
    h = k_mix(h, total);
    h = k_mix(h, removed);
    for (uint32_t i = 0; i < CAP; i += 97) h = k_mix(h, ((uint64_t)table[i].tag << 32) | table[i].count);
    return h;
}
