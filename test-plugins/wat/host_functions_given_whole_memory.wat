;; @name host_functions_given_whole_memory
;; @description grows memory to 64 MiB, then 30 times each: host_log of all of memory at level 9 (invalid) and 2 (over the log cap), host_get_state and host_set_state with all of memory as the key, host_set_state of all of memory as a value (over the state cap)
;; @string k "k"
;; @string f1 "{\"log_invalid_level\":"
;; @string f2 ",\"log_over_cap\":"
;; @string f3 ",\"get_long_key\":"
;; @string f4 ",\"set_long_key\":"
;; @string f5 ",\"set_over_cap\":"
;; @string tail "}"
(import "env" "host_log" (func $host_log (param i32 i32 i32) (result i32)))
(import "env" "host_get_state" (func $host_get_state (param i32 i32 i32 i32) (result i32)))
(import "env" "host_set_state" (func $host_set_state (param i32 i32 i32 i32) (result i32)))
;; Proves: a host function copies only what it uses out of the guest's memory: text it logs (at most the run's log
;; cap; the first KiB at error level), a key of at most 256 bytes, a value the state cap can hold. Ranges are still
;; checked and calls charged by their lengths (1 fuel per 16 bytes). Before, each of these calls copied all 64 MiB
;; into the host's heap first (get_state twice: the bytes and a string of them), 2 GiB per call under the largest
;; memory cap. Output: the results summed, {"log_invalid_level":-60,"log_over_cap":30,"get_long_key":-30,
;; "set_long_key":-60,"set_over_cap":-120}.

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (local $i i32) (local $size i32) (local $start i32)
  (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32) (local $r4 i32)
  (drop (memory.grow (i32.sub (i32.const 1024) (memory.size))))
  (local.set $size (i32.shl (memory.size) (i32.const 16)))
  (loop $l
    (local.set $r0 (i32.add (local.get $r0) (call $host_log (i32.const 9) (i32.const 0) (local.get $size))))
    (local.set $r1 (i32.add (local.get $r1) (call $host_log (i32.const 2) (i32.const 0) (local.get $size))))
    (local.set $r2 (i32.add (local.get $r2) (call $host_get_state (i32.const 0) (local.get $size) (i32.const 0) (i32.const 0))))
    (local.set $r3 (i32.add (local.get $r3) (call $host_set_state (i32.const 0) (local.get $size) (i32.const 0) (i32.const 0))))
    (local.set $r4 (i32.add (local.get $r4) (call $host_set_state @k@ (i32.const 0) (local.get $size))))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br_if $l (i32.lt_u (local.get $i) (i32.const 30))))
  (global.set $cursor (i32.const 64))
  (local.set $start (global.get $cursor))
  (call $emit @f1@) (call $emit_i64 (i64.extend_i32_s (local.get $r0)))
  (call $emit @f2@) (call $emit_i64 (i64.extend_i32_s (local.get $r1)))
  (call $emit @f3@) (call $emit_i64 (i64.extend_i32_s (local.get $r2)))
  (call $emit @f4@) (call $emit_i64 (i64.extend_i32_s (local.get $r3)))
  (call $emit @f5@) (call $emit_i64 (i64.extend_i32_s (local.get $r4)))
  (call $emit @tail@)
  (call $write_output (local.get $start) (i32.sub (global.get $cursor) (local.get $start)) (local.get $out) (local.get $cell)))
