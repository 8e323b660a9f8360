;; @name mistyped_export_execute
;; @description exports plugin_execute as (func (param i32 i32) (result i32))
;; Proves: an export with the wrong signature is refused at load, naming it and the expected
;; signature (func (param i32 i32 i32 i32) (result i32)).

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (result i32)
  (i32.const 0))
