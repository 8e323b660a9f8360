;; @name br_table_loop_forever
;; @description plugin_execute loops forever; every back edge is taken through br_table
;; Proves: budget/deadline checks also cover back edges that are br_table targets (a JVM
;; tableswitch), not only br/br_if.

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (local $i i32)
  (loop $top
    (block $case2
      (block $case1
        (block $case0
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          ;; 0 -> $case0, 1 -> $case1, 2 -> $case2, anything else -> $top (straight back)
          (br_table $case0 $case1 $case2 $top (i32.rem_u (local.get $i) (i32.const 4))))
        ;; case 0
        (local.set $i (i32.xor (local.get $i) (i32.const 0)))
        (br_table $top $top (local.get $i)))
      ;; case 1
      (br_table $top (i32.const 0)))
    ;; case 2
    (br_table $top $top $top (i32.const 1)))
  (unreachable))
