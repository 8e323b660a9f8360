;; A loop, a branch and a call: the smallest module that shows every kind of metering point.
(module
  (memory (export "memory") 1)
  (func $add (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "countdown") (param $n i32) (result i32)
    (local $acc i32)
    (block $done
      (loop $top
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (call $add (local.get $acc) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $top)))
    (local.get $acc))
  (func (export "fill") (param $len i32)
    (memory.fill (i32.const 0) (i32.const 7) (local.get $len))))
