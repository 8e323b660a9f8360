;; @name invalid_utf8_output
;; @description plugin_execute returns 0 with output that is JSON-shaped but not valid UTF-8
;; @string output "{\"text\":\"\c3\28\ff\"}"
;; Proves: output bytes are checked as UTF-8 (not decoded leniently): INVALID_OUTPUT.

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (call $write_output @output@ (local.get $out) (local.get $cell)))
