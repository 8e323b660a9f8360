  (data (i32.const 2048) "\"scores\":{}\00")
  (data (i32.const 2064) "\"scores\":{\00")
  (data (i32.const 2080) "{\"keep\":false,\"reason\":\"no scores to judge\"}\00")
  (data (i32.const 2144) "{\"keep\":true,\"reason\":\"{{name}} keeps every scored record\"}\00")
  (data (i32.const 2304) "input needs an object field \"scores\"\00")

  ;; The filter: keeps every record that has at least one score. The host passes compact JSON, so a
  ;; record without scores has "scores":{} in the input. Replace it with yours.
  (func (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32)
                                  (result i32)
    (if (i32.lt_s (call $find (local.get $in) (local.get $in_len) (i32.const 2064)) (i32.const 0))
      (then (return (call $fail (local.get $out) (local.get $cell) (i32.const -2) (i32.const 2304)))))
    (call $finish (local.get $cell)
      (call $put_str (local.get $out) (i32.load (local.get $cell)) (i32.const 0)
        (select (i32.const 2080) (i32.const 2144)
          (i32.ge_s (call $find (local.get $in) (local.get $in_len) (i32.const 2048)) (i32.const 0))))))
)
