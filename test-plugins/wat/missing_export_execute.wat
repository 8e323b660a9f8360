;; @name missing_export_execute
;; @description does not export plugin_execute (its execute function is exported as plugin_exec)
;; Proves: a missing required export is refused at load, naming it and its expected signature:
;; "missing export `plugin_execute` (expected: (func (param i32 i32 i32 i32) (result i32)))".

(func $execute (export "plugin_exec") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (call $write_output (local.get $in) (local.get $in_len) (local.get $out) (local.get $cell)))
