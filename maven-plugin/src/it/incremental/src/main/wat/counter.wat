;; wat2wasm src/main/wat/counter.wat -o src/main/wasm/counter.wasm
(module
  (memory (export "memory") 1)
  (global $count (mut i32) (i32.const 0))
  (func (export "bump") (param $by i32) (result i32)
    global.get $count
    local.get $by
    i32.add
    global.set $count
    global.get $count))
