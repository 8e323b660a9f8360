package io.llmtestbench.maven;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** WebAssembly binaries for tests, written byte by byte (no wat2wasm needed). */
final class TestWasm {
    private TestWasm() {}

    static final byte I32 = 0x7f;

    /** A complete plugin whose metadata name is {@code p<k>} (so different k, different SHA-256). */
    static byte[] plugin(int k) {
        return new Plugin().metadata(metadata("p" + k, "1.0")).build();
    }

    /**
     * A plugin with an extra exported function {@code big(i32) -> i32}, whose body repeats
     * {@code local.get 0; i32.const 1; i32.add; local.set 0} {@code repeats} times: about 4 bytes of JVM
     * bytecode each, so 2,500 would make a method over the 8,000-byte HugeMethodLimit and 17,000 one over the
     * JVM's 64 KiB method limit (the compiler splits both).
     */
    static byte[] withBigFunction(int repeats) {
        return new Plugin().metadata(metadata("big", "1.0")).bigFunction(repeats).build();
    }

    static String metadata(String name, String apiVersion) {
        return "{\"name\":\"" + name + "\",\"version\":\"1.0.0\",\"plugin_type\":\"evaluator\",\"api_version\":\"" + apiVersion + "\"}";
    }

    /** Not a WebAssembly module at all. */
    static byte[] garbage() {
        return "this is not wasm".getBytes(StandardCharsets.US_ASCII);
    }

    /** Well-formed, but function 0 returns nothing where it promises an i32: fails validation. */
    static byte[] invalid() {
        var out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00});
        section(out, 1, new byte[] {0x01, 0x60, 0x01, I32, 0x01, I32});
        section(out, 3, new byte[] {0x01, 0x00});
        section(out, 10, new byte[] {0x01, 0x02, 0x00, 0x0b});
        return out.toByteArray();
    }

    /**
     * A plugin module: its own memory (4 pages or more), a bump allocator, plugin_metadata returning a fixed JSON text
     * with the buffer protocol, plugin_execute returning {}, and whatever the test changes: imports, exports
     * left out or renamed, an exported _start, a metadata function that loops or calls an import first.
     */
    static final class Plugin {
        private String metadata = TestWasm.metadata("p", "1.0");
        private final List<String[]> imports = new ArrayList<>(); // module, name, "params:results" in 'i' letters
        private final Map<String, String> exportNames = new LinkedHashMap<>();
        private int bigRepeats = -1;
        private boolean start;
        private boolean metadataLoops;
        private int metadataCallsImport = -1;
        private boolean freeMistyped;
        private Integer metadataReturns;
        private boolean metadataTraps;

        Plugin metadata(String json) {
            this.metadata = json;
            return this;
        }

        /** Imports {@code module.name} with a signature like "iii:i" (three i32 params, an i32 result; I for i64). */
        Plugin importFunction(String module, String name, String signature) {
            imports.add(new String[] {module, name, signature});
            return this;
        }

        /** Exports the function normally exported as {@code from} under another name (null: not at all). */
        Plugin renameExport(String from, String to) {
            exportNames.put(from, to);
            return this;
        }

        Plugin bigFunction(int repeats) {
            this.bigRepeats = repeats;
            return this;
        }

        Plugin exportStart() {
            this.start = true;
            return this;
        }

        Plugin metadataLoopsForever() {
            this.metadataLoops = true;
            return this;
        }

        /** plugin_metadata first calls import number {@code index} (which must take no parameters and return i32). */
        Plugin metadataCallsImport(int index) {
            this.metadataCallsImport = index;
            return this;
        }

        /** plugin_metadata returns this code and does nothing else. */
        Plugin metadataReturns(int code) {
            this.metadataReturns = code;
            return this;
        }

        /** plugin_metadata executes unreachable. */
        Plugin metadataTraps() {
            this.metadataTraps = true;
            return this;
        }

        /** plugin_free with signature (i32) -> () instead of (i32 i32) -> (). */
        Plugin mistypedFree() {
            this.freeMistyped = true;
            return this;
        }

        byte[] build() {
            byte[] json = metadata.getBytes(StandardCharsets.UTF_8);
            int n = json.length;
            // Types: 0 alloc (i)->i, 1 free (ii)->(), 2 (ii)->i, 3 execute (iiii)->i, 4 ()->i, 5 ()->(), 6 (i)->(); then one per import.
            List<byte[]> types = new ArrayList<>(List.of(
                    type("i:i"), type("ii:"), type("ii:i"), type("iiii:i"), type(":i"), type(":"), type("i:")));
            var importSection = new ByteArrayOutputStream();
            leb(importSection, imports.size());
            for (String[] imp : imports) {
                name(importSection, imp[0]);
                name(importSection, imp[1]);
                importSection.write(0x00);
                leb(importSection, types.size());
                types.add(type(imp[2]));
            }
            int imported = imports.size();

            List<Integer> functionTypes = new ArrayList<>();
            List<byte[]> bodies = new ArrayList<>();
            Map<String, Integer> exports = new LinkedHashMap<>();
            // plugin_alloc: bump allocator on global 0, 8-byte aligned
            exports.put("plugin_alloc", imported + functionTypes.size());
            functionTypes.add(0);
            bodies.add(bytes(0x23, 0x00, 0x23, 0x00, 0x20, 0x00, 0x6a, 0x41, 0x07, 0x6a, 0x41, 0x78, 0x71, 0x24, 0x00, 0x0b));
            exports.put("plugin_free", imported + functionTypes.size());
            functionTypes.add(freeMistyped ? 6 : 1);
            bodies.add(bytes(0x0b));
            exports.put("plugin_metadata", imported + functionTypes.size());
            functionTypes.add(2);
            var meta = new ByteArrayOutputStream();
            if (metadataTraps) {
                meta.writeBytes(bytes(0x00));
            }
            if (metadataReturns != null) {
                meta.write(0x41);
                sleb(meta, metadataReturns);
                meta.write(0x0f);
            }
            if (metadataLoops) {
                meta.writeBytes(bytes(0x03, 0x40, 0x0c, 0x00, 0x0b)); // loop br 0 end
            }
            if (metadataCallsImport >= 0) {
                meta.writeBytes(bytes(0x10, metadataCallsImport, 0x1a)); // call; drop
            }
            // if (load(cell) < n) { store(cell, n); return -5 }
            meta.writeBytes(bytes(0x20, 0x01, 0x28, 0x02, 0x00, 0x41));
            sleb(meta, n);
            meta.writeBytes(bytes(0x49, 0x04, 0x40, 0x20, 0x01, 0x41));
            sleb(meta, n);
            meta.writeBytes(bytes(0x36, 0x02, 0x00, 0x41, 0x7b, 0x0f, 0x0b));
            // memory.copy(out, 1024, n); store(cell, n); 0
            meta.writeBytes(bytes(0x20, 0x00, 0x41, 0x80, 0x08, 0x41));
            sleb(meta, n);
            meta.writeBytes(bytes(0xfc, 0x0a, 0x00, 0x00, 0x20, 0x01, 0x41));
            sleb(meta, n);
            meta.writeBytes(bytes(0x36, 0x02, 0x00, 0x41, 0x00, 0x0b));
            bodies.add(meta.toByteArray());
            exports.put("plugin_init", imported + functionTypes.size());
            functionTypes.add(2);
            bodies.add(bytes(0x41, 0x00, 0x0b));
            exports.put("plugin_execute", imported + functionTypes.size());
            functionTypes.add(3);
            // store16(out, "{}"); store(cell, 2); 0
            bodies.add(bytes(0x20, 0x02, 0x41, 0xfb, 0xfa, 0x01, 0x3b, 0x01, 0x00, 0x20, 0x03, 0x41, 0x02, 0x36, 0x02, 0x00, 0x41, 0x00, 0x0b));
            exports.put("plugin_shutdown", imported + functionTypes.size());
            functionTypes.add(4);
            bodies.add(bytes(0x41, 0x00, 0x0b));
            if (start) {
                exports.put("_start", imported + functionTypes.size());
                functionTypes.add(5);
                bodies.add(bytes(0x0b));
            }
            if (bigRepeats >= 0) {
                exports.put("big", imported + functionTypes.size());
                functionTypes.add(0);
                var body = new ByteArrayOutputStream();
                for (int i = 0; i < bigRepeats; i++) {
                    body.writeBytes(bytes(0x20, 0x00, 0x41, 0x01, 0x6a, 0x21, 0x00));
                }
                body.writeBytes(bytes(0x20, 0x00, 0x0b));
                bodies.add(body.toByteArray());
            }

            var out = new ByteArrayOutputStream();
            out.writeBytes(bytes(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00));
            var typeSection = new ByteArrayOutputStream();
            leb(typeSection, types.size());
            types.forEach(typeSection::writeBytes);
            section(out, 1, typeSection.toByteArray());
            if (!imports.isEmpty()) {
                section(out, 2, importSection.toByteArray());
            }
            var funcs = new ByteArrayOutputStream();
            leb(funcs, functionTypes.size());
            functionTypes.forEach(t -> leb(funcs, t));
            section(out, 3, funcs.toByteArray());
            // The heap starts after the metadata text; room for it and two output buffers.
            int heap = (1024 + n + 15) & ~7;
            int pages = Math.max(4, (heap + 2 * (n + 65_536) + 65_535) / 65_536 + 1);
            var memorySection = new ByteArrayOutputStream();
            memorySection.writeBytes(bytes(0x01, 0x00));
            leb(memorySection, pages);
            section(out, 5, memorySection.toByteArray());
            var globalSection = new ByteArrayOutputStream();
            globalSection.writeBytes(bytes(0x01, I32, 0x01, 0x41)); // global 0: mut i32 = heap
            sleb(globalSection, heap);
            globalSection.write(0x0b);
            section(out, 6, globalSection.toByteArray());
            var exportSection = new ByteArrayOutputStream();
            Map<String, Integer> finalExports = new LinkedHashMap<>();
            finalExports.put("memory", -1);
            exports.forEach((name, index) -> {
                String exported = exportNames.containsKey(name) ? exportNames.get(name) : name;
                if (exported != null) {
                    finalExports.put(exported, index);
                }
            });
            leb(exportSection, finalExports.size());
            finalExports.forEach((name, index) -> {
                name(exportSection, name);
                if (index < 0) {
                    exportSection.write(0x02);
                    leb(exportSection, 0);
                } else {
                    exportSection.write(0x00);
                    leb(exportSection, index);
                }
            });
            section(out, 7, exportSection.toByteArray());
            var code = new ByteArrayOutputStream();
            leb(code, bodies.size());
            for (byte[] body : bodies) {
                leb(code, body.length + 1);
                code.write(0x00); // no locals
                code.writeBytes(body);
            }
            section(out, 10, code.toByteArray());
            var data = new ByteArrayOutputStream();
            data.writeBytes(bytes(0x01, 0x00, 0x41, 0x80, 0x08, 0x0b)); // one active segment at 1024
            leb(data, n);
            data.writeBytes(json);
            section(out, 11, data.toByteArray());
            return out.toByteArray();
        }
    }

    private static byte[] type(String signature) {
        String[] parts = signature.split(":", -1);
        var t = new ByteArrayOutputStream();
        t.write(0x60);
        leb(t, parts[0].length());
        parts[0].chars().forEach(c -> t.write(c == 'I' ? 0x7e : I32));
        leb(t, parts[1].length());
        parts[1].chars().forEach(c -> t.write(c == 'I' ? 0x7e : I32));
        return t.toByteArray();
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static void name(ByteArrayOutputStream out, String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        leb(out, b.length);
        out.writeBytes(b);
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

    private static void sleb(ByteArrayOutputStream out, long value) {
        while (true) {
            int b = (int) (value & 0x7f);
            value >>= 7;
            boolean done = (value == 0 && (b & 0x40) == 0) || (value == -1 && (b & 0x40) != 0);
            out.write(done ? b : b | 0x80);
            if (done) {
                return;
            }
        }
    }
}
