;; @name spins_without_checks
;; @description plugin_init and plugin_execute spin (length - 2) x 2^24 rounds of xorshift over their config or input ("{}": none); execute then returns -1 with the message "spun"
;; @string message "spun"
;; @omit plugin_init
;; Proves: compiled WITHOUT metering and stamped as metered in an unsigned jar (UncheckedJarTest), it stands for a
;; pre-compiled jar edited to skip its limit checks, which the deadline cannot stop: the caller of an execution is
;; released at the deadline plus the grace with TIMEOUT (never run on its own thread), a load with
;; INVALID_PLUGIN; the run holds one thread and ends by itself seconds later (a 100-byte input: ~1.6 * 10^9 rounds).

(func $spin (param $len i32)
  (local $n i64) (local $x i64)
  (local.set $n (i64.shl (i64.extend_i32_u (local.get $len)) (i64.const 24)))
  (local.set $n (i64.sub (local.get $n) (i64.const 33554432))) ;; 2 x 2^24: "{}" spins no round
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

(func $plugin_init (export "plugin_init") (param $config i32) (param $config_len i32) (result i32)
  (call $spin (local.get $config_len))
  (global.set $initialized (i32.const 1))
  (i32.const 0))

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (call $spin (local.get $in_len))
  (call $write_error (i32.const -1) @message@ (local.get $out) (local.get $cell)))
