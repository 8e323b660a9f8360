;; @name trap_out_of_bounds_load
;; @description plugin_execute loads 4 bytes just past the end of linear memory: TRAP
;; Proves: an out-of-bounds memory access traps (and is not read from the JVM heap).

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  ;; memory.size pages * 64 KiB is the first byte past the end of memory
  (drop (i32.load (i32.shl (memory.size) (i32.const 16))))
  (i32.const 0))
