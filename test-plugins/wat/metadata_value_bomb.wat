;; @name metadata_value_bomb
;; @description plugin_metadata returns valid metadata whose "capabilities" is an array of 1.4 million empty objects (4 MiB)
;; @omit plugin_metadata
;; @string head "{\"name\":\"metadata_value_bomb\",\"version\":\"1.0.0\",\"plugin_type\":\"transform\",\"api_version\":\"1.0\",\"capabilities\":["
;; Proves: metadata is read for every new instance, with the output's capacity, and is held to the output's bound on
;; JSON values (one per 16 bytes of max_output_bytes, at least 65,536): refused at load (INVALID_PLUGIN) before its
;; tree is built. Before, it loaded, each new instance building a tree of about 110 MB (1 GB at the 16 MiB cap).

(func $plugin_metadata (export "plugin_metadata") (param $out i32) (param $cell i32) (result i32)
  (local $n i32) (local $p i32) (local $end i32)
  (local.set $n (i32.const 4194304))
  (if (i32.lt_u (i32.load (local.get $cell)) (local.get $n))
    (then
      (i32.store (local.get $cell) (local.get $n))
      (return (i32.const -5))))
  (call $memcpy (local.get $out) @head@)
  (local.set $p (i32.add (local.get $out) @head.len@))
  (local.set $end (i32.add (local.get $out) (local.get $n)))
  (block $done
    (loop $fill
      (br_if $done (i32.gt_u (i32.add (local.get $p) (i32.const 7)) (local.get $end)))
      (i32.store16 (local.get $p) (i32.const 0x7d7b)) ;; "{}"
      (i32.store8 offset=2 (local.get $p) (i32.const 44)) ;; ","
      (local.set $p (i32.add (local.get $p) (i32.const 3)))
      (br $fill)))
  (i32.store16 (local.get $p) (i32.const 0x7d7b))
  (i32.store16 offset=2 (local.get $p) (i32.const 0x7d5d)) ;; "]}"
  (local.set $p (i32.add (local.get $p) (i32.const 4)))
  (memory.fill (local.get $p) (i32.const 32) (i32.sub (local.get $end) (local.get $p)))
  (i32.store (local.get $cell) (local.get $n))
  (i32.const 0))

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (call $write_output (local.get $in) (local.get $in_len) (local.get $out) (local.get $cell)))
