;; @name wasi_poll_oneoff_many_clocks
;; @description imports wasi_snapshot_preview1.poll_oneoff; prepares {"subscriptions": N} clock subscriptions (monotonic, relative timeout 0, userdata = index) and polls them all at once
(import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
;; @string key_subscriptions "\"subscriptions\""
;; @string errno_prefix "{\"errno\":"
;; @string events_prefix ",\"events\":"
;; @string last_prefix ",\"last_userdata\":"
;; @string close "}"
;; Proves: poll_oneoff keeps no host object per subscription. One call with a million clock subscriptions (48 MB of
;; guest memory, about 3 million fuel) made the host build a list of a million arrays (and a 32-byte array per
;; event); under a 2 GiB memory cap, 44 million subscriptions would have asked the host heap for gigabytes. Output
;; {"errno": E, "events": n, "last_userdata": u} (u: the userdata of the last event). A missing key counts as 1.

(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (local $n i64) (local $subs i32) (local $events i32) (local $nevents i32) (local $i i32) (local $sub i32) (local $errno i32)
  (local.set $n (call $json_find_uint (local.get $in) (local.get $in_len) @key_subscriptions@))
  (if (i64.lt_s (local.get $n) (i64.const 1)) (then (local.set $n (i64.const 1))))
  ;; N subscriptions of 48 bytes, N events of 32 bytes, then the cell for the number of events
  (local.set $subs (call $bump_alloc (i32.add (i32.wrap_i64 (i64.mul (local.get $n) (i64.const 80))) (i32.const 8))))
  (if (i32.eqz (local.get $subs)) (then (unreachable)))
  (local.set $events (i32.add (local.get $subs) (i32.wrap_i64 (i64.mul (local.get $n) (i64.const 48)))))
  (local.set $nevents (i32.add (local.get $events) (i32.wrap_i64 (i64.mul (local.get $n) (i64.const 32)))))
  (memory.fill (local.get $subs) (i32.const 0) (i32.wrap_i64 (i64.mul (local.get $n) (i64.const 80))))
  (i32.store (local.get $nevents) (i32.const 0))
  (local.set $i (i32.const 0))
  (block $done
    (loop $fill
      (br_if $done (i64.ge_u (i64.extend_i32_u (local.get $i)) (local.get $n)))
      (local.set $sub (i32.add (local.get $subs) (i32.mul (local.get $i) (i32.const 48))))
      (i64.store (local.get $sub) (i64.extend_i32_u (local.get $i)))   ;; userdata
      (i32.store8 offset=8 (local.get $sub) (i32.const 0))               ;; EVENTTYPE_CLOCK
      (i32.store offset=16 (local.get $sub) (i32.const 1))               ;; CLOCK_MONOTONIC, relative timeout 0
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $fill)))
  (local.set $errno (call $poll_oneoff (local.get $subs) (local.get $events) (i32.wrap_i64 (local.get $n)) (local.get $nevents)))
  (global.set $cursor (i32.const 64))
  (call $emit @errno_prefix@)
  (call $emit_u64 (i64.extend_i32_u (local.get $errno)))
  (call $emit @events_prefix@)
  (call $emit_u64 (i64.extend_i32_u (i32.load (local.get $nevents))))
  (call $emit @last_prefix@)
  (if (i32.gt_u (i32.load (local.get $nevents)) (i32.const 0))
    (then (call $emit_u64 (i64.load (i32.add (local.get $events)
              (i32.mul (i32.sub (i32.load (local.get $nevents)) (i32.const 1)) (i32.const 32)))))))
  (call $emit @close@)
  (call $plugin_free (local.get $subs) (i32.const 0)) ;; the next call reuses the same memory
  (call $write_output (i32.const 64) (i32.sub (global.get $cursor) (i32.const 64)) (local.get $out) (local.get $cell)))
