;; A tiny plugin in the shape of the plugin ABI v1 (docs/plugin-abi.md): a bump allocator and
;; plugin_execute copying its input to its output. Built with:
;;   wat2wasm src/main/wat/hello.wat -o src/main/wasm/hello.wasm
(module
  (import "env" "host_log" (func $host_log (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1024))
  (data (i32.const 16) "{\"name\":\"hello\",\"version\":\"1.0.0\"}")

  (func (export "plugin_alloc") (param $size i32) (result i32)
    (local $ptr i32)
    global.get $heap
    local.set $ptr
    global.get $heap
    local.get $size
    i32.add
    global.set $heap
    local.get $ptr)

  (func (export "plugin_free") (param i32 i32))

  ;; Copies the metadata JSON into (ptr, cap); returns its length, or -5 when it does not fit.
  (func (export "plugin_metadata") (param $ptr i32) (param $cap i32) (result i32)
    local.get $cap
    i32.const 34
    i32.lt_s
    if
      i32.const -5
      return
    end
    local.get $ptr
    i32.const 16
    i32.const 34
    memory.copy
    i32.const 34)

  (func (export "plugin_init") (param i32 i32) (result i32)
    i32.const 0)

  ;; Copies the input to the output; returns the length, or -5 when it does not fit.
  (func (export "plugin_execute") (param $in i32) (param $len i32) (param $out i32) (param $cap i32) (result i32)
    (local $i i32)
    local.get $cap
    local.get $len
    i32.lt_s
    if
      i32.const -5
      return
    end
    block $done
      loop $copy
        local.get $i
        local.get $len
        i32.ge_s
        br_if $done
        local.get $out
        local.get $i
        i32.add
        local.get $in
        local.get $i
        i32.add
        i32.load8_u
        i32.store8
        local.get $i
        i32.const 1
        i32.add
        local.set $i
        br $copy
      end
    end
    local.get $len)

  (func (export "plugin_shutdown") (result i32)
    i32.const 0))
