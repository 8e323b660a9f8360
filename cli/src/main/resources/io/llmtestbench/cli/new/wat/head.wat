;; {{name}}: an LLM Test Bench {{type}} plugin, written by hand in WebAssembly text (plugin ABI 1.0,
;; docs/plugin-abi.md). Build: wat2wasm {{name}}.wat -o {{name}}.wasm
;;
;; Memory: [1024, 4096) holds the metadata and the fixed strings (NUL-terminated, so that their lengths
;; need not be counted by hand); the heap starts at 64 KiB. plugin_alloc is a bump allocator that rewinds
;; to the heap start once every allocation has been freed: the host frees its buffers after each call,
;; so memory does not grow from call to call.
(module
  (memory (export "memory") 2)

  (global $heap_base i32 (i32.const 65536))
  (global $heap (mut i32) (i32.const 65536))
  (global $live (mut i32) (i32.const 0))

  (data (i32.const 1024)
    "{\"name\":\"{{name}}\",\"version\":\"0.1.0\","
    "\"description\":\"{{description}}\","
    "\"plugin_type\":\"{{type}}\",\"api_version\":\"1.0\"}\00")

  ;; plugin_alloc(size) -> ptr: 8-byte aligned; 0 when size is over 1 GiB or memory cannot grow.
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

  ;; The length of the NUL-terminated string at $s.
  (func $strlen (param $s i32) (result i32)
    (local $n i32)
    (block $done
      (loop $scan
        (br_if $done (i32.eqz (i32.load8_u (i32.add (local.get $s) (local.get $n)))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $scan)))
    (local.get $n))

  ;; The offset of the first occurrence of the NUL-terminated $needle in [$p, $p+$len), or -1.
  (func $find (param $p i32) (param $len i32) (param $needle i32) (result i32)
    (local $n i32) (local $i i32) (local $j i32)
    (local.set $n (call $strlen (local.get $needle)))
    (block $not_found
      (loop $outer
        (br_if $not_found (i32.gt_u (i32.add (local.get $i) (local.get $n)) (local.get $len)))
        (local.set $j (i32.const 0))
        (block $mismatch
          (loop $inner
            (if (i32.ge_u (local.get $j) (local.get $n)) (then (return (local.get $i))))
            (br_if $mismatch (i32.ne (i32.load8_u (i32.add (local.get $p) (i32.add (local.get $i) (local.get $j))))
                                     (i32.load8_u (i32.add (local.get $needle) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $inner)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outer)))
    (i32.const -1))

  ;; Output buffer: appends [$src, $src+$len) at $out + $pos if it fits in $cap (the cell's capacity);
  ;; returns the new position (which may exceed $cap: then nothing was written, and the position is the
  ;; length needed).
  (func $put (param $out i32) (param $cap i32) (param $pos i32) (param $src i32) (param $len i32) (result i32)
    (if (i32.le_u (i32.add (local.get $pos) (local.get $len)) (local.get $cap))
      (then (memory.copy (i32.add (local.get $out) (local.get $pos)) (local.get $src) (local.get $len))))
    (i32.add (local.get $pos) (local.get $len)))

  ;; Appends the NUL-terminated string at $s.
  (func $put_str (param $out i32) (param $cap i32) (param $pos i32) (param $s i32) (result i32)
    (call $put (local.get $out) (local.get $cap) (local.get $pos) (local.get $s) (call $strlen (local.get $s))))

  ;; Ends a call: $len bytes were appended. Stores the length in the cell and returns 0, or, when they
  ;; did not fit, -5 (RESULT_BUFFER_TOO_SMALL): the host calls again with a buffer of $len bytes.
  (func $finish (param $cell i32) (param $len i32) (result i32)
    (local $cap i32)
    (local.set $cap (i32.load (local.get $cell)))
    (i32.store (local.get $cell) (local.get $len))
    (if (result i32) (i32.gt_u (local.get $len) (local.get $cap))
      (then (i32.const -5))
      (else (i32.const 0))))

  ;; Fails with $code and the NUL-terminated message at $msg (cut to the capacity).
  (func $fail (param $out i32) (param $cell i32) (param $code i32) (param $msg i32) (result i32)
    (local $len i32)
    (local.set $len (call $strlen (local.get $msg)))
    (if (i32.gt_u (local.get $len) (i32.load (local.get $cell))) (then (local.set $len (i32.load (local.get $cell)))))
    (memory.copy (local.get $out) (local.get $msg) (local.get $len))
    (i32.store (local.get $cell) (local.get $len))
    (local.get $code))

  (func (export "plugin_metadata") (param $out i32) (param $cell i32) (result i32)
    (call $finish (local.get $cell)
      (call $put_str (local.get $out) (i32.load (local.get $cell)) (i32.const 0) (i32.const 1024))))

  ;; No configuration: any config object is accepted.
  (func (export "plugin_init") (param $config i32) (param $config_len i32) (result i32)
    (i32.const 0))

  (func (export "plugin_shutdown") (result i32)
    (i32.const 0))

