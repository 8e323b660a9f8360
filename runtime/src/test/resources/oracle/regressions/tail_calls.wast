;; Tail calls (return_call, return_call_indirect) compiled as tail calls (#13): chains far longer than the
;; call-depth limit return, self and mutual, direct and through a table; a chain interleaved with ordinary calls
;; (each of which starts a chain of its own) returns the right values; results of every JVM type, several
;; results and none go through the trampoline; a trap inside a tail-called function keeps its spec message;
;; non-tail recursion still exhausts the call stack, also when each level runs a tail chain.

(module
  (type $i64->i32 (func (param i64) (result i32)))
  (type $i64i64->i64 (func (param i64 i64) (result i64)))
  (table $t 8 funcref)
  (elem (table $t) (i32.const 0) func $even $odd $wrong_type $acc_a $acc_b)
  (memory 1)

  ;; mutual recursion through the table, 1,000,000 deep
  (func $even (export "even") (type $i64->i32) (param $n i64) (result i32)
    (if (result i32) (i64.eqz (local.get $n))
      (then (i32.const 44))
      (else (return_call_indirect $t (type $i64->i32) (i64.sub (local.get $n) (i64.const 1)) (i32.const 1)))))
  (func $odd (export "odd") (type $i64->i32) (param $n i64) (result i32)
    (if (result i32) (i64.eqz (local.get $n))
      (then (i32.const 99))
      (else (return_call_indirect $t (type $i64->i32) (i64.sub (local.get $n) (i64.const 1)) (i32.const 0)))))

  ;; direct and indirect tail calls alternating, with an accumulator
  (func $acc_a (type $i64i64->i64) (param $n i64) (param $acc i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (local.get $acc))
      (else (return_call $acc_b (i64.sub (local.get $n) (i64.const 1)) (i64.add (local.get $acc) (local.get $n))))))
  (func $acc_b (type $i64i64->i64) (param $n i64) (param $acc i64) (result i64)
    (return_call_indirect $t (type $i64i64->i64) (local.get $n) (i64.add (local.get $acc) (i64.const 1)) (i32.const 3)))
  (func (export "acc") (param $n i64) (result i64)
    (return_call $acc_a (local.get $n) (i64.const 0)))

  ;; a chain whose every step makes an ordinary call that runs a chain of its own
  (func $walk (export "walk") (param $n i64) (param $acc i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (local.get $acc))
      (else (return_call $step (local.get $n) (local.get $acc)))))
  (func $step (param $n i64) (param $acc i64) (result i64)
    (return_call $walk
      (i64.sub (local.get $n) (i64.const 1))
      (i64.add (local.get $acc) (call $inner (local.get $n)))))
  (func $inner (param $n i64) (result i64)
    (return_call $down (i64.add (i64.rem_u (local.get $n) (i64.const 50)) (i64.const 20)) (local.get $n)))
  (func $down (param $k i64) (param $v i64) (result i64)
    (if (result i64) (i64.eqz (local.get $k))
      (then (local.get $v))
      (else (return_call $down2 (i64.sub (local.get $k) (i64.const 1)) (local.get $v)))))
  (func $down2 (param $k i64) (param $v i64) (result i64)
    (return_call $down (local.get $k) (local.get $v)))

  ;; several results, swapped at every step
  (func $swap (export "swap") (param $k i32) (param $a i64) (param $b i64) (result i64 i64)
    (if (result i64 i64) (i32.eqz (local.get $k))
      (then (local.get $a) (local.get $b))
      (else (return_call $swap2 (i32.sub (local.get $k) (i32.const 1)) (local.get $b) (local.get $a)))))
  (func $swap2 (param $k i32) (param $a i64) (param $b i64) (result i64 i64)
    (return_call $swap (local.get $k) (local.get $a) (local.get $b)))

  ;; f32 and f64 parameters and results
  (func $halve (export "halve") (param $k i32) (param $x f64) (param $y f32) (result f64)
    (if (result f64) (i32.eqz (local.get $k))
      (then (f64.add (local.get $x) (f64.promote_f32 (local.get $y))))
      (else (return_call $halve2 (i32.sub (local.get $k) (i32.const 1)) (f64.mul (local.get $x) (f64.const 0.5)) (local.get $y)))))
  (func $halve2 (param $k i32) (param $x f64) (param $y f32) (result f64)
    (return_call $halve (local.get $k) (local.get $x) (f32.add (local.get $y) (f32.const 1))))

  ;; no result: the last function of the chain stores
  (func $mark (export "mark") (param $k i32) (param $v i32)
    (if (i32.eqz (local.get $k))
      (then (i32.store (i32.const 16) (local.get $v)))
      (else (return_call $mark2 (i32.sub (local.get $k) (i32.const 1)) (i32.add (local.get $v) (i32.const 1))))))
  (func $mark2 (param $k i32) (param $v i32)
    (return_call $mark (local.get $k) (local.get $v)))
  (func (export "marked") (result i32) (i32.load (i32.const 16)))

  ;; self tail calls with locals that must start at zero again
  (func $self (export "self") (param $n i32) (result i32) (local $seen i32)
    (local.set $seen (i32.add (local.get $seen) (i32.const 1)))
    (if (result i32) (i32.eqz (local.get $n))
      (then (local.get $seen))
      (else (i32.const 7) (return_call $self (i32.sub (local.get $n) (i32.const 1))))))

  ;; traps deep in a chain
  (func $trap_after (export "trap_after") (param $k i32) (result i32)
    (if (result i32) (i32.eqz (local.get $k))
      (then (unreachable))
      (else (return_call $trap_after2 (i32.sub (local.get $k) (i32.const 1))))))
  (func $trap_after2 (param $k i32) (result i32)
    (return_call $trap_after (local.get $k)))
  (func $div_after (export "div_after") (param $k i32) (result i32)
    (if (result i32) (i32.eqz (local.get $k))
      (then (i32.div_s (i32.const 1) (local.get $k)))
      (else (return_call $div_after2 (i32.sub (local.get $k) (i32.const 1))))))
  (func $div_after2 (param $k i32) (result i32)
    (return_call $div_after (local.get $k)))
  (func $wrong_type (param i32) (result i32) (local.get 0))
  (func $bad_indirect (export "bad_indirect") (param $k i64) (param $slot i32) (result i32)
    (if (result i32) (i64.eqz (local.get $k))
      (then (return_call_indirect $t (type $i64->i32) (i64.const 0) (local.get $slot)))
      (else (return_call $bad_indirect2 (i64.sub (local.get $k) (i64.const 1)) (local.get $slot)))))
  (func $bad_indirect2 (param $k i64) (param $slot i32) (result i32)
    (return_call $bad_indirect (local.get $k) (local.get $slot)))

  ;; ordinary recursion, each level running a tail chain: the depth limit still applies to the ordinary calls
  (func $nest (export "nest") (param $levels i32) (result i64)
    (if (result i64) (i32.eqz (local.get $levels))
      (then (i64.const 0))
      (else
        (i64.add
          (call $nest (i32.sub (local.get $levels) (i32.const 1)))
          (call $acc_a (i64.const 30) (i64.const 0))))))
  (func $forever_nested (export "forever_nested") (param $n i32) (result i32)
    (i32.add (call $forever_nested_tail (local.get $n)) (i32.const 1)))
  (func $forever_nested_tail (param $n i32) (result i32)
    (return_call $forever_nested (i32.add (local.get $n) (i32.const 1))))
)

(assert_return (invoke "even" (i64.const 0)) (i32.const 44))
(assert_return (invoke "even" (i64.const 7)) (i32.const 99))
(assert_return (invoke "even" (i64.const 1_000_000)) (i32.const 44))
(assert_return (invoke "odd" (i64.const 1_000_001)) (i32.const 44))
(assert_return (invoke "odd" (i64.const 999_999)) (i32.const 44))
(assert_return (invoke "acc" (i64.const 0)) (i64.const 0))
(assert_return (invoke "acc" (i64.const 20)) (i64.const 230))
(assert_return (invoke "acc" (i64.const 500_000)) (i64.const 125_000_750_000))
(assert_return (invoke "walk" (i64.const 1) (i64.const 0)) (i64.const 1))
(assert_return (invoke "walk" (i64.const 100) (i64.const 0)) (i64.const 5050))
(assert_return (invoke "walk" (i64.const 100_000) (i64.const 7)) (i64.const 5_000_050_007))
(assert_return (invoke "swap" (i32.const 0) (i64.const 1) (i64.const 2)) (i64.const 1) (i64.const 2))
(assert_return (invoke "swap" (i32.const 17) (i64.const 1) (i64.const 2)) (i64.const 2) (i64.const 1))
(assert_return (invoke "swap" (i32.const 100_000) (i64.const 1) (i64.const 2)) (i64.const 1) (i64.const 2))
(assert_return (invoke "halve" (i32.const 0) (f64.const 8) (f32.const 0.5)) (f64.const 8.5))
(assert_return (invoke "halve" (i32.const 20) (f64.const 0x1p20) (f32.const 0)) (f64.const 21))
(assert_return (invoke "mark" (i32.const 100_001) (i32.const 5)))
(assert_return (invoke "marked") (i32.const 100_006))
(assert_return (invoke "self" (i32.const 0)) (i32.const 1))
(assert_return (invoke "self" (i32.const 1_000_000)) (i32.const 1))
(assert_trap (invoke "trap_after" (i32.const 3)) "unreachable")
(assert_trap (invoke "trap_after" (i32.const 100_000)) "unreachable")
(assert_trap (invoke "div_after" (i32.const 100_000)) "integer divide by zero")
(assert_return (invoke "even" (i64.const 12)) (i32.const 44))
(assert_trap (invoke "bad_indirect" (i64.const 100) (i32.const 2)) "indirect call type mismatch")
(assert_trap (invoke "bad_indirect" (i64.const 100) (i32.const 6)) "uninitialized element")
(assert_trap (invoke "bad_indirect" (i64.const 100) (i32.const 8)) "undefined element")
(assert_return (invoke "bad_indirect" (i64.const 100_000) (i32.const 0)) (i32.const 44))
(assert_return (invoke "nest" (i32.const 1000)) (i64.const 495_000))
(assert_exhaustion (invoke "forever_nested" (i32.const 0)) "call stack exhausted")

;; The module DifferentialTest runs on Chicory's interpreter for exact fuel: run(i32, i64) -> i64 with a memory.
;; No declared locals in tail-called functions: Chicory 1.7.5's interpreter gives a tail-called function only its
;; parameters ("Index 2 out of bounds for length 2" at the first local.set of a local).
(module
  (type $step (func (param i32 i64) (result i64)))
  (table 2 funcref)
  (elem (i32.const 0) $ping $pong)
  (memory 1)
  (func $ping (type $step) (param $n i32) (param $acc i64) (result i64)
    (i64.store (i32.const 8) (local.get $acc))
    (if (result i64) (i32.le_s (local.get $n) (i32.const 0))
      (then (local.get $acc))
      (else (return_call $pong
        (i32.sub (local.get $n) (i32.const 1))
        (i64.xor (i64.add (local.get $acc) (i64.extend_i32_s (local.get $n)))
          (call $self_loop (i32.and (local.get $n) (i32.const 15)) (i64.const 0)))))))
  (func $pong (type $step) (param $n i32) (param $acc i64) (result i64)
    (return_call_indirect (type $step) (local.get $n) (local.get $acc) (i32.const 0)))
  (func $self_loop (param $k i32) (param $acc i64) (result i64)
    (if (result i64) (i32.eqz (local.get $k))
      (then (local.get $acc))
      (else (return_call $self_loop
        (i32.sub (local.get $k) (i32.const 1))
        (i64.add (local.get $acc) (i64.extend_i32_u (local.get $k)))))))
  (func (export "run") (param $n i32) (param $x i64) (result i64)
    (if (i32.eq (local.get $n) (i32.const 3)) (then (unreachable)))
    (return_call $ping (i32.and (local.get $n) (i32.const 255)) (local.get $x)))
)

(assert_return (invoke "run" (i32.const 0) (i64.const 5)) (i64.const 5))
(assert_trap (invoke "run" (i32.const 3) (i64.const 5)) "unreachable")

;; The trampoline's pending call is an indirect tail call of a host function: afterwards an ordinary call still
;; enters a chain as its base (the chain position is back at 0), so that chain's pending call runs too.
(module
  (import "spectest" "print_i32" (func $print (param i32)))
  (type $v (func (param i32)))
  (table 2 funcref)
  (elem (i32.const 0) $print)
  (global $g (mut i32) (i32.const 0))
  (func $hop (param $k i32)
    (if (i32.eqz (local.get $k))
      (then (return_call_indirect (type $v) (i32.const 7) (i32.const 0))))
    (return_call $hop2 (i32.sub (local.get $k) (i32.const 1))))
  (func $hop2 (param $k i32)
    (return_call $hop (local.get $k)))
  (func $count (param $k i32)
    (if (i32.eqz (local.get $k))
      (then (global.set $g (i32.add (global.get $g) (i32.const 1))) (return)))
    (return_call $count2 (i32.sub (local.get $k) (i32.const 1))))
  (func $count2 (param $k i32)
    (return_call $count (local.get $k)))
  (func (export "host_then_chain") (result i32) (local $k i32)
    (loop $next
      (call $hop (local.get $k))
      (call $count (i32.const 20))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $k) (i32.const 41))))
    (global.get $g))
)

(assert_return (invoke "host_then_chain") (i32.const 41))
