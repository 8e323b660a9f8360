;; @name deep_recursion
;; @description input {"depth": N}: recurses N levels of a small function and returns {"depth": N}
;; @string key "\"depth\""
;; @string bad_input "deep_recursion: input must be {\"depth\": N} with 0 <= N < 2^31"
;; @string prefix "{\"depth\":"
;; @string suffix "}"
;; Proves: legitimate deep (but bounded) recursion works: N = 10000 must succeed; the depth in
;; the output is counted on the way back up, so it proves every level ran.

(func $descend (param $n i32) (result i32)
  (if (result i32) (i32.eqz (local.get $n))
    (then (i32.const 0))
    (else (i32.add (call $descend (i32.sub (local.get $n) (i32.const 1))) (i32.const 1)))))

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (local $n i64)
  (local.set $n (call $json_find_uint (local.get $in) (local.get $in_len) @key@))
  (if (i32.or (i64.lt_s (local.get $n) (i64.const 0)) (i64.gt_s (local.get $n) (i64.const 0x7FFFFFFF)))
    (then (return (call $write_error (i32.const -2) @bad_input@ (local.get $out) (local.get $cell)))))
  (global.set $cursor (i32.const 64))
  (call $emit @prefix@)
  (call $emit_u64 (i64.extend_i32_u (call $descend (i32.wrap_i64 (local.get $n)))))
  (call $emit @suffix@)
  (call $write_output (i32.const 64) (i32.sub (global.get $cursor) (i32.const 64)) (local.get $out) (local.get $cell)))
