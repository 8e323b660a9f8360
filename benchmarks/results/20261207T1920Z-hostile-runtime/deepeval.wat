;; @name deepeval
;; @type evaluator
;; @string pre "{\"score\":1,\"passed\":true,\"details\":"
;; @string n_key "\"n\""
(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (local $n i32) (local $p i32)
  (local.set $n (i32.const 998)) ;; with the wrapping object: 999 levels
  (call $memcpy (local.get $out) @pre@)
  (local.set $p (i32.add (local.get $out) @pre.len@))
  (memory.fill (local.get $p) (i32.const 91) (local.get $n))
  (local.set $p (i32.add (local.get $p) (local.get $n)))
  (memory.fill (local.get $p) (i32.const 93) (local.get $n))
  (local.set $p (i32.add (local.get $p) (local.get $n)))
  (i32.store8 (local.get $p) (i32.const 125))
  (i32.store (local.get $cell) (i32.sub (i32.add (local.get $p) (i32.const 1)) (local.get $out)))
  (i32.const 0))
