package io.llmtestbench.compiler.internal;

import io.llmtestbench.compiler.CompilationException;
import io.llmtestbench.compiler.CompileLimits;
import java.util.List;

/**
 * Checks a module against {@link CompileLimits} on its raw bytes, before Chicory parses anything (the parser itself
 * allocates in proportion to what the module declares: a few bytes can declare 50,000 locals). Reads only section
 * headers, vector counts and local declarations. A module too broken to read is left to the parser, which reports it.
 */
public final class ModuleLimits {
    private static final long U32_MAX = 0xFFFF_FFFFL;

    private ModuleLimits() {}

    public static void check(byte[] wasm, CompileLimits limits) throws CompilationException {
        checkSize(wasm.length, limits);
        // the sections the parser reads before any broken one: a broken section further on does not spare them
        List<WasmBinary.Section> sections = WasmBinary.readableSections(wasm);
        try {
            WasmBinary.Section types = WasmBinary.find(sections, WasmBinary.SECTION_TYPE);
            WasmBinary.Section functions = WasmBinary.find(sections, WasmBinary.SECTION_FUNCTION);
            WasmBinary.Section code = WasmBinary.find(sections, WasmBinary.SECTION_CODE);
            for (WasmBinary.Section s : new WasmBinary.Section[] {types, functions, code}) {
                if (s != null && (WasmBinary.count(wasm, s) > U32_MAX || WasmBinary.count(wasm, s) > s.end() - s.start())) {
                    return; // a count that is no u32, or more entries than bytes: malformed, as the parser says (the spec wants that verdict)
                }
            }
            if (types != null && WasmBinary.count(wasm, types) > limits.maxTypes()) {
                throw over("maxTypes", "the type section declares " + WasmBinary.count(wasm, types) + " types", limits.maxTypes(), -1);
            }
            if (functions != null && WasmBinary.count(wasm, functions) > limits.maxFunctions()) {
                throw over("maxFunctions", "the module defines " + WasmBinary.count(wasm, functions) + " functions",
                        limits.maxFunctions(), -1);
            }
            // the function index space: each imported function costs the generated classes like a defined one (a
            // module importing 100,000 functions made a class over the JVM's constant pool), so both count
            int[] importedKinds = importCounts(wasm, sections);
            // globals and tables: each is a field of the generated class, with constants of its own (24,000 made a
            // class over the JVM's constant pool), and the parser allocates per declaration (1.2 million globals, a
            // 6 MB module, ran a 256 MB host out of heap before any limit applied)
            WasmBinary.Section tables = WasmBinary.find(sections, 4);
            WasmBinary.Section globals = WasmBinary.find(sections, 6);
            long definedTables = tables == null ? 0 : WasmBinary.count(wasm, tables);
            long definedGlobals = globals == null ? 0 : WasmBinary.count(wasm, globals);
            if ((tables != null && definedTables > tables.end() - tables.start())
                    || (globals != null && definedGlobals > globals.end() - globals.start())) {
                return; // more entries than bytes: malformed, as the parser says
            }
            long globalsAndTables = (long) importedKinds[1] + importedKinds[3] + definedTables + definedGlobals;
            if (globalsAndTables > limits.maxGlobalsAndTables()) {
                throw over("maxGlobalsAndTables", "the module declares " + (importedKinds[3] + definedGlobals) + " globals and "
                        + (importedKinds[1] + definedTables) + " tables, " + globalsAndTables + " together",
                        limits.maxGlobalsAndTables(), -1);
            }
            int imported = importedKinds[0];
            long defined = functions == null ? 0 : WasmBinary.count(wasm, functions);
            if (imported + defined > limits.maxFunctions()) {
                throw over("maxFunctions", "the module imports " + imported + " functions and defines " + defined,
                        limits.maxFunctions(), -1);
            }
            if (code == null) {
                return;
            }
            if (WasmBinary.count(wasm, code) > limits.maxFunctions()) {
                throw over("maxFunctions", "the code section holds " + WasmBinary.count(wasm, code) + " function bodies",
                        limits.maxFunctions(), -1);
            }
            int[] params = paramsPerFunction(wasm, types, functions);
            long total = 0;
            long totalWork = 0;
            List<WasmBinary.Body> bodies = WasmBinary.bodies(wasm, code);
            for (WasmBinary.Body b : bodies) {
                if (b.locals() > U32_MAX) {
                    return; // "too many locals": malformed, which the parser reports
                }
            }
            for (WasmBinary.Body b : bodies) {
                int index = imported + b.index();
                if (b.size() > limits.maxFunctionBodyBytes()) {
                    throw over("maxFunctionBodyBytes", "function " + index + "'s body is " + b.size() + " bytes",
                            limits.maxFunctionBodyBytes(), index);
                }
                if (b.locals() > limits.maxLocalsPerFunction()) {
                    throw over("maxLocalsPerFunction", "function " + index + " declares " + b.locals() + " locals",
                            limits.maxLocalsPerFunction(), index);
                }
                total += b.locals();
                if (total > limits.maxTotalLocals()) {
                    throw over("maxTotalLocals", "functions up to " + index + " declare " + total + " locals together",
                            limits.maxTotalLocals(), index);
                }
                long locals = b.locals() + (b.index() < params.length ? params[b.index()] : 0);
                long[] shape = controlShape(wasm, b);
                if (shape[2] != b.end()) {
                    // Chicory 1.7.5 takes a body whose blocks are still open at its last byte, or that goes on after
                    // its final end, and its code then breaks the generator (found by mutating test plugins)
                    throw new CompilationException(CompilationException.Kind.MALFORMED, "malformed module: function " + index
                            + (shape[2] < 0 ? ": its body ends inside a block (the function's final end is missing)"
                                    : ": its body goes on after the function's final end, at offset 0x" + Long.toHexString(shape[2])),
                            "code", index, b.start(), null);
                }
                long control = shape[0];
                if (shape[1] > limits.maxNestingDepth()) {
                    throw over("maxNestingDepth", "function " + index + " nests block, loop and if " + shape[1] + " deep",
                            limits.maxNestingDepth(), index);
                }
                long work = locals * control;
                if (work > limits.maxLocalsTimesControlPerFunction()) {
                    throw over("maxLocalsTimesControlPerFunction", "function " + index + " has " + locals
                            + " locals (parameters included) and " + control + " control instructions, " + work
                            + " local slots for the code generator to track", limits.maxLocalsTimesControlPerFunction(), index);
                }
                totalWork += work;
                if (totalWork > limits.maxLocalsTimesControlTotal()) {
                    throw over("maxLocalsTimesControlTotal", "functions up to " + index + " have " + totalWork
                            + " local slots at control instructions together", limits.maxLocalsTimesControlTotal(), index);
                }
            }
        } catch (IllegalArgumentException | IndexOutOfBoundsException malformed) {
            // the parser reports it
        }
    }

    /**
     * The body's control instructions — those that end or start a basic block (block, loop, if, else, end, br, br_if,
     * br_table, return, unreachable): where a JVM code generator records the type of every local (a stack-map frame) —
     * and how deeply it nests block, loop and if (and try, try_table; the function's own body is depth 0).
     */
    static long[] controlShape(byte[] wasm, WasmBinary.Body b) {
        long[] n = {0, 0, 0, -1}; // control instructions, deepest nesting, current nesting, where the function's end ends
        boolean walked = WasmBinary.walk(wasm, b.code(), b.end(), (op, at, imm, next) -> {
            switch (op) {
                case 0x00: case 0x05: case 0x0C: case 0x0D: case 0x0E: case 0x0F:
                    n[0]++;
                    break;
                case 0x02: case 0x03: case 0x04:
                    n[0]++;
                    n[2]++;
                    n[1] = Math.max(n[1], n[2]);
                    break;
                case 0x06: case 0x1F: // try, try_table (refused later as unsupported, but they nest)
                    n[2]++;
                    n[1] = Math.max(n[1], n[2]);
                    break;
                case 0x0B:
                case 0x18: // delegate: ends a (legacy) try
                    n[0]++;
                    n[2]--;
                    if (n[2] == -1 && n[3] < 0) {
                        n[3] = next;
                    }
                    break;
                default:
                    break;
            }
        });
        return new long[] {n[0], n[1], walked ? n[3] : b.end()};
    }

    /** The parameter count of each function the module defines (empty if the sections cannot be read). */
    private static int[] paramsPerFunction(byte[] wasm, WasmBinary.Section types, WasmBinary.Section functions) {
        if (types == null || functions == null) {
            return new int[0];
        }
        Leb128.Read typeCount = Leb128.readUnsigned(wasm, types.start());
        if (typeCount.value() > types.end() - typeCount.next()) {
            return new int[0];
        }
        int[] paramsOfType = new int[(int) typeCount.value()];
        int pos = typeCount.next();
        for (int t = 0; t < paramsOfType.length; t++) {
            if ((wasm[pos] & 0xff) != 0x60) {
                return new int[0]; // not a plain function type: the parser decides
            }
            pos++;
            for (int k = 0; k < 2; k++) { // parameters, results
                Leb128.Read n = Leb128.readUnsigned(wasm, pos);
                pos = n.next();
                if (n.value() > types.end() - pos) {
                    return new int[0];
                }
                if (k == 0) {
                    paramsOfType[t] = (int) n.value();
                }
                for (long i = 0; i < n.value(); i++) {
                    pos = WasmBinary.skipValType(wasm, pos);
                }
            }
        }
        Leb128.Read count = Leb128.readUnsigned(wasm, functions.start());
        if (count.value() > functions.end() - count.next()) {
            return new int[0];
        }
        int[] params = new int[(int) count.value()];
        pos = count.next();
        for (int i = 0; i < params.length; i++) {
            Leb128.Read type = Leb128.readUnsigned(wasm, pos);
            pos = type.next();
            params[i] = type.value() < paramsOfType.length ? paramsOfType[(int) type.value()] : 0;
        }
        return params;
    }

    /** How many functions, tables, memories, globals and tags the module imports (by kind, 0 to 4). */
    private static int[] importCounts(byte[] wasm, List<WasmBinary.Section> sections) {
        int[] kinds = new int[5];
        WasmBinary.Section imports = WasmBinary.find(sections, 2);
        if (imports == null) {
            return kinds;
        }
        Leb128.Read count = Leb128.readUnsigned(wasm, imports.start());
        int pos = count.next();
        for (long i = 0; i < count.value(); i++) {
            for (int k = 0; k < 2; k++) { // module and field names
                Leb128.Read len = Leb128.readUnsigned(wasm, pos);
                pos = len.next() + (int) len.value();
            }
            int kind = wasm[pos++] & 0xff;
            if (kind < kinds.length) {
                kinds[kind]++;
            }
            switch (kind) {
                case 0x00: // function: type index
                    pos = Leb128.readUnsigned(wasm, pos).next();
                    break;
                case 0x01: // table: reference type, limits
                    pos = skipLimits(wasm, WasmBinary.skipValType(wasm, pos));
                    break;
                case 0x02: // memory: limits
                    pos = skipLimits(wasm, pos);
                    break;
                case 0x03: // global: value type, mutability
                    pos = WasmBinary.skipValType(wasm, pos) + 1;
                    break;
                case 0x04: // tag: attribute, type index
                    pos = Leb128.readUnsigned(wasm, pos + 1).next();
                    break;
                default:
                    return kinds; // unknown: the parser reports it
            }
        }
        return kinds;
    }

    private static int skipLimits(byte[] wasm, int pos) {
        int flags = wasm[pos] & 0xff;
        int p = Leb128.readUnsigned(wasm, pos + 1).next();
        return (flags & 0x01) != 0 ? Leb128.readUnsigned(wasm, p).next() : p;
    }

    /** A module's size against {@code maxModuleBytes}: also before a file is read (a 3 GB file is not read to be refused). */
    public static void checkSize(long bytes, CompileLimits limits) throws CompilationException {
        if (bytes > limits.maxModuleBytes()) {
            throw over("maxModuleBytes", "the module is " + bytes + " bytes", limits.maxModuleBytes(), -1);
        }
    }

    private static CompilationException over(String limit, String what, long max, int function) {
        String setter = "withM" + limit.substring(1);
        return new CompilationException(CompilationException.Kind.LIMIT,
                "module over the compile limit " + limit + ": " + what + ", the limit is " + max + " (raise it with CompileLimits."
                        + setter + ", given to PluginSystem.builder().compileLimits(...) or CompilerOptions.withLimits(...), or with"
                        + " llmtb's --compile-limit " + limit + "=N)",
                null, function, -1, null);
    }
}
