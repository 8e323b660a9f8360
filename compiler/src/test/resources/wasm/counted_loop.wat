;; A counted loop as clang writes it (p += 4 until p == end): the generator runs it in chunks (CountedLoops), with one
;; check per chunk and an inner loop whose back-edge is p < limit.
(module
  (memory (export "memory") 1)
  (func (export "sum") (param $p i32) (param $n i32) (result i32)
    (local $end i32) (local $acc i32)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (loop $top
      (local.set $acc (i32.add (local.get $acc) (i32.load (local.get $p))))
      local.get $p
      i32.const 4
      i32.add
      local.tee $p
      local.get $end
      i32.ne
      br_if $top)
    (local.get $acc)))
