;; Well-formed but invalid: function 1 promises an i32 and returns an i64. Built without validation:
;;   wat2wasm --no-check src/main/wat/broken.wat -o src/main/wasm/broken.wasm
(module
  (func (export "ok") (result i32)
    i32.const 1)
  (func (export "wrong") (result i32)
    i64.const 7))
