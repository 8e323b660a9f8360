;; @name trap_after_counting
;; @description counts executions in a guest global and returns {"count": N}; input {"trap": 1} traps
;; @string key "\"trap\""
;; @string prefix "{\"count\":"
;; @string suffix "}"
;; Proves: after a trap the host discards the instance and the next call gets a fresh one
;; (plugin_init re-run), so no half-updated guest state leaks into later results: the count
;; starts again at 1.

(global $count (mut i32) (i32.const 0))

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (global.set $count (i32.add (global.get $count) (i32.const 1)))
  (if (i64.gt_s (call $json_find_uint (local.get $in) (local.get $in_len) @key@) (i64.const 0))
    (then (unreachable)))
  (global.set $cursor (i32.const 64))
  (call $emit @prefix@)
  (call $emit_u64 (i64.extend_i32_u (global.get $count)))
  (call $emit @suffix@)
  (call $write_output (i32.const 64) (i32.sub (global.get $cursor) (i32.const 64)) (local.get $out) (local.get $cell)))
