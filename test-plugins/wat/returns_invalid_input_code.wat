;; @name returns_invalid_input_code
;; @description plugin_execute returns -2 (RESULT_INVALID_INPUT) with a message
;; @string message "input rejected: this plugin rejects every input"
;; Proves: -2 becomes PLUGIN_ERROR "... code: -2 (RESULT_INVALID_INPUT): input rejected: ...".

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (call $write_error (i32.const -2) @message@ (local.get $out) (local.get $cell)))
