#pragma once

#include <string>

namespace keel::aot {

// Rewrites what wabt 1.0.32's C writer produced before it is compiled, to take two costs
// off every linear-memory access (docs/aot.md, "Generated code"). Text in, text out; it
// never changes what the module computes, and anything it does not recognise exactly is
// left as wasm2c wrote it (still correct, only slower).
//
// 1. Float loads: wasm2c keeps a load whose value is dropped from being optimised away
//    (so an out-of-bounds one still faults) with `asm("" :: "r"(value))`. For f32/f64 the
//    "r" constraint moves every loaded value to a general-purpose register and makes the
//    compiler load it twice when the load is also folded into arithmetic. The value is
//    instead pinned in a floating-point register ("x" on x86-64, "w" on AArch64); the
//    load still happens, exactly once.
// 2. The memory base (guard-page objects only): every access reads
//    `instance->memory.data`, and because a store to linear memory may alias anything the
//    compiler reloads the base after every store. The Keel runtime never moves a memory
//    (it is a fixed reservation that grows in place, rt/wasmrt.c), so each function reads
//    the base once into a local and the loads and stores use that. Objects built with
//    explicit bounds checks keep wasm2c's accessors (their checks read the current size).
struct CSourceTuner
{
    // module.c and module.h as wasm2c wrote them; returns the rewritten module.c.
    static std::string tune(const std::string &moduleC, const std::string &moduleH, bool guardPages);
};

} // namespace keel::aot
