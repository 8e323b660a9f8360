/*
 * A small regular-expression matcher of the kind filter plugins embed: patterns are compiled to a node
 * list (literal, any, character class as a 256-bit set, anchors, and the quantifiers * + ? applied to
 * one node), then matched by backtracking recursion at every start position of each line of an n-line
 * log-like text. Counts matching lines per pattern. Recursive calls, short loops, bit-set lookups.
 */
#include "kernel.h"

#define MAXLINES (1 << 16)
#define TEXT (MAXLINES * 96)
#define MAXNODES 48
#define NPAT 8

enum { LIT, ANY, CLASS, BOL, EOL };
enum { ONE, STAR, PLUS, OPT };

typedef struct {
    uint8_t kind, quant, ch, pad;
    uint32_t set[8];
} Node;

typedef struct {
    Node nodes[MAXNODES];
    int count;
} Regex;

static const char *const PATTERNS[NPAT] = {
    "^[0-9]+-[0-9][0-9]-[0-9][0-9] ", "ERROR", "user=[a-z]+[0-9]*", "took [0-9]+ms$",
    "GET /api/v[12]/[a-z/]*\\.json", "status=[45][0-9][0-9]", "^[A-Z]+: .*timeout", "id=[0-9a-f]+ .*ok$"};

static Regex rx[NPAT];
static uint8_t text[TEXT];
static uint32_t line_start[MAXLINES + 1];
static int32_t nlines;

static void set_bit(Node *nd, uint8_t c) { nd->set[c >> 5] |= 1u << (c & 31); }

static int compile(const char *p, Regex *r) {
    r->count = 0;
    while (*p) {
        if (r->count == MAXNODES) return 0;
        Node *nd = &r->nodes[r->count++];
        __builtin_memset(nd, 0, sizeof(*nd));
        char c = *p++;
        if (c == '^') { nd->kind = BOL; continue; }
        if (c == '$') { nd->kind = EOL; continue; }
        if (c == '.') nd->kind = ANY;
        else if (c == '\\' && *p) { nd->kind = LIT; nd->ch = (uint8_t)*p++; }
        else if (c == '[') {
            nd->kind = CLASS;
            while (*p && *p != ']') {
                uint8_t lo = (uint8_t)*p++;
                if (*p == '-' && p[1] && p[1] != ']') {
                    uint8_t hi = (uint8_t)p[1];
                    p += 2;
                    for (uint32_t x = lo; x <= hi; x++) set_bit(nd, (uint8_t)x);
                } else {
                    set_bit(nd, lo);
                }
            }
            if (*p != ']') return 0;
            p++;
        } else { nd->kind = LIT; nd->ch = (uint8_t)c; }
        if (*p == '*') { nd->quant = STAR; p++; }
        else if (*p == '+') { nd->quant = PLUS; p++; }
        else if (*p == '?') { nd->quant = OPT; p++; }
    }
    return 1;
}

static inline int one(const Node *nd, uint8_t c) {
    switch (nd->kind) {
    case LIT: return c == nd->ch;
    case ANY: return 1;
    case CLASS: return (nd->set[c >> 5] >> (c & 31)) & 1;
    default: return 0;
    }
}

/* Does the pattern from node i match the text at s (line from line to end)? */
static int match_here(const Regex *r, int i, const uint8_t *line, const uint8_t *s, const uint8_t *end) {
    while (i < r->count) {
        const Node *nd = &r->nodes[i];
        if (nd->kind == BOL) {
            if (s != line) return 0;
            i++;
            continue;
        }
        if (nd->kind == EOL) {
            if (s != end) return 0;
            i++;
            continue;
        }
        if (nd->quant == ONE) {
            if (s == end || !one(nd, *s)) return 0;
            s++;
            i++;
            continue;
        }
        /* greedy: take as many as possible, then back off */
        const uint8_t *t = s;
        if (nd->quant == OPT) {
            if (t < end && one(nd, *t)) t++;
        } else {
            while (t < end && one(nd, *t)) t++;
        }
        const uint8_t *least = nd->quant == PLUS ? s + 1 : s;
        for (; t >= least; t--)
            if (match_here(r, i + 1, line, t, end)) return 1;
        return 0;
    }
    return 1;
}

static int search(const Regex *r, const uint8_t *line, const uint8_t *end) {
    if (r->count > 0 && r->nodes[0].kind == BOL) return match_here(r, 0, line, line, end);
    /* a literal first node: skip start positions that cannot match */
    const Node *first = &r->nodes[0];
    for (const uint8_t *s = line; s <= end; s++) {
        if (first->kind == LIT && first->quant == ONE && (s == end || *s != first->ch)) continue;
        if (match_here(r, 0, line, s, end)) return 1;
    }
    return 0;
}

void KERNEL_INIT(int32_t n) {
    if (n > MAXLINES) n = MAXLINES;
    for (int k = 0; k < NPAT; k++) compile(PATTERNS[k], &rx[k]);
    static const char *const LEVEL[] = {"INFO", "WARN", "ERROR", "DEBUG"};
    static const char *const MSG[] = {"GET /api/v1/models/list.json", "POST /api/v2/eval", "GET /api/v3/x.json",
                                      "request timeout after retry", "cache miss", "ok", "user=alice42 login",
                                      "user=bob logout", "status=503 upstream", "status=200"};
    uint64_t s = 2026;
    uint32_t at = 0;
    for (int32_t l = 0; l < n; l++) {
        line_start[l] = at;
        uint32_t r = k_rand(&s);
        char tmp[128];
        int len = 0;
        /* 2026-11-25 12:00:07 LEVEL: msg id=hex took Nms */
        const char *date = "2026-11-25 ";
        if (r & 1) for (int k = 0; date[k]; k++) tmp[len++] = date[k];
        const char *lv = LEVEL[(r >> 1) & 3];
        for (int k = 0; lv[k]; k++) tmp[len++] = lv[k];
        tmp[len++] = ':';
        tmp[len++] = ' ';
        const char *m = MSG[(r >> 3) % 10];
        for (int k = 0; m[k]; k++) tmp[len++] = m[k];
        tmp[len++] = ' ';
        tmp[len++] = 'i';
        tmp[len++] = 'd';
        tmp[len++] = '=';
        uint32_t id = k_rand(&s);
        for (int k = 0; k < 6; k++) tmp[len++] = "0123456789abcdef"[(id >> (4 * k)) & 15];
        if ((r >> 8) & 1) {
            const char *took = " took ";
            for (int k = 0; took[k]; k++) tmp[len++] = took[k];
            uint32_t ms = (r >> 9) % 5000;
            char d[8];
            int nd = 0;
            do { d[nd++] = (char)('0' + ms % 10); ms /= 10; } while (ms);
            while (nd) tmp[len++] = d[--nd];
            tmp[len++] = 'm';
            tmp[len++] = 's';
        } else if ((r >> 10) & 1) {
            tmp[len++] = ' ';
            tmp[len++] = 'o';
            tmp[len++] = 'k';
        }
        for (int k = 0; k < len; k++) text[at++] = (uint8_t)tmp[k];
    }
    line_start[n] = at;
    nlines = n;
}

uint64_t KERNEL_RUN(int32_t n) {
    if (n > nlines) n = nlines;
    if (n <= 0) return 0;
    uint64_t h = 0;
    for (int k = 0; k < NPAT; k++) {
        uint32_t hits = 0;
        for (int32_t l = 0; l < n; l++) {
            if (search(&rx[k], text + line_start[l], text + line_start[l + 1])) {
                hits++;
                h = h * 31 + (uint32_t)l;
            }
        }
        h = k_mix(h, hits);
    }
    return h;
}
