  (data (i32.const 2048) "\"text\":\"\"\00")
  (data (i32.const 2064) "\"text\":\00")
  (data (i32.const 2080) "{\"score\":1,\"passed\":true,\"label\":\"non_empty\"}\00")
  (data (i32.const 2144) "{\"score\":0,\"passed\":false,\"label\":\"empty\"}\00")
  (data (i32.const 2208) "input needs a field \"text\"\00")

  ;; The evaluator: scores 1 when the response ("text") is not empty. The host passes compact JSON, so
  ;; an empty response appears as "text":"" in the input. Replace it with yours.
  (func (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32)
                                  (result i32)
    (if (i32.lt_s (call $find (local.get $in) (local.get $in_len) (i32.const 2064)) (i32.const 0))
      (then (return (call $fail (local.get $out) (local.get $cell) (i32.const -2) (i32.const 2208)))))
    (call $finish (local.get $cell)
      (call $put_str (local.get $out) (i32.load (local.get $cell)) (i32.const 0)
        (select (i32.const 2144) (i32.const 2080)
          (i32.ge_s (call $find (local.get $in) (local.get $in_len) (i32.const 2048)) (i32.const 0))))))
)
