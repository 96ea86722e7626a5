/*
 * The one entry point every benchmark kernel exports:
 *   uint32_t run(uint32_t iterations)   does `iterations` units of work, returns a checksum
 * The checksum depends on every iteration, so no compiler can skip work, and it must be
 * the same on every tier (native, AOT, interpreter, Node.js): bench/run.sh compares them.
 * The same source builds natively (clang-14 -O2 and gcc -O2, -shared) and to wasm32-wasi (clang-14 -O2,
 * a WASI reactor with no imports).
 */
#pragma once

#include <stdint.h>

#if defined(__wasm__)
#define KERNEL_EXPORT __attribute__((export_name("run")))
#else
#define KERNEL_EXPORT __attribute__((visibility("default")))
#endif

KERNEL_EXPORT uint32_t run(uint32_t iterations);
