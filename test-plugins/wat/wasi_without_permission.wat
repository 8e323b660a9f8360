;; @name wasi_without_permission
;; @description imports wasi_snapshot_preview1.fd_write and writes a line to stdout in plugin_execute
(import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
;; @string line "hello from wasi_without_permission\n"
;; @string output "{\"wrote\":true}"
;; Proves: a WASI import is refused at load while WASI is disabled (the default), naming
;; wasi_snapshot_preview1.fd_write. With WASI enabled it loads and execute returns {"wrote":true}.

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  ;; one iovec at 64: {ptr, len}; the number of bytes written goes to 72
  (i32.store (i32.const 64) @line.ptr@)
  (i32.store (i32.const 68) @line.len@)
  (drop (call $fd_write (i32.const 1) (i32.const 64) (i32.const 1) (i32.const 72)))
  (call $write_output @output@ (local.get $out) (local.get $cell)))
