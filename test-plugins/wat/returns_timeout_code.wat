;; @name returns_timeout_code
;; @description plugin_execute gives up on its own time budget: returns -3 (RESULT_TIMEOUT) with a message
;; @string message "upstream took too long"
;; Proves: -3 becomes TIMEOUT, raised as a PluginTimeoutException with result code -3 like every other timeout.

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (call $write_error (i32.const -3) @message@ (local.get $out) (local.get $cell)))
