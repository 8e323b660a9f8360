/*
 * text-normalizer: an LLM Test Bench transform plugin (plugin ABI v1), written in C.
 *
 * Input: a JSON object with a string field "text" and any other fields.
 * Output: the same object (every other member copied byte for byte, in order) with "text"
 * normalised:
 *   strip_control        remove control characters (U+0000-U+001F, U+007F-U+009F) that are not
 *                        whitespace
 *   collapse_whitespace  turn every run of whitespace (ASCII and Unicode spaces) into one space
 *   trim                 remove leading and trailing whitespace
 *   lowercase            lowercase ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic letters
 * Each step is on by default; plugin_init config may turn any of them off, e.g.
 *   {"lowercase": false}
 *
 * Bad input (not JSON, not an object, no string "text") returns -2 (RESULT_INVALID_INPUT) with a
 * message in the output buffer. The JSON scanner below is small but complete: it validates
 * every value (nesting limited to 128 levels), string escapes and UTF-8.
 *
 * Built on the C PDK (pdk/c/llmtb.h) with clang --target=wasm32-wasi -mexec-model=reactor against
 * wasi-libc, but it uses only malloc/realloc/free and mem* functions, so the module imports nothing.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "llmtb.h" /* the C PDK, pdk/c/llmtb.h: exports, allocator, output and error helpers */

static const char METADATA[] =
    "{\"name\":\"text-normalizer\",\"version\":\"1.0.0\","
    "\"description\":\"Lowercases, trims, collapses whitespace and strips control characters in the text field\","
    "\"author\":\"LLM Test Bench\",\"plugin_type\":\"transform\","
    "\"capabilities\":[\"normalize\",\"lowercase\",\"whitespace\"],\"api_version\":\"1.0\"}";

/* ------------------------------------------------------------------------------------------ */
/* Growable byte buffer                                                                        */
/* ------------------------------------------------------------------------------------------ */

typedef struct {
    char *data;
    size_t len, cap;
    int oom;
} buf_t;

static void buf_reserve(buf_t *b, size_t extra) {
    if (b->oom || b->len + extra <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra) cap *= 2;
    char *data = realloc(b->data, cap);
    if (!data) {
        b->oom = 1;
        return;
    }
    b->data = data;
    b->cap = cap;
}

static void buf_put(buf_t *b, const char *p, size_t n) {
    buf_reserve(b, n);
    if (b->oom) return;
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void buf_byte(buf_t *b, char c) { buf_put(b, &c, 1); }

static void buf_utf8(buf_t *b, uint32_t cp) {
    char s[4];
    if (cp < 0x80) {
        s[0] = (char)cp;
        buf_put(b, s, 1);
    } else if (cp < 0x800) {
        s[0] = (char)(0xC0 | (cp >> 6));
        s[1] = (char)(0x80 | (cp & 0x3F));
        buf_put(b, s, 2);
    } else if (cp < 0x10000) {
        s[0] = (char)(0xE0 | (cp >> 12));
        s[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        s[2] = (char)(0x80 | (cp & 0x3F));
        buf_put(b, s, 3);
    } else {
        s[0] = (char)(0xF0 | (cp >> 18));
        s[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        s[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        s[3] = (char)(0x80 | (cp & 0x3F));
        buf_put(b, s, 4);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* UTF-8 and a validating JSON scanner                                                         */
/* ------------------------------------------------------------------------------------------ */

#define MAX_DEPTH 128

typedef struct {
    const char *p, *end;
    const char *error; /* first error, a static string */
} scan_t;

/* Errors that are not about JSON syntax (no byte offset is added to these). */
static const char ERR_OUT_OF_MEMORY[] = "out of memory";
static const char ERR_TEXT_NOT_STRING[] = "field \"text\" must be a string";
static const char ERR_NO_TEXT[] = "missing field \"text\"";

static int fail(scan_t *s, const char *message) {
    if (!s->error) s->error = message;
    return 0;
}

/* Decodes one UTF-8 sequence at *p (< end); returns the code point or -1 if invalid. */
static int32_t utf8_next(const unsigned char **pp, const unsigned char *end) {
    const unsigned char *p = *pp;
    uint32_t c = p[0];
    int n;
    uint32_t min;
    if (c < 0x80) {
        *pp = p + 1;
        return (int32_t)c;
    } else if ((c & 0xE0) == 0xC0) {
        n = 1, c &= 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 2, c &= 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        n = 3, c &= 0x07, min = 0x10000;
    } else {
        return -1;
    }
    if (end - p <= n) return -1;
    for (int i = 1; i <= n; i++) {
        if ((p[i] & 0xC0) != 0x80) return -1;
        c = (c << 6) | (p[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return -1;
    *pp = p + n + 1;
    return (int32_t)c;
}

static void skip_ws(scan_t *s) {
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r')) s->p++;
}

static int hex4(const char *p, uint32_t *out) {
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (uint32_t)(c - 'A' + 10);
        else return 0;
    }
    *out = v;
    return 1;
}

/*
 * Scans a JSON string at s->p (which must be '"'). If `decoded` is not NULL the string's value
 * is appended to it as UTF-8 (a lone surrogate escape becomes U+FFFD).
 */
static int scan_string(scan_t *s, buf_t *decoded) {
    if (s->p >= s->end || *s->p != '"') return fail(s, "expected a string");
    s->p++;
    while (s->p < s->end) {
        unsigned char c = (unsigned char)*s->p;
        if (c == '"') {
            s->p++;
            return 1;
        }
        if (c < 0x20) return fail(s, "unescaped control character in string");
        if (c == '\\') {
            if (s->end - s->p < 2) break;
            char e = s->p[1];
            s->p += 2;
            uint32_t cp;
            switch (e) {
            case '"': cp = '"'; break;
            case '\\': cp = '\\'; break;
            case '/': cp = '/'; break;
            case 'b': cp = '\b'; break;
            case 'f': cp = '\f'; break;
            case 'n': cp = '\n'; break;
            case 'r': cp = '\r'; break;
            case 't': cp = '\t'; break;
            case 'u':
                if (s->end - s->p < 4 || !hex4(s->p, &cp)) return fail(s, "invalid \\u escape");
                s->p += 4;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    uint32_t lo;
                    if (s->end - s->p >= 6 && s->p[0] == '\\' && s->p[1] == 'u' && hex4(s->p + 2, &lo) &&
                        lo >= 0xDC00 && lo <= 0xDFFF) {
                        s->p += 6;
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    } else {
                        cp = 0xFFFD;
                    }
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    cp = 0xFFFD;
                }
                break;
            default:
                return fail(s, "invalid escape in string");
            }
            if (decoded) buf_utf8(decoded, cp);
            continue;
        }
        const unsigned char *q = (const unsigned char *)s->p;
        if (utf8_next(&q, (const unsigned char *)s->end) < 0) return fail(s, "invalid UTF-8 in string");
        if (decoded) buf_put(decoded, s->p, (size_t)((const char *)q - s->p));
        s->p = (const char *)q;
    }
    return fail(s, "unterminated string");
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int scan_number(scan_t *s) {
    if (s->p < s->end && *s->p == '-') s->p++;
    if (s->p >= s->end || !is_digit(*s->p)) return fail(s, "invalid number");
    if (*s->p == '0') {
        s->p++;
    } else {
        while (s->p < s->end && is_digit(*s->p)) s->p++;
    }
    if (s->p < s->end && *s->p == '.') {
        s->p++;
        if (s->p >= s->end || !is_digit(*s->p)) return fail(s, "invalid number");
        while (s->p < s->end && is_digit(*s->p)) s->p++;
    }
    if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
        s->p++;
        if (s->p < s->end && (*s->p == '+' || *s->p == '-')) s->p++;
        if (s->p >= s->end || !is_digit(*s->p)) return fail(s, "invalid number");
        while (s->p < s->end && is_digit(*s->p)) s->p++;
    }
    return 1;
}

static int scan_literal(scan_t *s, const char *word) {
    size_t n = strlen(word);
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0) return fail(s, "invalid literal");
    s->p += n;
    return 1;
}

static int scan_value(scan_t *s, int depth);

static int scan_container(scan_t *s, int depth, char close) {
    if (depth >= MAX_DEPTH) return fail(s, "JSON nested too deeply");
    s->p++; /* '{' or '[' */
    skip_ws(s);
    if (s->p < s->end && *s->p == close) {
        s->p++;
        return 1;
    }
    for (;;) {
        if (close == '}') {
            if (!scan_string(s, NULL)) return 0;
            skip_ws(s);
            if (s->p >= s->end || *s->p != ':') return fail(s, "expected ':' after object key");
            s->p++;
            skip_ws(s);
        }
        if (!scan_value(s, depth + 1)) return 0;
        skip_ws(s);
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            skip_ws(s);
            continue;
        }
        if (s->p < s->end && *s->p == close) {
            s->p++;
            return 1;
        }
        return fail(s, close == '}' ? "expected ',' or '}' in object" : "expected ',' or ']' in array");
    }
}

static int scan_value(scan_t *s, int depth) {
    if (s->p >= s->end) return fail(s, "unexpected end of input");
    switch (*s->p) {
    case '{': return scan_container(s, depth, '}');
    case '[': return scan_container(s, depth, ']');
    case '"': return scan_string(s, NULL);
    case 't': return scan_literal(s, "true");
    case 'f': return scan_literal(s, "false");
    case 'n': return scan_literal(s, "null");
    default:
        if (*s->p == '-' || is_digit(*s->p)) return scan_number(s);
        return fail(s, "unexpected character");
    }
}

/* One member of the top-level object: the raw key (with quotes), its decoded text and the raw value. */
typedef struct {
    const char *key, *value;
    size_t key_len, value_len;
    buf_t key_text;
} member_t;

/*
 * Walks the top-level object, calling `visit` for each member. Returns 0 (with s->error) on bad
 * JSON or when visit returns 0.
 */
static int scan_object(scan_t *s, int (*visit)(scan_t *, member_t *, void *), void *ctx) {
    skip_ws(s);
    if (s->p >= s->end || *s->p != '{') return fail(s, "input must be a JSON object");
    s->p++;
    skip_ws(s);
    if (s->p < s->end && *s->p == '}') {
        s->p++;
    } else {
        for (;;) {
            member_t m = {0};
            m.key = s->p;
            int ok = scan_string(s, &m.key_text);
            m.key_len = (size_t)(s->p - m.key);
            if (ok && m.key_text.oom) ok = fail(s, ERR_OUT_OF_MEMORY);
            if (ok) {
                skip_ws(s);
                if (s->p >= s->end || *s->p != ':') ok = fail(s, "expected ':' after object key");
            }
            if (ok) {
                s->p++;
                skip_ws(s);
                m.value = s->p;
                ok = scan_value(s, 1);
                m.value_len = (size_t)(s->p - m.value);
            }
            if (ok) ok = visit(s, &m, ctx);
            free(m.key_text.data);
            if (!ok) return 0;
            skip_ws(s);
            if (s->p < s->end && *s->p == ',') {
                s->p++;
                skip_ws(s);
                continue;
            }
            if (s->p < s->end && *s->p == '}') {
                s->p++;
                break;
            }
            return fail(s, "expected ',' or '}' in object");
        }
    }
    skip_ws(s);
    if (s->p != s->end) return fail(s, "trailing characters after the JSON object");
    return 1;
}

static int key_is(const member_t *m, const char *name) {
    size_t n = strlen(name);
    return m->key_text.len == n && memcmp(m->key_text.data, name, n) == 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Configuration                                                                               */
/* ------------------------------------------------------------------------------------------ */

static struct {
    int lowercase, trim, collapse_whitespace, strip_control;
} options = {1, 1, 1, 1};

static int visit_config(scan_t *s, member_t *m, void *ctx) {
    (void)ctx;
    int *flag = NULL;
    if (key_is(m, "lowercase")) flag = &options.lowercase;
    else if (key_is(m, "trim")) flag = &options.trim;
    else if (key_is(m, "collapse_whitespace")) flag = &options.collapse_whitespace;
    else if (key_is(m, "strip_control")) flag = &options.strip_control;
    if (!flag) return 1; /* unknown options are ignored */
    if (m->value_len == 4 && memcmp(m->value, "true", 4) == 0) *flag = 1;
    else if (m->value_len == 5 && memcmp(m->value, "false", 5) == 0) *flag = 0;
    else return fail(s, "config options must be true or false");
    return 1;
}

static int32_t init(llmtb_str config) {
    scan_t s = {config.ptr, config.ptr + config.len, NULL};
    options.lowercase = options.trim = options.collapse_whitespace = options.strip_control = 1;
    return scan_object(&s, visit_config, NULL) ? LLMTB_OK : LLMTB_INVALID_INPUT;
}

/* ------------------------------------------------------------------------------------------ */
/* The transform                                                                               */
/* ------------------------------------------------------------------------------------------ */

static int is_space(uint32_t c) {
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
           c == 0x3000;
}

static int is_control(uint32_t c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

static uint32_t to_lower(uint32_t c) {
    if (c >= 'A' && c <= 'Z') return c + 32;
    if (c < 0xC0) return c;
    if (c <= 0xDE) return c == 0xD7 ? c : c + 32;           /* Latin-1 */
    if (c == 0x130) return 'i';                             /* dotted capital I */
    if (c >= 0x100 && c <= 0x137) return c | 1;             /* Latin Extended-A pairs */
    if (c >= 0x139 && c <= 0x148) return (c & 1) ? c + 1 : c;
    if (c >= 0x14A && c <= 0x177) return c | 1;
    if (c == 0x178) return 0xFF;
    if (c >= 0x179 && c <= 0x17E) return (c & 1) ? c + 1 : c;
    if (c == 0x386) return 0x3AC;                           /* Greek */
    if (c >= 0x388 && c <= 0x38A) return c + 37;
    if (c == 0x38C) return 0x3CC;
    if (c == 0x38E || c == 0x38F) return c + 63;
    if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 32;
    if (c >= 0x400 && c <= 0x40F) return c + 80;            /* Cyrillic */
    if (c >= 0x410 && c <= 0x42F) return c + 32;
    return c;
}

/* Normalises decoded UTF-8 text `in` into `out` (UTF-8). */
static void normalize(const buf_t *in, buf_t *out) {
    const unsigned char *p = (const unsigned char *)in->data, *end = p + in->len;
    int in_space = 0;
    size_t last_non_space = 0; /* out->len just after the last non-space character */
    while (p < end) {
        const unsigned char *start = p;
        int32_t c = utf8_next(&p, end); /* `in` was validated (or built) as UTF-8 */
        if (c < 0) {
            p = start + 1;
            continue;
        }
        if (is_space((uint32_t)c)) {
            if (options.trim && out->len == 0) continue; /* leading whitespace */
            if (options.collapse_whitespace) {
                if (!in_space) buf_byte(out, ' ');
            } else {
                buf_put(out, (const char *)start, (size_t)(p - start));
            }
            in_space = 1;
            continue;
        }
        if (options.strip_control && is_control((uint32_t)c)) continue;
        in_space = 0;
        buf_utf8(out, options.lowercase ? to_lower((uint32_t)c) : (uint32_t)c);
        last_non_space = out->len;
    }
    if (options.trim) out->len = last_non_space; /* trailing whitespace */
}

/* Appends `text` (UTF-8) as a JSON string literal. */
static void put_json_string(buf_t *out, const buf_t *text) {
    static const char hex[] = "0123456789abcdef";
    buf_byte(out, '"');
    for (size_t i = 0; i < text->len; i++) {
        unsigned char c = (unsigned char)text->data[i];
        switch (c) {
        case '"': buf_put(out, "\\\"", 2); break;
        case '\\': buf_put(out, "\\\\", 2); break;
        case '\n': buf_put(out, "\\n", 2); break;
        case '\r': buf_put(out, "\\r", 2); break;
        case '\t': buf_put(out, "\\t", 2); break;
        default:
            if (c < 0x20) {
                char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                buf_put(out, e, 6);
            } else {
                buf_byte(out, (char)c);
            }
        }
    }
    buf_byte(out, '"');
}

typedef struct {
    buf_t out;
    int members, saw_text;
} transform_t;

static int visit_input(scan_t *s, member_t *m, void *ctx) {
    transform_t *t = ctx;
    if (t->members++) buf_byte(&t->out, ',');
    buf_put(&t->out, m->key, m->key_len);
    buf_byte(&t->out, ':');
    if (!key_is(m, "text")) {
        buf_put(&t->out, m->value, m->value_len);
        return 1;
    }
    if (m->value[0] != '"') return fail(s, ERR_TEXT_NOT_STRING);
    t->saw_text = 1;
    buf_t text = {0}, normalized = {0};
    scan_t v = {m->value, m->value + m->value_len, NULL};
    scan_string(&v, &text); /* already validated by scan_value */
    normalize(&text, &normalized);
    put_json_string(&t->out, &normalized);
    int oom = text.oom || normalized.oom;
    free(text.data);
    free(normalized.data);
    return oom ? fail(s, ERR_OUT_OF_MEMORY) : 1;
}

static int32_t execute(llmtb_str input, llmtb_output *out) {
    const char *in = input.ptr;
    scan_t s = {in, in + input.len, NULL};
    transform_t t = {{0}, 0, 0};
    buf_byte(&t.out, '{');
    int ok = scan_object(&s, visit_input, &t);
    if (ok && !t.saw_text) ok = fail(&s, ERR_NO_TEXT);
    buf_byte(&t.out, '}');
    if (ok && t.out.oom) ok = fail(&s, ERR_OUT_OF_MEMORY);
    int32_t rc;
    if (ok) {
        rc = llmtb_write(out, t.out.data, t.out.len);
    } else {
        int32_t code = s.error == ERR_OUT_OF_MEMORY ? LLMTB_OUT_OF_MEMORY : LLMTB_INVALID_INPUT;
        buf_t message = {0};
        buf_put(&message, "text-normalizer: ", 17);
        buf_put(&message, s.error, strlen(s.error));
        if (s.error != ERR_OUT_OF_MEMORY && s.error != ERR_TEXT_NOT_STRING && s.error != ERR_NO_TEXT) {
            static const char at[] = " (at byte ";
            char digits[12];
            int n = 0;
            size_t offset = (size_t)(s.p - in);
            do digits[n++] = (char)('0' + offset % 10); while ((offset /= 10) && n < 11);
            buf_put(&message, at, sizeof at - 1);
            while (n) buf_byte(&message, digits[--n]);
            buf_byte(&message, ')');
        }
        buf_byte(&message, '\0');
        rc = llmtb_error(out, code, message.oom ? s.error : message.data);
        free(message.data);
    }
    free(t.out.data);
    return rc;
}

LLMTB_PLUGIN(METADATA, init, execute)
