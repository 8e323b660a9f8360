;; @name initial_memory_too_large
;; @description declares 2048 initial memory pages (128 MiB); otherwise an echo transform
;; @memory 2048
;; Proves: a module whose initial memory exceeds the memory cap is refused at load/instantiation
;; (MEMORY_LIMIT), before any of its code runs. With a cap of at least 128 MiB it works (echo).

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (call $write_output (local.get $in) (local.get $in_len) (local.get $out) (local.get $cell)))
