package io.llmtestbench.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and unusual modules at load, as an outside suite of "hostile plugins" would write them: proposals beyond
 * the ABI's feature set, declarations that bloat the host, exports the host calls without checking them. Each is
 * the echo plugin ({@code test-plugins/wat/echo.wat}) with one change, assembled by wabt's {@code wat2wasm}; each
 * either runs correctly or is refused at load with a typed error naming what to change, and the host goes on.
 */
class HostileModulesTest {
    private static PluginSystem system;
    private static PluginId echo;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        system = TestPlugins.system(ResourceLimits.builder().maxExecutionTimeMs(10_000).maxInstructions(50_000_000)
                .maxMemoryBytes(16L << 20).build());
        echo = system.loadPlugin(TestPlugins.wasm("echo"));
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    /**
     * echo.wat named {@code name} in its metadata, with {@code replace[2i]} replaced by {@code replace[2i+1]} and
     * {@code fields} added to the module.
     */
    private static Path echoWith(String name, String fields, List<String> flags, String... replace) throws Exception {
        String wat = Files.readString(TestPlugins.dir().resolveSibling("wat").resolve("echo.wat"));
        assertThat(wat).contains("{\\\"name\\\":\\\"echo\\\"");
        wat = wat.replace("{\\\"name\\\":\\\"echo\\\"", "{\\\"name\\\":\\\"" + name + "\\\""); // not the loaded echo
        for (int i = 0; i < replace.length; i += 2) {
            assertThat(wat).contains(replace[i]);
            wat = wat.replace(replace[i], replace[i + 1]);
        }
        wat = wat.substring(0, wat.lastIndexOf(')')) + fields + "\n)\n";
        Path in = dir.resolve(name + ".wat");
        Path out = dir.resolve(name + ".wasm");
        Files.writeString(in, wat);
        List<String> command = new ArrayList<>(List.of("wat2wasm", in.toString(), "-o", out.toString()));
        command.addAll(flags);
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("this test assembles its modules with wabt's wat2wasm: install wabt", e);
        }
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("wat2wasm %s: %s", name, log).isZero();
        return out;
    }

    private static final String EXECUTE = "    (call $write_output (local.get $in) (local.get $in_len) (local.get $out) (local.get $cell)))";

    private static void refusedAtLoad(Path module, PluginLoadException.Stage stage, String... messageParts) {
        assertThatThrownBy(() -> system.loadPlugin(module))
                .isInstanceOfSatisfying(PluginLoadException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_PLUGIN);
                    assertThat(e.stage()).isEqualTo(stage);
                })
                .hasMessageStartingWith("Failed to load WASM module: " + module.getFileName() + ": ")
                .hasMessageContainingAll(messageParts)
                .hasMessageNotContaining("Exception");
        assertThat(system.executePlugin(echo, PluginInput.of("{\"ok\":true}")).data().path("ok").asBoolean()).isTrue();
    }

    @Test
    void atomicFenceRunsOnSharedAndUnsharedMemory() throws Exception {
        // the compiler emitted a call to VarHandle.fullFence, which its own allow-list refuses: every module with an
        // atomic.fence (threads proposal, which the ABI's shared memories and atomics use) was refused at load with
        // "calls java.lang.invoke.VarHandle.fullFence()V (invokestatic), which is not on the allow-list"
        String fence = "(func $fenced (result i32) (atomic.fence) (i32.atomic.store (i32.const 8) (i32.const 5))"
                + " (atomic.fence) (i32.atomic.load (i32.const 8)))";
        String check = "    (if (i32.ne (call $fenced) (i32.const 5)) (then unreachable))\n" + EXECUTE;
        for (boolean shared : new boolean[] {false, true}) {
            Path module = echoWith("atomic_fence_" + shared, fence, List.of("--enable-threads"), EXECUTE, check,
                    "(memory (export \"memory\") 2)", shared ? "(memory (export \"memory\") 2 256 shared)" : "(memory (export \"memory\") 2)");
            PluginId id = system.loadPlugin(module);
            assertThat(system.executePlugin(id, PluginInput.of("{\"fenced\":1}")).data().path("fenced").asInt()).isEqualTo(1);
            system.unloadPlugin(id);
        }
    }

    @Test
    void aSecondMemoryIsRefusedAtLoad() throws Exception {
        // with two memories the host checked plugin_alloc's pointers against (and copied buffers into) the memory
        // created last, not the exported one: "plugin_alloc(65536) returned 0x10000, outside linear memory of 65536 bytes"
        Path module = echoWith("two_memories", "(memory $second 1)", List.of("--enable-multi-memory"));
        refusedAtLoad(module, PluginLoadException.Stage.UNLINKABLE, "the module has 2 memories",
                "exactly one linear memory, exported as \"memory\"");
    }

    @Test
    void aMistypedInitializeIsRefusedBeforeTheHostCallsIt() throws Exception {
        // the host called _initialize without arguments whatever its type: "trapped: out of bounds memory access" for
        // (func (param i32)), and for a re-exported host function a Java exception's text ("host function failed:
        // java.lang.ArrayIndexOutOfBoundsException: Index 0 out of bounds for length 0")
        Path withParam = echoWith("initialize_with_param", "(func (export \"_initialize\") (param i32))", List.of());
        refusedAtLoad(withParam, PluginLoadException.Stage.UNLINKABLE,
                "export `_initialize` has signature (func (param i32)) (expected: (func))");
        Path hostLog = echoWith("initialize_is_host_log", "(export \"_initialize\" (func $log))", List.of(), "(module\n",
                "(module\n  (import \"env\" \"host_log\" (func $log (param i32 i32 i32) (result i32)))\n");
        refusedAtLoad(hostLog, PluginLoadException.Stage.UNLINKABLE,
                "export `_initialize` has signature (func (param i32 i32 i32) (result i32)) (expected: (func))");
        Path global = echoWith("initialize_is_global", "(global (export \"_initialize\") i32 (i32.const 0))", List.of());
        refusedAtLoad(global, PluginLoadException.Stage.UNLINKABLE, "export `_initialize` is a global, not a function");
    }

    @Test
    void legacyExceptionHandlingIsRefusedAsAnUnsupportedFeature() throws Exception {
        // refused before, but as a malformed module: "illegal opcode, op value 06"
        Path module = echoWith("legacy_try", "(tag $t (param i32)) (func $probe (result i32)"
                + " (try (result i32) (do (throw $t (i32.const 7))) (catch $t)))", List.of("--enable-exceptions"));
        refusedAtLoad(module, PluginLoadException.Stage.INVALID,
                "unsupported feature: exception handling instruction try (the legacy exception-handling encoding) in function");
    }

    @Test
    void aCallOfAThousandArgumentsOrResultsRuns() throws Exception {
        // one expression whose 1,000 operands stay on the stack cannot be split into methods HotSpot compiles: it was
        // refused as an INTERNAL "code generation failed: ... cannot be split into methods of at most 8000 bytes"
        String params = String.join(" ", java.util.Collections.nCopies(1000, "i64"));
        StringBuilder args = new StringBuilder();
        StringBuilder results = new StringBuilder();
        for (int i = 1; i <= 1000; i++) {
            args.append(" (i64.const ").append(i).append(')');
            results.append(" (i64.const ").append(i).append(')');
        }
        String fields = "(func $sum (param " + params + ") (result i64) (i64.add (local.get 0) (local.get 999)))"
                + " (func $many (result " + params + ")" + results + ")"
                + " (func $check (result i32) (i64.eq (call $sum" + args + ") (i64.const 1001))"
                + " call $many" + " drop".repeat(999) + " i64.const 1 i64.eq i32.and)";
        String check = "    (if (i32.eqz (call $check)) (then unreachable))\n" + EXECUTE;
        echoesTwice(echoWith("thousand_operands", fields, List.of(), EXECUTE, check), 1000);
    }

    @Test
    void aSumOfTenThousandTermsIsSplitAndRuns() throws Exception {
        // one expression of 4,000 additions or more was refused as INTERNAL "code generation failed:
        // java.lang.ArrayIndexOutOfBoundsException: Index -1 out of bounds for length 1" (ASM's frame computation): a part
        // cut from it began with an i32.add, which works on the stack's top in place, and took no parameter for it
        String sum32 = "(i32.const 1)" + " (i32.const 1) i32.add".repeat(9_999);
        String sum64 = "(i64.const 1)" + " (i64.const 1) i64.add".repeat(9_999);
        String fields = "(func $sum32 (result i32) " + sum32 + ") (func $sum64 (result i64) " + sum64 + ")"
                + " (func $check (result i32) (i32.and (i32.eq (call $sum32) (i32.const 10000))"
                + " (i64.eq (call $sum64) (i64.const 10000))))";
        String check = "    (if (i32.eqz (call $check)) (then unreachable))\n" + EXECUTE;
        echoesTwice(echoWith("ten_thousand_terms", fields, List.of(), EXECUTE, check), 10000);
    }

    /** Loads {@code module} (an echo), checks that it echoes {@code {"n": n}} twice, and unloads it. */
    private static void echoesTwice(Path module, int n) {
        PluginId id = system.loadPlugin(module);
        for (int attempt = 0; attempt < 2; attempt++) {
            assertThat(system.executePlugin(id, PluginInput.of("{\"n\":" + n + "}")).data().path("n").asInt()).isEqualTo(n);
        }
        system.unloadPlugin(id);
    }

    @Test
    void aMetadataNameIsShownCutAndOnOneLine() throws Exception {
        // the name was quoted whole and raw: 50,000 characters made a 50 KB message (16 MiB of metadata, a 16 MiB
        // one), and its newline and ANSI escape went into every log line that printed the message
        String name = "{\\\"name\\\":\\\"meta_name_long\\\"";
        Path module = echoWith("meta_name_long", "", List.of(), name,
                "{\\\"name\\\":\\\"" + "n".repeat(50_000) + "\\\\n\\\\u001b[31m\\\"");
        assertThatThrownBy(() -> system.loadPlugin(module))
                .isInstanceOfSatisfying(PluginLoadException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_PLUGIN);
                    assertThat(e.getMessage()).hasSizeLessThan(300).doesNotContain("\n", "\u001b");
                })
                .hasMessageContaining("metadata name '" + "n".repeat(80) + "…' (50006 characters) must match");
        Path control = echoWith("meta_type_control", "", List.of(), "\\\"plugin_type\\\":\\\"transform\\\"",
                "\\\"plugin_type\\\":\\\"trans\\\\nform\\\"");
        refusedAtLoad(control, PluginLoadException.Stage.UNINSTANTIABLE, "metadata plugin_type 'trans\\u000aform' must be one of");
    }

    @Test
    void globalsPastTheCompileLimitAreRefusedBeforeAnythingIsParsed() throws Exception {
        // 1.2 million globals, a 6 MB module within maxModuleBytes: the parser and code generator ran a 256 MB host out
        // of heap (an OutOfMemoryError even escaped on the watchdog's thread); 24,000 made ASM's ClassTooLargeException,
        // an INTERNAL "code generation failed" after seconds
        var section = new ByteArrayOutputStream();
        int n = 1_200_000;
        for (int v = n; ; v >>>= 7) {
            section.write(v >>> 7 != 0 ? (v & 0x7f) | 0x80 : v);
            if (v >>> 7 == 0) {
                break;
            }
        }
        for (int i = 0; i < n; i++) {
            section.writeBytes(new byte[] {0x7f, 0x00, 0x41, 0x00, 0x0b}); // (global i32 (i32.const 0))
        }
        var wasm = new ByteArrayOutputStream();
        wasm.writeBytes(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0, 6});
        for (int v = section.size(); ; v >>>= 7) {
            wasm.write(v >>> 7 != 0 ? (v & 0x7f) | 0x80 : v);
            if (v >>> 7 == 0) {
                break;
            }
        }
        wasm.writeBytes(section.toByteArray());
        Path module = dir.resolve("globals_1200000.wasm");
        Files.write(module, wasm.toByteArray());
        refusedAtLoad(module, PluginLoadException.Stage.INVALID, "compile limit maxGlobalsAndTables",
                "the module declares 1200000 globals and 0 tables");
    }
}
