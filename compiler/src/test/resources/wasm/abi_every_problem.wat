;; Every structural ABI problem at once (PluginAbiTest): an unknown host function, a host function with the
;; wrong signature, a function from another module, a table import, an imported memory exported as `memory`,
;; a mistyped and a missing required export, and `_start` (a warning). Its WASI import is not a problem.
;; wat2wasm abi_every_problem.wat -o abi_every_problem.wasm
(module
  (import "env" "host_launch_missiles" (func (param i32) (result i32)))
  (import "env" "host_log" (func (param i32 i32) (result i32)))
  (import "other" "thing" (func))
  (import "env" "table" (table 1 funcref))
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  (import "env" "memory" (memory 1))
  (func (export "plugin_alloc") (param i32) (result i32) (i32.const 0))
  (func (export "plugin_free") (param i32))
  (func (export "plugin_metadata") (param i32 i32) (result i32) (i32.const 0))
  (func (export "plugin_init") (param i32 i32) (result i32) (i32.const 0))
  (func (export "plugin_shutdown") (result i32) (i32.const 0))
  (func (export "_start"))
  (export "memory" (memory 0)))
