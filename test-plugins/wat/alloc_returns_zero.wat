;; @name alloc_returns_zero
;; @description after plugin_init, plugin_alloc always returns 0 (allocation failed)
;; @omit plugin_alloc
;; Proves: plugin_alloc returning 0 becomes MEMORY_LIMIT. plugin_alloc behaves until plugin_init
;; has run, so loading succeeds and the first execution fails.

(func $plugin_alloc (export "plugin_alloc") (param $size i32) (result i32)
  (if (global.get $initialized) (then (return (i32.const 0))))
  (call $bump_alloc (local.get $size)))

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (call $write_output (local.get $in) (local.get $in_len) (local.get $out) (local.get $cell)))
