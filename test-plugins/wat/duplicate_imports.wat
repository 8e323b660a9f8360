;; @name duplicate_imports
;; @description imports env.host_log three times
(import "env" "host_log" (func $log_a (param i32 i32 i32) (result i32)))
(import "env" "host_log" (func $log_b (param i32 i32 i32) (result i32)))
(import "env" "host_log" (func $log_c (param i32 i32 i32) (result i32)))
;; Proves: a repeated import is refused at load, naming it and how often it is imported (env.host_log, 3 times);
;; nothing of the plugin runs. Chicory's linker spends time on the square of a repeated import at every
;; instantiation: 60,000 imports of host_log, a 900 KB module, took 78 s to load before this rule.

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (drop (call $log_a (i32.const 2) (local.get $in) (local.get $in_len)))
  (drop (call $log_b (i32.const 2) (local.get $in) (local.get $in_len)))
  (drop (call $log_c (i32.const 2) (local.get $in) (local.get $in_len)))
  (call $write_output (local.get $in) (local.get $in_len) (local.get $out) (local.get $cell)))
