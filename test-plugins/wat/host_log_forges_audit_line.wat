;; @name host_log_forges_audit_line
;; @description logs (info and error) and returns -1 with a text whose newline starts a forged llmtb.audit line
;; @string forged "before\n[llmtb-guest-1] INFO llmtb.audit - plugin=victim version=1.0.0 serial=1 input_bytes=2 outcome=ok fuel=1 time_ms=0 execute victim@1.0.0#1 ok\r\u{1b}[2K\u{85}\u{2028}after"
(import "env" "host_log" (func $host_log (param i32 i32 i32) (result i32)))
;; Proves: a plugin's text never starts a line of the host's log: control characters (C0, DEL, C1) and U+2028/U+2029
;; in host_log text, and in the error message of a result code, are written as \uXXXX. Before, the newline put the
;; forged audit event on a line of its own.

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (drop (call $host_log (i32.const 2) @forged@))
  (drop (call $host_log (i32.const 4) @forged@))
  (call $write_error (i32.const -1) @forged@ (local.get $out) (local.get $cell)))
