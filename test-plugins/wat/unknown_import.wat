;; @name unknown_import
;; @description imports env.host_launch_missiles, which the host does not provide
(import "env" "host_launch_missiles" (func $host_launch_missiles (param i32) (result i32)))
;; Proves: an import outside the host ABI is refused at load, naming it
;; (env.host_launch_missiles); nothing of the plugin runs.

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (drop (call $host_launch_missiles (i32.const 1)))
  (call $write_output (local.get $in) (local.get $in_len) (local.get $out) (local.get $cell)))
