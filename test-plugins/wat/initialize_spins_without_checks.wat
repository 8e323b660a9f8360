;; @name initialize_spins_without_checks
;; @description _initialize (run before plugin_metadata, also by discovery) spins 2^31 rounds of xorshift
;; Proves: as a .wasm (metered) its start exhausts the instruction budget (INVALID_PLUGIN at load, a problem in
;; discovery). Compiled without metering, its deadline checks edited out and stamped metering=on in an unsigned jar
;; (UncheckedJarTest): discovery's probe gives up at the deadline plus the grace and lists it as a problem instead of
;; hanging; the spin ends by itself seconds later.

(func $initialize (export "_initialize")
  (local $n i64) (local $x i64)
  (local.set $n (i64.const 2147483648))
  (local.set $x (i64.const 88172645463325252))
  (block $done
    (loop $spin
      (br_if $done (i64.le_s (local.get $n) (i64.const 0)))
      (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 13))))
      (local.set $x (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 7))))
      (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 17))))
      (local.set $n (i64.sub (local.get $n) (i64.const 1)))
      (br $spin)))
  (i64.store (i32.const 16) (local.get $x)))

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (i32.const 0))
