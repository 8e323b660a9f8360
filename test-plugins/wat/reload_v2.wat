;; @name reload
;; @version 2.0.0
;; @description hot-reload fixture, version 2: returns {"version":"2.0.0"}; input {"spin": N} first counts down N
;; @string key "\"spin\""
;; @string result "{\"version\":\"2.0.0\"}"
;; Proves: hot reload. reload_v1.wat and reload_v2.wat are one plugin, "reload", in two versions that
;; differ only in their metadata version and in the version they return, so a caller can tell which
;; version served each execution; "spin" keeps an execution in flight while a reload happens.

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (local $n i64)
  (local.set $n (call $json_find_uint (local.get $in) (local.get $in_len) @key@))
  (block $done
    (loop $spin
      (br_if $done (i64.le_s (local.get $n) (i64.const 0)))
      (local.set $n (i64.sub (local.get $n) (i64.const 1)))
      (br $spin)))
  (call $write_output @result@ (local.get $out) (local.get $cell)))
