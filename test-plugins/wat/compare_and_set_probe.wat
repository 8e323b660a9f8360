;; @name compare_and_set_probe
;; @description calls host_compare_and_set_state in a fixed sequence and returns the result codes
;; @api_version 1.2
(import "env" "host_compare_and_set_state" (func $cas (param i32 i32 i32 i32 i32 i32) (result i32)))
(import "env" "host_get_state" (func $host_get_state (param i32 i32 i32 i32) (result i32)))
;; @string key "cas-key"
;; @string a "a"
;; @string b "b"
;; @string x "x"
;; @string long_key "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
;; @string j_start "{\"codes\":["
;; @string j_comma ","
;; @string j_length "],\"final_length\":"
;; @string j_end "}"
;; Proves: ABI 1.2's host_compare_and_set_state (docs/plugin-abi.md §10): on a fresh plugin the codes are
;;   set if absent → 0; set if absent again → 1 (present now); expect "x" → 1 (value is "a");
;;   expect "a" → 0 (now "b"); empty key → -2; key of 257 bytes → -2; expect "b", store "" → 0;
;;   set if absent → 1 (an empty value is present); expect "" store "a" → 0
;; and then host_get_state reads "a": final_length 1. A second execution sees the state the first left
;; (the sequence then starts with 1, 1, 1, 1: the value is "a", not "b"). (HostFunctionsTest)

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (local $start i32)
  (global.set $cursor (i32.const 64))
  (local.set $start (global.get $cursor))
  (call $emit @j_start@)
  ;; 1. set "a" if absent
  (call $emit_i64 (i64.extend_i32_s (call $cas @key@ (i32.const 0) (i32.const -1) @a@)))
  (call $emit @j_comma@)
  ;; 2. set "b" if absent
  (call $emit_i64 (i64.extend_i32_s (call $cas @key@ (i32.const 0) (i32.const -1) @b@)))
  (call $emit @j_comma@)
  ;; 3. expect "x", store "b"
  (call $emit_i64 (i64.extend_i32_s (call $cas @key@ @x@ @b@)))
  (call $emit @j_comma@)
  ;; 4. expect "a", store "b"
  (call $emit_i64 (i64.extend_i32_s (call $cas @key@ @a@ @b@)))
  (call $emit @j_comma@)
  ;; 5. empty key
  (call $emit_i64 (i64.extend_i32_s (call $cas @key.ptr@ (i32.const 0) (i32.const 0) (i32.const -1) @a@)))
  (call $emit @j_comma@)
  ;; 6. a key of 257 bytes
  (call $emit_i64 (i64.extend_i32_s (call $cas @long_key@ (i32.const 0) (i32.const -1) @a@)))
  (call $emit @j_comma@)
  ;; 7. expect "b", store the empty value
  (call $emit_i64 (i64.extend_i32_s (call $cas @key@ @b@ @a.ptr@ (i32.const 0))))
  (call $emit @j_comma@)
  ;; 8. set "b" if absent: the empty value is present
  (call $emit_i64 (i64.extend_i32_s (call $cas @key@ (i32.const 0) (i32.const -1) @b@)))
  (call $emit @j_comma@)
  ;; 9. expect the empty value, store "a"
  (call $emit_i64 (i64.extend_i32_s (call $cas @key@ @a.ptr@ (i32.const 0) @a@)))
  (call $emit @j_length@)
  (call $emit_i64 (i64.extend_i32_s (call $host_get_state @key@ (i32.const 0) (i32.const 0))))
  (call $emit @j_end@)
  (call $write_output (local.get $start) (i32.sub (global.get $cursor) (local.get $start)) (local.get $out) (local.get $cell)))
