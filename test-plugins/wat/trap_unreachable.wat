;; @name trap_unreachable
;; @description plugin_execute executes `unreachable`: the host must report a TRAP
;; Proves: a wasm trap in plugin_execute becomes a TRAP error for that execution only.

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (unreachable))
