;; Hostile: a Keel handler that imports kv without a grant.
(module
  (import "keel:platform/kv" "get" (func $kv_get (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "keel_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "keel_free") (param i32))
  (func (export "keel_handle") (param i32 i32) (result i64) (i64.const 0)))
