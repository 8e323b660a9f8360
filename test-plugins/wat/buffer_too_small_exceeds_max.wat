;; @name buffer_too_small_exceeds_max
;; @description plugin_execute returns -5 asking for a 2 GiB - 1 byte output buffer
;; Proves: a needed size above the configured maximum output size (default 16 MiB) is not
;; retried (nothing that large is allocated): INVALID_OUTPUT.

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (i32.store (local.get $cell) (i32.const 0x7FFFFFFF))
  (i32.const -5))
