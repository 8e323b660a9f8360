;; @name http_import_declares_abi_1_0
;; @description imports env.host_http_request (ABI 1.1) but declares api_version 1.0; otherwise an echo transform
;; @api_version 1.0
(import "env" "host_http_request" (func $host_http_request (param i32 i32 i32 i32) (result i32)))
;; Proves: a plugin that imports a host function of a newer ABI minor version than it declares is refused at
;; load (INVALID_PLUGIN), naming the import and the version it needs; nothing of the plugin runs.

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (drop (call $host_http_request (local.get $in) (local.get $in_len) (local.get $out) (i32.const 0)))
  (call $write_output (local.get $in) (local.get $in_len) (local.get $out) (local.get $cell)))
