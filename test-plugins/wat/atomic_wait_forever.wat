;; @name atomic_wait_forever
;; @description plugin_execute waits on a shared memory with memory.atomic.wait32 and no timeout; nothing notifies it
;; @omit memory
;; Proves: the execution's deadline (and a cancellation) ends a wait that would last forever: it is no host call and
;; charges no fuel, so only the budget's stop flag, which the waiting thread looks at every 10 ms, ends it (before,
;; the thread and its instance waited forever past any deadline). The host reports TIMEOUT.

(memory (export "memory") 8 64 shared)
(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32)
  (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1)))
  (i32.const 0))
