/*
 * UTF-8 validation and transcoding to UTF-16, as a host boundary or a tokenizer does with model text:
 * a byte-at-a-time decoder that rejects overlong forms, surrogates, code points above U+10FFFF and
 * truncated sequences (replacing each bad sequence by U+FFFD), with a fast path for ASCII runs, and
 * per-class counts. The n-byte input mixes English, accented Latin, Greek, CJK, emoji and a few
 * malformed sequences.
 */
#include "kernel.h"

#define MAXN (1 << 20)

static uint8_t text[MAXN + 8];
static uint16_t out[MAXN + 8];
static int32_t size;

static uint8_t *put(uint8_t *p, uint32_t cp) {
    if (cp < 0x80) {
        *p++ = (uint8_t)cp;
    } else if (cp < 0x800) {
        *p++ = (uint8_t)(0xc0 | (cp >> 6));
        *p++ = (uint8_t)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        *p++ = (uint8_t)(0xe0 | (cp >> 12));
        *p++ = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
        *p++ = (uint8_t)(0x80 | (cp & 0x3f));
    } else {
        *p++ = (uint8_t)(0xf0 | (cp >> 18));
        *p++ = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
        *p++ = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
        *p++ = (uint8_t)(0x80 | (cp & 0x3f));
    }
    return p;
}

void KERNEL_INIT(int32_t n) {
    if (n > MAXN) n = MAXN;
    size = n;
    static const char *const WORDS[] = {"the ", "model ", "answered ", "correctly, ", "with ", "evidence. ", "score=0.93 ", "\n"};
    uint64_t s = 1;
    uint8_t *p = text, *end = text + n;
    while (p + 4 <= end) {
        uint32_t r = k_rand(&s);
        switch (r % 10) {
        case 0: case 1: case 2: case 3: { /* ASCII words */
            const char *w = WORDS[(r >> 8) & 7];
            while (*w && p < end) *p++ = (uint8_t)*w++;
            break;
        }
        case 4: p = put(p, 0xc0 + (r >> 8) % 0x40); break;    /* accented Latin */
        case 5: p = put(p, 0x391 + (r >> 8) % 0x30); break;   /* Greek */
        case 6: p = put(p, 0x4e00 + (r >> 8) % 0x5000); break; /* CJK */
        case 7: p = put(p, 0x1f300 + (r >> 8) % 0x300); break; /* emoji */
        case 8: p = put(p, 0x20 + (r >> 8) % 0x5f); break;
        default:
            if (((r >> 8) & 31) == 0) {
                static const uint8_t BAD[][3] = {{0xc0, 0xaf, 0x20}, {0xed, 0xa0, 0x80}, {0xf5, 0x80, 0x80}, {0xe2, 0x28, 0xa1}};
                const uint8_t *b = BAD[(r >> 13) & 3];
                for (int k = 0; k < 3; k++) *p++ = b[k];
            } else {
                *p++ = ' ';
            }
        }
    }
    while (p < end) *p++ = '.';
}

uint64_t KERNEL_RUN(int32_t n) {
    if (n > size) n = size;
    if (n <= 0) return 0;
    const uint8_t *p = text, *end = text + n;
    uint16_t *o = out;
    uint32_t ascii = 0, two = 0, three = 0, four = 0, bad = 0;
    while (p < end) {
        uint8_t c = *p;
        if (c < 0x80) {
            /* ASCII run: 4 bytes at a time while they are all ASCII */
            while (end - p >= 4) {
                uint32_t w;
                __builtin_memcpy(&w, p, 4);
                if (w & 0x80808080u) break;
                o[0] = (uint16_t)(w & 0xff);
                o[1] = (uint16_t)((w >> 8) & 0xff);
                o[2] = (uint16_t)((w >> 16) & 0xff);
                o[3] = (uint16_t)(w >> 24);
                o += 4;
                p += 4;
                ascii += 4;
            }
            while (p < end && *p < 0x80) {
                *o++ = *p++;
                ascii++;
            }
            continue;
        }
        uint32_t cp, need;
        uint32_t min;
        if (c >= 0xc2 && c <= 0xdf) { cp = c & 0x1f; need = 1; min = 0x80; }
        else if (c >= 0xe0 && c <= 0xef) { cp = c & 0x0f; need = 2; min = 0x800; }
        else if (c >= 0xf0 && c <= 0xf4) { cp = c & 0x07; need = 3; min = 0x10000; }
        else { *o++ = 0xfffd; p++; bad++; continue; }
        if ((uint32_t)(end - p) <= need) { *o++ = 0xfffd; p++; bad++; continue; }
        uint32_t k = 1;
        for (; k <= need; k++) {
            uint8_t d = p[k];
            if ((d & 0xc0) != 0x80) break;
            cp = (cp << 6) | (d & 0x3f);
        }
        if (k <= need || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            *o++ = 0xfffd;
            p += k;
            bad++;
            continue;
        }
        p += need + 1;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            *o++ = (uint16_t)(0xd800 | (cp >> 10));
            *o++ = (uint16_t)(0xdc00 | (cp & 0x3ff));
            four++;
        } else {
            *o++ = (uint16_t)cp;
            if (need == 1) two++; else three++;
        }
    }
    uint32_t units = (uint32_t)(o - out);
    uint64_t h = 0;
    for (uint32_t i = 0; i < units; i++) h = h * 31 + out[i];
    h = k_mix(h, ((uint64_t)ascii << 32) | two);
    h = k_mix(h, ((uint64_t)three << 32) | four);
    return k_mix(h, ((uint64_t)bad << 32) | units);
}
