;; @name memory_fill_loop
;; @description plugin_execute grows memory to 16 MiB if allowed, then memory.fill-s all of it forever
;; Proves: bulk memory instructions are charged by size (or the deadline stops them): a loop of a
;; few instructions that each touch megabytes still ends in FUEL_EXHAUSTED or TIMEOUT, quickly.

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  ;; try to reach 256 pages; a memory cap may refuse (-1), then fill what there is
  (if (i32.lt_u (memory.size) (i32.const 256))
    (then (drop (memory.grow (i32.sub (i32.const 256) (memory.size))))))
  (loop $forever
    (memory.fill (i32.const 0) (i32.const 0xAB) (i32.shl (memory.size) (i32.const 16)))
    (br $forever))
  (unreachable))
