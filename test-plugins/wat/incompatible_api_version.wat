;; @name incompatible_api_version
;; @description declares api_version 2.0 in its metadata; otherwise an echo transform
;; @api_version 2.0
;; Proves: a plugin built for another ABI major version is refused at load with a message naming
;; both versions (plugin 2.0, host 1.0).

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (call $write_output (local.get $in) (local.get $in_len) (local.get $out) (local.get $cell)))
