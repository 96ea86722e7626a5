;; A Keel handler that declares a table of 100,000,000 funcref elements: a few dozen bytes
;; of module that would allocate ~800 MB (interpreter) or more (AOT) outside memory_mb.
;; The runtime refuses it at load on both tiers, naming the table's size.
(module
  (table 100000000 funcref)
  (memory (export "memory") 1)
  (func (export "keel_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "keel_free") (param i32))
  (func (export "keel_handle") (param i32 i32) (result i64) (i64.const 0)))
