;; echo: the smallest well-behaved LLM Test Bench plugin (ABI v1), written by hand in WAT.
;;
;; A transform whose output is its input, byte for byte (the input is the record's JSON, so the
;; output is valid JSON too). Handy as a fixture and as a benchmark baseline: it measures the
;; host's per-call cost (buffers, copies, JSON checks) with almost no plugin work.
;;
;; It is a complete module (it does not use skeleton.wat.in) so that it can serve as the WAT
;; example in docs/plugin-authors-guide.md.
;;
;; Memory: [1024, 2048) holds the metadata; the heap starts at 64 KiB. plugin_alloc is a bump
;; allocator that rewinds to the heap start once every allocation has been freed: the host frees
;; its buffers after each call, so memory does not grow from call to call.
(module
  (memory (export "memory") 2)

  (global $heap_base i32 (i32.const 65536))
  (global $heap (mut i32) (i32.const 65536))
  (global $live (mut i32) (i32.const 0))

  (data (i32.const 1024)
    "{\"name\":\"echo\",\"version\":\"1.0.0\","
    "\"description\":\"Returns its input unchanged\","
    "\"author\":\"LLM Test Bench\",\"plugin_type\":\"transform\","
    "\"capabilities\":[\"echo\"],\"api_version\":\"1.0\"}\00")

  ;; plugin_alloc(size) -> ptr: 8-byte aligned; 0 when size is negative/over 1 GiB or memory
  ;; cannot grow.
  (func (export "plugin_alloc") (param $size i32) (result i32)
    (local $ptr i32) (local $end i32) (local $pages i32)
    (if (i32.gt_u (local.get $size) (i32.const 0x40000000)) (then (return (i32.const 0))))
    (local.set $ptr (global.get $heap))
    (local.set $end (i32.and (i32.add (i32.add (local.get $ptr) (local.get $size)) (i32.const 7))
                             (i32.const -8)))
    (if (i32.gt_u (local.get $end) (i32.const 0x80000000)) (then (return (i32.const 0))))
    (local.set $pages (i32.shr_u (i32.add (local.get $end) (i32.const 0xFFFF)) (i32.const 16)))
    (if (i32.gt_u (local.get $pages) (memory.size))
      (then
        (if (i32.eq (memory.grow (i32.sub (local.get $pages) (memory.size))) (i32.const -1))
          (then (return (i32.const 0))))))
    (global.set $heap (local.get $end))
    (global.set $live (i32.add (global.get $live) (i32.const 1)))
    (local.get $ptr))

  ;; plugin_free(ptr, size): when the last live allocation is freed, rewind the heap.
  (func (export "plugin_free") (param $ptr i32) (param $size i32)
    (if (i32.eqz (local.get $ptr)) (then (return)))
    (if (i32.eqz (global.get $live)) (then (return)))
    (global.set $live (i32.sub (global.get $live) (i32.const 1)))
    (if (i32.eqz (global.get $live)) (then (global.set $heap (global.get $heap_base)))))

  ;; Copies [src, src+len) to the output buffer if it fits; otherwise stores the needed length in
  ;; the cell and returns -5 (RESULT_BUFFER_TOO_SMALL) so that the host retries with a larger one.
  (func $write_output (param $src i32) (param $len i32) (param $out i32) (param $cell i32) (result i32)
    (local $i i32)
    (if (i32.gt_u (local.get $len) (i32.load (local.get $cell)))
      (then
        (i32.store (local.get $cell) (local.get $len))
        (return (i32.const -5))))
    (block $done
      (loop $copy
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (i32.store8 (i32.add (local.get $out) (local.get $i))
                    (i32.load8_u (i32.add (local.get $src) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $copy)))
    (i32.store (local.get $cell) (local.get $len))
    (i32.const 0))

  ;; The metadata is NUL-terminated so that its length need not be counted by hand.
  (func (export "plugin_metadata") (param $out i32) (param $cell i32) (result i32)
    (local $len i32)
    (block $done
      (loop $scan
        (br_if $done (i32.eqz (i32.load8_u (i32.add (i32.const 1024) (local.get $len)))))
        (local.set $len (i32.add (local.get $len) (i32.const 1)))
        (br $scan)))
    (call $write_output (i32.const 1024) (local.get $len) (local.get $out) (local.get $cell)))

  ;; No configuration: any config object is accepted.
  (func (export "plugin_init") (param $config i32) (param $config_len i32) (result i32)
    (i32.const 0))

  (func (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32)
                                  (result i32)
    (call $write_output (local.get $in) (local.get $in_len) (local.get $out) (local.get $cell)))

  (func (export "plugin_shutdown") (result i32)
    (i32.const 0))
)
