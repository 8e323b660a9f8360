;; A function may take a reference to itself (ref.func) when the module declares that function outside function
;; bodies: in any element segment (active, passive or declarative), a global's initializer or an export (the
;; spec's C.refs). Chicory 1.7.5 accepted a self-reference only when a declarative segment listed it (found by
;; fuzzing against V8), and accepted references to other functions that nothing declares, which the spec
;; refuses.
(module
  (table 1 funcref)
  (func $by_active (export "by_active") (result i32) (ref.is_null (ref.func $by_active)))
  (elem (i32.const 0) $by_active))
(assert_return (invoke "by_active") (i32.const 0))

(module
  (func $by_export (export "by_export") (result i32) (ref.is_null (ref.func $by_export))))
(assert_return (invoke "by_export") (i32.const 0))

(module
  (global funcref (ref.func $by_global))
  (func $by_global (export "by_global") (result i32) (ref.is_null (ref.func $by_global))))
(assert_return (invoke "by_global") (i32.const 0))

(module
  (table 1 funcref)
  (elem $p funcref (ref.func $by_passive))
  (func $by_passive (export "by_passive") (result i32)
    (table.init $p (i32.const 0) (i32.const 0) (i32.const 1))
    (i32.add (ref.is_null (ref.func $by_passive)) (ref.is_null (table.get 0 (i32.const 0))))))
(assert_return (invoke "by_passive") (i32.const 0))

;; a self-reference through a table: call it back indirectly
(module
  (type $t (func (param i32) (result i32)))
  (table 1 funcref)
  (func $countdown (export "countdown") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 7))
      (else
        (table.set 0 (i32.const 0) (ref.func $countdown))
        (call_indirect (type $t) (i32.sub (local.get 0) (i32.const 1)) (i32.const 0))))))
(assert_return (invoke "countdown" (i32.const 3)) (i32.const 7))

;; refused: nothing declares the function
(assert_invalid
  (module (func $self (drop (ref.func $self))))
  "undeclared function reference")
(assert_invalid
  (module (func $f) (func (drop (ref.func $f))))
  "undeclared function reference")
(assert_invalid
  (module (func $f) (func $g (export "g") (drop (ref.func $f))))
  "undeclared function reference")
;; a module declaring its self-reference by export only, that drops an element segment it does not have
(assert_invalid
  (module (func $self (export "self") (drop (ref.func $self)) (elem.drop 0)))
  "unknown elem segment 0")
