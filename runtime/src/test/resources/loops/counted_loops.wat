;; Loops the generator runs in chunks (compiler/.../gen/CountedLoops.java), one of each latch shape clang writes and
;; of each edge the chunk limit must respect: bounds that are locals and constants, steps up and down, small and
;; huge, signed and unsigned compares, a variable that wraps past the int range, an unsigned compare across zero,
;; exits from the middle, variable trip costs, a nested loop, unconditional latches (12, 13), and a store that traps in
;; the middle of a chunk.
;; ChunkedLoopsTest runs it against Chicory's interpreter (results, memory, exact fuel) and against the same module
;; with every latch made unrecognisable (the lines marked ;;@ read the global $g instead, which holds the same value:
;; the same instructions, the same fuel; in 12 and 13 the marked operands are the steps): same results and the same
;; fuel at every budget, exhausted or not.
(module
  (memory (export "memory") 1)
  (global $g (mut i32) (i32.const 0))
  (func (export "run") (param $a i32) (param $b i64) (result i64)
    (local $i i32) (local $n i32) (local $j i32) (local $p i32) (local $acc i64)

    ;; 1. up by 1, i != n, a local bound 5,000 trips away (wraps past 2^31-1 when a is near it)
    (local.set $i (local.get $a))
    (local.set $n (i32.add (local.get $a) (i32.const 5000)))
    (global.set $g (local.get $n))
    (loop $l1
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_s (local.get $i))))
      local.get $i
      i32.const 1
      i32.add
      local.tee $i
      local.get $n ;;@
      i32.ne
      br_if $l1)

    ;; 2. up by 3, i < 3001 signed, a constant bound
    (local.set $i (i32.and (local.get $a) (i32.const 7)))
    (global.set $g (i32.const 3001))
    (loop $l2
      (local.set $acc (i64.xor (i64.rotl (local.get $acc) (i64.const 5)) (i64.extend_i32_u (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 3)))
      local.get $i
      i32.const 3001 ;;@
      i32.lt_s
      br_if $l2)

    ;; 3. up by 2, i <u n, from a (a negative a is a huge unsigned start)
    (local.set $i (local.get $a))
    (local.set $n (i32.add (i32.const 6000) (i32.and (local.get $a) (i32.const 15))))
    (global.set $g (local.get $n))
    (loop $l3
      (local.set $acc (i64.add (local.get $acc) (i64.const 3)))
      (local.set $i (i32.add (i32.const 2) (local.get $i)))
      local.get $n ;;@
      local.get $i
      i32.gt_u
      br_if $l3)

    ;; 4. count down to zero, clang's br_if (local.tee j (j - 1)), the step read from a constant
    (local.set $j (i32.add (i32.const 4000) (i32.and (local.get $a) (i32.const 255))))
    (global.set $g (i32.const -1))
    (loop $l4
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $j))))
      local.get $j
      i32.const -1 ;;@
      i32.add
      local.tee $j
      br_if $l4)

    ;; 5. down by 2 (i - 2), i > -3000 signed, with an if/else in the body (trips of two costs)
    (local.set $i (i32.and (local.get $a) (i32.const 1023)))
    (global.set $g (i32.const -3000))
    (loop $l5
      (if (i32.and (local.get $i) (i32.const 4))
        (then (local.set $acc (i64.add (local.get $acc) (i64.const 1))))
        (else (local.set $acc (i64.mul (local.get $acc) (i64.const 3)))
              (local.set $acc (i64.sub (local.get $acc) (i64.const 1)))))
      (local.set $i (i32.sub (local.get $i) (i32.const 2)))
      i32.const -3000 ;;@
      local.get $i
      i32.lt_s
      br_if $l5)

    ;; 6. down by 1, i >=u (a & 3), leaving from the middle at i = -5: with a bound of 0 it crosses zero
    (local.set $i (i32.const 3000))
    (local.set $n (i32.and (local.get $a) (i32.const 3)))
    (global.set $g (local.get $n))
    (block $out6
      (loop $l6
        (br_if $out6 (i32.eq (local.get $i) (i32.const -5)))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_s (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const -1)))
        local.get $i
        local.get $n ;;@
        i32.ge_u
        br_if $l6))

    ;; 7. up by 1, i <= 2^31-1 signed (always true): wraps past the int range, leaves after 3,500 trips
    (local.set $i (i32.add (i32.const 2147480647) (i32.and (local.get $a) (i32.const 7))))
    (local.set $j (i32.const 0))
    (global.set $g (i32.const 2147483647))
    (block $out7
      (loop $l7
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $out7 (i32.gt_s (local.get $j) (i32.const 3500)))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_s (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        local.get $i
        i32.const 2147483647 ;;@
        i32.le_s
        br_if $l7))

    ;; 8. a huge step: i += 2^28 until it is 0 again (16 trips, through the sign change)
    (local.set $i (i32.const 0))
    (global.set $g (i32.const 0))
    (loop $l8
      (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const 7)) (i64.extend_i32_u (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 268435456)))
      local.get $i
      i32.const 0 ;;@
      i32.ne
      br_if $l8)

    ;; 9. nested: the outer loop has a loop in it (not chunked), the inner one is, with a bound the outer one moves
    (local.set $j (i32.const 0))
    (loop $outer
      (local.set $i (i32.const 0))
      (local.set $n (i32.add (i32.const 200) (i32.mul (local.get $j) (i32.const 37))))
      (global.set $g (local.get $n))
      (loop $inner
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.mul (local.get $i) (local.get $j)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        local.get $i
        local.get $n ;;@
        i32.lt_u
        br_if $inner)
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br_if $outer (i32.lt_u (local.get $j) (i32.const 12))))

    ;; 10. the RandomModules shape: j = j - 1 with tee, br_if j
    (local.set $j (i32.const 2500))
    (global.set $g (i32.const 1))
    (loop $l10
      (local.set $acc (i64.sub (local.get $acc) (i64.extend_i32_u (local.get $j))))
      local.get $j
      i32.const 1 ;;@
      i32.sub
      local.tee $j
      br_if $l10)

    ;; 12. an unconditional latch (br, as clang rotates a loop whose exit test is in its middle), up by 4 from 0,
    ;; leaving from the middle at i = n (630 to 637 trips); the step is the marked constant
    (local.set $i (i32.const 0))
    (local.set $n (i32.add (i32.const 2520) (i32.shl (i32.and (local.get $a) (i32.const 7)) (i32.const 2))))
    (global.set $g (i32.const 4))
    (block $out12
      (loop $l12
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $i))))
        (br_if $out12 (i32.eq (local.get $i) (local.get $n)))
        (local.set $acc (i64.mul (local.get $acc) (i64.const 3)))
        local.get $i
        i32.const 4 ;;@
        i32.add
        local.set $i
        br $l12))

    ;; 13. an unconditional latch counting down by 1 from just above the int range's start, so that i wraps to its
    ;; end, leaving from the middle after 3,000 trips; j also steps (by 1): both steps are marked
    (local.set $i (i32.add (i32.const -2147482648) (i32.and (local.get $a) (i32.const 7))))
    (local.set $j (i32.const 0))
    (global.set $g (i32.const 1))
    (block $out13
      (loop $l13
        local.get $j
        i32.const 1 ;;@
        i32.add
        local.set $j
        (br_if $out13 (i32.gt_s (local.get $j) (i32.const 3000)))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_s (local.get $i))))
        local.get $i
        i32.const 1 ;;@
        i32.sub
        local.set $i
        br $l13))

    ;; 11. last: stores of 4 bytes at p + a for p = 0, 4, ..., 7996: traps in the middle of a chunk when
    ;; a + 8000 runs past the memory (a = 65000), or at once (a negative: a huge unsigned address)
    (local.set $p (i32.const 0))
    (global.set $g (i32.const 8000))
    (loop $l11
      (i32.store (i32.add (local.get $p) (local.get $a)) (i32.wrap_i64 (local.get $acc)))
      (local.set $acc (i64.add (local.get $acc) (local.get $b)))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      local.get $p
      i32.const 8000 ;;@
      i32.ne
      br_if $l11)
    (local.get $acc)))
