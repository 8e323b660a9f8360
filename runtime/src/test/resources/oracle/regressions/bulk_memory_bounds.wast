;; memory.fill / memory.copy / memory.init whose address + length passes 2^31 (found by fuzzing with
;; wasm-opt -ttf against V8): Chicory 1.7.5 adds the two as ints, so its bounds check passed, bytes were
;; written and a NullPointerException escaped. The spec: trap "out of bounds memory access", nothing written.
(module
  (memory 1)
  (data (i32.const 0) "abc")
  (data $passive "xyz")
  (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init") (param i32 i32 i32) (memory.init $passive (local.get 0) (local.get 1) (local.get 2)))
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "sum") (result i32) (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $i))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 65536))))
    (local.get $s)))

;; 'a' + 'b' + 'c'
(assert_return (invoke "sum") (i32.const 294))
(assert_trap (invoke "fill" (i32.const 16) (i32.const 0x41) (i32.const 0x7ffffff8)) "out of bounds memory access")
(assert_trap (invoke "fill" (i32.const 65535) (i32.const 0x41) (i32.const 0x7fffffff)) "out of bounds memory access")
(assert_trap (invoke "fill" (i32.const 1) (i32.const 0x41) (i32.const -1)) "out of bounds memory access")
(assert_trap (invoke "copy" (i32.const 16) (i32.const 16) (i32.const 0x7ffffff8)) "out of bounds memory access")
(assert_trap (invoke "copy" (i32.const 16) (i32.const 0) (i32.const 0x7ffffff8)) "out of bounds memory access")
(assert_trap (invoke "copy" (i32.const 0) (i32.const 16) (i32.const 0x7ffffff8)) "out of bounds memory access")
(assert_trap (invoke "copy" (i32.const 0x7fffffff) (i32.const 0) (i32.const 2)) "out of bounds memory access")
(assert_trap (invoke "init" (i32.const 16) (i32.const 1) (i32.const 0x7ffffffe)) "out of bounds memory access")
(assert_trap (invoke "init" (i32.const 0x7ffffffe) (i32.const 0) (i32.const 3)) "out of bounds memory access")
(assert_trap (invoke "init" (i32.const 16) (i32.const 0x7fffffff) (i32.const 2)) "out of bounds memory access")
;; nothing was written by any of them
(assert_return (invoke "sum") (i32.const 294))
(assert_return (invoke "load8" (i32.const 16)) (i32.const 0))
;; in-bounds operations still work, up to the last byte
(invoke "fill" (i32.const 65534) (i32.const 1) (i32.const 2))
(invoke "copy" (i32.const 10) (i32.const 0) (i32.const 3))
(invoke "init" (i32.const 65533) (i32.const 0) (i32.const 3))
(assert_return (invoke "load8" (i32.const 12)) (i32.const 0x63))
(assert_return (invoke "load8" (i32.const 65535)) (i32.const 0x7a))
;; length 0 at the end of memory or of the segment is fine, one past it is not
(invoke "fill" (i32.const 65536) (i32.const 1) (i32.const 0))
(invoke "init" (i32.const 65536) (i32.const 3) (i32.const 0))
(assert_trap (invoke "fill" (i32.const 65537) (i32.const 1) (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "init" (i32.const 0) (i32.const 4) (i32.const 0)) "out of bounds memory access")
