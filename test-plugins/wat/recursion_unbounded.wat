;; @name recursion_unbounded
;; @description plugin_execute recurses without end (not a tail call)
;; Proves: unbounded recursion becomes TRAP "call stack exhausted" (the call-depth limit or a
;; caught StackOverflowError), and the host thread survives.

(func $recurse (param $n i32) (result i32)
  (i32.add (call $recurse (i32.add (local.get $n) (i32.const 1))) (i32.const 1)))

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (call $recurse (i32.const 0)))
