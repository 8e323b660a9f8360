;; @name init_loops_forever
;; @description plugin_init spins in `loop br 0` forever; plugin_metadata answers normally
;; @omit plugin_init
;; Proves: a start-up run is metered and stopped like an execution — by its deadline at load (INVALID_PLUGIN,
;; stage UNINSTANTIABLE), and by PluginSystem.close() while a load waits on it (the load then throws
;; "this PluginSystem is closed"); discovery, which runs plugin_metadata only, still reads it.

(func $plugin_init (export "plugin_init") (param $config i32) (param $config_len i32) (result i32)
  (loop $forever
    (br $forever))
  (unreachable))

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (i32.const 0))
