/*
 * Checksums of an n-byte buffer as a compression library computes them: CRC-32 (reflected polynomial
 * 0xEDB88320) with eight 256-entry tables (slicing-by-8: two 32-bit loads per 8 bytes, eight
 * table lookups whose addresses depend on the data), the byte-at-a-time table loop for the tail and
 * for unaligned heads, and Adler-32 with its deferred modulo. The buffer is processed in blocks of
 * varying length, as a stream would deliver it.
 */
#include "kernel.h"

#define MAXN (1 << 21)

static uint8_t buf[MAXN];
static uint32_t tab[8][256];
static int32_t size;

static uint32_t crc32_update(uint32_t crc, const uint8_t *p, uint32_t len) {
    crc = ~crc;
    while (len && ((uintptr_t)p & 3)) {
        crc = tab[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
        len--;
    }
    while (len >= 8) {
        uint32_t a, b;
        __builtin_memcpy(&a, p, 4);
        __builtin_memcpy(&b, p + 4, 4);
        a ^= crc;
        crc = tab[7][a & 0xff] ^ tab[6][(a >> 8) & 0xff] ^ tab[5][(a >> 16) & 0xff] ^ tab[4][a >> 24] ^
              tab[3][b & 0xff] ^ tab[2][(b >> 8) & 0xff] ^ tab[1][(b >> 16) & 0xff] ^ tab[0][b >> 24];
        p += 8;
        len -= 8;
    }
    while (len--) crc = tab[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

static uint32_t adler32_update(uint32_t adler, const uint8_t *p, uint32_t len) {
    const uint32_t MOD = 65521, NMAX = 5552;
    uint32_t a = adler & 0xffff, b = adler >> 16;
    while (len) {
        uint32_t chunk = len < NMAX ? len : NMAX;
        len -= chunk;
        while (chunk--) {
            a += *p++;
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    return (b << 16) | a;
}

void KERNEL_INIT(int32_t n) {
    if (n > MAXN) n = MAXN;
    size = n;
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
        tab[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
        for (int t = 1; t < 8; t++) tab[t][i] = (tab[t - 1][i] >> 8) ^ tab[0][tab[t - 1][i] & 0xff];
    uint64_t s = 3;
    for (int32_t i = 0; i < n; i++) buf[i] = (uint8_t)(k_rand(&s) >> 24);
}

uint64_t KERNEL_RUN(int32_t n) {
    if (n > size) n = size;
    if (n <= 0) return 0;
    uint32_t crc = 0, adler = 1, whole = 0;
    uint64_t s = 11, h = 0;
    int32_t at = 0;
    while (at < n) {
        uint32_t len = 1 + k_rand(&s) % 9000;
        if (len > (uint32_t)(n - at)) len = (uint32_t)(n - at);
        crc = crc32_update(crc, buf + at, len);
        adler = adler32_update(adler, buf + at, len);
        h = k_mix(h, crc32_update(0, buf + at, len < 64 ? len : 64)); /* short messages too */
        at += (int32_t)len;
    }
    whole = crc32_update(0, buf, (uint32_t)n);
    h = k_mix(h, crc);
    h = k_mix(h, adler);
    return k_mix(h, (uint64_t)whole << 1 | (whole == crc));
}
