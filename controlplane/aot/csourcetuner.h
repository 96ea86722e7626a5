#pragma once

#include <string>

namespace keel::aot {

// Rewrites what wabt 1.0.32's C writer produced before it is compiled, to take two costs
// off every linear-memory access (docs/aot.md, "Generated code"). Text in, text out; it
// never changes what the module computes, and anything it does not recognise exactly is
// left as wasm2c wrote it (still correct, only slower).
//
// 1. Force-read (objects with bounds checks): wasm2c keeps a load whose value is dropped
//    from being optimised away (so an out-of-bounds one still traps) with
//    `asm("" :: "r"(value))`. For f32/f64 the "r" constraint moves every loaded value to a
//    general-purpose register; the value is instead pinned in a floating-point register ("x"
//    on x86-64, "w" on AArch64).
// 2. Load sink (guard-page objects): an asm per load also keeps the C compiler from
//    vectorising any loop with a load in it. Instead every load adds the bits of its value to
//    a per-function accumulator (`keel_sink`, a u32 for values up to 32 bits and a u64 for
//    64-bit ones), and one volatile asm with the accumulator as input ("pin") sits before
//    every return, every call, every trap and every back edge that is not a conditional
//    branch (or whose condition wasm2c set from a constant on the line before). A load can
//    then only be dropped on a path that reaches no pin, and every path out of a load
//    reaches one: it returns, calls, traps, or loops, and a loop the compiler could see never
//    exits has an unconditional (pinned) back edge. Addition, not xor: xor cancels two loads
//    of the same bytes. A sum is a reduction the vectoriser handles, so loops still vectorise.
// 3. The memory base (guard-page objects only): every access reads
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
