package io.llmtestbench.maven;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;

/** Names and sizes of a module's functions, for warnings. Never throws: what it cannot read it leaves out. */
final class WasmFunctions {
    private final WasmModule module;
    private final int importedFunctions;
    private final List<Integer> bodySizes;

    private WasmFunctions(WasmModule module, int importedFunctions, List<Integer> bodySizes) {
        this.module = module;
        this.importedFunctions = importedFunctions;
        this.bodySizes = bodySizes;
    }

    static WasmFunctions of(byte[] wasm) {
        WasmModule module = null;
        int imported = 0;
        try {
            module = Parser.builder().withValidation(false).build().parse(() -> new ByteArrayInputStream(wasm));
            imported = module.importSection().count(ExternalType.FUNCTION);
        } catch (RuntimeException e) {
            module = null;
        }
        return new WasmFunctions(module, imported, bodySizes(wasm));
    }

    /** E.g. {@code function 12 "plugin_execute" (wasm body of 140123 bytes)}. */
    String describe(int functionIndex) {
        StringBuilder s = new StringBuilder("function ").append(functionIndex);
        String name = name(functionIndex);
        if (name != null) {
            s.append(" \"").append(name).append('"');
        }
        int defined = functionIndex - importedFunctions;
        if (defined >= 0 && defined < bodySizes.size()) {
            s.append(" (wasm body of ").append(bodySizes.get(defined)).append(" bytes)");
        }
        return s.toString();
    }

    /** The function's name from the name section, else its first export name, else null. */
    String name(int functionIndex) {
        if (module == null || functionIndex < 0) {
            return null;
        }
        try {
            var names = module.nameSection();
            if (names != null) {
                String n = names.nameOfFunction(functionIndex);
                if (n != null) {
                    return n;
                }
            }
            var exports = module.exportSection();
            for (int i = 0; i < exports.exportCount(); i++) {
                var e = exports.getExport(i);
                if (e.exportType() == ExternalType.FUNCTION && e.index() == functionIndex) {
                    return e.name();
                }
            }
        } catch (RuntimeException e) {
            // leave the name out
        }
        return null;
    }

    /** Sizes in bytes of the code section's function bodies, in order; empty if the module cannot be read. */
    static List<Integer> bodySizes(byte[] wasm) {
        List<Integer> sizes = new ArrayList<>();
        try {
            int pos = 8;
            while (pos < wasm.length) {
                int id = wasm[pos] & 0xff;
                long[] size = leb(wasm, pos + 1);
                int start = (int) size[1];
                if (id == 10) {
                    long[] count = leb(wasm, start);
                    int p = (int) count[1];
                    for (long i = 0; i < count[0]; i++) {
                        long[] body = leb(wasm, p);
                        sizes.add((int) body[0]);
                        p = (int) (body[1] + body[0]);
                    }
                    return sizes;
                }
                pos = (int) (start + size[0]);
            }
        } catch (RuntimeException e) {
            sizes.clear();
        }
        return sizes;
    }

    /** {value, next position} of the unsigned LEB128 at pos. */
    private static long[] leb(byte[] b, int pos) {
        long value = 0;
        int shift = 0;
        while (true) {
            if (pos >= b.length || shift > 35) {
                throw new IllegalArgumentException("bad LEB128");
            }
            int x = b[pos++] & 0xff;
            value |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return new long[] {value, pos};
            }
            shift += 7;
        }
    }
}
