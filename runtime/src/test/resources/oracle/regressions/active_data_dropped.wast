;; After instantiation an active data segment is dropped (found by fuzzing against V8): memory.init from it
;; traps for any non-zero length, where Chicory 1.7.5 copied its bytes again.
(module
  (memory 1)
  (data $active (i32.const 0) "\37\38")
  (data $passive "\41")
  (func (export "init_active") (param i32 i32 i32) (memory.init $active (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init_passive") (param i32 i32 i32) (memory.init $passive (local.get 0) (local.get 1) (local.get 2)))
  (func (export "drop_active") (data.drop $active))
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0))))

(assert_return (invoke "load8" (i32.const 0)) (i32.const 0x37))
(assert_trap (invoke "init_active" (i32.const 100) (i32.const 0) (i32.const 1)) "out of bounds memory access")
(assert_trap (invoke "init_active" (i32.const 100) (i32.const 0) (i32.const 2)) "out of bounds memory access")
(assert_return (invoke "load8" (i32.const 100)) (i32.const 0))
;; a zero-length init at offset 0 of a dropped segment is allowed; dropping it again too
(invoke "init_active" (i32.const 100) (i32.const 0) (i32.const 0))
(invoke "drop_active")
(invoke "drop_active")
;; a passive segment stays until dropped
(invoke "init_passive" (i32.const 100) (i32.const 0) (i32.const 1))
(assert_return (invoke "load8" (i32.const 100)) (i32.const 0x41))
