;; @name invalid_json_output
;; @description plugin_execute returns 0 with valid UTF-8 that is not JSON
;; @string output "{\"text\": \"unterminated"
;; Proves: output is parsed as JSON: INVALID_OUTPUT.

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (call $write_output @output@ (local.get $out) (local.get $cell)))
