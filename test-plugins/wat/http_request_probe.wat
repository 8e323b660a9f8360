;; @name http_request_probe
;; @description sends its input as the host_http_request JSON and outputs what host_http_response holds
;; @api_version 1.1
(import "env" "host_http_request" (func $host_http_request (param i32 i32 i32 i32) (result i32)))
(import "env" "host_http_response" (func $host_http_response (param i32 i32) (result i32)))
;; Proves nothing by itself: the network tests' hostile client. The input is the request exactly as a plugin
;; would pass it ({"method", "url", "headers", "body"}); the output is the host's answer: the response JSON
;; ({"status", "headers", "body", "url"}) or, after -2/-3, {"error": "..."}. A refusal or limit ends the
;; execution with the host's error kind. A retry for a bigger output buffer (-5) answers from the response the
;; host kept (host_http_response), so every execution sends the request once.

(global $sent (mut i32) (i32.const 0))

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (local $n i32) (local $buf i32) (local $code i32)
  (if (i32.eqz (global.get $sent))
    (then
      (drop (call $host_http_request (local.get $in) (local.get $in_len) (i32.const 0) (i32.const 0)))
      (global.set $sent (i32.const 1))))
  (local.set $n (call $host_http_response (i32.const 0) (i32.const 0)))
  (local.set $buf (call $bump_alloc (local.get $n)))
  (drop (call $host_http_response (local.get $buf) (local.get $n)))
  (local.set $code (call $write_output (local.get $buf) (local.get $n) (local.get $out) (local.get $cell)))
  (if (i32.eqz (local.get $code)) (then (global.set $sent (i32.const 0))))
  (local.get $code))
