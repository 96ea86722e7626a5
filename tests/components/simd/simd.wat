;; A Keel handler with one SIMD lane instruction (v128.load8_lane). It validates, and the
;; interpreter runs it, but wabt 1.0.32's C writer calls abort() on lane instructions: the
;; registry must never hand it to the AOT translator. Answers "simd ok N", N being the
;; length of the request's method as read through the lane load.
(module
  (memory (export "memory") 2)
  (global $next (mut i32) (i32.const 8192))
  (data (i32.const 4108) "simd ok ")
  (func (export "keel_alloc") (param $n i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $next))
    (global.set $next (i32.add (global.get $next) (i32.and (i32.add (local.get $n) (i32.const 7)) (i32.const -8))))
    (local.get $p))
  (func (export "keel_free") (param i32))
  ;; response at 4096: status=200, 0 headers, body of 9 bytes at 4108
  (func (export "keel_handle") (param $req i32) (param $len i32) (result i64)
    (i32.store8 (i32.const 4116)
      (i32.add (i32.const 48)
        (i8x16.extract_lane_u 0 (v128.load8_lane 0 (local.get $req) (v128.const i64x2 0 0)))))
    (i32.store (i32.const 4096) (i32.const 200))
    (i32.store (i32.const 4100) (i32.const 0))
    (i32.store (i32.const 4104) (i32.const 9))
    (global.set $next (i32.const 8192))
    (i64.or (i64.shl (i64.const 4096) (i64.const 32)) (i64.const 21))))
