;; @name output_value_bomb
;; @description plugin_execute returns [{},{},...,{}] of N bytes (input {"bytes": N}, default 16 MiB): 3 bytes per JSON value
;; @string bytes_key "\"bytes\""
;; Proves: the host bounds the JSON values of an output (one per 16 bytes of max_output_bytes, at least 65,536), because
;; each value of the output's tree takes host heap (about 80 bytes for an empty object): 16 MiB of this output held
;; 5.6 million values and took about 1 GB of heap before, and ran a smaller host out of it. Now INVALID_OUTPUT
;; "... holding more than 1048576 JSON values ...". Asks for N with RESULT_BUFFER_TOO_SMALL first; N >= 8.

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (local $n i32) (local $p i32) (local $end i32) (local $asked i64)
  (local.set $asked (call $json_find_uint (local.get $in) (local.get $in_len) @bytes_key@))
  (local.set $n (if (result i32) (i64.lt_s (local.get $asked) (i64.const 8))
    (then (i32.const 16777216)) (else (i32.wrap_i64 (local.get $asked)))))
  (if (i32.lt_u (i32.load (local.get $cell)) (local.get $n))
    (then
      (i32.store (local.get $cell) (local.get $n))
      (return (i32.const -5))))
  ;; "[" then "{}," while 3 more bytes and the closing "{}]" fit, then "{}]", then spaces up to N
  (i32.store8 (local.get $out) (i32.const 91))
  (local.set $p (i32.add (local.get $out) (i32.const 1)))
  (local.set $end (i32.add (local.get $out) (local.get $n)))
  (block $done
    (loop $fill
      (br_if $done (i32.gt_u (i32.add (local.get $p) (i32.const 6)) (local.get $end)))
      (i32.store16 (local.get $p) (i32.const 0x7d7b)) ;; "{}"
      (i32.store8 offset=2 (local.get $p) (i32.const 44)) ;; ","
      (local.set $p (i32.add (local.get $p) (i32.const 3)))
      (br $fill)))
  (i32.store16 (local.get $p) (i32.const 0x7d7b))
  (i32.store8 offset=2 (local.get $p) (i32.const 93)) ;; "]"
  (local.set $p (i32.add (local.get $p) (i32.const 3)))
  (memory.fill (local.get $p) (i32.const 32) (i32.sub (local.get $end) (local.get $p)))
  (i32.store (local.get $cell) (local.get $n))
  (i32.const 0))
