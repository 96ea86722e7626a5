;; A WAGI module with a keel:platform import: answers the manifest's config value
;; "greeting" (a WAGI request needs a KeelHost only when its module imports one).
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "keel:platform/config" "get" (func $config_get (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "Content-Type: text/plain\n\n")
  (data (i32.const 64) "greeting")
  ;; 0..26 header, 64 key, 100 iovec, 1024 value
  (func $write (param $ptr i32) (param $len i32)
    (i32.store (i32.const 100) (local.get $ptr))
    (i32.store (i32.const 104) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 100) (i32.const 1) (i32.const 108))))
  (func (export "_start")
    (local $len i32)
    (call $write (i32.const 0) (i32.const 26))
    (local.set $len (call $config_get (i32.const 64) (i32.const 8) (i32.const 1024) (i32.const 256)))
    (if (i32.gt_s (local.get $len) (i32.const 0))
      (then (call $write (i32.const 1024) (local.get $len))))))
