;; @name grow_table_bomb
;; @description plugin_execute grows a table 100,000 elements at a time until table.grow fails, then returns -4
;; @string prefix "grow_table_bomb: table.grow failed at "
;; @string suffix " elements"
;; Proves: table.grow stops at the host's table cap (ResourceLimits.maxTableElements) with -1, as memory.grow stops
;; at the memory cap: a table is host heap outside the memory cap, about 8 bytes per element, and without the cap
;; this loop grew it to Chicory's 10,000,000 (no host OOM now); the plugin then reports RESULT_OUT_OF_MEMORY (-4),
;; which the host reports as MEMORY_LIMIT.

(table $t 0 funcref)
(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (loop $grow
    (br_if $grow (i32.ne (table.grow $t (ref.null func) (i32.const 100000)) (i32.const -1))))
  (global.set $cursor (i32.const 64))
  (call $emit @prefix@)
  (call $emit_u64 (i64.extend_i32_u (table.size $t)))
  (call $emit @suffix@)
  (call $write_error (i32.const -4) (i32.const 64) (i32.sub (global.get $cursor) (i32.const 64))
                     (local.get $out) (local.get $cell)))
