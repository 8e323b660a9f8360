;; @name mutual_recursion_call_indirect
;; @description $ping and $pong call each other through call_indirect, forever
;; Proves: call-depth limits also count call_indirect frames: TRAP "call stack exhausted".

(type $step (func (param i32) (result i32)))
(table 2 2 funcref)
(elem (i32.const 0) $ping $pong)

(func $ping (type $step) (param $n i32) (result i32)
  (i32.add (call_indirect (type $step) (i32.add (local.get $n) (i32.const 1)) (i32.const 1)) (i32.const 1)))

(func $pong (type $step) (param $n i32) (result i32)
  (i32.add (call_indirect (type $step) (i32.add (local.get $n) (i32.const 1)) (i32.const 0)) (i32.const 1)))

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (call_indirect (type $step) (i32.const 0) (i32.const 0)))
