package io.llmtestbench.compiler.internal.gen;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.ValType;
import io.llmtestbench.compiler.internal.CostModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which loops the generator runs in chunks: the latch shapes clang writes are recognised with their step, compare and
 * bound, and every loop where skipping checks or replacing the latch could change what the wasm does is left alone.
 * (That chunked loops compute and charge exactly as before is runtime's ChunkedLoopsTest.)
 */
class CountedLoopsTest {
    @TempDir
    Path dir;

    @Test
    void clangsLatchesAreRecognised() throws Exception {
        // i' = i + 1 (tee) != n
        var l = only("(loop $l (local.set $x (i32.add (local.get $x) (i32.const 1)))"
                + " (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))");
        assertThat(l.step()).isEqualTo(1);
        assertThat(l.compare()).isEqualTo(OpCode.I32_NE);
        assertThat(l.boundLocal()).isEqualTo(1);
        // the 11 instructions after `loop`, and the segment the latch falls through to (here the `end`): an upper bound
        assertThat(l.maxTripCost()).isEqualTo(12);
        // i = i + 3; i < 3001 (signed), a constant bound
        l = only("(loop $l (local.set $i (i32.add (local.get $i) (i32.const 3)))"
                + " (br_if $l (i32.lt_s (local.get $i) (i32.const 3001))))");
        assertThat(l.step()).isEqualTo(3);
        assertThat(l.compare()).isEqualTo(OpCode.I32_LT_S);
        assertThat(l.boundLocal()).isEqualTo(-1);
        assertThat(l.boundConst()).isEqualTo(3001);
        // n >u i, mirrored: i <u n
        l = only("(loop $l (local.set $i (i32.add (i32.const 2) (local.get $i)))"
                + " (br_if $l (i32.gt_u (local.get $n) (local.get $i))))");
        assertThat(l.compare()).isEqualTo(OpCode.I32_LT_U);
        assertThat(l.unsigned()).isTrue();
        // br_if (local.tee j (j - 1)): down to zero
        l = only("(loop $l (br_if $l (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))");
        assertThat(l.step()).isEqualTo(-1);
        assertThat(l.compare()).isEqualTo(OpCode.I32_NE);
        assertThat(l.boundConst()).isZero();
        // i - 2 >= -8 (signed): counting down, one more trip than > allows
        l = only("(loop $l (local.set $i (i32.add (local.get $i) (i32.const -2)))"
                + " (br_if $l (i32.ge_s (local.get $i) (i32.const -8))))");
        assertThat(l.step()).isEqualTo(-2);
        assertThat(l.boundAdjust()).isEqualTo(-1);
        // an exit from the middle and an if/else: still one latch
        l = only("(block $out (loop $l (br_if $out (i32.eqz (local.get $x)))"
                + " (if (local.get $x) (then (local.set $x (i32.const 1))) (else (local.set $x (i32.const 2))))"
                + " (local.set $i (i32.add (local.get $i) (i32.const 1)))"
                + " (br_if $l (i32.le_u (local.get $i) (local.get $n)))))");
        assertThat(l.compare()).isEqualTo(OpCode.I32_LE_U);
    }

    @Test
    void anUnconditionalLatchAtTheEndIsRecognised() throws Exception {
        // clang's rotated loop whose exit test is in its middle: br_if out, the step, then br back (sha256's rounds)
        var l = only("(block $out (loop $l (local.set $x (i32.add (local.get $x) (i32.const 1)))"
                + " (br_if $out (i32.eq (local.get $i) (i32.const 252)))"
                + " (local.set $i (i32.add (local.get $i) (i32.const 4)))"
                + " (br $l)))");
        assertThat(l.always()).isTrue();
        assertThat(l.iv()).isEqualTo(0);
        assertThat(l.step()).isEqualTo(4);
        assertThat(l.up()).isTrue();
        // the stepped local is the one written as i = i + s, whichever comes first; counting down
        l = only("(block $out (loop $l (local.set $x (i32.mul (local.get $x) (i32.const 3)))"
                + " (br_if $out (i32.eqz (local.get $x)))"
                + " (local.set $n (i32.sub (local.get $n) (i32.const 2))) (br $l)))");
        assertThat(l.iv()).isEqualTo(1);
        assertThat(l.step()).isEqualTo(-2);
        assertThat(l.always()).isTrue();
        // a conditional latch is not always
        assertThat(only("(loop $l (local.set $i (i32.add (local.get $i) (i32.const 1)))"
                + " (br_if $l (i32.lt_s (local.get $i) (local.get $n))))").always()).isFalse();
    }

    @Test
    void anUnconditionalLatchElsewhereOrWithoutAStepIsLeftAlone() throws Exception {
        String step = "(local.set $i (i32.add (local.get $i) (i32.const 1)))";
        String exit = "(br_if $out (i32.eq (local.get $i) (local.get $n)))";
        // not the body's last instruction: inside an if, or with a br_if back as well
        assertThat(loops("(block $out (loop $l " + exit + " " + step + " (if (local.get $x) (then (br $l)))))"))
                .isEmpty();
        assertThat(loops("(block $out (loop $l " + exit + " (br_if $l (local.get $x)) " + step + " (br $l)))"))
                .isEmpty();
        // no local stepped by a constant, or the step where a trip may skip it
        assertThat(loops("(block $out (loop $l " + exit + " (local.set $i (i32.mul (local.get $i) (i32.const 2)))"
                + " (br $l)))")).isEmpty();
        assertThat(loops("(block $out (loop $l " + exit + " (if (local.get $x) (then " + step + ")) (br $l)))"))
                .isEmpty();
        // a call in the body
        assertThat(loops("(block $out (loop $l " + exit + " (call $f) " + step + " (br $l)))")).isEmpty();
    }

    @Test
    void onlyTheInnermostOfTwoNestedLoops() throws Exception {
        Map<Integer, CountedLoops.Loop> found = loops("(loop $outer"
                + " (loop $inner (local.set $i (i32.add (local.get $i) (i32.const 1)))"
                + "   (br_if $inner (i32.lt_s (local.get $i) (local.get $n))))"
                + " (local.set $x (i32.add (local.get $x) (i32.const 1)))"
                + " (br_if $outer (i32.lt_s (local.get $x) (i32.const 10))))");
        assertThat(found).hasSize(1);
        assertThat(found.values().iterator().next().start()).isGreaterThan(found.keySet().iterator().next() - 1);
        assertThat(found.values().iterator().next().iv()).isEqualTo(0);
    }

    @Test
    void loopsWhoseChecksOrLatchMatterAreLeftAlone() throws Exception {
        String step = "(local.set $i (i32.add (local.get $i) (i32.const 1)))";
        String latch = "(br_if $l (i32.lt_s (local.get $i) (local.get $n)))";
        // a call: the callee charges fuel the trip cost cannot bound
        assertThat(loops("(loop $l (call $f) " + step + " " + latch + ")")).isEmpty();
        // a bulk instruction charges the budget by its operand
        assertThat(loops("(loop $l (memory.fill (i32.const 0) (i32.const 0) (local.get $x)) " + step + " " + latch + ")"))
                .isEmpty();
        assertThat(loops("(loop $l (drop (memory.grow (i32.const 0))) " + step + " " + latch + ")")).isEmpty();
        // a second way back to the loop
        assertThat(loops("(loop $l (br_if $l (local.get $x)) " + step + " " + latch + ")")).isEmpty();
        assertThat(loops("(loop $l " + step + " (if (local.get $x) (then (br $l))) " + latch + ")")).isEmpty();
        // the latch inside a block
        assertThat(loops("(loop $l " + step + " (block " + latch.replace("$l", "1") + "))")).isEmpty();
        // iv written twice, or where a trip may skip it, or stepped by a local
        assertThat(loops("(loop $l " + step + " " + step + " " + latch + ")")).isEmpty();
        assertThat(loops("(loop $l (if (local.get $x) (then " + step + ")) " + latch + ")")).isEmpty();
        assertThat(loops("(loop $l (local.set $i (i32.add (local.get $i) (local.get $x))) " + latch + ")")).isEmpty();
        assertThat(loops("(loop $l (local.set $i (i32.mul (local.get $i) (i32.const 2))) " + latch + ")")).isEmpty();
        // the bound changes in the loop
        assertThat(loops("(loop $l " + step + " (local.set $n (i32.const 5)) " + latch + ")")).isEmpty();
        // the compare goes against the step: i < n counting down, i > n counting up
        assertThat(loops("(loop $l (local.set $i (i32.sub (local.get $i) (i32.const 1))) " + latch + ")")).isEmpty();
        assertThat(loops("(loop $l " + step + " (br_if $l (i32.gt_s (local.get $i) (local.get $n))))")).isEmpty();
        // equality, or a bound from a global (not known to hold still)
        assertThat(loops("(loop $l " + step + " (br_if $l (i32.eq (local.get $i) (local.get $n))))")).isEmpty();
        assertThat(loops("(loop $l " + step + " (br_if $l (i32.lt_s (local.get $i) (global.get $g))))")).isEmpty();
        // a loop with a result
        assertThat(loops("(drop (loop $l (result i32) " + step + " (br_if $l (i32.lt_s (local.get $i) (local.get $n)))"
                + " (local.get $i)))")).isEmpty();
        // a 64-bit counter
        assertThat(loops("(loop $l (local.set $w (i64.add (local.get $w) (i64.const 1)))"
                + " (br_if $l (i64.lt_s (local.get $w) (i64.const 9))))")).isEmpty();
    }

    @Test
    void aTripCostingMoreThanTheLimitIsNotChunked() throws Exception {
        StringBuilder body = new StringBuilder("(loop $l");
        for (int k = 0; k < CountedLoops.MAX_TRIP_COST / 4; k++) {
            body.append(" (local.set $x (i32.add (local.get $x) (i32.const 1)))");
        }
        body.append(" (local.set $i (i32.add (local.get $i) (i32.const 1)))"
                + " (br_if $l (i32.lt_s (local.get $i) (local.get $n))))");
        assertThat(loops(body.toString())).isEmpty();
        assertThat(CountedLoops.find(code(body.toString()), LOCALS, null)).as("unmetered: no trip cost").hasSize(1);
    }

    private static final ValType[] LOCALS = {ValType.I32, ValType.I32, ValType.I32, ValType.I64};

    private CountedLoops.Loop only(String body) throws Exception {
        Map<Integer, CountedLoops.Loop> found = loops(body);
        assertThat(found).as(body).hasSize(1);
        return found.values().iterator().next();
    }

    private Map<Integer, CountedLoops.Loop> loops(String body) throws Exception {
        var code = code(body);
        return CountedLoops.find(code, LOCALS, CostModel.plan(code).charge());
    }

    /** The body of {@code (func $t (param $i i32) (param $n i32) (local $x i32) (local $w i64) ...)}. */
    private List<com.dylibso.chicory.wasm.types.AnnotatedInstruction> code(String body) throws Exception {
        String wat = "(module (memory 1) (global $g (mut i32) (i32.const 0)) (func $f)"
                + " (func $t (param $i i32) (param $n i32) (local $x i32) (local $w i64) " + body + "))";
        Path in = dir.resolve("t.wat");
        Path out = dir.resolve("t.wasm");
        Files.writeString(in, wat);
        Process p;
        try {
            p = new ProcessBuilder("wat2wasm", in.toString(), "-o", out.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            throw new AssertionError("this test assembles its modules with wabt's wat2wasm: install wabt", e);
        }
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("wat2wasm: %s\n%s", log, wat).isZero();
        var module = Parser.parse(Files.readAllBytes(out));
        return new ArrayList<>(module.codeSection().getFunctionBody(1).instructions());
    }
}
