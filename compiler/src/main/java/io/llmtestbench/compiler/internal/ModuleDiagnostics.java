package io.llmtestbench.compiler.internal;

import com.dylibso.chicory.wasm.Parser;
import io.llmtestbench.compiler.CompilationException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a parser or validator failure into a message that says where: which section, which function, at
 * which byte offset. Runs only on the error path, so it may re-parse the module several times.
 */
public final class ModuleDiagnostics {
    private static final String[] SECTION_NAMES = {
        "custom", "type", "import", "function", "table", "memory", "global", "export", "start", "element",
        "code", "data", "data count", "tag"
    };
    private static final int SECTION_CODE = 10;

    private ModuleDiagnostics() {}

    private record Section(int id, int headerOffset, int start, int end) {
        String name() {
            return id < SECTION_NAMES.length ? SECTION_NAMES[id] : "unknown (id " + id + ")";
        }
    }

    public static CompilationException malformed(byte[] wasm, RuntimeException cause) {
        String reason = describe(cause);
        if (wasm.length < 4 || wasm[0] != 0 || wasm[1] != 'a' || wasm[2] != 's' || wasm[3] != 'm') {
            return new CompilationException(CompilationException.Kind.MALFORMED,
                    "malformed module: not a WebAssembly binary (it does not start with the magic bytes \\0asm): " + reason, "header", -1, 0, cause);
        }
        if (wasm.length < 8 || wasm[4] != 1 || wasm[5] != 0 || wasm[6] != 0 || wasm[7] != 0) {
            return new CompilationException(CompilationException.Kind.MALFORMED,
                    "malformed module: unsupported binary version (expected 1): " + reason, "header", -1, 4, cause);
        }
        CompilationException proposal = unsupportedEncoding(wasm, cause);
        if (proposal != null) {
            return proposal;
        }
        List<Section> sections = new ArrayList<>();
        Section broken = scan(wasm, sections);
        if (broken != null) {
            return new CompilationException(CompilationException.Kind.MALFORMED,
                    "malformed module: " + broken.name() + " section at offset 0x" + Integer.toHexString(broken.headerOffset)
                            + " runs past the end of the module: " + reason,
                    broken.name(), -1, broken.headerOffset, cause);
        }
        // Parse growing prefixes of the module; the first that fails the same way names the section.
        for (int k = 0; k < sections.size(); k++) {
            byte[] prefix = java.util.Arrays.copyOf(wasm, sections.get(k).end);
            try {
                Parser.builder().withValidation(false).build().parse(() -> new java.io.ByteArrayInputStream(prefix));
            } catch (RuntimeException e) {
                if (describe(e).equals(reason)) {
                    Section s = sections.get(k);
                    return new CompilationException(CompilationException.Kind.MALFORMED,
                            "malformed module: in the " + s.name() + " section at offset 0x" + Integer.toHexString(s.headerOffset) + ": " + reason,
                            s.name(), -1, s.headerOffset, cause);
                }
            } catch (AssertionError e) {
                // the parser's own checks, under -ea: not the failure being located
            }
        }
        return new CompilationException(CompilationException.Kind.MALFORMED, "malformed module: " + reason, null, -1, -1, cause);
    }

    /**
     * Encodings of proposals this compiler does not take that Chicory 1.7.5's parser does not know either, so it calls
     * the module malformed ("illegal opcode, op value 06", "invalid memory limit: 4"): a memory with 64-bit addresses
     * (memory64) and the legacy exception-handling encoding ({@code try}, which V8 and toolchains still produce).
     * Named as the unsupported feature they are, like SIMD; null when the module has neither.
     */
    private static CompilationException unsupportedEncoding(byte[] wasm, RuntimeException cause) {
        try {
            List<WasmBinary.Section> sections = WasmBinary.readableSections(wasm);
            WasmBinary.Section memories = WasmBinary.find(sections, 5);
            if (memories != null) {
                Leb128.Read count = Leb128.readUnsigned(wasm, memories.start());
                int pos = count.next();
                for (long i = 0; i < count.value() && pos < memories.end(); i++) {
                    int flags = wasm[pos] & 0xff;
                    if ((flags & 0x04) != 0 && flags <= 0x07) {
                        return new CompilationException(CompilationException.Kind.UNSUPPORTED, "unsupported feature: memory64"
                                + " (memory " + i + " has 64-bit addresses; a plugin's memory is 32-bit, docs/plugin-abi.md §2)",
                                "memory", -1, pos, cause);
                    }
                    int p = Leb128.readUnsigned(wasm, pos + 1).next();
                    pos = (flags & 0x01) != 0 ? Leb128.readUnsigned(wasm, p).next() : p;
                }
            }
            WasmBinary.Section code = WasmBinary.find(sections, WasmBinary.SECTION_CODE);
            if (code == null) {
                return null;
            }
            int[] found = null;
            for (WasmBinary.Body b : WasmBinary.bodies(wasm, code)) {
                int[] at = {-1};
                WasmBinary.walk(wasm, b.code(), b.end(), (op, start, imm, next) -> {
                    if (op == 0x06 && at[0] < 0) {
                        at[0] = start;
                    }
                });
                if (at[0] >= 0) {
                    found = new int[] {b.index(), at[0]};
                    break;
                }
            }
            if (found == null) {
                return null;
            }
            int function = countImportedFunctions(wasm) + found[0];
            return new CompilationException(CompilationException.Kind.UNSUPPORTED, "unsupported feature: exception handling"
                    + " instruction try (the legacy exception-handling encoding) in function " + function + " at offset 0x"
                    + Integer.toHexString(found[1]) + " (this compiler does not compile SIMD, exception handling, garbage"
                    + " collection or typed function references)", "code", function, found[1], cause);
        } catch (RuntimeException unreadable) {
            return null; // the parser's own verdict stands
        }
    }

    public static CompilationException invalid(byte[] wasm, RuntimeException cause) {
        String reason = describe(cause);
        List<Section> sections = new ArrayList<>();
        if (scan(wasm, sections) == null) {
            Section code = sections.stream().filter(s -> s.id == SECTION_CODE).findFirst().orElse(null);
            if (code != null) {
                try {
                    int[] located = locateInvalidFunction(wasm, code);
                    if (located != null) {
                        int imported = countImportedFunctions(wasm);
                        int index = imported + located[0];
                        return new CompilationException(CompilationException.Kind.INVALID,
                                "invalid module: function " + index + " (code section, body at offset 0x"
                                        + Integer.toHexString(located[1]) + "): " + reason,
                                "code", index, located[1], cause);
                    }
                } catch (RuntimeException ignored) {
                    // fall through to the plain message
                }
            }
        }
        return new CompilationException(CompilationException.Kind.INVALID, "invalid module: " + reason, null, -1, -1, cause);
    }

    private static String describe(RuntimeException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** Reads the section headers; returns the section whose size runs past the end, or null. */
    private static Section scan(byte[] wasm, List<Section> out) {
        int pos = 8;
        while (pos < wasm.length) {
            int id = wasm[pos] & 0xff;
            Leb128.Read size;
            try {
                size = Leb128.readUnsigned(wasm, pos + 1);
            } catch (IllegalArgumentException e) {
                return new Section(id, pos, pos, wasm.length);
            }
            long end = size.next() + size.value();
            if (end > wasm.length) {
                return new Section(id, pos, size.next(), wasm.length);
            }
            out.add(new Section(id, pos, size.next(), (int) end));
            pos = (int) end;
        }
        return null;
    }

    /** {defined function index, body offset} of the first function that fails validation, or null. */
    private static int[] locateInvalidFunction(byte[] wasm, Section code) {
        Leb128.Read count = Leb128.readUnsigned(wasm, code.start);
        int n = (int) count.value();
        int[] bodyStart = new int[n];
        int[] bodyEnd = new int[n];
        int pos = count.next();
        for (int i = 0; i < n; i++) {
            Leb128.Read size = Leb128.readUnsigned(wasm, pos);
            bodyStart[i] = pos;
            bodyEnd[i] = size.next() + (int) size.value();
            pos = bodyEnd[i];
        }
        if (!fails(wasm, code, bodyStart, bodyEnd, n)) {
            return null; // the module is valid with only its own bodies: the problem is elsewhere
        }
        if (fails(wasm, code, bodyStart, bodyEnd, 0)) {
            return null; // still invalid with every body stubbed: not a function body problem
        }
        // Smallest m such that keeping bodies [0, m) fails: body m-1 is the first invalid one.
        int lo = 1;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (fails(wasm, code, bodyStart, bodyEnd, mid)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return new int[] {lo - 1, bodyStart[lo - 1]};
    }

    /** Whether the module still fails validation with bodies [keep, n) replaced by {@code unreachable}. */
    private static boolean fails(byte[] wasm, Section code, int[] bodyStart, int[] bodyEnd, int keep) {
        var section = new ByteArrayOutputStream();
        Leb128.writeUnsigned(section, bodyStart.length);
        for (int i = 0; i < bodyStart.length; i++) {
            if (i < keep) {
                section.write(wasm, bodyStart[i], bodyEnd[i] - bodyStart[i]);
            } else {
                section.writeBytes(new byte[] {0x03, 0x00, 0x00, 0x0b}); // no locals; unreachable; end
            }
        }
        var module = new ByteArrayOutputStream(wasm.length);
        module.write(wasm, 0, code.headerOffset);
        module.write(SECTION_CODE);
        Leb128.writeUnsigned(module, section.size());
        module.writeBytes(section.toByteArray());
        module.write(wasm, code.end, wasm.length - code.end);
        byte[] bytes = module.toByteArray();
        try {
            Parser.parse(bytes);
            return false;
        } catch (RuntimeException | AssertionError e) { // AssertionError: the parser's own checks, under -ea
            return true;
        }
    }

    private static int countImportedFunctions(byte[] wasm) {
        try {
            var module = Parser.builder().withValidation(false).includeSectionId(2).build()
                    .parse(() -> new java.io.ByteArrayInputStream(wasm));
            return module.importSection().count(com.dylibso.chicory.wasm.types.ExternalType.FUNCTION);
        } catch (RuntimeException | AssertionError e) {
            return 0;
        }
    }
}
