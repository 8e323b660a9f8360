;; @name buffer_too_small_once
;; @description plugin_execute always produces 102400 bytes of JSON: with a smaller buffer it returns -5 and the size
;; @string prefix "{\"text\":\""
;; @string suffix "\"}"
;; Proves: the -5 (RESULT_BUFFER_TOO_SMALL) protocol: with the default 64 KiB buffer the first call
;; asks for 102400 bytes, the host retries once with exactly that capacity and the call succeeds.
;; Output: {"text":"aaa...a"}, 102400 bytes in all. Repeatable: no side effects.

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (local $p i32) (local $end i32)
  (if (i32.lt_u (i32.load (local.get $cell)) (i32.const 102400))
    (then
      (i32.store (local.get $cell) (i32.const 102400))
      (return (i32.const -5))))
  (call $memcpy (local.get $out) @prefix@)
  (local.set $p (i32.add (local.get $out) @prefix.len@))
  (local.set $end (i32.sub (i32.add (local.get $out) (i32.const 102400)) @suffix.len@))
  (block $done
    (loop $fill
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (i32.store8 (local.get $p) (i32.const 97)) ;; 'a'
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $fill)))
  (call $memcpy (local.get $end) @suffix@)
  (i32.store (local.get $cell) (i32.const 102400))
  (i32.const 0))
