  (data (i32.const 2048) "\"prompt\":\"\00")
  (data (i32.const 2064) "{\"text\":\00")
  (data (i32.const 2080) ",\"model\":\"{{name}}\",\"finish_reason\":\"stop\",\"usage\":{\"prompt_tokens\":0,\"completion_tokens\":0}}\00")
  (data (i32.const 2304) "input needs a string field \"prompt\"\00")

  ;; The provider: answers with the prompt itself (its JSON string, copied with its escapes). Token
  ;; counts are not computed (0). Replace it with yours.
  (func (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32)
                                  (result i32)
    (local $start i32) (local $end i32) (local $cap i32) (local $pos i32)
    (local.set $start (call $find (local.get $in) (local.get $in_len) (i32.const 2048)))
    (if (i32.lt_s (local.get $start) (i32.const 0))
      (then (return (call $fail (local.get $out) (local.get $cell) (i32.const -2) (i32.const 2304)))))
    ;; $start: the opening quote of the prompt's value; $end: just after its closing quote
    (local.set $start (i32.add (local.get $start) (i32.const 9)))
    (local.set $end (i32.add (local.get $start) (i32.const 1)))
    (block $closed
      (loop $scan
        (if (i32.ge_u (local.get $end) (local.get $in_len))
          (then (return (call $fail (local.get $out) (local.get $cell) (i32.const -2) (i32.const 2304)))))
        (if (i32.eq (i32.load8_u (i32.add (local.get $in) (local.get $end))) (i32.const 92)) ;; backslash
          (then (local.set $end (i32.add (local.get $end) (i32.const 2))) (br $scan)))
        (local.set $end (i32.add (local.get $end) (i32.const 1)))
        (br_if $closed (i32.eq (i32.load8_u (i32.add (local.get $in) (i32.sub (local.get $end) (i32.const 1))))
                               (i32.const 34))) ;; quote
        (br $scan)))
    (local.set $cap (i32.load (local.get $cell)))
    (local.set $pos (call $put_str (local.get $out) (local.get $cap) (i32.const 0) (i32.const 2064)))
    (local.set $pos (call $put (local.get $out) (local.get $cap) (local.get $pos)
                      (i32.add (local.get $in) (local.get $start)) (i32.sub (local.get $end) (local.get $start))))
    (local.set $pos (call $put_str (local.get $out) (local.get $cap) (local.get $pos) (i32.const 2080)))
    (call $finish (local.get $cell) (local.get $pos)))
)
