;; @name probe
;; @string mode_key "\"mode\""
;; @string n_key "\"n\""
(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (local $mode i32) (local $n i32) (local $size i32) (local $i i32)
  (local.set $mode (i32.wrap_i64 (call $json_find_uint (local.get $in) (local.get $in_len) @mode_key@)))
  (local.set $n (i32.wrap_i64 (call $json_find_uint (local.get $in) (local.get $in_len) @n_key@)))
  (if (i32.eq (local.get $mode) (i32.const 4)) (then
    (i32.store (local.get $cell) (i32.const -1)) (return (i32.const 0))))
  (if (i32.eq (local.get $mode) (i32.const 5)) (then
    (i32.store (local.get $cell) (i32.const -1)) (return (i32.const -5))))
  (local.set $size (if (result i32) (i32.eq (local.get $mode) (i32.const 1))
     (then (i32.shl (local.get $n) (i32.const 1))) (else (local.get $n))))
  (if (i32.lt_u (i32.load (local.get $cell)) (local.get $size)) (then
    (i32.store (local.get $cell) (local.get $size)) (return (i32.const -5))))
  (if (i32.eq (local.get $mode) (i32.const 1)) (then
    (memory.fill (local.get $out) (i32.const 91) (local.get $n))
    (memory.fill (i32.add (local.get $out) (local.get $n)) (i32.const 93) (local.get $n))))
  (if (i32.eq (local.get $mode) (i32.const 2)) (then
    (memory.fill (local.get $out) (i32.const 49) (local.get $n))))
  (if (i32.eq (local.get $mode) (i32.const 3)) (then
    (memory.fill (local.get $out) (i32.const 97) (local.get $n))
    (i32.store8 (local.get $out) (i32.const 34))
    (i32.store8 (i32.sub (i32.add (local.get $out) (local.get $n)) (i32.const 1)) (i32.const 34))))
  (i32.store (local.get $cell) (local.get $size))
  (i32.const 0))
