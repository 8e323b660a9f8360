package io.llmtestbench.runtime.spec;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A memory grown a page at a time keeps spare capacity past its size ({@code PluginMemory.grow}), which compiled code
 * must never reach: accesses that end past the size trap even where the array behind the memory has room, and pages
 * taken from the spare capacity read zero. Results, traps, memory and fuel agree with Chicory's interpreter and the
 * fuel oracle, metered and unmetered, over the differential test's calls on one instance (each call grows the memory
 * by eight pages, then reads and writes around its end, from the caller and from a callee that grows it again).
 */
class GrowPageByPageTest {
    private static byte[] wasm;

    /**
     * run(x, y): grows by one page eight times, writing the last byte of each new page; then loads an i32 at
     * size - 4 + (x &amp; 7) (in bounds only for x &amp; 7 = 0), and stores a byte at size - 2 + (y &amp; 3) (past the
     * size for y &amp; 3 &gt;= 2) after a callee that grows one more page and reads its first byte (zero).
     */
    private static final String WAT = """
            (module
              (memory 1 200)
              (func $grow_one (result i32)
                (local $old i32)
                i32.const 1 memory.grow local.set $old
                local.get $old i32.const 0 i32.lt_s
                if unreachable end
                ;; the new page's last byte, written; its first byte read (zero)
                local.get $old i32.const 16 i32.shl i32.const 65535 i32.add local.get $old i32.store8
                local.get $old i32.const 16 i32.shl i32.load8_u)
              (func (export "run") (param $x i32) (param $y i64) (result i64)
                (local $i i32) (local $end i32) (local $acc i32)
                block
                  loop
                    local.get $i i32.const 8 i32.ge_u br_if 1
                    call $grow_one local.get $acc i32.add local.set $acc
                    local.get $i i32.const 1 i32.add local.set $i
                    br 0
                  end
                end
                memory.size i32.const 16 i32.shl local.set $end
                local.get $end i32.const 4 i32.sub local.get $x i32.const 7 i32.and i32.add
                i32.load
                local.get $acc i32.add local.set $acc
                call $grow_one local.get $acc i32.add local.set $acc
                local.get $end i32.const 2 i32.sub local.get $y i32.wrap_i64 i32.const 3 i32.and i32.add
                local.get $x
                i32.store8 offset=0
                local.get $end i32.const 2 i32.sub local.get $y i32.wrap_i64 i32.const 3 i32.and i32.add
                i64.load16_u offset=65536
                memory.size i64.extend_i32_u i64.const 32 i64.shl i64.or
                local.get $acc i64.extend_i32_u i64.add))
            """;

    @BeforeAll
    static void assemble(@TempDir Path dir) throws Exception {
        wasm = ChunkedLoopsTest.wat2wasm(dir, "grow-page-by-page", WAT);
    }

    @Test
    void agreesWithTheInterpreterOnResultsTrapsMemoryAndFuel() throws Exception {
        DifferentialTest.checkModule(0, wasm);
    }
}
