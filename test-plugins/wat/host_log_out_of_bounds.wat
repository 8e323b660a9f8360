;; @name host_log_out_of_bounds
;; @description plugin_execute calls host_log with a pointer 16 bytes past the end of memory
(import "env" "host_log" (func $host_log (param i32 i32 i32) (result i32)))
;; Proves: host functions bounds-check guest pointers: TRAP naming host_log, and nothing is
;; read from outside the plugin's memory.

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (drop (call $host_log (i32.const 2) (i32.add (i32.shl (memory.size) (i32.const 16)) (i32.const 16)) (i32.const 16)))
  (call $write_output (local.get $in) (local.get $in_len) (local.get $out) (local.get $cell)))
