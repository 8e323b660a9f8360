;; @name buffer_too_small_always
;; @description plugin_execute always returns -5 asking for one byte more than it was given
;; Proves: the host retries a -5 only once: the second -5 becomes INVALID_OUTPUT.

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (i32.store (local.get $cell) (i32.add (i32.load (local.get $cell)) (i32.const 1)))
  (i32.const -5))
