;; @name host_functions_probe
;; @description calls every env.* host function and returns what it observed as JSON
(import "env" "host_log" (func $host_log (param i32 i32 i32) (result i32)))
(import "env" "host_current_time_ms" (func $host_current_time_ms (result i64)))
(import "env" "host_random" (func $host_random (param i32) (result i32)))
(import "env" "host_set_state" (func $host_set_state (param i32 i32 i32 i32) (result i32)))
(import "env" "host_get_state" (func $host_get_state (param i32 i32 i32 i32) (result i32)))
(import "env" "host_get_context" (func $host_get_context (param i32 i32) (result i32)))
;; @string key_calls "calls"
;; @string key_probe "probe"
;; @string probe_value "0123456789"
;; @string key_missing "no-such-key"
;; @string log_message "host_functions_probe: execute #"
;; @string in_random_max "\"random_max\""
;; @string in_log_bytes "\"log_bytes\""
;; @string j_calls "{\"calls\":"
;; @string j_log ",\"log\":"
;; @string j_log_bad_level ",\"log_bad_level\":"
;; @string j_time ",\"time_ms\":"
;; @string j_random_max ",\"random_max\":"
;; @string j_random ",\"random\":["
;; @string j_comma ","
;; @string j_random_one "],\"random_one\":"
;; @string j_random_bad ",\"random_bad_max\":"
;; @string j_state_set ",\"state_set\":"
;; @string j_state_missing ",\"state_missing\":"
;; @string j_state_empty ",\"state_empty_key\":"
;; @string j_state_long ",\"state_long_key\":"
;; @string j_trunc_len ",\"state_truncated_len\":"
;; @string j_trunc_value ",\"state_truncated_value\":\""
;; @string j_trunc_untouched "\",\"state_truncated_untouched\":"
;; @string j_true "true"
;; @string j_false "false"
;; @string j_log_bytes ",\"log_bytes\":{\"requested\":"
;; @string j_logged ",\"logged\":"
;; @string j_dropped ",\"dropped\":"
;; @string j_other ",\"other\":"
;; @string j_context_len "},\"context_len\":"
;; @string j_context ",\"context\":"
;; @string j_null "null"
;; @string j_end "}"
;;
;; A transform (its output is not a record, so use it directly, not in a pipeline) that calls
;; every host function of ABI v1 and reports the results, so that runtime tests can assert each
;; one. Output (one line; numbers vary):
;;
;;   {"calls":N,                          this plugin's execution count, kept in its state under
;;                                        "calls" (host_get_state + host_set_state): it survives
;;                                        instance recycling and is shared by the plugin's instances
;;    "log":0,                            host_log(2, "host_functions_probe: execute #N")
;;    "log_bad_level":-2,                 host_log(9, ...)
;;    "time_ms":T,                        host_current_time_ms()
;;    "random_max":M,                     input "random_max" (default 1000)
;;    "random":[a,b,c],                   host_random(M) three times
;;    "random_one":0,                     host_random(1)
;;    "random_bad_max":-2,                host_random(0)
;;    "state_set":0,                      host_set_state("calls", N)
;;    "state_missing":-1,                 host_get_state("no-such-key", ...)
;;    "state_empty_key":-2,               host_set_state with an empty key
;;    "state_long_key":-2,                host_set_state with a 257-byte key
;;    "state_truncated_len":10,           host_get_state("probe", buf, 4) after setting
;;                                        "probe" = "0123456789": the full length ...
;;    "state_truncated_value":"0123",     ... but only 4 bytes copied ...
;;    "state_truncated_untouched":true,   ... and the 5th byte of buf left alone
;;    "log_bytes":{"requested":B,"logged":x,"dropped":y,"other":z},
;;                                        input "log_bytes" (default 0): logs B bytes in 1 KiB
;;                                        messages at level 1 and counts the results 0 / 1 / other
;;                                        (to test the per-execution log cap)
;;    "context_len":L,                    host_get_context(p, 0): the full length, or -1
;;    "context":{...} | null}             host_get_context(p, L), copied verbatim
;;
;; Input: any JSON; only "random_max" and "log_bytes" (unsigned integers) are looked at.
;; Before any side effect it checks that the output buffer can hold 2048 + L bytes and otherwise
;; returns -5 asking for that much (an upper bound), so a host retry does not count twice.

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (local $s i32) (local $ctx_len i32) (local $need i32) (local $r i32) (local $i i32) (local $len i32)
  (local $calls i64) (local $n i64) (local $random_max i32) (local $remaining i32)
  (local $logged i32) (local $dropped i32) (local $other i32) (local $log_requested i32)
  (local $log_r i32) (local $log_bad i32) (local $time i64) (local $r1 i32) (local $r2 i32) (local $r3 i32)
  (local $one i32) (local $bad i32) (local $state_set i32) (local $missing i32) (local $empty i32)
  (local $long i32) (local $trunc_len i32) (local $untouched i32) (local $start i32)

  ;; context length first: it decides how much room the output needs
  (local.set $ctx_len (call $host_get_context (i32.const 64) (i32.const 0)))
  (local.set $need (i32.add (i32.const 2048) (select (local.get $ctx_len) (i32.const 0)
                                                     (i32.gt_s (local.get $ctx_len) (i32.const 0)))))
  (if (i32.gt_u (local.get $need) (i32.load (local.get $cell)))
    (then
      (i32.store (local.get $cell) (local.get $need))
      (return (i32.const -5))))

  ;; scratch: [s, s+32) state value, [s+32, s+64) truncation probe, [s+64, s+1088) log chunk,
  ;; [s+1088, s+2048) log message, [s+2048, ...) the output JSON
  (local.set $s (call $bump_alloc (i32.add (local.get $need) (i32.const 2048))))
  (if (i32.eqz (local.get $s))
    (then
      (i32.store (local.get $cell) (i32.const 0)) ;; no message
      (return (i32.const -4))))

  ;; --- the call counter, kept in state ---
  (local.set $r (call $host_get_state @key_calls@ (local.get $s) (i32.const 32)))
  (if (i32.gt_s (local.get $r) (i32.const 0))
    (then
      (local.set $len (select (local.get $r) (i32.const 20) (i32.lt_s (local.get $r) (i32.const 20))))
      (local.set $i (i32.const 0))
      (block $parsed
        (loop $digit
          (br_if $parsed (i32.ge_u (local.get $i) (local.get $len)))
          (local.set $calls (i64.add (i64.mul (local.get $calls) (i64.const 10))
            (i64.extend_i32_u (i32.sub (i32.load8_u (i32.add (local.get $s) (local.get $i))) (i32.const 48)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $digit)))))
  (local.set $calls (i64.add (local.get $calls) (i64.const 1)))
  (global.set $cursor (local.get $s))
  (call $emit_u64 (local.get $calls))
  (local.set $state_set (call $host_set_state @key_calls@ (local.get $s)
                                              (i32.sub (global.get $cursor) (local.get $s))))

  ;; --- host_log ---
  (global.set $cursor (i32.add (local.get $s) (i32.const 1088)))
  (call $emit @log_message@)
  (call $emit_u64 (local.get $calls))
  (local.set $len (i32.sub (global.get $cursor) (i32.add (local.get $s) (i32.const 1088))))
  (local.set $log_r (call $host_log (i32.const 2) (i32.add (local.get $s) (i32.const 1088)) (local.get $len)))
  (local.set $log_bad (call $host_log (i32.const 9) (i32.add (local.get $s) (i32.const 1088)) (local.get $len)))

  ;; --- host_current_time_ms ---
  (local.set $time (call $host_current_time_ms))

  ;; --- host_random ---
  (local.set $n (call $json_find_uint (local.get $in) (local.get $in_len) @in_random_max@))
  (local.set $random_max (i32.const 1000))
  (if (i64.gt_s (local.get $n) (i64.const 0))
    (then (local.set $random_max
            (if (result i32) (i64.gt_s (local.get $n) (i64.const 0x7FFFFFFF))
              (then (i32.const 0x7FFFFFFF))
              (else (i32.wrap_i64 (local.get $n)))))))
  (local.set $r1 (call $host_random (local.get $random_max)))
  (local.set $r2 (call $host_random (local.get $random_max)))
  (local.set $r3 (call $host_random (local.get $random_max)))
  (local.set $one (call $host_random (i32.const 1)))
  (local.set $bad (call $host_random (i32.const 0)))

  ;; --- host_set_state / host_get_state edge cases ---
  (drop (call $host_set_state @key_probe@ @probe_value@))
  (local.set $missing (call $host_get_state @key_missing@ (i32.add (local.get $s) (i32.const 32)) (i32.const 32)))
  (local.set $empty (call $host_set_state @key_probe.ptr@ (i32.const 0) @probe_value@))
  (local.set $long (call $host_set_state (i32.add (local.get $s) (i32.const 64)) (i32.const 257) @probe_value@))
  (i64.store (i32.add (local.get $s) (i32.const 32)) (i64.const 0x2323232323232323)) ;; "########"
  (local.set $trunc_len (call $host_get_state @key_probe@ (i32.add (local.get $s) (i32.const 32)) (i32.const 4)))
  (local.set $untouched (i32.eq (i32.load8_u (i32.add (local.get $s) (i32.const 36))) (i32.const 35)))

  ;; --- log_bytes: fill the log chunk with 'x' and log it until the requested bytes are out ---
  (local.set $n (call $json_find_uint (local.get $in) (local.get $in_len) @in_log_bytes@))
  (if (i64.gt_s (local.get $n) (i64.const 0))
    (then (local.set $log_requested
            (if (result i32) (i64.gt_s (local.get $n) (i64.const 0x7FFFFFFF))
              (then (i32.const 0x7FFFFFFF))
              (else (i32.wrap_i64 (local.get $n)))))))
  (local.set $i (i32.const 0))
  (block $filled
    (loop $fill
      (br_if $filled (i32.ge_u (local.get $i) (i32.const 1024)))
      (i32.store8 (i32.add (i32.add (local.get $s) (i32.const 64)) (local.get $i)) (i32.const 120)) ;; 'x'
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $fill)))
  (local.set $remaining (local.get $log_requested))
  (block $logged_all
    (loop $log_chunk
      (br_if $logged_all (i32.le_s (local.get $remaining) (i32.const 0)))
      (local.set $len (select (local.get $remaining) (i32.const 1024)
                              (i32.lt_s (local.get $remaining) (i32.const 1024))))
      (local.set $r (call $host_log (i32.const 1) (i32.add (local.get $s) (i32.const 64)) (local.get $len)))
      (if (i32.eqz (local.get $r))
        (then (local.set $logged (i32.add (local.get $logged) (i32.const 1))))
        (else
          (if (i32.eq (local.get $r) (i32.const 1))
            (then (local.set $dropped (i32.add (local.get $dropped) (i32.const 1))))
            (else (local.set $other (i32.add (local.get $other) (i32.const 1)))))))
      (local.set $remaining (i32.sub (local.get $remaining) (local.get $len)))
      (br $log_chunk)))

  ;; --- the report ---
  (local.set $start (i32.add (local.get $s) (i32.const 2048)))
  (global.set $cursor (local.get $start))
  (call $emit @j_calls@)           (call $emit_u64 (local.get $calls))
  (call $emit @j_log@)             (call $emit_i64 (i64.extend_i32_s (local.get $log_r)))
  (call $emit @j_log_bad_level@)   (call $emit_i64 (i64.extend_i32_s (local.get $log_bad)))
  (call $emit @j_time@)            (call $emit_i64 (local.get $time))
  (call $emit @j_random_max@)      (call $emit_i64 (i64.extend_i32_s (local.get $random_max)))
  (call $emit @j_random@)          (call $emit_i64 (i64.extend_i32_s (local.get $r1)))
  (call $emit @j_comma@)           (call $emit_i64 (i64.extend_i32_s (local.get $r2)))
  (call $emit @j_comma@)           (call $emit_i64 (i64.extend_i32_s (local.get $r3)))
  (call $emit @j_random_one@)      (call $emit_i64 (i64.extend_i32_s (local.get $one)))
  (call $emit @j_random_bad@)      (call $emit_i64 (i64.extend_i32_s (local.get $bad)))
  (call $emit @j_state_set@)       (call $emit_i64 (i64.extend_i32_s (local.get $state_set)))
  (call $emit @j_state_missing@)   (call $emit_i64 (i64.extend_i32_s (local.get $missing)))
  (call $emit @j_state_empty@)     (call $emit_i64 (i64.extend_i32_s (local.get $empty)))
  (call $emit @j_state_long@)      (call $emit_i64 (i64.extend_i32_s (local.get $long)))
  (call $emit @j_trunc_len@)       (call $emit_i64 (i64.extend_i32_s (local.get $trunc_len)))
  (call $emit @j_trunc_value@)
  ;; the (up to) 4 copied bytes; they are digits when the host behaves
  (call $emit (i32.add (local.get $s) (i32.const 32))
              (select (i32.const 4) (i32.const 0) (i32.ge_s (local.get $trunc_len) (i32.const 4))))
  (call $emit @j_trunc_untouched@)
  (if (local.get $untouched) (then (call $emit @j_true@)) (else (call $emit @j_false@)))
  (call $emit @j_log_bytes@)       (call $emit_i64 (i64.extend_i32_s (local.get $log_requested)))
  (call $emit @j_logged@)          (call $emit_i64 (i64.extend_i32_s (local.get $logged)))
  (call $emit @j_dropped@)         (call $emit_i64 (i64.extend_i32_s (local.get $dropped)))
  (call $emit @j_other@)           (call $emit_i64 (i64.extend_i32_s (local.get $other)))
  (call $emit @j_context_len@)     (call $emit_i64 (i64.extend_i32_s (local.get $ctx_len)))
  (call $emit @j_context@)
  (if (i32.gt_s (local.get $ctx_len) (i32.const 0))
    (then
      (local.set $r (call $host_get_context (global.get $cursor) (local.get $ctx_len)))
      (if (i32.gt_s (local.get $r) (i32.const 0))
        (then
          (global.set $cursor (i32.add (global.get $cursor)
            (select (local.get $ctx_len) (local.get $r) (i32.gt_s (local.get $r) (local.get $ctx_len))))))
        (else (call $emit @j_null@))))
    (else (call $emit @j_null@)))
  (call $emit @j_end@)

  (local.set $r (call $write_output (local.get $start) (i32.sub (global.get $cursor) (local.get $start))
                                    (local.get $out) (local.get $cell)))
  (call $plugin_free (local.get $s) (i32.const 0))
  (local.get $r))
