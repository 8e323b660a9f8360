;; Function 1 returns an i64 where its type says i32; wat2wasm --no-check keeps it.
(module
  (func (result i32) (i32.const 1))
  (func (result i32) (i64.const 2)))
