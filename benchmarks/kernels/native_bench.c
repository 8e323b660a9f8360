/*
 * Native driver for the benchmark kernels: the same C sources as the wasm modules, compiled with
 * clang -O2 and linked into one executable. For each kernel:n argument it calls init(n), runs warm-up
 * for --warmup-ms, then --iters measurement iterations of at least --iter-ms each, timing with
 * clock_gettime(CLOCK_MONOTONIC), and prints one JSON object per kernel (ns/op per iteration, wall and
 * process CPU time, CLOCK_PROCESS_CPUTIME_ID).
 *
 *   native_bench [--warmup-ms W] [--iter-ms T] [--iters K] [--check] kernel:n ...
 *   --check: run each kernel once and print "kernel n checksum" lines (the expected checksums).
 */
#define _POSIX_C_SOURCE 199309L
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define K(name) void name##_init(int32_t); uint64_t name##_run(int32_t);
K(matmul) K(stencil) K(sha256) K(memmove) K(mix64) K(tokenize) K(json)
#undef K

typedef struct {
    const char *name;
    void (*init)(int32_t);
    uint64_t (*run)(int32_t);
} Kernel;

static const Kernel KERNELS[] = {
#define K(name) {#name, name##_init, name##_run},
    K(matmul) K(stencil) K(sha256) K(memmove) K(mix64) K(tokenize) K(json)
#undef K
};

static volatile uint64_t sink;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t cpu_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv) {
    long warmup_ms = 500, iter_ms = 500, iters = 5;
    int check = 0, first = 1;
    if (argc < 2) {
        fprintf(stderr, "usage: %s [--warmup-ms W] [--iter-ms T] [--iters K] [--check] kernel:n ...\n", argv[0]);
        return 2;
    }
    for (int a = 1; a < argc; a++) {
        if (!strcmp(argv[a], "--warmup-ms") && a + 1 < argc) { warmup_ms = atol(argv[++a]); continue; }
        if (!strcmp(argv[a], "--iter-ms") && a + 1 < argc) { iter_ms = atol(argv[++a]); continue; }
        if (!strcmp(argv[a], "--iters") && a + 1 < argc) { iters = atol(argv[++a]); continue; }
        if (!strcmp(argv[a], "--check")) { check = 1; continue; }
    }
    if (!check) printf("[\n");
    for (int a = 1; a < argc; a++) {
        if (argv[a][0] == '-') {
            if (strcmp(argv[a], "--check")) a++;
            continue;
        }
        char name[64];
        const char *colon = strchr(argv[a], ':');
        if (!colon || colon - argv[a] >= (long)sizeof(name)) { fprintf(stderr, "bad argument %s\n", argv[a]); return 2; }
        memcpy(name, argv[a], (size_t)(colon - argv[a]));
        name[colon - argv[a]] = 0;
        int32_t n = (int32_t)atol(colon + 1);
        const Kernel *k = NULL;
        for (size_t i = 0; i < sizeof(KERNELS) / sizeof(KERNELS[0]); i++)
            if (!strcmp(KERNELS[i].name, name)) k = &KERNELS[i];
        if (!k) { fprintf(stderr, "unknown kernel %s\n", name); return 2; }
        k->init(n);
        uint64_t checksum = k->run(n);
        if (check) {
            printf("%s %d 0x%016" PRIx64 "\n", name, n, checksum);
            continue;
        }
        uint64_t end = now_ns() + (uint64_t)warmup_ms * 1000000ull;
        while (now_ns() < end) sink += k->run(n);
        double samples[1000], cpu[1000];
        if (iters > 1000) iters = 1000;
        double sum = 0;
        for (long it = 0; it < iters; it++) {
            uint64_t t0 = now_ns(), c0 = cpu_ns(), t1, ops = 0;
            uint64_t stop = t0 + (uint64_t)iter_ms * 1000000ull;
            do {
                sink += k->run(n);
                ops++;
                t1 = now_ns();
            } while (t1 < stop);
            cpu[it] = (double)(cpu_ns() - c0) / (double)ops;
            samples[it] = (double)(t1 - t0) / (double)ops;
            sum += samples[it];
        }
        double mean = sum / (double)iters, var = 0;
        for (long it = 0; it < iters; it++) var += (samples[it] - mean) * (samples[it] - mean);
        double sd = iters > 1 ? __builtin_sqrt(var / (double)(iters - 1)) : 0;
        printf("%s  {\"kernel\": \"%s\", \"n\": %d, \"checksum\": \"0x%016" PRIx64 "\", \"ns_per_op\": %.1f, \"stdev\": %.1f, \"iterations\": [",
               first ? "" : ",\n", name, n, checksum, mean, sd);
        for (long it = 0; it < iters; it++) printf("%s%.1f", it ? ", " : "", samples[it]);
        printf("], \"cpu_iterations\": [");
        for (long it = 0; it < iters; it++) printf("%s%.1f", it ? ", " : "", cpu[it]);
        printf("]}");
        first = 0;
        fflush(stdout);
    }
    if (!check) printf("\n]\n");
    return 0;
}
