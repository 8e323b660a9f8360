;; A second, minimal module (not a full plugin: the compiler compiles any valid module). Built with:
;;   wat2wasm src/main/wat/greeter.wat -o "src/main/wasm/nested/Greeter Two.wasm"
(module
  (memory (export "memory") 1)
  (func $greet (export "greet") (param i32) (result i32)
    local.get 0
    i32.const 42
    i32.add))
