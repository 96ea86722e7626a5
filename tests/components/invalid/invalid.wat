;; invalid: decodes, but fails validation: keel_handle is declared to return i64 and
;; returns an i32. Assembled with wat2wasm --no-check; the runtime must refuse to load it
;; with the validator's message and keep serving everything else.
(module
  (memory (export "memory") 1)
  (func (export "_initialize"))
  (func (export "keel_alloc") (param i32) (result i32)
    i32.const 1024)
  (func (export "keel_free") (param i32))
  (func (export "keel_handle") (param i32 i32) (result i64)
    i32.const 0))
