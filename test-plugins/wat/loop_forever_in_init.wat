;; @name init-spinner
;; @description plugin_init spins in `loop br 0` forever; plugin_execute echoes nothing
;; @omit plugin_init
;; Proves: a limit that strikes in plugin_init says so: FUEL_EXHAUSTED or TIMEOUT "in plugin_init", naming
;; the plugin by its metadata name (init-spinner, not the file's name) and the settings that raise the limit.

(func $plugin_init (export "plugin_init") (param $config i32) (param $config_len i32) (result i32)
  (loop $forever
    (br $forever))
  (unreachable))

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (i32.const 0))
