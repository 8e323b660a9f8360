/*
 * The evaluator plugin's plugin_execute, built for this machine (x86-64, the crate's own release profile:
 * opt-level "z", LTO), called as CallOverheadBench.guestExecuteOnly calls the wasm one: the input written once,
 * then per call the output capacity stored and plugin_execute(input, output, length cell). Prints the output once,
 * then ns per call (thread CPU) of each round.
 *
 *   native_eval LIB.so INPUT-FILE [rounds] [calls per round]
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double cpu_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s LIB.so INPUT-FILE [rounds] [calls]\n", argv[0]);
        return 2;
    }
    void *lib = dlopen(argv[1], RTLD_NOW);
    if (!lib) {
        fprintf(stderr, "%s\n", dlerror());
        return 1;
    }
    int (*init)(const uint8_t *, size_t) = (int (*)(const uint8_t *, size_t))dlsym(lib, "plugin_init");
    int (*exec)(const uint8_t *, size_t, uint8_t *, uint32_t *) =
        (int (*)(const uint8_t *, size_t, uint8_t *, uint32_t *))dlsym(lib, "plugin_execute");
    if (!init || !exec) {
        fprintf(stderr, "plugin_init or plugin_execute missing\n");
        return 1;
    }
    FILE *f = fopen(argv[2], "rb");
    if (!f) {
        perror(argv[2]);
        return 1;
    }
    static uint8_t in[1 << 16], out[1 << 16];
    size_t in_len = fread(in, 1, sizeof in, f);
    fclose(f);
    int rounds = argc > 3 ? atoi(argv[3]) : 7;
    long calls = argc > 4 ? atol(argv[4]) : 200000;
    if (init((const uint8_t *)"{}", 2) != 0) {
        fprintf(stderr, "plugin_init failed\n");
        return 1;
    }
    uint32_t len = sizeof out;
    int rc = exec(in, in_len, out, &len);
    if (rc != 0) {
        fprintf(stderr, "plugin_execute returned %d\n", rc);
        return 1;
    }
    printf("output %.*s\n", (int)len, out);
    for (int r = 0; r < rounds; r++) {
        double t0 = cpu_ns();
        for (long i = 0; i < calls; i++) {
            len = sizeof out;
            exec(in, in_len, out, &len);
        }
        printf("ns/call %.1f\n", (cpu_ns() - t0) / calls);
    }
    return 0;
}
