;; @name grow_memory_bomb
;; @description plugin_execute calls memory.grow 1 page at a time until it fails, then returns -4
;; @string prefix "grow_memory_bomb: memory.grow failed at "
;; @string suffix " pages"
;; Proves: memory.grow stops at the host's memory cap with -1 (spec behaviour, no host OOM);
;; the plugin then reports RESULT_OUT_OF_MEMORY (-4), which the host reports as MEMORY_LIMIT.

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (loop $grow
    (br_if $grow (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
  (global.set $cursor (i32.const 64))
  (call $emit @prefix@)
  (call $emit_u64 (i64.extend_i32_u (memory.size)))
  (call $emit @suffix@)
  (call $write_error (i32.const -4) (i32.const 64) (i32.sub (global.get $cursor) (i32.const 64))
                     (local.get $out) (local.get $cell)))
