;; Hostile: writes headers, then 64 KiB chunks of body without end.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (data (i32.const 0) "Content-Type: text/plain\n\n")
  (func (export "_start")
    (i32.store (i32.const 100) (i32.const 0))
    (i32.store (i32.const 104) (i32.const 26))
    (drop (call $fd_write (i32.const 1) (i32.const 100) (i32.const 1) (i32.const 108)))
    (i32.store (i32.const 100) (i32.const 65536))
    (i32.store (i32.const 104) (i32.const 65536))
    (loop $more
      (br_if $more (i32.eqz (call $fd_write (i32.const 1) (i32.const 100) (i32.const 1) (i32.const 108)))))))
