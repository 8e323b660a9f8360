;; @name alloc_out_of_bounds
;; @description after plugin_init, plugin_alloc returns a pointer 4 KiB past the end of memory
;; @omit plugin_alloc
;; Proves: the host checks that [ptr, ptr+size) from plugin_alloc lies inside memory:
;; INVALID_OUTPUT. plugin_alloc behaves until plugin_init has run, so loading (which calls
;; plugin_metadata with host-allocated buffers) succeeds and the first execution fails.

(func $plugin_alloc (export "plugin_alloc") (param $size i32) (result i32)
  (if (global.get $initialized)
    (then (return (i32.add (i32.shl (memory.size) (i32.const 16)) (i32.const 4096)))))
  (call $bump_alloc (local.get $size)))

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (call $write_output (local.get $in) (local.get $in_len) (local.get $out) (local.get $cell)))
