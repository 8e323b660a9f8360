;; @name tail_call_forever
;; @description plugin_execute tail-calls without end: $ping and $pong by return_call and return_call_indirect, and $spin to itself
;; Proves: an endless chain of tail calls (which does not grow the call depth, so the depth limit never stops it)
;; is stopped by the instruction budget (FUEL_EXHAUSTED) or the wall-clock deadline (TIMEOUT), metered or not.

(type $step (func (param i32) (result i32)))
(table 1 1 funcref)
(elem (i32.const 0) $ping)

(func $ping (type $step) (param $n i32) (result i32)
  (return_call $pong (i32.add (local.get $n) (i32.const 1))))

(func $pong (type $step) (param $n i32) (result i32)
  (if (i32.eq (local.get $n) (i32.const 1000))
    (then (return_call $spin (local.get $n))))
  (return_call_indirect (type $step) (i32.add (local.get $n) (i32.const 1)) (i32.const 0)))

(func $spin (type $step) (param $n i32) (result i32)
  (return_call $spin (i32.add (local.get $n) (i32.const 1))))

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (call $ping (i32.const 0)))
