;; @name returns_error_code
;; @description plugin_execute returns -1 (RESULT_ERROR) with the message "bad things"
;; @string message "bad things"
;; Proves: -1 becomes PLUGIN_ERROR "... code: -1 (RESULT_ERROR): bad things".

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (call $write_error (i32.const -1) @message@ (local.get $out) (local.get $cell)))
