;; The module MemoryGrowBench grows: assembled with `wat2wasm grow.wat -o grow.wasm` (wabt).
(module
  (memory (export "memory") 1)
  (func (export "init") (param i32))
  ;; run(n): grows by one page n times, writing a byte in each new page; returns the pages
  (func (export "run") (param $n i32) (result i64)
    (local $i i32) (local $p i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $p (memory.grow (i32.const 1)))
      (br_if $done (i32.lt_s (local.get $p) (i32.const 0)))
      (i32.store8 (i32.shl (local.get $p) (i32.const 16)) (i32.const 1))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (i64.extend_i32_u (memory.size)))
  ;; once(n): grows by n pages at once, writing a byte in each new page; returns the pages
  (func (export "once") (param $n i32) (result i64)
    (local $i i32) (local $p i32)
    (local.set $p (memory.grow (local.get $n)))
    (if (i32.ge_s (local.get $p) (i32.const 0))
      (then (block $done (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store8 (i32.shl (i32.add (local.get $p) (local.get $i)) (i32.const 16)) (i32.const 1))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))))
    (i64.extend_i32_u (memory.size))))
