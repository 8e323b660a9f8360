;; A plugin built twice without clean: the second build must find it up to date.
;; Built with: wat2wasm src/main/wat/counter.wat -o src/main/wasm/counter.wasm
(module
  (memory (export "memory") 2)
  ;; A bump allocator that starts over when every buffer has been freed (the host frees all of its buffers
  ;; after each call), growing the memory when it must.
  (global $heap (mut i32) (i32.const 4096))
  (global $live (mut i32) (i32.const 0))
  (data (i32.const 1024) "{\"name\":\"counter\",\"version\":\"1.0.0\",\"description\":\"A plugin built twice without clean: the second build must find it up to date.\",\"plugin_type\":\"transform\",\"api_version\":\"1.0\"}")

  (func (export "plugin_alloc") (param $size i32) (result i32)
    (local $ptr i32) (local $end i32)
    (local.set $ptr (global.get $heap))
    (local.set $end (i32.and (i32.add (i32.add (local.get $ptr) (local.get $size)) (i32.const 7)) (i32.const -8)))
    (if (i32.gt_u (local.get $end) (i32.shl (memory.size) (i32.const 16)))
      (then
        (if (i32.eq (memory.grow (i32.shr_u (i32.add (i32.sub (local.get $end) (i32.shl (memory.size) (i32.const 16)))
                                                     (i32.const 65535)) (i32.const 16)))
                    (i32.const -1))
          (then (return (i32.const 0))))))
    (global.set $heap (local.get $end))
    (global.set $live (i32.add (global.get $live) (i32.const 1)))
    (local.get $ptr))

  (func (export "plugin_free") (param i32 i32)
    (global.set $live (i32.sub (global.get $live) (i32.const 1)))
    (if (i32.eqz (global.get $live)) (then (global.set $heap (i32.const 4096)))))

  ;; The buffer protocol (docs/plugin-abi.md section 6): the length cell holds the capacity on entry.
  (func (export "plugin_metadata") (param $out i32) (param $cell i32) (result i32)
    (if (i32.lt_u (i32.load (local.get $cell)) (i32.const 176))
      (then (i32.store (local.get $cell) (i32.const 176)) (return (i32.const -5))))
    (memory.copy (local.get $out) (i32.const 1024) (i32.const 176))
    (i32.store (local.get $cell) (i32.const 176))
    (i32.const 0))

  (func (export "plugin_init") (param i32 i32) (result i32) (i32.const 0))

  ;; Echo: the output is the input.
  (func (export "plugin_execute") (param $in i32) (param $len i32) (param $out i32) (param $cell i32) (result i32)
    (if (i32.lt_u (i32.load (local.get $cell)) (local.get $len))
      (then (i32.store (local.get $cell) (local.get $len)) (return (i32.const -5))))
    (memory.copy (local.get $out) (local.get $in) (local.get $len))
    (i32.store (local.get $cell) (local.get $len))
    (i32.const 0))

  (func (export "plugin_shutdown") (result i32) (i32.const 0)))
