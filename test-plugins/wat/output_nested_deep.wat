;; @name output_nested_deep
;; @description plugin_execute returns N nested arrays, [[[...]]] (input {"depth": N}, default 999)
;; @string depth_key "\"depth\""
;; Proves: the host bounds how deeply an output nests (900 levels): it puts outputs inside JSON documents of its own,
;; whose writers stop at 1,000 levels. Before, 1,000 levels passed the parser, and then `llmtb run` (whose result
;; wraps the output in one more level) ended in an internal error; an evaluator's output of 999 levels made
;; `llmtb eval --out` lose every record's result (its file left empty).
;; Now INVALID_OUTPUT "... nesting arrays and objects more than 900 levels deep ...".

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (local $n i32) (local $asked i64)
  (local.set $asked (call $json_find_uint (local.get $in) (local.get $in_len) @depth_key@))
  (local.set $n (if (result i32) (i32.or (i64.lt_s (local.get $asked) (i64.const 1)) (i64.gt_s (local.get $asked) (i64.const 30000)))
    (then (i32.const 999)) (else (i32.wrap_i64 (local.get $asked)))))
  (memory.fill (local.get $out) (i32.const 91) (local.get $n)) ;; "["
  (memory.fill (i32.add (local.get $out) (local.get $n)) (i32.const 93) (local.get $n)) ;; "]"
  (i32.store (local.get $cell) (i32.shl (local.get $n) (i32.const 1)))
  (i32.const 0))
