/*
 * fs-probe: a transform plugin (plugin ABI v1, C, wasi-libc) that tries one file, environment, stdio,
 * clock or random operation through WASI and reports what happened. The runtime's permission tests
 * use it to prove that only what was granted works, and that every escape from a granted directory
 * is refused. It imports WASI, so it loads only with SystemOptions.enableWasi. Built on the C PDK
 * (pdk/c/llmtb.h).
 *
 * Input: {"op": OP, "path": P, "target": T, "data": D, "name": N, "repeat": R, "size": S}
 * Output: {"ok": bool, "errno": n, ...}; errno is the WASI errno (wasi-libc's errno values) of the
 * first failing call, 0 on success.
 *
 *   read P                    -> "data": the file's bytes (as a JSON string)
 *   read_repeat P R           -> reads P R times: "reads" (successes), "contents" (distinct contents,
 *                                at most 4), "errnos" (distinct errnos, at most 8)
 *   write P D / append P D    -> open(O_WRONLY|O_CREAT|O_TRUNC / O_APPEND), write D
 *   create_excl P D           -> open(O_WRONLY|O_CREAT|O_EXCL), write D
 *   open_rw P                 -> open(O_RDWR) an existing file, close it
 *   truncate P S              -> truncate(P, S)
 *   mkdir P / rmdir P / unlink P
 *   symlink P T               -> symlink(T, P): P becomes a link whose text is T
 *   link P T                  -> link(T, P): P becomes a hard link to T
 *   rename P T                -> rename(P, T)
 *   readlink P                -> "data": the link's text
 *   stat P / lstat P          -> "size", "type" (file, dir, symlink, other)
 *   list P                    -> "entries": the names in directory P, sorted, without . and ..
 *   utimes P S                -> utimensat(P): access and modification time S seconds after the epoch
 *   openat P T                -> opens directory P, then openat(dirfd, T, O_RDONLY) and reads: "data"
 *   openat_write P T D        -> opens directory P, then openat(dirfd, T, O_WRONLY|O_CREAT|O_TRUNC), writes D
 *   env N                     -> "present", "data": getenv(N)
 *   environ                   -> "entries": every NAME=VALUE the guest sees
 *   print D R ("stream": "stdout" | "stderr", "log_repeat": L) -> host_log(2, D) L times (default 0),
 *                                then fputs(D) R times (no explicit fflush): "accepted", "refused" as for log
 *   log D R                   -> host_log(2, D) R times: "accepted" (results 0), "refused" (results 1)
 *   random S                  -> "data": S bytes from getentropy, hex
 *   clock                     -> "ms": CLOCK_REALTIME in milliseconds
 *   args                      -> "argc"
 *   preopens                  -> "entries": the guest paths of the preopened directories
 *   sleep S                   -> nanosleep for S milliseconds (poll_oneoff)
 *   open_many P R             -> opens P up to R times without closing: "opened", then fails with the errno
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

#include "llmtb.h" /* the C PDK, pdk/c/llmtb.h: exports, allocator, host_log, output and error helpers */

static const char METADATA[] =
    "{\"name\":\"fs-probe\",\"version\":\"1.0.0\","
    "\"description\":\"Tries one WASI file, environment, stdio, clock or random operation and reports the result\","
    "\"author\":\"LLM Test Bench\",\"plugin_type\":\"transform\","
    "\"capabilities\":[\"wasi\"],\"api_version\":\"1.0\"}";

static int32_t init(llmtb_str config) {
    (void)config;
    return LLMTB_OK;
}

/* ---- a growable output buffer ------------------------------------------------------------- */

typedef struct {
    char *p;
    size_t len, cap;
    int failed;
} buf_t;

static void put(buf_t *b, const char *s, size_t n) {
    if (b->failed) return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n) cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) { b->failed = 1; return; }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static void puts_(buf_t *b, const char *s) { put(b, s, strlen(s)); }

static void put_long(buf_t *b, long long v) {
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%lld", v);
    puts_(b, tmp);
}

static void put_json_string(buf_t *b, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    put(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            put(b, e, 2);
        } else if (c < 0x20 || c >= 0x80) {
            /* bytes outside printable ASCII as \u00XX: the output stays valid JSON for any file */
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            put(b, e, 6);
        } else {
            put(b, (const char *)&c, 1);
        }
    }
    put(b, "\"", 1);
}

/* ---- a small JSON reader: top-level members of an object ------------------------------------ */

static size_t skip_ws(const char *s, size_t n, size_t i) {
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
    return i;
}

/* Skips a string starting at s[i] == '"'; returns the index after it, or n. */
static size_t skip_string(const char *s, size_t n, size_t i) {
    for (i++; i < n; i++) {
        if (s[i] == '\\') i++;
        else if (s[i] == '"') return i + 1;
    }
    return n;
}

static size_t skip_value(const char *s, size_t n, size_t i) {
    if (i < n && s[i] == '"') return skip_string(s, n, i);
    int depth = 0;
    for (; i < n; i++) {
        char c = s[i];
        if (c == '"') { i = skip_string(s, n, i) - 1; continue; }
        if (c == '{' || c == '[') depth++;
        else if (c == '}' || c == ']') {
            if (depth == 0) return i;
            if (--depth == 0) return i + 1;
        } else if (c == ',' && depth == 0) return i;
    }
    return n;
}

/* Decodes the string at s[i] into a new NUL-terminated buffer (\uXXXX above 0x7f becomes '?'). */
static char *decode_string(const char *s, size_t n, size_t i, size_t *out_len) {
    size_t end = skip_string(s, n, i);
    char *out = malloc(end - i + 1);
    if (!out) return NULL;
    size_t o = 0;
    for (i++; i + 1 < end; i++) {
        char c = s[i];
        if (c == '\\' && i + 2 < end) {
            char e = s[++i];
            switch (e) {
                case 'n': out[o++] = '\n'; break;
                case 't': out[o++] = '\t'; break;
                case 'r': out[o++] = '\r'; break;
                case 'b': out[o++] = '\b'; break;
                case 'f': out[o++] = '\f'; break;
                case 'u': {
                    unsigned v = 0;
                    for (int k = 0; k < 4 && i + 1 < end; k++) {
                        char h = s[++i];
                        v = v * 16 + (unsigned)(h >= 'a' ? h - 'a' + 10 : h >= 'A' ? h - 'A' + 10 : h - '0');
                    }
                    out[o++] = v < 0x80 ? (char)v : '?';
                    break;
                }
                default: out[o++] = e; break;
            }
        } else {
            out[o++] = c;
        }
    }
    out[o] = 0;
    if (out_len) *out_len = o;
    return out;
}

/* Finds top-level member `key`; returns the index of its value or -1. */
static long find_member(const char *s, size_t n, const char *key) {
    size_t i = skip_ws(s, n, 0);
    if (i >= n || s[i] != '{') return -1;
    i++;
    size_t klen = strlen(key);
    while (1) {
        i = skip_ws(s, n, i);
        if (i >= n || s[i] != '"') return -1;
        size_t kstart = i + 1;
        size_t kend = skip_string(s, n, i);
        int match = kend - kstart - 1 == klen && memcmp(s + kstart, key, klen) == 0;
        i = skip_ws(s, n, kend);
        if (i >= n || s[i] != ':') return -1;
        i = skip_ws(s, n, i + 1);
        if (match) return (long)i;
        i = skip_ws(s, n, skip_value(s, n, i));
        if (i >= n || s[i] != ',') return -1;
        i++;
    }
}

static char *get_string(const char *s, size_t n, const char *key, size_t *len) {
    long i = find_member(s, n, key);
    if (i < 0 || s[i] != '"') return NULL;
    return decode_string(s, n, (size_t)i, len);
}

static long long get_number(const char *s, size_t n, const char *key, long long dflt) {
    long i = find_member(s, n, key);
    if (i < 0 || !(s[i] == '-' || (s[i] >= '0' && s[i] <= '9'))) return dflt;
    char tmp[32];
    size_t k = 0;
    while ((size_t)i < n && k < sizeof tmp - 1 && (s[i] == '-' || (s[i] >= '0' && s[i] <= '9'))) tmp[k++] = s[i++];
    tmp[k] = 0;
    return strtoll(tmp, NULL, 10);
}

/* ---- operations ---------------------------------------------------------------------------- */

typedef struct {
    char *op, *path, *target, *data, *name, *stream;
    size_t data_len;
    long long repeat, size, log_repeat;
} request_t;

/* Reads a whole fd into a malloc'd buffer. Returns 0 or an errno. */
static int read_all(int fd, char **out, size_t *out_len) {
    size_t cap = 4096, len = 0;
    char *p = malloc(cap);
    if (!p) return ENOMEM;
    while (1) {
        if (len == cap) {
            char *q = realloc(p, cap * 2);
            if (!q) { free(p); return ENOMEM; }
            p = q;
            cap *= 2;
        }
        ssize_t r = read(fd, p + len, cap - len);
        if (r < 0) { int e = errno; free(p); return e; }
        if (r == 0) break;
        len += (size_t)r;
    }
    *out = p;
    *out_len = len;
    return 0;
}

static int read_file(const char *path, char **out, size_t *out_len) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return errno;
    int e = read_all(fd, out, out_len);
    close(fd);
    return e;
}

static int write_fd(int fd, const char *data, size_t len) {
    while (len > 0) {
        ssize_t w = write(fd, data, len);
        if (w < 0) return errno;
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

static int write_file(const char *path, int flags, const char *data, size_t len) {
    int fd = open(path, flags, 0644);
    if (fd < 0) return errno;
    int e = write_fd(fd, data, len);
    if (close(fd) != 0 && e == 0) e = errno;
    return e;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void put_entries(buf_t *b, char **names, size_t count) {
    qsort(names, count, sizeof *names, cmp_str);
    puts_(b, ",\"entries\":[");
    for (size_t i = 0; i < count; i++) {
        if (i) puts_(b, ",");
        put_json_string(b, names[i], strlen(names[i]));
        free(names[i]);
    }
    puts_(b, "]");
}

static const char *type_name(mode_t m) {
    if (S_ISREG(m)) return "file";
    if (S_ISDIR(m)) return "dir";
    if (S_ISLNK(m)) return "symlink";
    return "other";
}

extern char **environ;

/* Performs the request; appends extra members to b; returns 0 or an errno. */
static int perform(const request_t *q, buf_t *b) {
    const char *op = q->op;
    const char *path = q->path ? q->path : "";
    const char *target = q->target ? q->target : "";
    const char *data = q->data ? q->data : "";
    size_t data_len = q->data ? q->data_len : 0;

    if (!strcmp(op, "read")) {
        char *content;
        size_t len;
        int e = read_file(path, &content, &len);
        if (e) return e;
        puts_(b, ",\"data\":");
        put_json_string(b, content, len);
        free(content);
        return 0;
    }
    if (!strcmp(op, "read_repeat")) {
        char *contents[4];
        size_t lens[4];
        int ncontents = 0, errnos[8], nerrnos = 0;
        long long reads = 0;
        for (long long r = 0; r < q->repeat; r++) {
            char *content;
            size_t len;
            int e = read_file(path, &content, &len);
            if (e) {
                int seen = 0;
                for (int k = 0; k < nerrnos; k++) seen |= errnos[k] == e;
                if (!seen && nerrnos < 8) errnos[nerrnos++] = e;
                continue;
            }
            reads++;
            int seen = 0;
            for (int k = 0; k < ncontents; k++) seen |= lens[k] == len && !memcmp(contents[k], content, len);
            if (!seen && ncontents < 4) {
                contents[ncontents] = content;
                lens[ncontents++] = len;
            } else {
                free(content);
            }
        }
        puts_(b, ",\"reads\":");
        put_long(b, reads);
        puts_(b, ",\"contents\":[");
        for (int k = 0; k < ncontents; k++) {
            if (k) puts_(b, ",");
            put_json_string(b, contents[k], lens[k]);
            free(contents[k]);
        }
        puts_(b, "],\"errnos\":[");
        for (int k = 0; k < nerrnos; k++) {
            if (k) puts_(b, ",");
            put_long(b, errnos[k]);
        }
        puts_(b, "]");
        return 0;
    }
    if (!strcmp(op, "write")) return write_file(path, O_WRONLY | O_CREAT | O_TRUNC, data, data_len);
    if (!strcmp(op, "append")) return write_file(path, O_WRONLY | O_CREAT | O_APPEND, data, data_len);
    if (!strcmp(op, "create_excl")) return write_file(path, O_WRONLY | O_CREAT | O_EXCL, data, data_len);
    if (!strcmp(op, "open_rw")) {
        int fd = open(path, O_RDWR);
        if (fd < 0) return errno;
        close(fd);
        return 0;
    }
    if (!strcmp(op, "truncate")) return truncate(path, (off_t)q->size) ? errno : 0;
    if (!strcmp(op, "mkdir")) return mkdir(path, 0755) ? errno : 0;
    if (!strcmp(op, "rmdir")) return rmdir(path) ? errno : 0;
    if (!strcmp(op, "unlink")) return unlink(path) ? errno : 0;
    if (!strcmp(op, "symlink")) return symlink(target, path) ? errno : 0;
    if (!strcmp(op, "link")) return link(target, path) ? errno : 0;
    if (!strcmp(op, "rename")) return rename(path, target) ? errno : 0;
    if (!strcmp(op, "readlink")) {
        char text[4096];
        ssize_t n = readlink(path, text, sizeof text);
        if (n < 0) return errno;
        puts_(b, ",\"data\":");
        put_json_string(b, text, (size_t)n);
        return 0;
    }
    if (!strcmp(op, "stat") || !strcmp(op, "lstat")) {
        struct stat st;
        int r = !strcmp(op, "stat") ? stat(path, &st) : lstat(path, &st);
        if (r) return errno;
        puts_(b, ",\"size\":");
        put_long(b, (long long)st.st_size);
        puts_(b, ",\"type\":\"");
        puts_(b, type_name(st.st_mode));
        puts_(b, "\"");
        return 0;
    }
    if (!strcmp(op, "list")) {
        DIR *d = opendir(path);
        if (!d) return errno;
        char **names = NULL;
        size_t count = 0, cap = 0;
        struct dirent *ent;
        errno = 0;
        while ((ent = readdir(d)) != NULL) {
            if (!strcmp(ent->d_name, ".") || !strcmp(ent->d_name, "..")) continue;
            if (count == cap) {
                cap = cap ? cap * 2 : 16;
                char **p = realloc(names, cap * sizeof *names);
                if (!p) { closedir(d); return ENOMEM; }
                names = p;
            }
            names[count++] = strdup(ent->d_name);
        }
        int e = errno;
        closedir(d);
        if (e) return e;
        put_entries(b, names, count);
        free(names);
        return 0;
    }
    if (!strcmp(op, "utimes")) {
        /* explicit times: this wasi-libc's utimensat(..., NULL, ...) does not mean "now" */
        struct timespec times[2] = {{.tv_sec = (time_t)q->size}, {.tv_sec = (time_t)q->size}};
        return utimensat(AT_FDCWD, path, times, 0) ? errno : 0;
    }
    if (!strcmp(op, "openat") || !strcmp(op, "openat_write")) {
        int dir = open(path, O_RDONLY | O_DIRECTORY);
        if (dir < 0) return errno;
        int e = 0;
        if (!strcmp(op, "openat")) {
            int fd = openat(dir, target, O_RDONLY);
            if (fd < 0) {
                e = errno;
            } else {
                char *content;
                size_t len;
                e = read_all(fd, &content, &len);
                close(fd);
                if (!e) {
                    puts_(b, ",\"data\":");
                    put_json_string(b, content, len);
                    free(content);
                }
            }
        } else {
            int fd = openat(dir, target, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd < 0) {
                e = errno;
            } else {
                e = write_fd(fd, data, data_len);
                close(fd);
            }
        }
        close(dir);
        return e;
    }
    if (!strcmp(op, "env")) {
        const char *v = getenv(q->name ? q->name : "");
        puts_(b, v ? ",\"present\":true,\"data\":" : ",\"present\":false,\"data\":null");
        if (v) put_json_string(b, v, strlen(v));
        return 0;
    }
    if (!strcmp(op, "environ")) {
        size_t count = 0;
        for (char **e = environ; e && *e; e++) count++;
        char **names = malloc((count ? count : 1) * sizeof *names);
        if (!names) return ENOMEM;
        for (size_t i = 0; i < count; i++) names[i] = strdup(environ[i]);
        put_entries(b, names, count);
        free(names);
        return 0;
    }
    if (!strcmp(op, "print") || !strcmp(op, "log")) {
        long long accepted = 0, refused = 0;
        long long logs = !strcmp(op, "log") ? q->repeat : q->log_repeat;
        for (long long r = 0; r < logs; r++) {
            int32_t rc = host_log(2, data, (int32_t)data_len);
            if (rc == 0) accepted++;
            else if (rc == 1) refused++;
        }
        puts_(b, ",\"accepted\":");
        put_long(b, accepted);
        puts_(b, ",\"refused\":");
        put_long(b, refused);
        if (!strcmp(op, "print")) {
            FILE *f = q->stream && !strcmp(q->stream, "stderr") ? stderr : stdout;
            for (long long r = 0; r < q->repeat; r++) {
                if (fputs(data, f) < 0) return errno;
            }
        }
        return 0;
    }
    if (!strcmp(op, "random")) {
        static const char hex[] = "0123456789abcdef";
        size_t n = q->size > 0 && q->size <= 256 ? (size_t)q->size : 16;
        unsigned char bytes[256];
        if (getentropy(bytes, n)) return errno;
        char text[512];
        for (size_t i = 0; i < n; i++) {
            text[2 * i] = hex[bytes[i] >> 4];
            text[2 * i + 1] = hex[bytes[i] & 15];
        }
        puts_(b, ",\"data\":");
        put_json_string(b, text, 2 * n);
        return 0;
    }
    if (!strcmp(op, "clock")) {
        struct timespec ts;
        if (clock_gettime(CLOCK_REALTIME, &ts)) return errno;
        puts_(b, ",\"ms\":");
        put_long(b, (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
        return 0;
    }
    if (!strcmp(op, "args")) {
        __wasi_size_t argc = 0, size = 0;
        __wasi_errno_t e = __wasi_args_sizes_get(&argc, &size);
        if (e) return e;
        puts_(b, ",\"argc\":");
        put_long(b, (long long)argc);
        return 0;
    }
    if (!strcmp(op, "sleep")) {
        struct timespec ts = {.tv_sec = (time_t)(q->size / 1000), .tv_nsec = (long)(q->size % 1000) * 1000000L};
        return nanosleep(&ts, NULL) ? errno : 0;
    }
    if (!strcmp(op, "open_many")) {
        long long opened = 0;
        int e = 0;
        for (long long r = 0; r < q->repeat; r++) {
            if (open(path, O_RDONLY) < 0) {
                e = errno;
                break;
            }
            opened++;
        }
        puts_(b, ",\"opened\":");
        put_long(b, opened);
        return e;
    }
    if (!strcmp(op, "preopens")) {
        char **names = NULL;
        size_t count = 0;
        for (__wasi_fd_t fd = 3; count < 64; fd++) {
            __wasi_prestat_t pre;
            if (__wasi_fd_prestat_get(fd, &pre) != 0) break;
            size_t len = pre.u.dir.pr_name_len;
            char *name = malloc(len + 1);
            char **p = realloc(names, (count + 1) * sizeof *names);
            if (!name || !p) return ENOMEM;
            names = p;
            if (__wasi_fd_prestat_dir_name(fd, (uint8_t *)name, len) != 0) { free(name); break; }
            name[len] = 0;
            names[count++] = name;
        }
        put_entries(b, names, count);
        free(names);
        return 0;
    }
    return -1;
}

static int32_t execute(llmtb_str input, llmtb_output *out) {
    const char *in = input.ptr;
    size_t n = input.len;
    request_t q = {0};
    q.op = get_string(in, n, "op", NULL);
    if (!q.op) {
        return llmtb_error(out, LLMTB_INVALID_INPUT, "fs-probe: input needs a string \"op\"");
    }
    q.path = get_string(in, n, "path", NULL);
    q.target = get_string(in, n, "target", NULL);
    q.data = get_string(in, n, "data", &q.data_len);
    q.name = get_string(in, n, "name", NULL);
    q.stream = get_string(in, n, "stream", NULL);
    q.repeat = get_number(in, n, "repeat", 1);
    q.size = get_number(in, n, "size", 0);
    q.log_repeat = get_number(in, n, "log_repeat", 0);

    buf_t extra = {0};
    errno = 0;
    int e = perform(&q, &extra);
    int32_t rc;
    if (e == -1) {
        rc = llmtb_error(out, LLMTB_INVALID_INPUT, "fs-probe: unknown op");
    } else {
        buf_t b = {0};
        puts_(&b, e ? "{\"ok\":false,\"errno\":" : "{\"ok\":true,\"errno\":");
        put_long(&b, e);
        put(&b, extra.p, extra.len);
        puts_(&b, "}");
        rc = b.failed ? llmtb_error(out, LLMTB_OUT_OF_MEMORY, "fs-probe: out of memory") : llmtb_write(out, b.p, b.len);
        free(b.p);
    }
    free(extra.p);
    free(q.op);
    free(q.path);
    free(q.target);
    free(q.data);
    free(q.name);
    free(q.stream);
    return rc;
}

LLMTB_PLUGIN(METADATA, init, execute)
