;; @name memory_fill_past_2gib
;; @description plugin_execute runs memory.fill at address 16 with length 2^31 - 8 (address + length passes 2^31)
;; Proves: a bulk memory operation whose range passes 2^31 traps with the spec's "out of bounds memory
;; access" before writing anything (Chicory 1.7.5's own check overflowed: it filled every page and then
;; threw a NullPointerException, which reached the user as the trap message with a stack trace).

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (memory.fill (i32.const 16) (i32.const 0x41) (i32.const 0x7ffffff8))
  (i32.const 0))
