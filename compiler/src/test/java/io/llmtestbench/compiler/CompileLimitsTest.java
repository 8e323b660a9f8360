package io.llmtestbench.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/** Each {@link CompileLimits} limit refuses a module over it, naming the limit, the module's value and how to raise it. */
class CompileLimitsTest {

    /** {@code functions} functions of type {@code (func)}, each declaring {@code locals} i32 locals; body {@code nop}s. */
    static byte[] module(int types, int functions, long locals, int nops) {
        var out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00});
        var typeSection = new ByteArrayOutputStream();
        leb(typeSection, types);
        for (int i = 0; i < types; i++) {
            typeSection.writeBytes(new byte[] {0x60, 0x00, 0x00});
        }
        section(out, 1, typeSection.toByteArray());
        var funcs = new ByteArrayOutputStream();
        leb(funcs, functions);
        for (int i = 0; i < functions; i++) {
            funcs.write(0);
        }
        section(out, 3, funcs.toByteArray());
        var body = new ByteArrayOutputStream();
        if (locals == 0) {
            body.write(0);
        } else {
            body.write(1);
            leb(body, locals);
            body.write(0x7f);
        }
        for (int i = 0; i < nops; i++) {
            body.write(0x01);
        }
        body.write(0x0b);
        var code = new ByteArrayOutputStream();
        leb(code, functions);
        for (int i = 0; i < functions; i++) {
            leb(code, body.size());
            code.writeBytes(body.toByteArray());
        }
        section(out, 10, code.toByteArray());
        return out.toByteArray();
    }

    private static void refused(byte[] wasm, CompileLimits limits, String limit, String... details) {
        assertThatThrownBy(() -> WasmCompiler.compile(wasm, CompilerOptions.defaults().withLimits(limits)))
                .isInstanceOfSatisfying(CompilationException.class, e -> assertThat(e.kind()).isEqualTo(CompilationException.Kind.LIMIT))
                .hasMessageContaining("compile limit " + limit + ": ")
                .hasMessageContaining("CompileLimits.withM" + limit.substring(1))
                .hasMessageContaining("--compile-limit " + limit + "=")
                .hasMessageContaining(details[0]);
        // validation applies the same limits
        assertThatThrownBy(() -> WasmCompiler.validate(wasm, limits)).isInstanceOf(CompilationException.class);
    }

    private static void compiles(byte[] wasm, CompileLimits limits) throws CompilationException {
        assertThat(WasmCompiler.compile(wasm, CompilerOptions.defaults().withLimits(limits)).classes()).isNotEmpty();
    }

    @Test
    void moduleBytes() throws Exception {
        byte[] wasm = module(1, 1, 0, 100);
        refused(wasm, CompileLimits.defaults().withMaxModuleBytes(wasm.length - 1),
                "maxModuleBytes", "the module is " + wasm.length + " bytes, the limit is " + (wasm.length - 1));
        compiles(wasm, CompileLimits.defaults().withMaxModuleBytes(wasm.length));
    }

    @Test
    void functionBodyBytes() throws Exception {
        byte[] wasm = module(1, 2, 0, 100); // body: 1 (no locals) + 100 nops + end
        refused(wasm, CompileLimits.defaults().withMaxFunctionBodyBytes(101), "maxFunctionBodyBytes",
                "function 0's body is 102 bytes, the limit is 101");
        compiles(wasm, CompileLimits.defaults().withMaxFunctionBodyBytes(102));
    }

    @Test
    void localsPerFunction() throws Exception {
        byte[] wasm = module(1, 3, 6, 0);
        refused(wasm, CompileLimits.defaults().withMaxLocalsPerFunction(5), "maxLocalsPerFunction",
                "function 0 declares 6 locals, the limit is 5");
        compiles(wasm, CompileLimits.defaults().withMaxLocalsPerFunction(6));
    }

    @Test
    void totalLocals() throws Exception {
        byte[] wasm = module(1, 3, 6, 0);
        refused(wasm, CompileLimits.defaults().withMaxTotalLocals(17), "maxTotalLocals",
                "functions up to 2 declare 18 locals together, the limit is 17");
        compiles(wasm, CompileLimits.defaults().withMaxTotalLocals(18));
    }

    @Test
    void functions() throws Exception {
        byte[] wasm = module(1, 4, 0, 0);
        refused(wasm, CompileLimits.defaults().withMaxFunctions(3), "maxFunctions", "the module defines 4 functions, the limit is 3");
        compiles(wasm, CompileLimits.defaults().withMaxFunctions(4));
    }

    /** {@code imports} imported functions ({@code env.f0}, ...) and {@code functions} defined ones, all {@code (func)}. */
    static byte[] importsModule(int imports, int functions) {
        var out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00});
        section(out, 1, new byte[] {1, 0x60, 0x00, 0x00});
        var importSection = new ByteArrayOutputStream();
        leb(importSection, imports);
        for (int i = 0; i < imports; i++) {
            byte[] name = ("f" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            importSection.writeBytes(new byte[] {3, 'e', 'n', 'v'});
            leb(importSection, name.length);
            importSection.writeBytes(name);
            importSection.writeBytes(new byte[] {0x00, 0x00});
        }
        section(out, 2, importSection.toByteArray());
        var funcs = new ByteArrayOutputStream();
        leb(funcs, functions);
        for (int i = 0; i < functions; i++) {
            funcs.write(0);
        }
        section(out, 3, funcs.toByteArray());
        var code = new ByteArrayOutputStream();
        leb(code, functions);
        for (int i = 0; i < functions; i++) {
            code.writeBytes(new byte[] {2, 0, 0x0b});
        }
        section(out, 10, code.toByteArray());
        return out.toByteArray();
    }

    @Test
    void functionsCountTheImportedOnesToo() throws Exception {
        byte[] wasm = importsModule(3, 2);
        refused(wasm, CompileLimits.defaults().withMaxFunctions(4), "maxFunctions",
                "the module imports 3 functions and defines 2, the limit is 4");
        compiles(wasm, CompileLimits.defaults().withMaxFunctions(5));
        // 100,000 imports and nothing else: before imports counted, the generator made a class over the JVM's
        // constant pool and failed with ASM's ClassTooLargeException, reported as an INTERNAL error after seconds
        refused(importsModule(100_000, 0), CompileLimits.defaults(), "maxFunctions",
                "the module imports 100000 functions and defines 0, the limit is 50000");
    }

    @Test
    void globalsAndTables() throws Exception {
        // three globals, a funcref and an externref table
        byte[] wasm = java.util.HexFormat.of().parseHex("0061736d010000000407027000016f00000610037f0041000b7f0041000b7f0041000b");
        refused(wasm, CompileLimits.defaults().withMaxGlobalsAndTables(4), "maxGlobalsAndTables",
                "the module declares 3 globals and 2 tables, 5 together, the limit is 4");
        compiles(wasm, CompileLimits.defaults().withMaxGlobalsAndTables(5));
        assertThat(CompileLimits.defaults().maxGlobalsAndTables()).isEqualTo(10_000);
        // 1.2 million globals (a 6 MB module) ran a 256 MB host out of heap, 24,000 made a class over the JVM's constant
        // pool (ClassTooLargeException, reported as an INTERNAL error after seconds): refused before anything is parsed
        refused(globalsModule(1_200_000), CompileLimits.defaults(), "maxGlobalsAndTables",
                "the module declares 1200000 globals and 0 tables, 1200000 together, the limit is 10000");
        compiles(globalsModule(10_000), CompileLimits.defaults());
    }

    /** A module of {@code n} immutable i32 globals and nothing else. */
    private static byte[] globalsModule(int n) {
        var section = new java.io.ByteArrayOutputStream();
        leb(section, n);
        for (int i = 0; i < n; i++) {
            section.writeBytes(new byte[] {0x7f, 0x00, 0x41, 0x00, 0x0b});
        }
        var out = new java.io.ByteArrayOutputStream();
        out.writeBytes(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0, 6});
        leb(out, section.size());
        out.writeBytes(section.toByteArray());
        return out.toByteArray();
    }

    @Test
    void types() throws Exception {
        byte[] wasm = module(5, 1, 0, 0);
        refused(wasm, CompileLimits.defaults().withMaxTypes(4), "maxTypes", "the type section declares 5 types, the limit is 4");
        compiles(wasm, CompileLimits.defaults().withMaxTypes(5));
    }

    /** Five bytes declare four billion locals: refused by the default limits before the parser sees them. */
    @Test
    void aForgedLocalCountIsRefusedByTheDefaultsWithoutParsing() {
        byte[] wasm = module(1, 1, 0xFFFF_FFFFL, 0);
        long t0 = System.nanoTime();
        refused(wasm, CompileLimits.defaults(), "maxLocalsPerFunction", "function 0 declares 4294967295 locals");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
    }

    /** More locals than a u32 holds is malformed by the spec ("too many locals"), not a limit: the parser says so. */
    @Test
    void localsPastU32AreMalformedAsTheSpecSays() {
        var out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00});
        section(out, 1, new byte[] {0x01, 0x60, 0x00, 0x00});
        section(out, 3, new byte[] {0x01, 0x00});
        var body = new ByteArrayOutputStream();
        body.write(2);
        for (int g = 0; g < 2; g++) {
            leb(body, 0xFFFF_FFFFL);
            body.write(0x7f);
        }
        body.write(0x0b);
        var code = new ByteArrayOutputStream();
        code.write(1);
        leb(code, body.size());
        code.writeBytes(body.toByteArray());
        section(out, 10, code.toByteArray());
        assertThatThrownBy(() -> WasmCompiler.compile(out.toByteArray(), CompilerOptions.defaults()))
                .isInstanceOfSatisfying(CompilationException.class,
                        e -> assertThat(e.kind()).isEqualTo(CompilationException.Kind.MALFORMED));
    }

    /** Imported functions count in the index the message names (the module's function index space). */
    @Test
    void theMessageNamesTheFunctionInTheModulesIndexSpace() {
        // (import "m" "f" (func)) then two functions; the second declares too many locals
        var out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00});
        section(out, 1, new byte[] {0x01, 0x60, 0x00, 0x00});
        section(out, 2, new byte[] {0x01, 0x01, 'm', 0x01, 'f', 0x00, 0x00});
        section(out, 3, new byte[] {0x02, 0x00, 0x00});
        section(out, 10, new byte[] {0x02, 0x02, 0x00, 0x0b, 0x04, 0x01, 0x09, 0x7f, 0x0b});
        assertThatThrownBy(() -> WasmCompiler.compile(out.toByteArray(),
                CompilerOptions.defaults().withLimits(CompileLimits.defaults().withMaxLocalsPerFunction(8))))
                .isInstanceOfSatisfying(CompilationException.class, e -> assertThat(e.functionIndex()).isEqualTo(2))
                .hasMessageContaining("function 2 declares 9 locals");
    }

    @Test
    void limitsByNameAsTheCliTakesThem() {
        CompileLimits l = CompileLimits.defaults().with("maxModuleBytes", "32m").with("MAXLOCALSPERFUNCTION", "20k")
                .with("maxTypes", "3_000");
        assertThat(l.maxModuleBytes()).isEqualTo(32L << 20);
        assertThat(l.maxLocalsPerFunction()).isEqualTo(20L << 10);
        assertThat(l.maxTypes()).isEqualTo(3000);
        assertThat(l.asMap()).containsOnlyKeys("maxModuleBytes", "maxFunctionBodyBytes", "maxLocalsPerFunction", "maxTotalLocals",
                "maxFunctions", "maxTypes", "maxLocalsTimesControlPerFunction", "maxLocalsTimesControlTotal", "maxNestingDepth",
                "maxGlobalsAndTables");
        assertThatThrownBy(() -> l.with("maxLocals", "5")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown compile limit 'maxLocals'").hasMessageContaining("maxLocalsPerFunction");
        assertThatThrownBy(() -> l.with("maxTypes", "lots")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'lots'");
        assertThatThrownBy(() -> l.with("maxTypes", "0")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new CompilerOptions(true, null, null).limits()).isEqualTo(CompileLimits.defaults());
    }

    /** (func (param i32 i32) (local i32 i32 i32) block end block end), twice: 5 locals × 5 control instructions each. */
    private static byte[] blocksModule() {
        var out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00});
        section(out, 1, new byte[] {0x01, 0x60, 0x02, 0x7f, 0x7f, 0x00});
        section(out, 3, new byte[] {0x02, 0x00, 0x00});
        byte[] body = {0x01, 0x03, 0x7f, 0x02, 0x40, 0x0b, 0x02, 0x40, 0x0b, 0x0b};
        var code = new ByteArrayOutputStream();
        code.write(2);
        for (int i = 0; i < 2; i++) {
            code.write(body.length);
            code.writeBytes(body);
        }
        section(out, 10, code.toByteArray());
        return out.toByteArray();
    }

    @Test
    void localsTimesControlInstructionsPerFunction() throws Exception {
        byte[] wasm = blocksModule();
        refused(wasm, CompileLimits.defaults().withMaxLocalsTimesControlPerFunction(24), "maxLocalsTimesControlPerFunction",
                "function 0 has 5 locals (parameters included) and 5 control instructions, 25 local slots");
        compiles(wasm, CompileLimits.defaults().withMaxLocalsTimesControlPerFunction(25));
    }

    @Test
    void localsTimesControlInstructionsTotal() throws Exception {
        byte[] wasm = blocksModule();
        refused(wasm, CompileLimits.defaults().withMaxLocalsTimesControlTotal(49), "maxLocalsTimesControlTotal",
                "functions up to 1 have 50 local slots at control instructions together, the limit is 49");
        compiles(wasm, CompileLimits.defaults().withMaxLocalsTimesControlTotal(50));
    }

    /**
     * {@code (func (result i32) block block ... end end i32.const 1)} with {@code depth} nested constructs of
     * {@code kind} (0x02 block, 0x03 loop, 0x04 if on {@code i32.const 1}).
     */
    static byte[] nestedModule(int kind, int depth) {
        var body = new ByteArrayOutputStream();
        body.write(0x00); // no locals
        for (int i = 0; i < depth; i++) {
            if (kind == 0x04) {
                body.writeBytes(new byte[] {0x41, 0x01});
            }
            body.writeBytes(new byte[] {(byte) kind, 0x40});
        }
        for (int i = 0; i < depth; i++) {
            body.write(0x0b);
        }
        body.writeBytes(new byte[] {0x41, 0x01, 0x0b});
        var out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00});
        section(out, 1, new byte[] {0x01, 0x60, 0x00, 0x01, 0x7f});
        section(out, 3, new byte[] {0x01, 0x00});
        var code = new ByteArrayOutputStream();
        code.write(1);
        leb(code, body.size());
        code.writeBytes(body.toByteArray());
        section(out, 10, code.toByteArray());
        return out.toByteArray();
    }

    @Test
    void nestingDepth() throws Exception {
        for (int kind : new int[] {0x02, 0x03, 0x04}) {
            byte[] wasm = nestedModule(kind, 40);
            refused(wasm, CompileLimits.defaults().withMaxNestingDepth(39), "maxNestingDepth",
                    "function 0 nests block, loop and if 40 deep, the limit is 39");
            compiles(wasm, CompileLimits.defaults().withMaxNestingDepth(40));
        }
        assertThat(CompileLimits.defaults().maxNestingDepth()).isEqualTo(4096);
        refused(nestedModule(0x02, 4097), CompileLimits.defaults(), "maxNestingDepth", "4097 deep, the limit is 4096");
        // the constructor of the eight limits before this one gives it its default
        CompileLimits d = CompileLimits.defaults();
        assertThat(new CompileLimits(d.maxModuleBytes(), d.maxFunctionBodyBytes(), d.maxLocalsPerFunction(), d.maxTotalLocals(),
                d.maxFunctions(), d.maxTypes(), d.maxLocalsTimesControlPerFunction(), d.maxLocalsTimesControlTotal())).isEqualTo(d);
        assertThat(new CompileLimits(d.maxModuleBytes(), d.maxFunctionBodyBytes(), d.maxLocalsPerFunction(), d.maxTotalLocals(),
                d.maxFunctions(), d.maxTypes(), d.maxLocalsTimesControlPerFunction(), d.maxLocalsTimesControlTotal(),
                d.maxNestingDepth())).isEqualTo(d);
    }

    /**
     * A valid module nested as deeply as the default limit allows compiles from a thread with a small stack (the
     * generator's recursion grows with the nesting: 3,000 nested blocks overflowed a 512 KB stack when the caller's
     * thread compiled), and the caller keeps its interrupt status.
     */
    @Test
    void aModuleNestedToTheLimitCompilesFromAThreadWithASmallStack() throws Exception {
        byte[] wasm = nestedModule(0x02, (int) CompileLimits.DEFAULT_MAX_NESTING_DEPTH);
        Object[] outcome = new Object[2];
        Thread small = new Thread(null, () -> {
            Thread.currentThread().interrupt();
            try {
                outcome[0] = WasmCompiler.compile(wasm, CompilerOptions.defaults());
            } catch (Throwable e) {
                outcome[0] = e;
            }
            outcome[1] = Thread.currentThread().isInterrupted();
        }, "small-stack", 256 * 1024);
        small.start();
        small.join();
        assertThat(outcome[0]).isInstanceOf(CompiledModule.class);
        assertThat(((CompiledModule) outcome[0]).classes()).isNotEmpty();
        assertThat(outcome[1]).isEqualTo(true);
    }

    private static void section(ByteArrayOutputStream out, int id, byte[] content) {
        out.write(id);
        leb(out, content.length);
        out.writeBytes(content);
    }

    private static void leb(ByteArrayOutputStream out, long value) {
        do {
            int b = (int) (value & 0x7f);
            value >>>= 7;
            out.write(value != 0 ? b | 0x80 : b);
        } while (value != 0);
    }
}
