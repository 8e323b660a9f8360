;; @name undocumented_result_code
;; @description plugin_execute returns 7, a result code the ABI does not define
;; Proves: an unknown result code becomes PLUGIN_ERROR "... code: 7 (undocumented result code)".

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (i32.store (local.get $cell) (i32.const 0))
  (i32.const 7))
