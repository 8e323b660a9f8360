;; @name length_exceeds_capacity
;; @description plugin_execute returns 0 but stores a length one byte larger than the capacity
;; @string output "{}"
;; Proves: the host checks the length cell against the capacity: INVALID_OUTPUT
;; "wrote length 65537 larger than capacity 65536" (with the default capacity).

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (local $capacity i32)
  (local.set $capacity (i32.load (local.get $cell)))
  (call $memcpy (local.get $out) @output@)
  (i32.store (local.get $cell) (i32.add (local.get $capacity) (i32.const 1)))
  (i32.const 0))
