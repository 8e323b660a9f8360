/*
 * Common header of the benchmark kernels. Every kernel is one C file, compiled twice from the same
 * source: to a wasm32 module (exports "init", "run" and "memory") and to a native object linked into
 * native_bench. Compile with -DKERNEL=<name>; natively the entry points are <name>_init and <name>_run.
 *
 *   init(n)  prepares the inputs for size n (not timed);
 *   run(n)   does the work for size n and returns a 64-bit checksum. run(0) does no work (call baseline).
 *            run is repeatable: each call does the same work and returns the same checksum.
 *
 * No libc: kernels use only <stdint.h>/<stddef.h> and clang builtins, so the wasm build needs
 * nothing but -nostdlib. __builtin_memcpy/memmove/memset become memory.copy/memory.fill in wasm
 * (-mbulk-memory) and libc calls natively.
 */
#ifndef LLMTB_KERNEL_H
#define LLMTB_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#ifndef KERNEL
#error "compile with -DKERNEL=<name>"
#endif

#ifdef __wasm__
#define KEXPORT(name) __attribute__((export_name(name)))
#else
#define KEXPORT(name)
#endif

#define KCAT2(a, b) a##_##b
#define KCAT(a, b) KCAT2(a, b)
#define KERNEL_INIT KCAT(KERNEL, init)
#define KERNEL_RUN KCAT(KERNEL, run)

KEXPORT("init") void KERNEL_INIT(int32_t n);
KEXPORT("run") uint64_t KERNEL_RUN(int32_t n);

/* A small deterministic generator (64-bit LCG, Knuth's MMIX constants); returns the high 32 bits. */
static inline uint32_t k_rand(uint64_t *state) {
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(*state >> 32);
}

/* Uniform double in [-1, 1) built from 31 random bits (exact, so native and wasm agree bit for bit). */
static inline double k_rand_unit(uint64_t *state) {
    return (double)(int32_t)(k_rand(state) & 0x7fffffffu) / 1073741824.0 - 1.0;
}

static inline uint64_t k_double_bits(double d) {
    union { double d; uint64_t u; } v;
    v.d = d;
    return v.u;
}

static inline uint64_t k_mix(uint64_t h, uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h;
}

#endif
