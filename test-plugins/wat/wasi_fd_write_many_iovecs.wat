;; @name wasi_fd_write_many_iovecs
;; @description imports wasi_snapshot_preview1.fd_write; prepares {"iovecs": N} empty iovecs and hands {"count": C} of them to one fd_write on stdout
(import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
;; @string key_iovecs "\"iovecs\""
;; @string key_count "\"count\""
;; @string errno_prefix "{\"errno\":"
;; @string nwritten_prefix ",\"written\":"
;; @string close "}"
;; Proves: the host charges fuel for the iovec array it reads, not only for the bytes the iovecs point at. One
;; fd_write of a million empty iovecs made the host read 8 MB of guest memory and loop a million times for the
;; 50 fuel of a call. Output {"errno": E, "written": W}. A missing key counts as 1.

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (local $n i64) (local $count i64) (local $iovs i32) (local $nwritten i32) (local $errno i32)
  (local.set $n (call $json_find_uint (local.get $in) (local.get $in_len) @key_iovecs@))
  (if (i64.lt_s (local.get $n) (i64.const 1)) (then (local.set $n (i64.const 1))))
  (local.set $count (call $json_find_uint (local.get $in) (local.get $in_len) @key_count@))
  (if (i64.lt_s (local.get $count) (i64.const 1)) (then (local.set $count (i64.const 1))))
  ;; N iovecs of {ptr 0, len 0}, then the cell for the number of bytes written
  (local.set $iovs (call $bump_alloc (i32.add (i32.wrap_i64 (i64.mul (local.get $n) (i64.const 8))) (i32.const 8))))
  (if (i32.eqz (local.get $iovs)) (then (unreachable)))
  (memory.fill (local.get $iovs) (i32.const 0) (i32.wrap_i64 (i64.mul (local.get $n) (i64.const 8))))
  (local.set $nwritten (i32.add (local.get $iovs) (i32.wrap_i64 (i64.mul (local.get $n) (i64.const 8)))))
  (i32.store (local.get $nwritten) (i32.const 0))
  (local.set $errno (call $fd_write (i32.const 1) (local.get $iovs) (i32.wrap_i64 (local.get $count)) (local.get $nwritten)))
  (global.set $cursor (i32.const 64))
  (call $emit @errno_prefix@)
  (call $emit_u64 (i64.extend_i32_u (local.get $errno)))
  (call $emit @nwritten_prefix@)
  (call $emit_u64 (i64.extend_i32_u (i32.load (local.get $nwritten))))
  (call $emit @close@)
  (call $write_output (i32.const 64) (i32.sub (global.get $cursor) (i32.const 64)) (local.get $out) (local.get $cell)))
