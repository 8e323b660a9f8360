/*
 * A small bytecode interpreter: a stack machine with locals, a data array, calls and returns, run by
 * a loop around a switch on the opcode (a jump table: br_table in wasm). The bytecode, assembled in
 * init, runs a sieve of Eratosthenes up to n, sums the primes, and computes Collatz chain lengths with a
 * called function, as a scripting plugin would.
 */
#include "kernel.h"

#define CODE 512
#define STACK 256
#define FRAMES 64
#define DATA (1 << 18)

enum {
    OP_HALT, OP_PUSH, OP_POP, OP_DUP, OP_SWAP, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_DIVU, OP_REMU,
    OP_AND, OP_SHR, OP_LT, OP_EQ, OP_JMP, OP_JZ, OP_JNZ, OP_GETD, OP_SETD, OP_CALL, OP_RET, OP_INC, OP_OUT
};

static int32_t code[CODE];
static int32_t ncode;
static int32_t data[DATA];
static int32_t collatz_fn;

/* a tiny assembler */
static int32_t emit(int32_t op) { code[ncode] = op; return ncode++; }
static void emit2(int32_t op, int32_t arg) { emit(op); emit(arg); }
static int32_t here(void) { return ncode; }
static void patch(int32_t at, int32_t target) { code[at + 1] = target; }
static int32_t jump(int32_t op) { int32_t at = ncode; emit2(op, -1); return at; }

/* locals: 0 = n, 1 = i, 2 = j, 3 = sum, 4 = count, 5 = best */
static void assemble(void) {
    ncode = 0;
    /* for i in 2..n: data[i] = 1 */
    emit2(OP_PUSH, 2); emit2(OP_STORE, 1);
    int32_t l1 = here();
    emit2(OP_LOAD, 1); emit2(OP_LOAD, 0); emit(OP_LT); int32_t j1 = jump(OP_JZ);
    emit2(OP_PUSH, 1); emit2(OP_LOAD, 1); emit(OP_SETD);
    emit2(OP_INC, 1); emit2(OP_JMP, l1);
    patch(j1, here());
    /* for i = 2; i*i < n; i++: if data[i]: for j = i*i; j < n; j += i: data[j] = 0 */
    emit2(OP_PUSH, 2); emit2(OP_STORE, 1);
    int32_t l2 = here();
    emit2(OP_LOAD, 1); emit(OP_DUP); emit(OP_MUL); emit2(OP_LOAD, 0); emit(OP_LT); int32_t j2 = jump(OP_JZ);
    emit2(OP_LOAD, 1); emit(OP_GETD); int32_t j3 = jump(OP_JZ);
    emit2(OP_LOAD, 1); emit(OP_DUP); emit(OP_MUL); emit2(OP_STORE, 2);
    int32_t l3 = here();
    emit2(OP_LOAD, 2); emit2(OP_LOAD, 0); emit(OP_LT); int32_t j4 = jump(OP_JZ);
    emit2(OP_PUSH, 0); emit2(OP_LOAD, 2); emit(OP_SETD);
    emit2(OP_LOAD, 2); emit2(OP_LOAD, 1); emit(OP_ADD); emit2(OP_STORE, 2); emit2(OP_JMP, l3);
    patch(j4, here());
    patch(j3, here());
    emit2(OP_INC, 1); emit2(OP_JMP, l2);
    patch(j2, here());
    /* sum and count the primes; for every 64th prime p, best = max(best, collatz(p)) */
    emit2(OP_PUSH, 0); emit2(OP_STORE, 3); emit2(OP_PUSH, 0); emit2(OP_STORE, 4); emit2(OP_PUSH, 0); emit2(OP_STORE, 5);
    emit2(OP_PUSH, 2); emit2(OP_STORE, 1);
    int32_t l4 = here();
    emit2(OP_LOAD, 1); emit2(OP_LOAD, 0); emit(OP_LT); int32_t j5 = jump(OP_JZ);
    emit2(OP_LOAD, 1); emit(OP_GETD); int32_t j6 = jump(OP_JZ);
    emit2(OP_LOAD, 3); emit2(OP_LOAD, 1); emit(OP_ADD); emit2(OP_STORE, 3);
    emit2(OP_INC, 4);
    emit2(OP_LOAD, 4); emit2(OP_PUSH, 63); emit(OP_AND); int32_t j7 = jump(OP_JNZ);
    emit2(OP_LOAD, 1); int32_t call = jump(OP_CALL);
    emit(OP_DUP); emit2(OP_LOAD, 5); emit(OP_LT); int32_t j8 = jump(OP_JNZ);
    emit2(OP_STORE, 5); int32_t j9 = jump(OP_JMP);
    patch(j8, here());
    emit(OP_POP);
    patch(j9, here());
    patch(j7, here());
    patch(j6, here());
    emit2(OP_INC, 1); emit2(OP_JMP, l4);
    patch(j5, here());
    emit2(OP_LOAD, 3); emit(OP_OUT); emit2(OP_LOAD, 4); emit(OP_OUT); emit2(OP_LOAD, 5); emit(OP_OUT);
    emit(OP_HALT);
    /* collatz(x): steps until x == 1 (locals of the callee: 0 = x, 1 = steps) */
    collatz_fn = here();
    patch(call, collatz_fn);
    emit2(OP_PUSH, 0); emit2(OP_STORE, 1);
    int32_t c1 = here();
    emit2(OP_LOAD, 0); emit2(OP_PUSH, 1); emit(OP_EQ); int32_t c2 = jump(OP_JNZ);
    emit2(OP_LOAD, 0); emit2(OP_PUSH, 1); emit(OP_AND); int32_t c3 = jump(OP_JZ);
    emit2(OP_LOAD, 0); emit2(OP_PUSH, 3); emit(OP_MUL); emit2(OP_PUSH, 1); emit(OP_ADD); emit2(OP_STORE, 0);
    int32_t c4 = jump(OP_JMP);
    patch(c3, here());
    emit2(OP_LOAD, 0); emit2(OP_PUSH, 1); emit(OP_SHR); emit2(OP_STORE, 0);
    patch(c4, here());
    emit2(OP_INC, 1); emit2(OP_JMP, c1);
    patch(c2, here());
    emit2(OP_LOAD, 1); emit(OP_RET);
}

typedef struct {
    int32_t ret;
    int32_t base;
} Frame;

static uint64_t execute(int32_t n) {
    int32_t stack[STACK], locals[FRAMES * 8];
    Frame frames[FRAMES];
    int32_t sp = 0, fp = 0, lb = 0, pc = 0;
    uint64_t out = 0;
    for (int k = 0; k < 8; k++) locals[k] = 0;
    locals[0] = n;
    for (;;) {
        int32_t op = code[pc++];
        switch (op) {
        case OP_HALT: return out;
        case OP_PUSH: stack[sp++] = code[pc++]; break;
        case OP_POP: sp--; break;
        case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case OP_SWAP: { int32_t t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
        case OP_LOAD: stack[sp++] = locals[lb + code[pc++]]; break;
        case OP_STORE: locals[lb + code[pc++]] = stack[--sp]; break;
        case OP_ADD: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] + (uint32_t)stack[sp]); break;
        case OP_SUB: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] - (uint32_t)stack[sp]); break;
        case OP_MUL: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] * (uint32_t)stack[sp]); break;
        case OP_DIVU: sp--; stack[sp - 1] = stack[sp] ? (int32_t)((uint32_t)stack[sp - 1] / (uint32_t)stack[sp]) : 0; break;
        case OP_REMU: sp--; stack[sp - 1] = stack[sp] ? (int32_t)((uint32_t)stack[sp - 1] % (uint32_t)stack[sp]) : 0; break;
        case OP_AND: sp--; stack[sp - 1] &= stack[sp]; break;
        case OP_SHR: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] >> (stack[sp] & 31)); break;
        case OP_LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case OP_EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
        case OP_JMP: pc = code[pc]; break;
        case OP_JZ: pc = stack[--sp] == 0 ? code[pc] : pc + 1; break;
        case OP_JNZ: pc = stack[--sp] != 0 ? code[pc] : pc + 1; break;
        case OP_GETD: stack[sp - 1] = data[(uint32_t)stack[sp - 1] & (DATA - 1)]; break;
        case OP_SETD: sp -= 2; data[(uint32_t)stack[sp + 1] & (DATA - 1)] = stack[sp]; break;
        case OP_CALL: {
            if (fp + 1 >= FRAMES) return 0xbad;
            frames[fp].ret = pc + 1;
            frames[fp].base = lb;
            fp++;
            lb += 8;
            locals[lb] = stack[--sp];
            pc = code[pc];
            break;
        }
        case OP_RET:
            fp--;
            lb = frames[fp].base;
            pc = frames[fp].ret;
            break;
        case OP_INC: locals[lb + code[pc++]]++; break;
        case OP_OUT: out = k_mix(out, (uint32_t)stack[--sp]); break;
        default: return 0xbad0000000000000ULL | (uint64_t)pc;
        }
    }
}

void KERNEL_INIT(int32_t n) {
    (void)n;
    assemble();
}

uint64_t KERNEL_RUN(int32_t n) {
    if (n <= 0) return 0;
    if (n > DATA) n = DATA;
    return execute(n);
}
