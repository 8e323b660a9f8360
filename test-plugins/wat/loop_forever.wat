;; @name loop_forever
;; @description plugin_execute spins in `loop br 0` forever
;; Proves: the instruction budget (FUEL_EXHAUSTED) or the wall-clock deadline (TIMEOUT) stops a
;; tight loop without calls; the host and other plugins go on.

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (loop $forever
    (br $forever))
  (unreachable))
